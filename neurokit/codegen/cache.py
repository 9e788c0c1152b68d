"""Model IRs and their generated C kept as data between processes, so a warm start of a known
model needs neither Brian2 (which builds the IR) nor sympy (which prints it).

An entry is JSON (never a pickle) in the cache folder ``ir`` (:mod:`neurokit.data_cache`),
named by a hash of everything that decides the IR and its code: the equations text,
threshold, reset, refractory, method, stimulus, TimedArray tables (by content hash), Brian2
functions (binomial numbers, user C code, a digest of their Python code) and initial values, the model's name, the
neurokit version, the code of :mod:`neurokit.codegen` itself and the kernel flags. It holds
what the native backend needs to fill a batch and run a kernel: state and parameter names with
their SI units, the stimulus, the number of random draws, initial values as printed
expressions, and the C source per dtype (added when a dtype is first built). The entry's hash
is checked on load; a missing, corrupt or stale entry is rebuilt from the equations. The
compiled library itself is found by :mod:`neurokit.codegen.build` from that source (verified
against its recorded SHA-256).

Example
-------
>>> from neurokit.codegen.cache import model_ir
>>> from neurokit.models.point import LIF
>>> ir = model_ir(LIF)          # built and stored on the first call, read back afterwards
>>> ir.state_names[0]
'v'
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from neurokit.codegen.ir import IRQueries, ParamVar, StateVar
from neurokit.data_cache import cache_dir, read_entry, write_entry
from neurokit.errors import ExpressionError, ModelError

LOG = logging.getLogger("neurokit.codegen.cache")
FORMAT = 1
_SPEC = ("name", "equations", "threshold", "reset", "refractory", "method", "stimulus", "tables", "functions",
         "initial")


@dataclass(frozen=True)
class CachedIR(IRQueries):
    """What the native backend reads of a model's IR, from the cache or just built.

    ``path``: its entry in the cache. Equal and hashed by ``key`` alone (the hash of the model's definition). ``initial`` holds
    (state, printed expression of the parameters) pairs, or None where an initial value is
    not a plain expression (then :meth:`initial_values` asks the full IR). ``sources`` maps a
    dtype to the generated C.
    """

    key: str
    spec: tuple = field(compare=False, repr=False)
    path: Path = field(compare=False, repr=False)
    name: str = field(compare=False)
    method: str = field(compare=False)
    states: tuple = field(compare=False)
    parameters: tuple = field(compare=False)
    stimulus: str | None = field(compare=False)
    n_rand_step: int = field(compare=False)
    n_rand_reset: int = field(compare=False)
    initial: tuple | None = field(compare=False)
    sources: dict = field(compare=False, repr=False, default_factory=dict)

    def full(self):
        """The full :class:`~neurokit.codegen.ir.ModelIR` (built through Brian2 and sympy)."""
        from neurokit.codegen.frontend import build_ir

        return build_ir(SimpleNamespace(**dict(zip(_SPEC, self.spec[:-1])), initial=dict(self.spec[-1])))

    def initial_values(self, params: dict, n: int, defaults: dict) -> dict[str, np.ndarray]:
        """Start value (n,) of every state variable: ``defaults`` (state -> number), then the
        model's initial values computed from ``params`` (name -> (n,) array, SI)."""
        init = {s: np.full(n, defaults.get(s, 0.0)) for s in self.state_names}
        if self.initial is None:  # printed from the full IR, run by the NumPy target's namespace
            from neurokit.codegen.targets.numpy import NAMESPACE, _Printer

            printer, env = _Printer(), {**NAMESPACE, **params}
            pairs = [(a.target, printer.doprint(a.expr)) for a in self.full().initial]

            def run(text):
                return eval(text, {"__builtins__": {}}, env)  # noqa: S307 - printed IR
        else:
            from neurokit.expressions import evaluate

            pairs = self.initial

            def run(text):
                return evaluate(text, params, where="initial value")
        for target, text in pairs:
            with np.errstate(all="ignore"):
                value = run(text)
            init[target] = np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()
        return init


def model_spec(model) -> tuple:
    """The fields of ``model`` that decide its IR, as a hashable tuple."""
    try:
        # TimedArray tables print as their content hash in the key (see model_key)
        return (model.name, model.equations, model.threshold, model.reset, model.refractory, model.method,
                model.stimulus, tuple(getattr(model, "tables", ()) or ()),
                tuple(getattr(model, "functions", ()) or ()),
                tuple(sorted((model.initial or {}).items())))
    except AttributeError:
        raise ModelError(f"native backend needs a PointModel, got {type(model).__name__}") from None


@functools.lru_cache(maxsize=1)
def _codegen_digest() -> str:
    """Hash of the code generator's own source and the kernel flags: a change to either makes
    every cached entry stale."""
    from neurokit import __version__
    from neurokit.codegen.build import kernel_cflags

    h = hashlib.sha256(f"{__version__}\0{' '.join(kernel_cflags())}\0{FORMAT}".encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.relative_to(Path(__file__).parent).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def model_key(spec: tuple) -> str:
    """Hash of a model spec (:func:`model_spec`) and the code generator."""
    text = json.dumps([list(spec[:-1]), [list(kv) for kv in spec[-1]], _codegen_digest()], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def entry_path(spec: tuple, key: str) -> Path:
    """Where the entry of ``spec`` lives."""
    safe = "".join(ch if ch.isalnum() else "_" for ch in str(spec[0]))[:40] or "model"
    return cache_dir("ir") / f"{safe}_{key}.json"


def model_ir(model) -> CachedIR:
    """The :class:`CachedIR` of a point model: from the cache when an intact entry exists,
    else built (Brian2, sympy) and stored.

    Raises
    ------
    ModelError
        ``model`` is not a point model.
    EquationError
        The equations do not build (see :func:`neurokit.codegen.frontend.build_ir`).
    """
    spec = model_spec(model)
    key = model_key(spec)
    return _model_ir(spec, key, entry_path(spec, key))


@functools.lru_cache(maxsize=64)
def _model_ir(spec: tuple, key: str, path: Path) -> CachedIR:
    """Per process and cache folder: the entry is read (or built) once."""
    payload = read_entry(path)
    if payload is not None:
        try:
            return _from_payload(payload, spec, key, path)
        except (KeyError, TypeError, ValueError) as exc:
            LOG.warning("cached IR %s is malformed (%s): rebuilding it", path.name, exc)
    elif path.exists():
        LOG.warning("cached IR %s does not match its hash: rebuilding it", path.name)
    ir = _from_full(spec, key, path)
    _store(ir)
    return ir


def c_source(ir: CachedIR, dtype: str) -> str:
    """The C source of ``ir`` in ``dtype``: from the entry, or generated and added to it."""
    if dtype not in ir.sources:
        from neurokit.codegen.targets.c import generate

        ir.sources[dtype] = generate(ir.full(), dtype)
        _store(ir)
    return ir.sources[dtype]


def _from_full(spec: tuple, key: str, path: Path) -> CachedIR:
    from neurokit.codegen.targets.numpy import _Printer
    from neurokit.expressions import evaluate

    shell = CachedIR(key, spec, path, spec[0], "", (), (), None, 0, 0, None)
    full = shell.full()
    printer, initial = _Printer(), []
    probe = {p.name: np.ones(2) for p in full.parameters}
    # a parameter that the reset writes starts at its own column (neurokit.codegen.reset_params)
    probe.update({a.target: np.ones(2) for a in full.initial if getattr(a.expr, "name", None) == a.target})
    for a in full.initial:
        text = printer.doprint(a.expr)
        try:  # plain arithmetic of the parameters: read back without sympy
            evaluate(text, probe, where="initial value")
        except ExpressionError:
            initial = None
            break
        initial.append((a.target, text))
    return CachedIR(key, spec, path, full.name, full.method, tuple(full.states), tuple(full.parameters), full.stimulus,
                    full.n_rand_step, full.n_rand_reset, None if initial is None else tuple(initial))


def _store(ir: CachedIR) -> None:
    payload = {
        "format": FORMAT, "key": ir.key, "name": ir.name, "method": ir.method,
        "states": [[s.name, s.unit] for s in ir.states],
        "parameters": [[p.name, p.unit, bool(p.shared)] for p in ir.parameters],
        "stimulus": ir.stimulus, "n_rand_step": ir.n_rand_step, "n_rand_reset": ir.n_rand_reset,
        "initial": None if ir.initial is None else [list(a) for a in ir.initial],
        "c": dict(ir.sources)}
    try:
        write_entry(ir.path, payload)
    except OSError as exc:  # a read-only cache: this process still has the IR
        LOG.warning("cannot write the IR cache (%s)", exc)


def _str(x) -> str:
    if not isinstance(x, str):
        raise TypeError(f"expected a string, got {type(x).__name__}")
    return x


def _from_payload(p: dict, spec: tuple, key: str, path: Path) -> CachedIR:
    if p["format"] != FORMAT or p["key"] != key:
        raise ValueError("another format or key")
    states = tuple(StateVar(_str(n), _str(u)) for n, u in p["states"])
    params = tuple(ParamVar(_str(n), _str(u), bool(s)) for n, u, s in p["parameters"])
    initial = None if p["initial"] is None else tuple((_str(t), _str(e)) for t, e in p["initial"])
    stim = None if p["stimulus"] is None else _str(p["stimulus"])
    sources = {_str(k): _str(v) for k, v in p["c"].items()}
    return CachedIR(key, spec, path, _str(p["name"]), _str(p["method"]), states, params, stim,
                    int(p["n_rand_step"]), int(p["n_rand_reset"]), initial, sources)
