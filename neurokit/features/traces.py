"""The traces of a dataset as features see them: voltage in mV, one row per trace, a window.

A trace is one combination of the non-time dims of ``membrane_potential`` (``sweep``, and
``sample`` or ``cell`` for simulated batches). Shared by :mod:`~neurokit.features.spikes`,
:mod:`~neurokit.features.epochs` and :mod:`~neurokit.features.table`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import xarray as xr

from neurokit.errors import ProtocolError, SchemaError
from neurokit.units import conversion_factor


def voltage_mV(ds: xr.Dataset) -> xr.DataArray:
    """``membrane_potential`` of ``ds`` in mV.

    Raises
    ------
    SchemaError
        If the dataset has no ``membrane_potential`` over ``time``.
    """
    if not isinstance(ds, xr.Dataset) or "membrane_potential" not in ds:
        raise SchemaError("dataset has no 'membrane_potential' variable")
    v = ds["membrane_potential"]
    if "time" not in v.dims:
        raise SchemaError(f"membrane_potential has no time dim (dims {v.dims})")
    units = v.attrs.get("units", "mV")
    if units != "mV":
        v = v * conversion_factor(units, "mV", what="membrane_potential")
    return v


def trace_rows(da: xr.DataArray) -> tuple[np.ndarray, list[str], tuple[int, ...]]:
    """``da`` as an (n_traces, time) array, with its non-time dims and their shape."""
    other = [d for d in da.dims if d != "time"]
    arr = da.transpose(*other, "time").values
    shape = arr.shape[:-1]
    return arr.reshape(-1, arr.shape[-1]), other, shape


def owner_coords(da: xr.DataArray, dims: Sequence[str]) -> dict:
    """The coords of ``da`` that live on ``dims`` only (to label a per-trace result)."""
    return {name: c for name, c in da.coords.items() if name != "time" and set(c.dims) <= set(dims)}


def check_window(ds: xr.Dataset, window) -> tuple[float, float]:
    """``window`` as ``(start_s, stop_s)`` floats, checked against the dataset's time.

    Raises
    ------
    ProtocolError
        If it is not two numbers with stop after start, or lies outside the recording.
    """
    try:
        start, stop = (float(w) for w in window)
    except (TypeError, ValueError):
        raise ProtocolError(f"window must be (start_s, stop_s), got {window!r}") from None
    t = ds["time"].values
    if not (np.isfinite(start) and np.isfinite(stop) and stop > start):
        raise ProtocolError(f"window ({start}, {stop}) s: stop must be after start")
    if stop <= t[0] or start >= t[-1]:
        raise ProtocolError(f"window ({start}, {stop}) s lies outside the recording "
                            f"({t[0]} to {t[-1]} s)")
    return start, stop
