"""Parameter sweeps: a grid or a Sobol (LHS, random) design over a model's parameters, run as
chunks of one batch through any executor, gathered into one dataset.

A sweep is written as a TOML file (``neurokit sweep FILE.toml``)::

    model = "lif"                  # a built-in model ("adex", "single_compartment_hh",
                                   # "wilson_cowan"...), "package.module:OBJECT", or a
                                   # [model] table: name = "...", options = {...}
    backend = "native"             # a registered backend, or "package.module:Class"
    seed = 1                       # seed of the design (Sobol scrambling) and default protocol seed
    output = "results/lif.nc"      # .nc (netCDF) or .zarr; relative to this file

    [design]
    method = "grid"                # grid | sobol | lhs | random
    n = 8                          # grid: points per axis; other methods: number of samples

    [parameters]                   # values in `unit` (default: the model's unit)
    g_L = { range = [5.0, 20.0], unit = "nS" }
    C = { range = [100.0, 400.0], scale = "log" }   # log-spaced axis / log-uniform draws
    V_th = { values = [-55.0, -50.0] }              # explicit axis (grid only)
    E_L = -65.0                                     # fixed for every sample

    [protocol]                     # times in s, currents in nA
    steps = { amplitudes = [0.1, 0.2, 0.3], start = 0.1, stop = 0.6 }
    duration = 0.7
    dt = 1e-4
    sampling_interval = 5e-4

    [execution]
    executor = "inprocess"         # inprocess | processes | dask | dask://host:port
    workers = 2
    chunk_size = 16                # samples per chunk: one simulate call each

The result is the backend's dataset over every sample, with each swept parameter as a
coordinate on ``sample`` (``ds.sel(sample=ds.g_L > 10)``), fixed values and the design in the
attrs. It never depends on chunking or executor: each sample's random stream is keyed on
``(seed, sample)``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.errors import FitConfigError, NeurokitError, ProtocolError, UnitError
from neurokit.params import Parameter, ParameterSpace
from neurokit.protocols import Protocol, step_protocol

METHODS = ("grid", "sobol", "lhs", "random")
SCALES = ("linear", "log")
MODEL_MODULES = ("neurokit.models.point", "neurokit.models.rate", "neurokit.models.cell",
                 "neurokit.models.network")
_TOP_KEYS = {"model", "backend", "backend_options", "seed", "output", "name", "design", "parameters",
             "protocol", "execution"}
_EXEC_KEYS = {"executor", "workers", "scheduler", "address", "chunk_size", "chunks", "retries", "warm"}


@dataclass(frozen=True)
class Axis:
    """One swept parameter: a range (``scale`` linear or log) or explicit values, in ``unit``."""

    name: str
    unit: str
    range: tuple[float, float] | None = None
    values: tuple[float, ...] | None = None
    scale: str = "linear"
    n: int | None = None

    def grid_values(self, n: int) -> np.ndarray:
        if self.values is not None:
            return np.asarray(self.values, dtype=float)
        lo, hi = self.range
        n = self.n or n
        return np.geomspace(lo, hi, n) if self.scale == "log" else np.linspace(lo, hi, n)


@dataclass
class SweepSpec:
    """A parameter sweep: what to run, over which design, how, and where the result goes.

    Parameters
    ----------
    model : str
        Model name (looked up in :data:`MODEL_MODULES`) or ``"module:OBJECT"``.
    backend : str
        Registered backend name or ``"module:Class"``.
    axes : list of Axis
        Swept parameters.
    fixed : dict
        Parameter -> value in the model's unit, the same for every sample.
    protocol : Protocol
    method : {"grid", "sobol", "lhs", "random"}
    n : int
        Grid: points per axis; otherwise the number of samples.
    seed : int
        Seed of the design.
    execution : dict
        ``executor``, ``workers``, ``scheduler``, ``chunk_size`` or ``chunks``, ``retries``.
    output : Path, optional
        Where :func:`run_sweep` writes the dataset (``.nc`` or ``.zarr``).
    """

    model: str
    backend: str
    axes: list[Axis]
    protocol: Protocol
    fixed: dict[str, float] = field(default_factory=dict)
    method: str = "grid"
    n: int = 5
    seed: int = 0
    execution: dict = field(default_factory=dict)
    backend_options: dict = field(default_factory=dict)
    output: Path | None = None
    name: str = ""
    source: str = ""
    raw: dict = field(default_factory=dict)
    _model: object = field(default=None, repr=False, compare=False)

    # -- reading -----------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> "SweepSpec":
        """Read a sweep file. Raises FitConfigError naming the file (and line, for syntax)."""
        path = Path(path)
        if not path.is_file():
            raise FitConfigError(f"sweep file {str(path)!r} does not exist")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise FitConfigError(f"{path}: {exc}") from None
        return cls.from_dict(data, base_dir=path.parent, source=str(path), text=path.read_text())

    @classmethod
    def from_dict(cls, data: dict, base_dir: str | os.PathLike = ".", source: str = "<dict>",
                  text: str | None = None) -> "SweepSpec":
        """A spec from the parsed TOML tables (see the module docstring for the keys); with the
        file's ``text``, errors start with ``FILE:LINE:`` of the offending key."""
        def fail(msg: str, *at):
            line = _line_of(text, at) if text and at else None
            raise FitConfigError(f"{source}:{line}: {msg}" if line else f"{source}: {msg}")

        unknown = set(data) - _TOP_KEYS
        if unknown:
            fail(f"unknown key(s) {sorted(unknown)}; known: {sorted(_TOP_KEYS)}", sorted(unknown)[0])
        for key in ("model", "backend", "parameters", "protocol"):
            if key not in data:
                fail(f"missing {key!r}")
        model = _resolve_model(data["model"], source)
        design = data.get("design", {})
        method = design.get("method", "grid")
        if method not in METHODS:
            fail(f"design.method {method!r} is not one of {METHODS}", "design", "method")
        n = design.get("n", 5)
        if not (isinstance(n, int) and n >= 1):
            fail(f"design.n must be a positive integer, got {n!r}", "design", "n")
        axes, fixed = _parse_parameters(data["parameters"], model, method, fail)
        try:
            protocol = _parse_protocol(data["protocol"], data.get("seed", 0))
        except (ProtocolError, TypeError) as exc:
            fail(f"protocol: {exc}", "protocol")
        execution = dict(data.get("execution", {}))
        bad = set(execution) - _EXEC_KEYS
        if bad:
            fail(f"execution: unknown key(s) {sorted(bad)}; known: {sorted(_EXEC_KEYS)}",
                 "execution", sorted(bad)[0])
        for key in ("chunk_size", "chunks", "workers"):
            if key in execution and not (isinstance(execution[key], int) and execution[key] >= 1):
                fail(f"execution.{key} must be a positive integer, got {execution[key]!r}", "execution", key)
        output = data.get("output")
        if output is not None:
            output = Path(base_dir) / output
        return cls(model=data["model"], backend=data["backend"], axes=axes, fixed=fixed, protocol=protocol,
                   method=method, n=n, seed=int(data.get("seed", 0)), execution=execution,
                   backend_options=dict(data.get("backend_options", {})), output=output,
                   name=data.get("name", Path(source).stem), source=source, raw=data, _model=model)

    # -- the design --------------------------------------------------------------------------
    @property
    def model_object(self):
        """The model the spec names (built once)."""
        if self._model is None:
            self._model = _resolve_model(self.model, self.source)
        return self._model

    def design(self) -> xr.Dataset:
        """The batch of parameter sets: one variable per swept and fixed parameter along
        ``sample`` (in the model's units), in the order samples are numbered."""
        if self.method == "grid":
            axes = [a.grid_values(self.n) for a in self.axes]
            mesh = np.meshgrid(*axes, indexing="ij")
            cols = {a.name: m.ravel() for a, m in zip(self.axes, mesh)}
        else:
            space = ParameterSpace([Parameter(a.name, a.unit, a.range, transform="log" if a.scale == "log"
                                              else "identity") for a in self.axes])
            drawn = space.sample(self.n, self.method, seed=self.seed)
            cols = {a.name: drawn[a.name].values for a in self.axes}
        n = len(next(iter(cols.values())))
        data = {}
        for a in self.axes:
            data[a.name] = xr.DataArray(cols[a.name], dims="sample",
                                        attrs={"units": a.unit, "long_name": a.name})
        for name, (value, unit) in self.fixed.items():
            data[name] = xr.DataArray(np.full(n, value), dims="sample",
                                      attrs={"units": unit, "long_name": name})
        ds = xr.Dataset(data).assign_coords(sample=np.arange(n))
        ds.attrs.update(method=self.method, n=self.n, seed=self.seed)
        return ds

    @property
    def n_samples(self) -> int:
        if self.method == "grid":
            return int(np.prod([a.grid_values(self.n).size for a in self.axes]))
        return self.n


def _instantiate(obj, options: dict, spec, source: str):
    """A model object from what a name points at: a model, or a builder (a cell-model
    function, a rate-model class) called with the ``[model]`` options."""
    if isinstance(obj, type) or (callable(obj) and not hasattr(obj, "parameters")):
        try:
            return obj(**options)
        except (TypeError, NeurokitError) as exc:
            raise FitConfigError(f"{source}: model {spec!r} cannot be built with options "
                                 f"{options}: {exc}") from None
    if options:
        raise FitConfigError(f"{source}: model {spec!r} takes no options (got {sorted(options)})")
    return obj


def _line_of(text: str, at: tuple) -> int | None:
    """Line of the key at path ``at`` in the TOML ``text`` (the fit files' locator), if known."""
    try:
        from neurokit.fitting.config import locate
    except ImportError:  # the fitting package is optional for sweeps
        return None
    return locate(text, tuple(at))


def _no_required_args(fn) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _candidates(module) -> dict[str, object]:
    """Model-like objects of a model module by lower-case name: constants with a ``name`` and
    ``parameters`` (point models), model classes with a ``name`` (rate models), and public
    builder functions returning a model that need no arguments (cells)."""
    found = {}
    for attr, obj in vars(module).items():
        if attr.startswith("_"):
            continue
        name = getattr(obj, "name", None)
        if attr.isupper() and isinstance(name, str) and hasattr(obj, "parameters"):
            found[name.lower()] = obj
            continue
        if getattr(obj, "__module__", None) != module.__name__ or not _no_required_args(obj):
            continue  # imported helpers, builders that need arguments
        if isinstance(obj, type) and isinstance(name, str) and hasattr(obj, "base_parameters"):
            found[name.lower()] = obj  # WilsonCowan.name == "wilson_cowan"
        elif inspect.isfunction(obj) and "model" in str(obj.__annotations__.get("return", "")).lower():
            found[attr.lower()] = obj  # single_compartment_hh() -> CellModel
    return found


def _resolve_model(spec, source: str):
    """The model named by a sweep file: ``"lif"``, ``"single_compartment_hh"``,
    ``"wilson_cowan"``, ``"package.module:OBJECT"``, or a ``[model]`` table with ``name`` and
    builder ``options``."""
    options = {}
    if isinstance(spec, dict):
        extra = set(spec) - {"name", "granularity", "options"}
        if extra or "name" not in spec:
            raise FitConfigError(f"{source}: [model] takes name, granularity and options "
                                 f"(got {sorted(spec)})")
        options = dict(spec.get("options", {}))
        spec = spec["name"]
    if not isinstance(spec, str) or not spec:
        raise FitConfigError(f"{source}: model must be a name or 'module:OBJECT', got {spec!r}")
    if ":" in spec:
        module, _, attr = spec.partition(":")
        try:
            obj = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise FitConfigError(f"{source}: model {spec!r} cannot be imported: {exc}") from None
        return _instantiate(obj, options, spec, source)
    known, broken = [], []
    for module_name in MODEL_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # that granularity is not built here
        except Exception as exc:  # a broken module must not hide the models of the others
            broken.append(f"{module_name} failed to import: {type(exc).__name__}: {exc}")
            continue
        found = _candidates(module)
        if spec.lower() in found:
            return _instantiate(found[spec.lower()], options, spec, source)
        known.extend(found)
    hint = f" ({'; '.join(broken)})" if broken else ""
    raise FitConfigError(f"{source}: unknown model {spec!r}; built-in: {', '.join(sorted(known))}{hint}")


def _model_parameter(model, name: str) -> Parameter | None:
    for p in getattr(model, "parameters", ()) or ():
        if getattr(p, "name", None) == name:
            return p
    return None


def _parse_parameters(table: dict, model, method: str, fail):
    if not isinstance(table, dict) or not table:
        fail("[parameters] must name at least one parameter", "parameters")
    declared = getattr(model, "parameters", None)
    axes, fixed = [], {}
    for name, entry in table.items():
        where, at = f"parameters.{name}", ("parameters", name)
        known = _model_parameter(model, name)
        if declared is not None and known is None:
            names = ", ".join(p.name for p in declared)
            fail(f"{where}: model {getattr(model, 'name', model)!r} has no parameter {name!r} "
                 f"(it has {names})", *at)
        model_unit = known.unit if known is not None else "1"
        if isinstance(entry, (int, float)) and not isinstance(entry, bool):
            entry = {"value": entry}
        if not isinstance(entry, dict):
            fail(f"{where}: expected a number or a table with range, values or value", *at)
        extra = set(entry) - {"range", "values", "value", "unit", "scale", "n"}
        if extra:
            fail(f"{where}: unknown key(s) {sorted(extra)}", *at)
        unit = entry.get("unit", model_unit)
        try:
            factor = Parameter(name, model_unit).in_unit(1.0, unit) if known is not None else 1.0
        except UnitError as exc:
            fail(f"{where}: {exc}", *at)
        kinds = [k for k in ("range", "values", "value") if k in entry]
        if len(kinds) != 1:
            fail(f"{where}: give exactly one of range, values or value", *at)
        scale = entry.get("scale", "linear")
        if scale not in SCALES:
            fail(f"{where}: scale {scale!r} is not one of {SCALES}", *at)
        if "value" in entry:
            fixed[name] = (float(entry["value"]) * float(factor), model_unit)
            continue
        if "values" in entry:
            vals = np.asarray(entry["values"], dtype=float) * factor
            if method != "grid":
                fail(f"{where}: explicit values need design.method = 'grid' (use range for {method})", *at)
            if vals.size == 0 or not np.all(np.isfinite(vals)):
                fail(f"{where}: values must be finite and not empty", *at)
            axes.append(Axis(name, model_unit, values=tuple(vals.tolist()), scale=scale))
            continue
        rng = entry["range"]
        if not (isinstance(rng, list) and len(rng) == 2):
            fail(f"{where}: range must be [low, high], got {rng!r}", *at)
        lo, hi = (float(x) * float(factor) for x in rng)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            fail(f"{where}: range [{rng[0]}, {rng[1]}] must be finite with low < high", *at)
        if scale == "log" and lo <= 0:
            fail(f"{where}: a log scale needs a positive range, got [{rng[0]}, {rng[1]}]", *at)
        n = entry.get("n")
        if n is not None and not (isinstance(n, int) and n >= 1):
            fail(f"{where}: n must be a positive integer, got {n!r}", *at)
        axes.append(Axis(name, model_unit, range=(lo, hi), scale=scale, n=n))
    if not axes:
        fail("[parameters] sweeps nothing: give at least one range or values", "parameters")
    return axes, fixed


def _parse_protocol(table: dict, seed: int) -> Protocol:
    table = dict(table)
    table.setdefault("seed", seed)
    steps = table.pop("steps", None)
    if steps is not None:
        if "sweeps" in table:
            raise ProtocolError("give either steps or sweeps, not both")
        return step_protocol(steps["amplitudes"], steps["start"], steps["stop"], **table)
    return Protocol.from_dict(table)


# -- running ---------------------------------------------------------------------------------
def executor_for(spec: SweepSpec, **overrides):
    """The executor a spec asks for (``[execution]``), with command-line ``overrides``
    (executor, workers, scheduler) taking precedence."""
    from neurokit.parallel import make_executor

    ex = {**spec.execution, **{k: v for k, v in overrides.items() if v is not None}}
    kind = ex.get("executor", "inprocess")
    if kind in ("inprocess", "in-process") and overrides.get("workers") and overrides["workers"] > 1:
        kind = "processes"  # asking for workers on the command line means using them
    address = ex.get("scheduler") or ex.get("address")
    options = {}
    if kind == "dask" or (isinstance(kind, str) and "://" in kind):
        if address:
            options["address"] = address
        elif ex.get("workers"):
            options["workers"] = ex["workers"]
        if "retries" in ex:
            options["retries"] = ex["retries"]
        if ex.get("warm"):
            options["warm"] = tuple(ex["warm"])
    elif address:
        raise FitConfigError(f"{spec.source}: a scheduler address needs executor = 'dask'")
    elif kind == "processes" and ex.get("workers"):
        options["workers"] = ex["workers"]
    return make_executor(kind, **options)


def n_chunks(spec: SweepSpec, workers: int) -> int:
    """Chunks for this sweep: from ``chunk_size`` or ``chunks``, else four per worker (so a
    slow chunk does not hold the others up, and progress moves)."""
    total = spec.n_samples
    if spec.execution.get("chunk_size"):
        return max(1, math.ceil(total / spec.execution["chunk_size"]))
    if spec.execution.get("chunks"):
        return min(total, spec.execution["chunks"])
    return min(total, 4 * max(1, workers)) if workers > 1 else 1


def run_sweep(spec: SweepSpec | str | os.PathLike, executor=None, progress: bool = True,
              output: str | os.PathLike | None = None, chunks: int | None = None,
              executor_kind: str | None = None, scheduler: str | None = None,
              workers: int | None = None) -> xr.Dataset:
    """Run a sweep and return (and write, when an output is set) its dataset.

    Parameters
    ----------
    spec : SweepSpec or path
        The sweep, or a TOML file holding it.
    executor : Executor, optional
        Where chunks run (default: the spec's ``[execution]``, closed afterwards).
    progress : bool
        Show a tqdm bar of finished samples.
    output : path, optional
        Overrides the spec's ``output`` (``.nc`` netCDF, ``.zarr`` zarr).
    chunks : int, optional
        Overrides the spec's chunking.
    executor_kind, scheduler, workers : optional
        Override the spec's ``[execution]`` when no ``executor`` is given (as the CLI does).
    """
    from tqdm.auto import tqdm

    from neurokit.parallel import run_batch

    if not isinstance(spec, SweepSpec):
        spec = SweepSpec.from_toml(spec)
    model = spec.model_object
    batch = spec.design()
    own = executor is None
    executor = executor if executor is not None else executor_for(spec, executor=executor_kind,
                                                                       scheduler=scheduler, workers=workers)
    try:
        n = chunks or n_chunks(spec, executor.workers)
        with tqdm(total=batch.sizes["sample"], unit="sample", desc=spec.name or "sweep",
                  disable=not progress) as bar:
            ds = run_batch(spec.backend, model, batch, spec.protocol, executor=executor, chunks=n,
                           backend_options=spec.backend_options,
                           progress=lambda done, total: bar.update(done - bar.n))
    finally:
        if own:
            executor.close()
    ds = attach_design(ds, batch, spec)
    target = output if output is not None else spec.output
    if target is not None:
        write(ds, target)
    return ds


def attach_design(ds: xr.Dataset, batch: xr.Dataset, spec: SweepSpec) -> xr.Dataset:
    """Put the swept parameters on ``sample`` as coordinates and the design in the attrs."""
    swept = [a.name for a in spec.axes]
    present = [name for name in swept if name in ds.variables]
    ds = ds.drop_vars(present)  # a backend that echoes parameters gets them replaced by the design's
    coords = {name: ("sample", batch[name].values, batch[name].attrs) for name in swept}
    ds = ds.assign_coords(coords)
    ds.attrs.update(schema.provenance_attrs(
        sweep_name=spec.name, sweep_source=spec.source, sweep_method=spec.method, sweep_n=spec.n,
        sweep_seed=spec.seed, sweep_parameters=swept,
        sweep_fixed={k: {"value": v, "units": u} for k, (v, u) in spec.fixed.items()},
        sweep_spec=json.dumps(spec.raw, sort_keys=True, default=str)))
    return ds


def write(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write a sweep dataset atomically: netCDF through :func:`neurokit.schema.save`, or a
    ``.zarr`` store built in a temporary folder and renamed into place."""
    path = Path(path)
    if path.suffix != ".zarr":
        return schema.save(ds, path)
    try:
        import zarr  # noqa: F401  (only whether it is installed matters here)
    except ImportError:
        raise NeurokitError(f"writing {str(path)!r} needs the zarr package (pip install zarr); "
                            "or write netCDF (.nc)") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        schema.encode_bools(ds).to_zarr(tmp / "store.zarr", mode="w")  # as schema.save encodes
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp / "store.zarr", path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def load(path: str | os.PathLike) -> xr.Dataset:
    """Read a sweep result written by :func:`write` (netCDF or zarr)."""
    path = Path(path)
    if path.suffix != ".zarr":
        return schema.load(path)
    return schema.decode_bools(xr.open_zarr(path).load())


__all__ = ["Axis", "SweepSpec", "run_sweep", "executor_for", "attach_design", "write", "load"]
