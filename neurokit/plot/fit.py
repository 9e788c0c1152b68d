"""Figures of a fit: model traces over the recording, F-I curves, the history of the objective."""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from neurokit.errors import SchemaError
from neurokit.plot.figure import (DATA_COLOR, DEFAULT_DPI, MODEL_COLOR, _check_sweeps,
                                  _current_scale, _finish, _sweep_traces, _time_scale, _title,
                                  _units)
from neurokit.units import conversion_factor


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
