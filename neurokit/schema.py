"""The one data format of neurokit: names, dims and canonical units of its xarray datasets.

Simulations (every backend) and recordings (every reader) produce datasets in this format, so
the same code compares them. :func:`assert_conforms` checks a dataset and says exactly what is
wrong; :func:`save` and :func:`load` write and read netCDF (h5netcdf) atomically.

Dims
----
``time`` (s); ``sample`` (a parameter set of a batch); ``sweep`` (one episode); ``cell``;
``node`` (rate-model unit); ``population``; ``compartment``; ``iteration`` (fit generation);
``spike`` (ragged spikes, one entry per spike).

Spikes
------
Ragged along ``spike``: ``spike_time`` (s) with the owning ``spike_sample``, ``spike_sweep``,
``spike_cell`` (and ``spike_population`` in networks) as coordinates on that dim. The owner
coords carry a ``spike_`` prefix because xarray cannot hold a coordinate named ``cell`` along
``spike`` beside a ``cell`` dimension.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.errors import RecordingNotFoundError, SchemaError, UnitError
from neurokit.files import atomic_path
from neurokit.units import check_unit

DIMS = ("time", "sample", "sweep", "cell", "node", "population", "compartment", "iteration",
        "spike", "pre", "post", "synapse")


@dataclass(frozen=True)
class Variable:
    """A named quantity of the format: its canonical units and a human-readable name."""

    name: str
    units: str | None  # None: units defined by the model ('activity', 'weight'), still required
    long_name: str


_VARIABLES = [
    Variable("time", "s", "time"),
    Variable("membrane_potential", "mV", "membrane potential"),
    Variable("stimulus_current", "nA", "injected current"),
    Variable("clamp_current", "nA", "voltage-clamp current"),
    Variable("rate", "Hz", "firing rate"),
    Variable("activity", None, "rate-model activity"),
    Variable("weight", None, "synaptic weight"),
    Variable("conductance", "nS", "conductance"),
    Variable("conductance_density", "S/cm2", "conductance density"),
    Variable("capacitance", "pF", "capacitance"),
    Variable("specific_capacitance", "uF/cm2", "specific membrane capacitance"),
    Variable("spike_time", "s", "spike time"),
    Variable("x", "1", "position along section"),
    Variable("path_distance", "um", "path distance from soma"),
]
VARIABLES: dict[str, Variable] = {v.name: v for v in _VARIABLES}

SPIKE_OWNERS = ("spike_sample", "spike_sweep", "spike_cell", "spike_population", "spike_node")
REQUIRED_ATTRS = ("neurokit_version",)


def canonical_units(name: str) -> str | None:
    """Canonical units of variable ``name`` (None where the model defines them)."""
    var = VARIABLES.get(name)
    return var.units if var else None


def attrs_for(name: str, units: str | None = None) -> dict[str, str]:
    """``units``/``long_name`` attrs for variable ``name``; ``units`` is needed where the model
    defines them (``activity``, ``weight``, state variables outside the table)."""
    var = VARIABLES.get(name)
    unit = units if units is not None else (var.units if var else None)
    if unit is None:
        raise SchemaError(f"variable {name!r} needs explicit units")
    return {"units": unit, "long_name": var.long_name if var else name.replace("_", " ")}


@functools.lru_cache(maxsize=1)  # a git subprocess per simulate call cost ~5 ms
def _git_revision() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5, cwd=Path(__file__).resolve().parent)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def provenance_attrs(**extra) -> dict:
    """Dataset attrs every neurokit output carries: version and git revision, plus ``extra``.

    Dicts and lists in ``extra`` (the protocol, say) are stored as JSON strings, since
    netCDF attrs hold only numbers and strings.
    """
    from neurokit import __version__

    attrs = {"neurokit_version": __version__, "git_revision": _git_revision()}
    for key, value in extra.items():
        if value is None:
            continue
        if isinstance(value, (dict, list, tuple)):
            value = json.dumps(value, sort_keys=True, default=str)
        elif isinstance(value, bool):
            value = int(value)
        attrs[key] = value
    return attrs


def time_coord(n: int, interval_s: float, start_s: float = 0.0) -> xr.DataArray:
    """A ``time`` coordinate of ``n`` points every ``interval_s`` seconds."""
    t = start_s + interval_s * np.arange(n, dtype=float)
    return xr.DataArray(t, dims="time", attrs=attrs_for("time"))


def spikes_dataset(times_s, **owners) -> xr.Dataset:
    """Ragged spikes: ``spike_time`` along ``spike`` with owner coords.

    Parameters
    ----------
    times_s : array-like
        Spike times in seconds.
    **owners : array-like
        Owner index per spike, keyword names from :data:`SPIKE_OWNERS` without the
        ``spike_`` prefix (``sample=``, ``sweep=``, ``cell=``...).
    """
    t = np.asarray(times_s, dtype=float).ravel()
    coords = {}
    for key, values in owners.items():
        name = f"spike_{key}"
        if name not in SPIKE_OWNERS:
            raise SchemaError(f"unknown spike owner {key!r}; use one of {SPIKE_OWNERS}")
        arr = np.asarray(values).ravel()
        if arr.shape != t.shape:
            raise SchemaError(f"spike owner {key!r} has {arr.size} entries for {t.size} spikes")
        coords[name] = ("spike", arr)
    return xr.Dataset({"spike_time": ("spike", t, attrs_for("spike_time"))}, coords=coords)


def spike_times(ds: xr.Dataset, **owners) -> np.ndarray:
    """Sorted spike times (s) of the spikes whose owner coords equal ``owners``.

    Example: ``spike_times(ds, sample=3, sweep=0)``.
    """
    if "spike_time" not in ds:
        return np.empty(0)
    mask = np.ones(ds.sizes.get("spike", 0), dtype=bool)
    for key, value in owners.items():
        name = f"spike_{key}"
        if name not in ds.coords:
            if value in (0, None):  # a single owner needs no coord
                continue
            raise SchemaError(f"dataset has no spike owner coord {name!r}")
        mask &= ds[name].values == value
    return np.sort(ds["spike_time"].values[mask])


def _check_var(name: str, da: xr.DataArray, problems: list[str]) -> None:
    units = da.attrs.get("units")
    if units is None:
        problems.append(f"{name}: no 'units' attr")
        return
    try:
        check_unit(str(units))
    except UnitError as exc:
        problems.append(f"{name}: {exc}")
        return
    canonical = canonical_units(name)
    if canonical is not None and str(units) != canonical:
        problems.append(f"{name}: units {units!r}, expected canonical {canonical!r}")
    if "long_name" not in da.attrs:
        problems.append(f"{name}: no 'long_name' attr")
    unknown = [d for d in da.dims if d not in DIMS]
    if unknown:
        problems.append(f"{name}: unknown dims {unknown} (known: {', '.join(DIMS)})")


def problems(ds: xr.Dataset) -> list[str]:
    """Everything that keeps ``ds`` from following the format; empty when it conforms."""
    found: list[str] = []
    if not isinstance(ds, xr.Dataset):
        return [f"expected an xarray.Dataset, got {type(ds).__name__}"]
    for attr in REQUIRED_ATTRS:
        if attr not in ds.attrs:
            found.append(f"dataset attrs: missing {attr!r}")
    if "time" in ds.dims:
        if "time" not in ds.coords:
            found.append("time: dimension has no coordinate")
        else:
            t = ds["time"].values
            if t.size > 1 and not np.all(np.diff(t) > 0):
                found.append("time: coordinate is not strictly increasing")
            _check_var("time", ds["time"], found)
    for name, da in ds.data_vars.items():
        _check_var(str(name), da, found)
    for name in ds.coords:
        if name == "time":
            continue
        da = ds.coords[name]
        if name in VARIABLES and VARIABLES[name].units is not None:
            _check_var(str(name), da, found)
        if da.dims and any(d not in DIMS for d in da.dims):
            found.append(f"{name}: unknown dims {list(da.dims)}")
    if "spike" in ds.dims and "spike_time" not in ds:
        found.append("spike: dimension present without 'spike_time'")
    if "spike_time" in ds and ds["spike_time"].dims != ("spike",):
        found.append(f"spike_time: dims {ds['spike_time'].dims}, expected ('spike',)")
    for dim in ds.dims:
        if dim not in DIMS:
            found.append(f"dimension {dim!r} is not one of {', '.join(DIMS)}")
    return found


def assert_conforms(ds: xr.Dataset) -> xr.Dataset:
    """Raise :class:`SchemaError` listing every problem of ``ds``; return ``ds`` if none."""
    found = problems(ds)
    if found:
        raise SchemaError("dataset does not conform to the neurokit format:\n  - "
                          + "\n  - ".join(found))
    return ds


def save(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``ds`` to netCDF (h5netcdf engine) atomically: a temp file, then a rename.

    A failure leaves no partial file at ``path``. Booleans are stored as int8 and restored by
    :func:`load`.
    """
    path = Path(path)
    out = encode_bools(ds)
    with atomic_path(path) as tmp:
        out.to_netcdf(tmp, engine="h5netcdf", invalid_netcdf=False)
    return path


def load(path: str | os.PathLike) -> xr.Dataset:
    """Read a dataset written by :func:`save` back into memory, equal to what was saved."""
    path = Path(path)
    if not path.exists():
        raise RecordingNotFoundError(f"no such file: {path}")
    with xr.open_dataset(path, engine="h5netcdf") as handle:
        return decode_bools(handle.load())


def encode_bools(ds: xr.Dataset) -> xr.Dataset:
    """A copy of ``ds`` with boolean variables as int8 marked for :func:`decode_bools`
    (netCDF has no boolean type; zarr stores use the same encoding)."""
    out = ds.copy()
    for name, da in list(out.variables.items()):
        if da.dtype == bool:
            out[name] = da.astype("int8")
            out[name].attrs = {**da.attrs, "neurokit_dtype": "bool"}
    return out


def decode_bools(ds: xr.Dataset) -> xr.Dataset:
    """Undo :func:`encode_bools` in place and return ``ds``."""
    for name, da in list(ds.variables.items()):
        if da.attrs.get("neurokit_dtype") == "bool":
            attrs = {k: v for k, v in da.attrs.items() if k != "neurokit_dtype"}
            ds[name] = da.astype(bool)
            ds[name].attrs = attrs
    return ds


def protocol_of(ds: xr.Dataset) -> dict | None:
    """The protocol a dataset records, decoded from its JSON ``protocol`` attr."""
    text = ds.attrs.get("protocol")
    return json.loads(text) if text else None
