"""Fit files: TOML read with :mod:`tomllib`, checked, and turned into a :class:`FitConfig`.

Every mistake raises :class:`~neurokit.errors.FitConfigError` whose message starts with
``FILE:LINE:`` (the line of the offending key), so a user can jump to it. A fit file::

    name = "171116sh_gif"
    seed = 1
    budget = 6000                       # model evaluations

    [model]
    granularity = "point"               # point | cell
    name = "gif"
    backend = "native"
    dt = "0.05 ms"

    [model.fixed]                        # values of parameters that are not fitted
    t_ref = "1 ms"

    [parameters]                         # free parameters: bounds in the model's unit...
    C = [20, 400]
    g_L = { bounds = ["1 nS", "30 nS"], transform = "log" }   # ...or with units

    [recording]
    path = "../data/recordings/pyabf/171116sh_0018.abf"   # relative to this file
    train = [0, 4, 8]
    test = [1, 2, 3]                     # default: every other sweep
    sampling_interval = "1 ms"           # grid on which traces are compared
    window = ["0 s", "2.3 s"]            # part of each sweep that is simulated

    [recording.parameters]               # optional parameters of the recording itself
    offset = ["-5 mV", "5 mV"]           # liquid-junction offset added to the model
    holding = ["-30 pA", "30 pA"]        # holding current added to the stimulus
    series_resistance = ["0 Mohm", "20 Mohm"]   # unbalanced bridge: V += R_s * I
    spike_delay = ["0 ms", "3 ms"]       # model spike -> recorded spike peak

    [[objectives]]
    kind = "gamma"                        # gamma | count | timing | trace | features
    weight = 1.0

    [optimiser]
    method = "cmaes"                      # cmaes | de | sobol
    popsize = 32
    islands = 2                           # independent restarts side by side
    refine = { fraction = 0.15, candidates = 2, sigma = 0.15 }
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neurokit.errors import FitConfigError, NeurokitError
from neurokit.params import Parameter, ParameterSpace

GRANULARITIES = ("point", "cell")
RECORDING_PARAMETERS = {  # name -> (canonical unit, default)
    "offset": ("mV", 0.0),
    "holding": ("pA", 0.0),
    "series_resistance": ("Mohm", 0.0),
    "spike_delay": ("ms", 0.0),
}
TOP_KEYS = {"name", "seed", "budget", "description", "model", "parameters", "recording", "objectives",
            "optimiser", "report", "workers"}


# --------------------------------------------------------------------------- line finding

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*|\"[^\"]+\")\s*=")


def locate(text: str, path: tuple) -> int | None:
    """Line number (1-based) of the key at ``path`` in TOML ``text``.

    ``path`` is a tuple of keys and array indices, as in ``("objectives", 1, "kind")`` for the
    ``kind`` key of the second ``[[objectives]]`` table. When the key itself is absent (a
    missing entry), the line of the deepest enclosing table or key that exists is returned.
    """
    best_line, best_depth = None, -1
    table: tuple = ()
    counts: dict[tuple, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0] if '"' not in raw else raw
        m = _HEADER.match(line)
        if m and "=" not in line.split("]")[0]:
            keys = tuple(k.strip().strip('"') for k in m.group(2).split("."))
            if m.group(1) == "[[":
                counts[keys] = counts.get(keys, -1) + 1
                table = keys + (counts[keys],)
            else:
                # a sub-table of an array element: [objectives.options] inside [[objectives]]
                table = keys
                for n in range(len(keys), 0, -1):
                    if keys[:n] in counts:
                        table = keys[:n] + (counts[keys[:n]],) + keys[n:]
                        break
            depth = _prefix(table, path)
            if depth > best_depth:
                best_line, best_depth = number, depth
            continue
        m = _KEY.match(line)
        if m:
            key = m.group(1)
            parts = (key.strip('"'),) if key.startswith('"') else tuple(k.strip() for k in key.split("."))
            keys = table + parts
            depth = _prefix(keys, path)
            if depth > best_depth or (depth == best_depth == len(path)):
                if depth > best_depth:
                    best_line, best_depth = number, depth
    return best_line


def _prefix(keys: tuple, path: tuple) -> int:
    """Length of the common prefix of ``keys`` and ``path`` (-1 if ``keys`` leaves ``path``)."""
    n = 0
    for a, b in zip(keys, path):
        if a != b:
            return -1 if n < len(keys) else n
        n += 1
    return n if n == len(keys) else -1


# --------------------------------------------------------------------------- values with units

_QTY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


class _Reader:
    """Reads values out of the parsed TOML, turning every problem into a located error."""

    def __init__(self, path: Path, text: str):
        self.path, self.text = path, text

    def error(self, where: tuple, message: str) -> FitConfigError:
        line = locate(self.text, where)
        loc = f"{self.path}:{line}" if line else f"{self.path}"
        return FitConfigError(f"{loc}: {message}")

    def quantity(self, value, unit: str, where: tuple, what: str) -> float:
        """A number in ``unit``: a plain number is taken as already in ``unit``; a string
        ``"0.05 ms"`` is converted (a unit of another dimension is an error)."""
        from neurokit.units import conversion_factor

        if isinstance(value, bool):
            raise self.error(where, f"{what}: expected a number or a quantity string, got {value!r}")
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            m = _QTY.match(value)
            if not m:
                raise self.error(where, f"{what}: cannot read {value!r} as a number with a unit")
            number, given = float(m.group(1)), m.group(2) or unit
            try:
                return number * conversion_factor(given, unit, what=what)
            except NeurokitError as exc:
                raise self.error(where, f"{what}: unit mismatch: {exc}") from None
        raise self.error(where, f"{what}: expected a number or a quantity string, got {value!r}")

    def bounds(self, value, unit: str, where: tuple, what: str) -> tuple[float, float]:
        if not (isinstance(value, list) and len(value) == 2):
            raise self.error(where, f"{what}: bounds must be a list [low, high], got {value!r}")
        lo, hi = (self.quantity(v, unit, where, what) for v in value)
        if not lo < hi:
            raise self.error(where, f"{what}: lower bound {lo:g} {unit} is not below upper bound {hi:g} {unit}"
                                    " (reversed or empty bounds)")
        return lo, hi

    def parameter(self, name: str, spec, unit: str, where: tuple, default: float | None,
                  description: str = "") -> Parameter:
        """A free parameter from ``[lo, hi]`` or ``{bounds, unit, transform, start}``."""
        transform = None
        given_unit = unit
        if isinstance(spec, dict):
            unknown = set(spec) - {"bounds", "unit", "transform", "start"}
            if unknown:
                raise self.error(where + (sorted(unknown)[0],), f"parameter {name!r}: unknown key(s) {sorted(unknown)}")
            if "bounds" not in spec:
                raise self.error(where, f"parameter {name!r}: no bounds")
            given_unit = spec.get("unit", unit)
            if given_unit != unit:
                from neurokit.units import same_dimensions

                try:
                    ok = same_dimensions(given_unit, unit)
                except NeurokitError as exc:
                    raise self.error(where + ("unit",), f"parameter {name!r}: {exc}") from None
                if not ok:
                    raise self.error(where + ("unit",), f"parameter {name!r}: unit mismatch: {given_unit!r} "
                                                        f"is not a unit of the same kind as the model's {unit!r}")
            lo, hi = self.bounds(spec["bounds"], given_unit, where, f"parameter {name!r}")
            from neurokit.units import conversion_factor

            f = conversion_factor(given_unit, unit)
            lo, hi = sorted((lo * f, hi * f))
            transform = spec.get("transform")
            if "start" in spec:
                default = self.quantity(spec["start"], given_unit, where, f"parameter {name!r} start") * f
        else:
            lo, hi = self.bounds(spec, unit, where, f"parameter {name!r}")
        if default is not None and not lo <= default <= hi:
            default = 0.5 * (lo + hi)
        try:
            return Parameter(name, unit, (lo, hi), default, transform, description)
        except NeurokitError as exc:
            raise self.error(where, str(exc)) from None


# --------------------------------------------------------------------------- the config

@dataclass
class ObjectiveSpec:
    kind: str
    weight: float
    options: dict
    where: tuple


@dataclass
class FitConfig:
    """A parsed, checked fit file (values in canonical units: s, mV, pA, nS...).

    Attributes
    ----------
    model : object
        The model to fit (a :class:`~neurokit.models.point.PointModel` or a cell model), with
        the fit file's fixed values as defaults and its bounds.
    space : ParameterSpace
        Free parameters: model parameters first, then recording parameters.
    fixed : dict
        Model parameter -> value for the parameters not fitted.
    """

    path: Path
    text: str
    name: str
    seed: int
    budget: int
    granularity: str
    model_name: str
    model: Any
    backend: str
    backend_options: dict
    dt: float
    space: ParameterSpace
    model_parameters: list[str]
    recording_parameters: list[str]
    fixed: dict
    recording_path: Path
    train: list[int]
    test: list[int] | None
    sampling_interval: float
    window: tuple[float, float] | None
    spike_threshold: float
    objectives: list[ObjectiveSpec]
    method: str
    popsize: int
    islands: int
    sigma0: float
    optimiser_options: dict
    refine: dict
    report_sweeps: list[int] | None
    workers: int
    settle: float = 0.0
    description: str = ""
    raw: dict = field(default_factory=dict)

    def error(self, where: tuple, message: str) -> FitConfigError:
        return _Reader(self.path, self.text).error(where, message)

    def check_sweeps(self, n_sweeps: int) -> None:
        """Raise a located FitConfigError for a train/test/report sweep the recording lacks."""
        for key, sweeps in (("train", self.train), ("test", self.test or []),
                            ("sweeps", self.report_sweeps or [])):
            for k in sweeps:
                if not 0 <= k < n_sweeps:
                    where = ("report", key) if key == "sweeps" else ("recording", key)
                    raise self.error(where, f"unknown sweep {k}: recording {self.recording_path.name} has "
                                            f"{n_sweeps} sweeps (0..{n_sweeps - 1})")

    def test_sweeps(self, n_sweeps: int) -> list[int]:
        """Held-out sweeps: as given, or every sweep not trained on."""
        if self.test is not None:
            return list(self.test)
        return [k for k in range(n_sweeps) if k not in self.train]


def _resolve_model(reader: _Reader, granularity: str, name: str, options: dict):
    if granularity == "point":
        from neurokit.models.point import BUILTIN

        model = BUILTIN.get(name.lower())
        if model is None:
            raise reader.error(("model", "name"), f"unknown point model {name!r}; built-in: {', '.join(BUILTIN)}")
        return model
    if granularity == "cell":
        try:
            from neurokit.models import cell as cell_models
        except ImportError as exc:
            raise reader.error(("model", "granularity"), f"cell models are not available: {exc}") from None
        getter = getattr(cell_models, "get_cell_model", None)
        if getter is None:  # the cell module's builders by name: single_compartment_hh, ...
            builder = getattr(cell_models, name, None)
            if not callable(builder) or name.startswith("_") or isinstance(builder, type):
                raise reader.error(("model", "name"), f"unknown cell model {name!r} in neurokit.models.cell")
            getter = lambda _name, **kw: builder(**kw)  # noqa: E731
        try:
            return getter(name, **options)
        except NeurokitError as exc:
            raise reader.error(("model", "name"), str(exc)) from None
    raise reader.error(("model", "granularity"), f"unknown granularity {granularity!r}; use one of {GRANULARITIES}")


_CANONICAL = {"siemens": "nS", "farad": "pF", "volt": "mV", "second": "ms", "amp": "pA", "hertz": "Hz",
              "1": "1", "ohm": "Mohm"}


def _custom_point_model(r: _Reader, m: dict, free: dict):
    """A point model written in the fit file: Brian2 equations declaring every parameter
    (``a : siemens``), threshold, reset, refractory, initial values. Parameters take the
    canonical unit of their dimension (nS, pF, mV, ms, pA); free ones get the fit's bounds,
    the others need a value in ``[model.fixed]``."""
    from neurokit.models.point import STIMULUS, PointModel

    if m.get("granularity", "point") != "point":
        raise r.error(("model", "equations"), "equations in a fit file define point models only")
    fixed = dict(m.get("fixed", {}))
    params = []
    for line in str(m["equations"]).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("d") and "/dt" in line or "=" in line or ":" not in line:
            continue
        name, _, unit = (x.strip() for x in line.partition(":"))
        unit = unit.split("(")[0].strip()
        if name == STIMULUS:
            continue
        canonical = _CANONICAL.get(unit)
        if canonical is None:
            raise r.error(("model", "equations"), f"parameter {name!r}: unit {unit!r} has no canonical unit "
                                                  f"here; use one of {', '.join(_CANONICAL)}")
        if name not in free and name not in fixed:
            raise r.error(("model", "equations"), f"parameter {name!r} of the equations is neither free "
                                                  "([parameters]) nor fixed ([model.fixed])")
        if name in fixed:
            default = r.quantity(fixed[name], canonical, ("model", "fixed", name), f"parameter {name!r}")
            params.append(Parameter(name, canonical, (default - 1.0, default + 1.0) if default == 0 else
                                    tuple(sorted((0.5 * default, 1.5 * default))), default, "identity"))
        else:
            spec = free[name]
            b = spec["bounds"] if isinstance(spec, dict) else spec
            lo, hi = r.bounds(b, canonical, ("parameters", name), f"parameter {name!r}")
            params.append(Parameter(name, canonical, (lo, hi), 0.5 * (lo + hi), "identity"))
    try:
        return PointModel(name=str(m["name"]), equations=str(m["equations"]), parameters=tuple(params),
                          threshold=m.get("threshold"), reset=m.get("reset"), refractory=m.get("refractory"),
                          method=m.get("method", "euler"), initial=dict(m.get("initial", {})),
                          description="defined in the fit file")
    except NeurokitError as exc:
        raise r.error(("model", "equations"), str(exc)) from None


def _widen_bounds(model, free: list[Parameter], fixed: dict):
    """The model with each parameter's bounds widened to hold the fit's bounds and fixed
    value (backends check values against the model's own bounds; a fit file may explore
    beyond the built-in ranges)."""
    params = _model_parameters(model)
    want = {p.name: p.bounds for p in free}
    for name, value in fixed.items():
        want[name] = (value, value)
    changed = False
    new = []
    for p in params:
        if p.name in want and p.bounds is not None:
            lo, hi = min(p.bounds[0], want[p.name][0]), max(p.bounds[1], want[p.name][1])
            if (lo, hi) != p.bounds:
                transform = p.transform if not (p.transform == "log" and lo <= 0) else "identity"
                p = Parameter(p.name, p.unit, (lo, hi), p.default, transform, p.description)
                changed = True
        new.append(p)
    if not changed:
        return model
    if hasattr(model, "replace"):
        return model.replace(parameters=tuple(new))
    from dataclasses import replace

    return replace(model, parameters=tuple(new))


def _model_parameters(model) -> list[Parameter]:
    params = getattr(model, "parameters", None)
    if params is None and hasattr(model, "space"):
        params = model.space.parameters
    return list(params or [])


def _int_list(reader: _Reader, value, where: tuple, what: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise reader.error(where, f"{what} must be a list of sweep numbers, got {value!r}")
    return list(value)


def load_fit_config(path, *, budget: int | None = None, seed: int | None = None,
                    backend: str | None = None) -> FitConfig:
    """Read and check a fit file; command-line overrides replace the file's values.

    Raises
    ------
    FitConfigError
        Naming the file and line: bad TOML, unknown keys or parameters, reversed bounds, unit
        mismatch, missing recording, bad optimiser or objective settings.
    """
    path = Path(path)
    if not path.exists():
        raise FitConfigError(f"{path}: no such fit file")
    text = path.read_text()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FitConfigError(f"{path}: invalid TOML: {exc}") from None
    r = _Reader(path, text)

    unknown = set(raw) - TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise r.error((key,), f"unknown key {key!r}; known: {', '.join(sorted(TOP_KEYS))}")
    name = raw.get("name", path.stem)
    seed = int(seed if seed is not None else raw.get("seed", 0))
    budget = int(budget if budget is not None else raw.get("budget", 2000))
    if budget < 1:
        raise r.error(("budget",), f"budget must be a positive number of evaluations, got {budget}")

    # model
    m = raw.get("model")
    if not isinstance(m, dict) or "name" not in m:
        raise r.error(("model",), "a [model] table with a 'name' is needed")
    known_model = {"granularity", "name", "backend", "dt", "fixed", "options", "backend_options", "settle",
                   "equations", "threshold", "reset", "refractory", "initial", "method"}
    bad = set(m) - known_model
    if bad:
        key = sorted(bad)[0]
        raise r.error(("model", key), f"unknown key {key!r} in [model]; known: {', '.join(sorted(known_model))}")
    granularity = m.get("granularity", "point")
    if "equations" in m:
        model = _custom_point_model(r, m, raw.get("parameters", {}))
    else:
        model = _resolve_model(r, granularity, str(m["name"]), dict(m.get("options", {})))
    mparams = {p.name: p for p in _model_parameters(model)}
    backend_name = backend or m.get("backend", "native" if granularity == "point" else "neuron")
    dt = r.quantity(m.get("dt", "0.05 ms"), "s", ("model", "dt"), "dt")
    settle = r.quantity(m.get("settle", 0.0), "s", ("model", "settle"), "settle")
    if not dt > 0:
        raise r.error(("model", "dt"), f"dt must be positive, got {dt} s")

    fixed = {}
    for key, value in dict(m.get("fixed", {})).items():
        if key not in mparams:
            raise r.error(("model", "fixed", key), f"unknown parameter {key!r} of model {m['name']!r}; "
                                                   f"known: {', '.join(mparams)}")
        fixed[key] = r.quantity(value, mparams[key].unit, ("model", "fixed", key), f"parameter {key!r}")

    # free parameters
    pspec = raw.get("parameters", {})
    if not isinstance(pspec, dict) or not pspec:
        raise r.error(("parameters",), "a [parameters] table naming at least one free parameter is needed")
    free: list[Parameter] = []
    for key, spec in pspec.items():
        if key not in mparams:
            raise r.error(("parameters", key), f"unknown parameter {key!r} of model {m['name']!r}; "
                                               f"known: {', '.join(mparams)}")
        if key in fixed:
            raise r.error(("parameters", key), f"parameter {key!r} is both free and fixed")
        base = mparams[key]
        free.append(r.parameter(key, spec, base.unit, ("parameters", key), base.default, base.description))

    # recording
    rec = raw.get("recording")
    if not isinstance(rec, dict) or "path" not in rec:
        raise r.error(("recording",), "a [recording] table with a 'path' is needed")
    known_rec = {"path", "train", "test", "sampling_interval", "window", "parameters", "spike_threshold"}
    bad = set(rec) - known_rec
    if bad:
        key = sorted(bad)[0]
        raise r.error(("recording", key), f"unknown key {key!r} in [recording]; known: {', '.join(sorted(known_rec))}")
    rec_path = Path(rec["path"])
    if not rec_path.is_absolute():
        rec_path = (path.parent / rec_path).resolve()
    if not rec_path.exists():
        raise r.error(("recording", "path"), f"missing recording: {rec_path} does not exist")
    if "train" not in rec:
        raise r.error(("recording",), "[recording] needs 'train', the list of sweeps to fit")
    train = _int_list(r, rec["train"], ("recording", "train"), "train")
    test = _int_list(r, rec["test"], ("recording", "test"), "test") if "test" in rec else None
    for k in train + (test or []):
        if k < 0:
            raise r.error(("recording", "train" if k in train else "test"), f"unknown sweep {k}: sweeps count from 0")
    sampling = r.quantity(rec.get("sampling_interval", "1 ms"), "s", ("recording", "sampling_interval"),
                          "sampling_interval")
    ratio = sampling / dt
    if abs(ratio - round(ratio)) > 1e-6 or round(ratio) < 1:
        raise r.error(("recording", "sampling_interval"),
                      f"sampling_interval {sampling:g} s must be a whole multiple of dt {dt:g} s")
    window = None
    if "window" in rec:
        window = r.bounds(rec["window"], "s", ("recording", "window"), "window")
    threshold = r.quantity(rec.get("spike_threshold", 0.0), "mV", ("recording", "spike_threshold"), "spike_threshold")

    rec_free: list[Parameter] = []
    for key, spec in dict(rec.get("parameters", {})).items():
        if key not in RECORDING_PARAMETERS:
            raise r.error(("recording", "parameters", key),
                          f"unknown recording parameter {key!r}; known: {', '.join(RECORDING_PARAMETERS)}")
        unit, default = RECORDING_PARAMETERS[key]
        rec_free.append(r.parameter(key, spec, unit, ("recording", "parameters", key), default))
    if "holding" in {p.name for p in rec_free} and granularity != "point":
        raise r.error(("recording", "parameters", "holding"), "a fitted holding current needs a point model")

    # objectives
    objs = raw.get("objectives")
    if not isinstance(objs, list) or not objs:
        raise r.error(("objectives",), "at least one [[objectives]] table is needed")
    from neurokit.fitting.objectives import OBJECTIVES

    objectives = []
    for i, o in enumerate(objs):
        kind = o.get("kind")
        if kind not in OBJECTIVES:
            raise r.error(("objectives", i, "kind"), f"unknown objective kind {kind!r}; use one of {', '.join(OBJECTIVES)}")
        weight = o.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
            raise r.error(("objectives", i, "weight"), f"weight must be a number >= 0, got {weight!r}")
        options = {k: v for k, v in o.items() if k not in ("kind", "weight")}
        objectives.append(ObjectiveSpec(kind, float(weight), options, ("objectives", i)))

    # optimiser
    opt = dict(raw.get("optimiser", {}))
    known_opt = {"method", "popsize", "islands", "sigma0", "refine", "options"}
    bad = set(opt) - known_opt
    if bad:
        key = sorted(bad)[0]
        raise r.error(("optimiser", key), f"unknown key {key!r} in [optimiser]; known: {', '.join(sorted(known_opt))}")
    from neurokit.fitting.optimisers import OPTIMISERS

    method = opt.get("method", "cmaes")
    if method not in OPTIMISERS:
        raise r.error(("optimiser", "method"), f"unknown optimiser {method!r}; use one of {', '.join(OPTIMISERS)}")
    popsize = int(opt.get("popsize", 32))
    islands = int(opt.get("islands", 1))
    if popsize < 4 or islands < 1:
        raise r.error(("optimiser", "popsize"), f"popsize must be >= 4 and islands >= 1 (got {popsize}, {islands})")
    refine = dict(opt.get("refine", {}))
    bad = set(refine) - {"fraction", "candidates", "sigma", "popsize"}
    if bad:
        raise r.error(("optimiser", "refine"), f"unknown refine setting(s) {sorted(bad)}")
    if not 0 <= float(refine.get("fraction", 0.0)) < 1:
        raise r.error(("optimiser", "refine"), "refine fraction must be in [0, 1)")

    rep = dict(raw.get("report", {}))
    report_sweeps = _int_list(r, rep["sweeps"], ("report", "sweeps"), "report sweeps") if "sweeps" in rep else None
    workers = int(raw.get("workers", 1))

    model_free = [p.name for p in free]
    model = _widen_bounds(model, free, fixed)
    return FitConfig(
        path=path, text=text, name=str(name), seed=seed, budget=budget, granularity=granularity,
        model_name=str(m["name"]), model=model, backend=backend_name,
        backend_options=dict(m.get("backend_options", {})), dt=dt,
        space=ParameterSpace(free + rec_free), model_parameters=model_free,
        recording_parameters=[p.name for p in rec_free], fixed=fixed, recording_path=rec_path,
        train=train, test=test, sampling_interval=sampling, window=window, spike_threshold=threshold,
        objectives=objectives, method=method, popsize=popsize, islands=islands,
        sigma0=float(opt.get("sigma0", 1.0)), optimiser_options=dict(opt.get("options", {})),
        refine=refine, report_sweeps=report_sweeps, workers=workers, settle=settle,
        description=str(raw.get("description", "")), raw=raw)
