"""Figures of recordings and simulations: voltage traces above their stimulus, spike rasters."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from neurokit.errors import SchemaError
from neurokit.plot.figure import (DATA_COLOR, DEFAULT_DPI, LEGEND_MAX, _check_sweeps,
                                  _current_scale, _finish, _span_scale, _sweep_colorbar,
                                  _sweep_colors, _sweep_traces, _time_scale, _title, _units)

if TYPE_CHECKING:
    from neurokit.features import SpikeDetector


def plot_recording(ds: xr.Dataset, sweeps: Sequence[int] | None = None, *, sample: int = 0,
                   title: str | None = None, path: str | os.PathLike | None = None,
                   dpi: int = DEFAULT_DPI) -> Figure:
    """Membrane potential of each sweep above the injected current, one colour per sweep.

    Parameters
    ----------
    ds : xarray.Dataset
        A recording or simulation with ``membrane_potential`` (mV) over (``sweep``, ``time``),
        optionally ``stimulus_current`` (nA) and a ``sample`` dim (a batch).
    sweeps : sequence of int, optional
        Sweep positions (0-based, as ``neurokit inspect`` numbers them). Default: all.
    sample : int
        Which parameter set of a batch to plot.
    title : str, optional
        Figure title; default: the source file or the model and backend.
    path : str or os.PathLike, optional
        If given, the figure is also written there (atomically, see :func:`save_figure`).
    dpi : int
        Resolution used when writing raster formats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    v = _sweep_traces(ds, "membrane_potential", sample)
    chosen = _check_sweeps(sweeps, v.sizes["sweep"], str(ds.attrs.get("source_file", "dataset")))
    has_stim = "stimulus_current" in ds
    t = v["time"].values
    tscale, tlabel = _time_scale(t)
    colors = _sweep_colors(len(chosen))

    fig = Figure(figsize=(9.0, 5.6 if has_stim else 4.2), layout="constrained")
    if has_stim:
        ax_v, ax_i = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.1])
    else:
        ax_v, ax_i = fig.subplots(1, 1), None
    lw = 0.8 if len(chosen) <= 6 else 0.6
    for color, k in zip(colors, chosen):
        ax_v.plot(t * tscale, v.values[k], color=color, lw=lw, label=f"sweep {k}")
    ax_v.set_ylabel(f"membrane potential ({_units(v, 'mV')})")
    if ax_i is None:
        ax_v.set_xlabel(tlabel)
    else:
        cur = _sweep_traces(ds, "stimulus_current", sample)
        if cur.sizes["sweep"] == 1 and v.sizes["sweep"] > 1:  # one stimulus shared by all sweeps
            cur = cur.isel(sweep=[0] * v.sizes["sweep"])
        tc = cur["time"].values
        values = cur.values[[k for k in chosen if k < cur.sizes["sweep"]]]
        iscale, iunit = _current_scale(values, _units(cur, "nA"))
        for color, row in zip(colors, values):
            ax_i.plot(tc * tscale, row * iscale, color=color, lw=1.0)
        ax_i.set_ylabel(f"stimulus ({iunit})")
        ax_i.set_xlabel(tlabel)
        ax_i.axhline(0.0, color="0.6", lw=0.5, zorder=0)
    for ax in (ax_v, ax_i):
        if ax is not None:
            ax.spines[["top", "right"]].set_visible(False)
            ax.margins(x=0.0)
            ax.grid(True, color="0.92", lw=0.6)
            ax.set_axisbelow(True)
    if len(chosen) > LEGEND_MAX:  # a legend of many entries is unreadable: a colour bar
        _sweep_colorbar(fig, [a for a in (ax_v, ax_i) if a is not None], chosen)
    elif len(chosen) > 1:
        ax_v.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    n = v.sizes["sweep"]
    label = title if title is not None else _title(ds)
    shown = "all" if len(chosen) == n else f"{len(chosen)} of"
    fig.suptitle(f"{label}  ({shown} {n} sweeps)" if label else f"{shown} {n} sweeps", fontsize=11)
    return _finish(fig, path, dpi)


_RASTER_OWNERS = ("cell", "sweep", "sample", "node")


def plot_raster(ds: xr.Dataset, by: str | None = None, *, title: str | None = None,
                detector: SpikeDetector | None = None, path: str | os.PathLike | None = None,
                dpi: int = DEFAULT_DPI, **select) -> Figure:
    """Spike raster: one row per owner (cell, sweep or sample), one tick per spike.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset with ragged spikes (``spike_time`` in s along ``spike`` and owner coords
        ``spike_cell``/``spike_sweep``/``spike_sample``). A dataset with only
        ``membrane_potential`` (a recording) has its spikes detected first
        (:func:`neurokit.features.detect_spikes`).
    detector : neurokit.features.SpikeDetector, optional
        How spikes are detected in the voltage (default: 0 mV crossings).
    by : str, optional
        Owner giving the rows: ``"cell"``, ``"sweep"``, ``"sample"`` or ``"node"``. Default:
        the first of those present with more than one value.
    **select : int
        Keep only spikes of these owners, e.g. ``sample=0``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    spikes = ds if "spike_time" in ds else _detect(ds, detector)
    mask = np.ones(spikes.sizes.get("spike", 0), dtype=bool)
    for key, value in select.items():
        coord = f"spike_{key}"
        if coord not in spikes.coords:
            raise SchemaError(f"dataset has no spike owner coord {coord!r} to select {key}={value!r}")
        mask &= spikes[coord].values == value
    t = spikes["spike_time"].values[mask]
    if by is None:
        present = [o for o in _RASTER_OWNERS if f"spike_{o}" in spikes.coords]
        varied = [o for o in present if np.unique(spikes[f"spike_{o}"].values[mask]).size > 1]
        by = (varied or present or [None])[0]
    if by is not None and f"spike_{by}" not in spikes.coords:
        raise SchemaError(f"dataset has no spike owner coord 'spike_{by}' to put on the rows")
    rows = spikes[f"spike_{by}"].values[mask] if by else np.zeros(t.size, int)
    if "time" in ds.coords and ds["time"].size > 1:
        tscale, tlabel = _time_scale(ds["time"].values)
    else:
        tscale, tlabel = _span_scale(float(t.max()) if t.size else 1.0)

    n_rows = int(np.unique(rows).size) if rows.size else 1
    fig = Figure(figsize=(8.0, min(1.8 + 0.18 * n_rows, 7.5)), layout="constrained")
    ax = fig.subplots()
    pops = spikes["spike_population"].values[mask] if "spike_population" in spikes.coords else None
    tick = max(2.0, min(10.0, 300.0 / max(n_rows, 1)))
    if pops is not None:
        for i, pop in enumerate(np.unique(pops)):
            m = pops == pop
            ax.plot(t[m] * tscale, rows[m], "|", ms=tick, mew=0.8, color=f"C{i}", label=str(pop))
        ax.legend(frameon=False, loc="upper right", fontsize=9)
    else:
        ax.plot(t * tscale, rows, "|", ms=tick, mew=0.8, color=DATA_COLOR)
    ax.set_xlabel(tlabel)
    ax.set_ylabel(by or "")
    if "time" in ds.coords and ds["time"].size > 1:
        ax.set_xlim(ds["time"].values[0] * tscale, ds["time"].values[-1] * tscale)
    # every owner of the dataset gets its row, silent ones (a sweep without spikes) included
    n_owners = ds.sizes.get(by, 0) if by else 0
    if n_owners and np.issubdtype(rows.dtype, np.integer):
        ax.set_ylim(-0.5, n_owners - 0.5)
        if n_owners <= 20:
            ax.set_yticks(np.arange(n_owners))
    elif n_rows <= 20:
        ax.set_yticks(np.unique(rows) if rows.size else [0])
    ax.invert_yaxis()  # row 0 on top, as rasters are read
    ax.spines[["top", "right"]].set_visible(False)
    label = title if title is not None else _title(ds)
    ax.set_title(f"{label}{': ' if label else ''}{t.size} spikes", fontsize=11)
    return _finish(fig, path, dpi)


def _detect(ds: xr.Dataset, detector: SpikeDetector | None) -> xr.Dataset:
    """Ragged spikes of every sweep (and sample) of a dataset that has only voltage traces."""
    from neurokit.features import detect_spikes
    from neurokit.schema import spikes_dataset

    if "membrane_potential" not in ds:
        raise SchemaError("dataset has neither 'spike_time' nor 'membrane_potential' to plot spikes of")
    v = ds["membrane_potential"]
    if "sweep" not in v.dims:
        v = v.expand_dims("sweep")
    if "sample" not in v.dims:
        v = v.expand_dims("sample")
    v = v.transpose("sample", "sweep", "time")
    t = v["time"].values
    times, samples, sweeps = [], [], []
    for s in range(v.sizes["sample"]):
        for k in range(v.sizes["sweep"]):
            st = np.asarray(detect_spikes(v.values[s, k], t, detector))
            times.append(st)
            samples.append(np.full(st.size, s))
            sweeps.append(np.full(st.size, k))
    owners = {"sweep": np.concatenate(sweeps)}
    if "sample" in ds["membrane_potential"].dims:
        owners["sample"] = np.concatenate(samples)
    return spikes_dataset(np.concatenate(times), **owners)
