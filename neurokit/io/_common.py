"""What every reader shares: path checks, unit conversion, and the recording Dataset builder."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.errors import RecordingError, RecordingNotFoundError, UnitError
from neurokit.units import convert, same_dimensions

# File suffixes of the text readers (columns, ATF) and of saved datasets.
TEXT_SUFFIXES = (".txt", ".dat", ".csv", ".tsv", ".asc")
NETCDF_SUFFIXES = (".nc", ".h5", ".netcdf")
_NUMBER_RUN = re.compile(r"(\d+)")


def existing_path(path: str | os.PathLike) -> Path:
    """``path`` as a :class:`~pathlib.Path`, or :class:`RecordingNotFoundError` naming it."""
    p = Path(path).expanduser()
    if not p.exists():
        raise RecordingNotFoundError(f"recording not found: {p}")
    return p


def natural_key(name: str) -> tuple:
    """Sort key putting ``sweep2`` before ``sweep10`` (numbers compared as numbers)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in _NUMBER_RUN.split(name) if part)


def even_interval(time_s: np.ndarray, source: str | os.PathLike, what: str = "time column") -> float:
    """The sampling interval (s) of evenly spaced sample times ``time_s``.

    Raises :class:`RecordingError` naming the file when the times are not evenly spaced
    (steps differing by more than 0.1 %) or do not increase.
    """
    dt = np.diff(np.asarray(time_s, dtype=float))
    if dt.size == 0:
        raise RecordingError(f"{source}: {what} holds fewer than two samples")
    interval = float(np.median(dt))
    if not interval > 0 or np.max(np.abs(dt - interval)) > 1e-3 * interval:
        raise RecordingError(f"{source}: {what} is not evenly spaced "
                             f"(steps from {dt.min()} to {dt.max()} s)")
    return interval


def to_canonical(values, unit: str, canonical: str, *, what: str, source: str | os.PathLike):
    """Convert ``values`` from ``unit`` (as read from a file) to the ``canonical`` unit.

    Raises :class:`RecordingError` naming the file when the file's unit is unknown or measures
    something else (a voltage-clamp channel where a voltage was expected, say).
    """
    try:
        if not same_dimensions(unit, canonical):
            raise UnitError(f"unit {unit!r} is not a unit of {canonical!r}")
        return convert(values, unit, canonical, what=what)
    except UnitError as exc:
        raise RecordingError(f"{source}: {what}: {exc}") from None


def recording_dataset(
    voltage_mV,
    interval_s: float,
    *,
    source_file: str | os.PathLike,
    format: str,
    current_nA=None,
    start_s: float = 0.0,
    time_s=None,
    source_sweeps: Sequence | None = None,
    **attrs,
) -> xr.Dataset:
    """Build a recording in neurokit's format and check that it conforms.

    Parameters
    ----------
    voltage_mV : array-like, shape (sweep, time)
        Membrane potential, mV.
    interval_s : float
        Sampling interval, s.
    source_file : path
        File (or folder) the data came from.
    format : str
        Reader name (``"abf"``, ``"nwb"``, ``"igor"``, ``"text"``).
    current_nA : array-like, shape (sweep, time), optional
        Injected current, nA (the command waveform or the recorded current).
    start_s : float
        Time of the first sample, s.
    time_s : array-like, optional
        Sample times, s, where the file lists them (text columns); default: evenly spaced.
    source_sweeps : sequence, optional
        Sweep numbers as the file names them (stored as the ``source_sweep`` coord).
    **attrs
        Further dataset attrs (protocol name, units as read...).
    """
    v = np.atleast_2d(np.asarray(voltage_mV, dtype=float))
    n_sweeps, n_time = v.shape
    if n_time == 0:
        raise RecordingError(f"{source_file}: recording holds no samples")
    if not (np.isfinite(interval_s) and interval_s > 0):
        raise RecordingError(f"{source_file}: sampling interval {interval_s!r} s is not positive")
    if time_s is None:
        time = schema.time_coord(n_time, float(interval_s), float(start_s))
    else:
        if np.size(time_s) != n_time:
            raise RecordingError(f"{source_file}: {np.size(time_s)} times for {n_time} samples")
        time = xr.DataArray(np.asarray(time_s, dtype=float), dims="time", attrs=schema.attrs_for("time"))
    coords = {
        "time": time,
        "sweep": ("sweep", np.arange(n_sweeps), {"long_name": "sweep index"}),
    }
    if source_sweeps is not None:
        coords["source_sweep"] = ("sweep", np.asarray(source_sweeps),
                                  {"long_name": "sweep number in the source file"})
    data = {"membrane_potential": (("sweep", "time"), v, schema.attrs_for("membrane_potential"))}
    if current_nA is not None:
        c = np.atleast_2d(np.asarray(current_nA, dtype=float))
        if c.shape != v.shape:
            raise RecordingError(
                f"{source_file}: current has shape {c.shape}, membrane potential {v.shape}")
        data["stimulus_current"] = (("sweep", "time"), c, schema.attrs_for("stimulus_current"))
    ds = xr.Dataset(data, coords=coords)
    ds.attrs = schema.provenance_attrs(source_file=str(source_file), format=format,
                                       sampling_interval_s=float(interval_s), **attrs)
    return schema.assert_conforms(ds)
