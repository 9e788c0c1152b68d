"""Figures people expect from neurokit datasets: traces with their stimulus, model against
recording, F-I curves, spike rasters and the history of a fit.

Every function takes datasets in neurokit's format (:mod:`neurokit.schema`) and returns a
:class:`matplotlib.figure.Figure`. Figures are built with the object API (no ``pyplot``), so
nothing depends on a display or on pyplot's global list of open figures, and nothing has to be
closed. Pass ``path=`` (or call :func:`save_figure`) to write the figure atomically: a
temporary file in the same folder, then a rename, so a crash never leaves half a PNG.

Display units are chosen for reading, not storage: time in s (ms for traces shorter than
1 s), currents in pA when every value is below 1 nA, voltage in mV.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Sequence

import numpy as np
import xarray as xr
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure

from neurokit.errors import NeurokitError, ParameterError, SchemaError
from neurokit.units import conversion_factor

DEFAULT_DPI = 110
SWEEP_CMAP = "viridis"
DATA_COLOR = "0.15"
MODEL_COLOR = "tab:red"
LEGEND_MAX = 8  # sweeps named in a legend; more get a colour bar


# ---------------------------------------------------------------------------------------------
# saving


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NeurokitError(f"cannot write figure {str(path)!r}: {exc.strerror or exc}") from None
    # A unique name beside the target (same file system, so the rename is atomic). Not mkstemp:
    # its files are private (0600), and the figure should get the usual permissions (umask).
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp.{fmt}")
    try:
        fig.savefig(tmp, format=fmt, dpi=dpi)
        os.replace(tmp, path)
    except OSError as exc:  # read-only folder, disk full, target is a folder...
        tmp.unlink(missing_ok=True)
        raise NeurokitError(f"cannot write figure {str(path)!r}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _finish(fig: Figure, path, dpi: int) -> Figure:
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig


# ---------------------------------------------------------------------------------------------
# helpers: picking traces out of datasets, display units


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


# ---------------------------------------------------------------------------------------------
# figures


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


def plot_traces_vs_data(sim: xr.Dataset, data: xr.Dataset, sweeps: Sequence[int] | None = None,
                        *, sample: int = 0, variable: str = "membrane_potential",
                        title: str | None = None, path: str | os.PathLike | None = None,
                        dpi: int = DEFAULT_DPI) -> Figure:
    """A model's traces over the recording it is compared with, one panel per sweep.

    Parameters
    ----------
    sim : xarray.Dataset
        Simulation result, ``variable`` over (``sample``?, ``sweep``, ``time``).
    data : xarray.Dataset
        The recording, ``variable`` over (``sweep``, ``time``). Each trace is drawn against its
        own time axis, so the two may be sampled differently.
    sweeps : sequence of int, optional
        Sweep positions to show (default: all sweeps of ``data``, at most 12).
    sample : int
        Which parameter set of a batch in ``sim`` to draw.
    variable : str
        The variable compared (default ``membrane_potential``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = _sweep_traces(data, variable, 0)
    m = _sweep_traces(sim, variable, sample)
    n = min(d.sizes["sweep"], m.sizes["sweep"])
    chosen = _check_sweeps(sweeps, n, "model and recording") if sweeps is not None \
        else list(range(min(n, 12)))
    td, tm = d["time"].values, m["time"].values
    tscale, tlabel = _time_scale(td)
    fig = Figure(figsize=(9.0, 1.2 + 1.7 * len(chosen)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(chosen), 1, sharex=True, squeeze=False)[:, 0])
    unit = _units(d, "mV")
    for ax, k in zip(axes, chosen):
        ax.plot(td * tscale, d.values[k], color=DATA_COLOR, lw=0.8, label="recording")
        ax.plot(tm * tscale, m.values[k], color=MODEL_COLOR, lw=0.8, alpha=0.85, label="model")
        # label by the sweep's own number (a fit report shows sweeps 7, 11, 15 at positions 0-2)
        name = d["sweep"].values[k] if "sweep" in d.coords else k
        ax.set_ylabel(f"sweep {name}\n({unit})")
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(x=0.0)
    axes[0].legend(loc="upper right", frameon=False, ncols=2, fontsize=9)
    axes[-1].set_xlabel(tlabel)
    label = title if title is not None else (_title(data) or "model vs recording")
    fig.suptitle(f"{label}: {d.attrs.get('long_name', variable)}", fontsize=11)
    return _finish(fig, path, dpi)


# where an F-I result keeps its current: neurokit.features.fi_curve's name first
_CURRENT_NAMES = ("step_amplitude", "stimulus_current", "current", "amplitude")


def _fi_lines(fi, label: str | None) -> list[tuple[np.ndarray, np.ndarray, str | None, str, str]]:
    """(current, rate, label, current units, rate units) for each line of an F-I result,
    sorted by current."""
    if isinstance(fi, xr.Dataset):
        if "rate" not in fi:
            names = ", ".join(map(str, fi.data_vars))
            raise SchemaError(f"F-I dataset has no 'rate' variable (it has: {names})")
        rate, source = fi["rate"], fi
    elif isinstance(fi, xr.DataArray):
        rate, source = fi, fi.coords
    else:
        raise SchemaError(f"expected an F-I xarray Dataset or DataArray, got {type(fi).__name__}")
    xname = next((c for c in _CURRENT_NAMES if c in source), None)
    if xname is None:
        raise SchemaError(f"F-I result has no current coordinate or variable (looked for "
                          f"{', '.join(_CURRENT_NAMES)})")
    current, rate = xr.broadcast(source[xname], rate)
    xdim = source[xname].dims[-1]
    other = [d for d in rate.dims if d != xdim]
    xs = current.transpose(*other, xdim).values.reshape(-1, rate.sizes[xdim])
    ys = rate.transpose(*other, xdim).values.reshape(-1, rate.sizes[xdim])
    xunit = str(source[xname].attrs.get("units", "nA"))
    yunit = str(rate.attrs.get("units", "Hz"))
    lines = []
    for i, (xi, yi) in enumerate(zip(xs, ys)):
        order = np.argsort(xi, kind="stable")  # sweeps need not come in order of current
        lines.append((xi[order], yi[order], label if i == 0 else None, xunit, yunit))
    return lines


def plot_fi(fi_model, fi_data=None, *, title: str | None = None,
            path: str | os.PathLike | None = None, dpi: int = DEFAULT_DPI) -> Figure:
    """Firing rate against injected current (F-I curve), model and optionally recording.

    Parameters
    ----------
    fi_model : xarray.Dataset or xarray.DataArray
        A ``rate`` (Hz) over ``sweep`` with the injected current beside it, as a coordinate or
        variable named ``step_amplitude`` (what :func:`neurokit.features.fi_curve` returns),
        ``stimulus_current``, ``current`` or ``amplitude``, in any current unit. Extra dims
        (``sample``...) give one line each.
    fi_data : xarray.Dataset or xarray.DataArray, optional
        The recording's F-I curve, drawn as black markers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(5.2, 4.0), layout="constrained")
    ax = fig.subplots()
    model_lines = _fi_lines(fi_model, "model" if fi_data is not None else None)
    all_x = [np.asarray(line[0], float) * conversion_factor(line[3], "nA") for line in model_lines]
    data_lines = _fi_lines(fi_data, "recording") if fi_data is not None else []
    all_x += [np.asarray(line[0], float) * conversion_factor(line[3], "nA") for line in data_lines]
    iscale, iunit = _current_scale(np.concatenate(all_x), "nA")
    many = len(model_lines) > 1
    for x, y, lab, xu, yu in model_lines:
        xs = np.asarray(x, float) * conversion_factor(xu, "nA") * iscale
        ax.plot(xs, np.asarray(y, float) * conversion_factor(yu, "Hz"), "-o", ms=3,
                color=MODEL_COLOR, alpha=0.35 if many else 1.0, lw=1.2, label=lab)
    for x, y, lab, xu, yu in data_lines:
        xs = np.asarray(x, float) * conversion_factor(xu, "nA") * iscale
        ax.plot(xs, np.asarray(y, float) * conversion_factor(yu, "Hz"), "o", ms=5,
                color=DATA_COLOR, mfc="white", label=lab)
    ax.set_xlabel(f"injected current ({iunit})")
    ax.set_ylabel("firing rate (Hz)")
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color="0.92", lw=0.6)
    if any(line[2] for line in model_lines + data_lines):
        ax.legend(frameon=False)
    if title:
        ax.set_title(title, fontsize=11)
    return _finish(fig, path, dpi)


_RASTER_OWNERS = ("cell", "sweep", "sample", "node")


def plot_raster(ds: xr.Dataset, by: str | None = None, *, title: str | None = None,
                path: str | os.PathLike | None = None, dpi: int = DEFAULT_DPI, **select) -> Figure:
    """Spike raster: one row per owner (cell, sweep or sample), one tick per spike.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset with ragged spikes (``spike_time`` in s along ``spike`` and owner coords
        ``spike_cell``/``spike_sweep``/``spike_sample``). A dataset with only
        ``membrane_potential`` (a recording) has its spikes detected first
        (:func:`neurokit.features.detect_spikes`, 0 mV crossings).
    by : str, optional
        Owner giving the rows: ``"cell"``, ``"sweep"``, ``"sample"`` or ``"node"``. Default:
        the first of those present with more than one value.
    **select : int
        Keep only spikes of these owners, e.g. ``sample=0``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    spikes = ds if "spike_time" in ds else _detect(ds)
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


def _detect(ds: xr.Dataset) -> xr.Dataset:
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
            st = np.asarray(detect_spikes(v.values[s, k], t))
            times.append(st)
            samples.append(np.full(st.size, s))
            sweeps.append(np.full(st.size, k))
    owners = {"sweep": np.concatenate(sweeps)}
    if "sample" in ds["membrane_potential"].dims:
        owners["sample"] = np.concatenate(samples)
    return spikes_dataset(np.concatenate(times), **owners)


_OBJECTIVE_NAMES = ("objective", "score", "error", "loss", "fitness", "cost")


def plot_history(history: xr.Dataset, variable: str | None = None, *, title: str | None = None,
                 log: bool | None = None, path: str | os.PathLike | None = None,
                 dpi: int = DEFAULT_DPI) -> Figure:
    """Progress of a fit: the best objective of each iteration and the best so far.

    Parameters
    ----------
    history : xarray.Dataset
        A fit history with an objective over (``iteration``, ``sample``) (lower is better).
    variable : str, optional
        Name of the objective; default the first of ``objective``, ``score``, ``error``,
        ``loss``, ``fitness``, ``cost`` present, else the first variable with an ``iteration``
        dim.
    log : bool, optional
        Logarithmic y axis; default when every value is positive and they span over 100x.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if variable is None:
        variable = next((n for n in _OBJECTIVE_NAMES if n in history.data_vars), None)
        if variable is None:
            variable = next((str(n) for n, v in history.data_vars.items() if "iteration" in v.dims), None)
    if variable is None or variable not in history:
        raise SchemaError(f"history has no objective variable over 'iteration' "
                          f"(looked for {variable or ', '.join(_OBJECTIVE_NAMES)})")
    obj = history[variable]
    if "iteration" not in obj.dims:
        raise SchemaError(f"{variable}: dims {obj.dims} have no 'iteration'")
    others = [d for d in obj.dims if d != "iteration"]
    values = obj.transpose("iteration", *others).values.reshape(obj.sizes["iteration"], -1).astype(float)
    finite = np.where(np.isfinite(values), values, np.inf)
    per_iter = finite.min(axis=1)
    best = np.minimum.accumulate(per_iter)
    it = obj["iteration"].values if "iteration" in obj.coords else np.arange(values.shape[0])

    fig = Figure(figsize=(6.0, 4.0), layout="constrained")
    ax = fig.subplots()
    shown = np.isfinite(per_iter)
    if values.shape[1] > 1:
        med = np.array([np.median(r[np.isfinite(r)]) if np.isfinite(r).any() else np.nan for r in values])
        ax.plot(it, med, color="0.6", lw=1.0, label="median of iteration")
    ax.plot(it[shown], per_iter[shown], "o", ms=3, color="tab:blue", alpha=0.6, label="best of iteration")
    ax.step(it[np.isfinite(best)], best[np.isfinite(best)], where="post", color="tab:blue", lw=1.8,
            label="best so far")
    pos = values[np.isfinite(values)]
    if log is None:
        log = pos.size > 0 and pos.min() > 0 and pos.max() / pos.min() > 100
    if log:
        ax.set_yscale("log")
    units = obj.attrs.get("units")
    name = obj.attrs.get("long_name", variable)
    ax.set_ylabel(f"{name} ({units})" if units not in (None, "", "1") else str(name))
    ax.set_xlabel("iteration")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color="0.92", lw=0.6)
    ax.legend(frameon=False)
    if title:
        ax.set_title(title, fontsize=11)
    return _finish(fig, path, dpi)
