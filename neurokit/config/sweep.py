"""Sweep files: a grid or a Sobol (LHS, random) design over a model's parameters.

The model, parameters and their bounds are written as in fit files (:mod:`neurokit.config.fit`,
:mod:`neurokit.config.models`); a sweep adds a design, a protocol and how to run::

    name = "lif-fi-grid"
    seed = 1                       # seed of the design and default protocol seed
    output = "results/lif.nc"      # .nc (netCDF) or .zarr; relative to this file

    [model]
    name = "lif"                   # a built-in model, or "package.module:attr" (needs trust)
    backend = "native"
    [model.fixed]                  # the same for every sample
    E_L = "-70 mV"

    [design]
    method = "grid"                # grid | sobol | lhs | random
    n = 8                          # grid: points per axis; other methods: number of samples

    [parameters]                   # swept: bounds as in fit files (model's unit unless given)
    g_L = ["5 nS", "20 nS"]
    C = { bounds = [100, 400], transform = "log" }   # log-spaced axis / log-uniform draws
    V_th = { values = ["-55 mV", "-50 mV"] }         # explicit axis (grid only)
    tau = { bounds = [5, 50], n = 3 }                # a grid axis with its own point count

    [protocol]                     # numbers: times in s, currents in nA; or quantity strings
    steps = { amplitudes = ["100 pA", "200 pA"], start = "0.1 s", stop = "0.6 s" }
    duration = "0.7 s"
    dt = "0.1 ms"                  # or [model] dt, as in fit files
    sampling_interval = "0.5 ms"

    [execution]
    executor = "inprocess"         # inprocess | processes | dask | dask://host:port
    workers = 2
    chunk_size = 16                # samples per chunk: one simulate call each
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.config.models import check_physical, read_model
from neurokit.config.reader import Reader, read_toml
from neurokit.errors import NeurokitError
from neurokit.params import Parameter, ParameterSpace
from neurokit.protocols import Protocol, step_protocol

METHODS = ("grid", "sobol", "lhs", "random")
TOP_KEYS = {"name", "description", "seed", "output", "trust", "model", "design", "parameters", "protocol",
            "execution"}
EXEC_KEYS = {"executor", "workers", "scheduler", "address", "chunk_size", "chunks", "retries", "warm"}
_TIMES = {"start", "stop", "tau", "duration", "dt", "sampling_interval", "settle"}
_CURRENTS = {"amplitude", "amplitudes", "amplitude_start", "amplitude_stop", "mean", "std", "sigma"}
_OLD = {"range": "bounds = [low, high]", "scale": "transform = \"log\"", "value": "[model.fixed]"}


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
        The model's name (built-in, or ``"module:attr"`` in a trusted file).
    backend : str
    axes : list of Axis
        Swept parameters.
    protocol : Protocol
    fixed : dict
        Parameter -> (value, unit) in the model's unit, the same for every sample.
    method : {"grid", "sobol", "lhs", "random"}
    n : int
        Grid: points per axis; otherwise the number of samples.
    seed : int
        Seed of the design.
    execution : dict
        ``executor``, ``workers``, ``scheduler``, ``chunk_size`` or ``chunks``, ``retries``.
    output : Path, optional
        Where the result is written (``.nc`` or ``.zarr``).
    """

    model: str
    backend: str
    axes: list[Axis]
    protocol: Protocol
    fixed: dict[str, tuple[float, str]] = field(default_factory=dict)
    method: str = "grid"
    n: int = 5
    seed: int = 0
    execution: dict = field(default_factory=dict)
    backend_options: dict = field(default_factory=dict)
    output: Path | None = None
    name: str = ""
    source: str = ""
    raw: dict = field(default_factory=dict)
    model_object: object = field(default=None, repr=False, compare=False)

    @classmethod
    def from_toml(cls, path: str | os.PathLike, *, trust: bool = False) -> "SweepSpec":
        """Read a sweep file (``trust``: the command allows importing code, ``--trust``).

        Raises
        ------
        FitConfigError
            ``FILE:LINE:`` of the offending key: unknown keys or parameters, reversed bounds,
            unit mismatch, a bad design, protocol or execution setting, code without trust.
        """
        raw, r = read_toml(path, "sweep file")
        return read_sweep(raw, r, trust=trust)

    def design(self) -> xr.Dataset:
        """The batch of parameter sets: one variable per swept and fixed parameter along
        ``sample`` (in the model's units), in the order samples are numbered."""
        if self.method == "grid":
            mesh = np.meshgrid(*[a.grid_values(self.n) for a in self.axes], indexing="ij")
            cols = {a.name: m.ravel() for a, m in zip(self.axes, mesh)}
        else:
            space = ParameterSpace([Parameter(a.name, a.unit, a.range, transform="log" if a.scale == "log"
                                              else "identity") for a in self.axes])
            drawn = space.sample(self.n, self.method, seed=self.seed)
            cols = {a.name: drawn[a.name].values for a in self.axes}
        n = len(next(iter(cols.values())))
        data = {a.name: xr.DataArray(cols[a.name], dims="sample", attrs={"units": a.unit, "long_name": a.name})
                for a in self.axes}
        for name, (value, unit) in self.fixed.items():
            data[name] = xr.DataArray(np.full(n, value), dims="sample", attrs={"units": unit, "long_name": name})
        ds = xr.Dataset(data).assign_coords(sample=np.arange(n))
        ds.attrs.update(method=self.method, n=self.n, seed=self.seed)
        return ds

    @property
    def n_samples(self) -> int:
        if self.method == "grid":
            return int(np.prod([a.grid_values(self.n).size for a in self.axes]))
        return self.n


def read_sweep(raw: dict, r: Reader, *, trust: bool = False) -> SweepSpec:
    """A :class:`SweepSpec` from a parsed sweep file (see the module docstring)."""
    if isinstance(raw.get("model"), str):
        raise r.error(("model",), f"model = {raw['model']!r}: name the model in a [model] table "
                                  f"(name = {raw['model']!r}, backend = ...), as fit files do")
    for key in ("backend", "backend_options"):
        if key in raw:
            raise r.error((key,), f"{key} goes in the [model] table, as in fit files")
    r.keys(raw, TOP_KEYS, (), "the sweep file")
    for key in ("model", "parameters", "protocol"):
        if key not in raw:
            raise r.error((), f"missing {key!r}")
    trust = trust or r.boolean(raw.get("trust", False), ("trust",), "trust")
    seed = r.integer(raw.get("seed", 0), ("seed",), "seed", minimum=0)
    section = read_model(r, raw, trust=trust, free=raw["parameters"])
    design = r.keys(raw.get("design", {}), {"method", "n"}, ("design",), "[design]")
    method = design.get("method", "grid")
    if method not in METHODS:
        raise r.error(("design", "method"), f"design.method {method!r} is not one of {METHODS}")
    n = r.integer(design.get("n", 5), ("design", "n"), "design.n", minimum=1)
    axes = _axes(r, raw["parameters"], section, method)
    protocol = _protocol(r, raw["protocol"], seed, section.dt)
    execution = dict(r.keys(raw.get("execution", {}), EXEC_KEYS, ("execution",), "[execution]"))
    for key in ("chunk_size", "chunks", "workers"):
        if key in execution:
            r.integer(execution[key], ("execution", key), f"execution.{key}", minimum=1)
    output = raw.get("output")
    if output is not None:
        output = r.path.parent / r.string(output, ("output",), "output")
    params = section.parameters
    fixed = {k: (v, params[k].unit) for k, v in section.fixed.items()}
    return SweepSpec(model=section.name, backend=section.backend, axes=axes, fixed=fixed, protocol=protocol,
                     method=method, n=n, seed=seed, execution=execution, backend_options=section.backend_options,
                     output=output, name=str(raw.get("name", r.path.stem)), source=str(r.path), raw=raw,
                     model_object=section.model)


def _axes(r: Reader, table, section, method: str) -> list[Axis]:
    if not isinstance(table, dict) or not table:
        raise r.error(("parameters",), "[parameters] must name at least one parameter")
    params = section.parameters
    axes = []
    for name, entry in table.items():
        at = ("parameters", name)
        if name not in params:
            raise r.error(at, f"parameters.{name}: model {section.name!r} has no parameter {name!r} "
                              f"(it has {', '.join(params)})")
        if name in section.fixed:
            raise r.error(at, f"parameter {name!r} is both swept and fixed")
        p = params[name]
        if not isinstance(entry, (list, dict)):
            raise r.error(at, f"parameters.{name}: give bounds [low, high] or a table; fixed values go in "
                              "[model.fixed], as in fit files")
        if isinstance(entry, dict):
            for old, new in _OLD.items():
                if old in entry:
                    raise r.error(at, f"parameters.{name}: {old!r} is the old sweep syntax; use {new} (fit-file syntax)")
        if isinstance(entry, dict) and "values" in entry:
            r.keys(entry, {"values", "unit"}, at, f"parameter {name!r}")
            if method != "grid":
                raise r.error(at, f"parameters.{name}: explicit values need design.method = 'grid' (use bounds "
                                  f"for {method})")
            vals = entry["values"]
            if not isinstance(vals, list) or not vals:
                raise r.error(at, f"parameters.{name}: values must be a non-empty list")
            f = r.unit_of(entry, p.unit, at, name)
            given = entry.get("unit", p.unit)
            values = tuple(check_physical(r, p, r.quantity(v, given, at, f"parameters.{name}") * f, at) for v in vals)
            axes.append(Axis(name, p.unit, values=values))
            continue
        n = entry.get("n") if isinstance(entry, dict) else None
        if n is not None:
            r.integer(n, at + ("n",), f"parameters.{name}.n", minimum=1)
        q = r.parameter(name, entry, p.unit, at, None, extra=("n",))
        for v in q.bounds:
            check_physical(r, p, v, at)
        scale = "log" if q.transform == "log" else "linear"
        axes.append(Axis(name, p.unit, range=tuple(q.bounds), scale=scale, n=n))
    return axes


def _protocol(r: Reader, table, seed: int, model_dt: float | None) -> Protocol:
    """The ``[protocol]`` table: quantity strings converted (times to s, currents to nA)."""
    where = ("protocol",)
    table = dict(r.keys(table, set(table) if isinstance(table, dict) else (), where, "[protocol]"))
    if model_dt is not None:
        if "dt" in table:
            raise r.error(where + ("dt",), "dt is given in both [model] and [protocol]; keep one")
        table["dt"] = model_dt
    table = _convert(r, table, where)
    table.setdefault("seed", seed)
    try:
        steps = table.pop("steps", None)
        if steps is not None:
            if "sweeps" in table:
                raise r.error(where + ("steps",), "protocol: give either steps or sweeps, not both")
            return step_protocol(steps["amplitudes"], steps["start"], steps["stop"], **table)
        return Protocol.from_dict(table)
    except (NeurokitError, TypeError, KeyError, ValueError) as exc:  # ValueError: a list for a number
        if isinstance(exc, NeurokitError) and str(exc).startswith(str(r.path)):
            raise
        raise r.error(where, f"protocol: {exc}") from None


def _convert(r: Reader, value, where: tuple, key: str | None = None):
    if isinstance(value, dict):
        return {k: _convert(r, v, where + (k,) if len(where) < 3 else where, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(r, v, where, key) for v in value]
    if key in _TIMES and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return r.quantity(value, "s", where, f"protocol {key}")
    if key in _CURRENTS and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return r.quantity(value, "nA", where, f"protocol {key}")
    return value
