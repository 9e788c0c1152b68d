"""Shared pieces of neurokit's figures: writing a figure atomically, picking traces out of
datasets, display units and sweep colours.

Display units are chosen for reading, not storage: time in s (ms for traces shorter than
1 s), currents in pA when every value is below 1 nA, voltage in mV.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np
import xarray as xr
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure

from neurokit.errors import NeurokitError, ParameterError, SchemaError
from neurokit.files import atomic_path
from neurokit.units import conversion_factor

DEFAULT_DPI = 110
SWEEP_CMAP = "viridis"
DATA_COLOR = "0.15"
MODEL_COLOR = "tab:red"
LEGEND_MAX = 8  # sweeps named in a legend; more get a colour bar


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = DEFAULT_DPI) -> Path:
    """Write ``fig`` to ``path`` atomically; the format follows the file suffix.

    Missing parent folders are created. The figure is drawn into a temporary file beside
    ``path`` and renamed into place, so readers never see a partial file and a failure leaves
    whatever was at ``path`` before untouched.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    path : str or os.PathLike
        Output file, e.g. ``out.png``, ``fig.pdf``, ``fig.svg``.
    dpi : int
        Resolution of raster formats, dots per inch.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    NeurokitError
        If the suffix names no format matplotlib writes, or the folder cannot be written.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise NeurokitError(f"cannot write figure {str(path)!r}: unknown image format {fmt!r}; "
                            f"use one of {', '.join(sorted(supported))}")
    # atomic_path: a temporary beside the target (usual permissions), renamed on success and
    # removed on failure; it creates missing folders and names the path in any OSError.
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi)
    return path


def _finish(fig: Figure, path, dpi: int) -> Figure:
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig


def _title(ds: xr.Dataset) -> str:
    src = ds.attrs.get("source_file") or ds.attrs.get("source")
    if src:
        return Path(str(src)).name
    parts = [str(ds.attrs[k]) for k in ("model", "backend") if ds.attrs.get(k)]
    return " / ".join(parts)


def _units(da: xr.DataArray, default: str) -> str:
    return str(da.attrs.get("units", default))


def _sweep_traces(ds: xr.Dataset, name: str, sample: int = 0) -> xr.DataArray:
    """``ds[name]`` as a (sweep, time) DataArray: the chosen ``sample`` of a batch, a single
    trace given a sweep dim of length one."""
    if name not in ds:
        raise SchemaError(f"dataset has no {name!r} variable (it has: {', '.join(map(str, ds.data_vars))})")
    da = ds[name]
    if "time" not in da.dims:
        raise SchemaError(f"{name}: dims {da.dims} have no 'time'")
    if "sample" in da.dims:
        n = da.sizes["sample"]
        if not 0 <= sample < n:
            raise ParameterError(f"sample {sample} out of range: dataset has {n} samples")
        da = da.isel(sample=sample)
    if "sweep" not in da.dims:
        da = da.expand_dims("sweep")
    extra = [d for d in da.dims if d not in ("sweep", "time")]
    if extra:
        raise SchemaError(f"{name}: cannot plot traces with extra dims {extra}; select them first "
                          f"(e.g. ds.isel({extra[0]}=0))")
    return da.transpose("sweep", "time")


def _check_sweeps(sweeps: Sequence[int] | None, n: int, what: str = "dataset") -> list[int]:
    if sweeps is None:
        return list(range(n))
    chosen = [int(k) for k in sweeps]
    if not chosen:
        raise ParameterError("sweeps: the list of sweeps to plot is empty")
    bad = [k for k in chosen if not 0 <= k < n]
    if bad:
        raise ParameterError(f"sweeps: {', '.join(map(str, bad))} out of range; {what} has "
                             f"{n} sweeps, numbered 0 to {n - 1}")
    return chosen


def _time_scale(t: np.ndarray) -> tuple[float, str]:
    """Factor and label for a time axis: ms below 1 s of data, s otherwise."""
    # the duration covered, last sample interval included (1 s at 20 kHz is 20000 samples)
    span = float(t[-1] - t[0]) * t.size / (t.size - 1) if t.size > 1 else 0.0
    return _span_scale(span)


def _span_scale(span_s: float) -> tuple[float, str]:
    return (1e3, "time (ms)") if span_s < 1.0 else (1.0, "time (s)")


def _current_scale(values: np.ndarray, units: str) -> tuple[float, str]:
    """Factor to display a current given in ``units``: pA when every value is below 1 nA."""
    to_na = conversion_factor(units, "nA")
    finite = np.abs(values[np.isfinite(values)]) * to_na
    if finite.size == 0 or finite.max() < 1.0:
        return to_na * 1e3, "pA"
    return to_na, "nA"


def _sweep_colors(n: int, cmap: str = SWEEP_CMAP) -> list:
    colors = colormaps[cmap]
    # stop short of viridis' pale yellow end, which vanishes on white
    return [colors(x) for x in np.linspace(0.0, 0.9, max(n, 1))]


def _sweep_colorbar(fig: Figure, axes, chosen: list[int]) -> None:
    """A discrete colour bar naming the sweeps, beside all of ``axes``."""
    n = len(chosen)
    listed = ListedColormap(_sweep_colors(n))
    sm = ScalarMappable(norm=Normalize(-0.5, n - 0.5), cmap=listed)
    cbar = fig.colorbar(sm, ax=axes, pad=0.01, aspect=40, fraction=0.03)
    step = max(1, int(np.ceil(n / 9)))  # at most ~9 labels stay readable
    ticks = list(range(0, n, step))
    cbar.set_ticks(ticks, labels=[str(chosen[i]) for i in ticks])
    cbar.set_label("sweep")
