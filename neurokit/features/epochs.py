"""Stimulus epochs of a dataset: where its current steps are, the default feature window,
and step amplitudes.

The stimulus window is the caller's ``window=(start_s, stop_s)`` or, by default, the first
step epoch of ``stimulus_current`` at least half as long as the longest one (so a short test
pulse before the main step is skipped; in the "dual" ABF sweeps, which hold several steps,
this is the first step; pass ``window=`` for another).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurokit.errors import ProtocolError
from neurokit.features.traces import check_window, owner_coords, trace_rows, voltage_mV
from neurokit.units import conversion_factor


def current_rows(ds: xr.Dataset, like: xr.DataArray) -> np.ndarray | None:
    """Injected current (nA) as an (n_traces, time) array aligned with ``like``'s traces:
    ``stimulus_current``, or the protocol in the attrs; None when there is neither."""
    if "stimulus_current" in ds:
        cur = ds["stimulus_current"]
        units = cur.attrs.get("units", "nA")
        if units != "nA":
            cur = cur * conversion_factor(units, "nA", what="stimulus_current")
    else:
        text = ds.attrs.get("protocol")
        if not text:
            return None
        from neurokit.protocols import Protocol

        try:  # a protocol summarised in attrs (replayed arrays elided) cannot be rebuilt
            cur = Protocol.from_json(text).stimulus_dataset()
        except Exception:
            return None
        if cur.sizes["time"] != ds.sizes["time"]:
            return None
        cur = cur.assign_coords(time=ds["time"])
    _, cur = xr.broadcast(like, cur)
    return trace_rows(cur.transpose(*like.dims))[0]


def epochs_of(current: np.ndarray, t: np.ndarray) -> list[tuple[float, float]]:
    """Step epochs ``(start_s, stop_s)`` shared by all traces of ``current`` (n_traces, time), nA."""
    cur = np.atleast_2d(current)
    n_time = cur.shape[1]
    if n_time < 3 or not np.all(np.isfinite(cur)):
        return []
    dt = float(np.median(np.diff(t)))
    d = np.diff(cur, axis=1)
    mad = np.median(np.abs(d - np.median(d, axis=1, keepdims=True)), axis=1)
    noise = float(np.median(mad)) / 0.6745 / np.sqrt(2)  # per-sample SD of a noisy recording
    # Command waveforms are exactly piecewise constant: compare neighbouring samples. Recorded
    # currents are noisy: compare means over w samples (about 2 ms) on either side.
    w = 1 if noise == 0 else max(1, min(int(round(2e-3 / dt)), n_time // 4))
    thr = max(8 * noise * np.sqrt(2.0 / w), 1e-6)
    cs = np.concatenate([np.zeros((cur.shape[0], 1)), np.cumsum(cur, axis=1)], axis=1)
    idx = np.arange(w, n_time - w + 1)
    jump = np.abs((cs[:, idx + w] - cs[:, idx]) - (cs[:, idx] - cs[:, idx - w])) / w
    j = jump.max(axis=0)
    from scipy.ndimage import maximum_filter1d  # here: 0.15 s to import, not needed by a fit

    peaks = np.flatnonzero((j > thr) & (j >= maximum_filter1d(j, 2 * w + 1)))
    bounds: list[int] = []
    for p in idx[peaks]:
        if not bounds or p - bounds[-1] > w:
            bounds.append(int(p))
    edges = [0] + bounds + [n_time]
    baseline = np.median(cur[:, : edges[1]], axis=1)
    out = []
    for a, z in zip(edges[1:-1], edges[2:]):
        inner = slice(a + w, z - w) if z - a > 2 * w else slice(a, z)
        level = cur[:, inner].mean(axis=1) - baseline
        if np.any(np.abs(level) > thr):
            stop = float(t[z]) if z < n_time else float(t[-1] + dt)
            out.append((float(t[a]), stop))
    return out


def stimulus_epochs(ds: xr.Dataset) -> list[tuple[float, float]]:
    """Step epochs ``(start_s, stop_s)`` of the dataset's stimulus, shared by all sweeps.

    An epoch is a stretch between two changes of the current (in any sweep) where the current
    of some sweep differs from its holding level (the level at the start of the sweep). Works
    on command waveforms and on noisy recorded currents (changes are found from ~2 ms means).
    The stimulus is ``stimulus_current``, or the protocol in the dataset's attrs. Empty when
    there is none.
    """
    v = voltage_mV(ds)
    cur = current_rows(ds, v)
    return [] if cur is None else epochs_of(cur, ds["time"].values)


def default_window(ds: xr.Dataset) -> tuple[float, float]:
    """The stimulus window features use by default, s: the first step epoch at least half as
    long as the longest (see :func:`stimulus_epochs`).

    Raises
    ------
    ProtocolError
        If the dataset has no stimulus to take a window from (pass ``window=``).
    """
    return first_long_epoch(stimulus_epochs(ds), ds)


def first_long_epoch(epochs, ds: xr.Dataset) -> tuple[float, float]:
    """The first of ``epochs`` at least half as long as the longest (s); see :func:`default_window`."""
    if not epochs:
        raise ProtocolError(
            f"{ds.attrs.get('source_file', 'dataset')}: no step in the stimulus (or no "
            "stimulus_current); pass window=(start_s, stop_s)")
    longest = max(b - a for a, b in epochs)
    return next((a, b) for a, b in epochs if b - a >= 0.5 * longest)


def step_amplitudes(cur: np.ndarray | None, t: np.ndarray, window,
                    epochs) -> tuple[np.ndarray, np.ndarray]:
    """(step amplitude, holding current) per trace, nA; NaN without a current.

    The holding current is the median before the first epoch (before the window where no
    epochs were found), not just before the window: in the "dual" sweeps other steps come
    before a later window.
    """
    if cur is None:
        return np.full(1, np.nan), np.full(1, np.nan)
    start, stop = window
    inside = (t >= start) & (t < stop)
    first = min([start] + [a for a, _ in epochs])
    before = t < first
    holding = np.median(cur[:, before], axis=1) if before.any() else np.median(cur[:, ~inside], axis=1)
    return cur[:, inside].mean(axis=1) - holding, holding


def step_amplitude(ds: xr.Dataset, window=None) -> xr.DataArray:
    """Step amplitude per trace, nA: mean current in the window minus the holding current
    (median before the first step epoch).

    Raises
    ------
    ProtocolError
        If the dataset has no stimulus current.
    """
    v = voltage_mV(ds)
    cur = current_rows(ds, v)
    if cur is None:
        raise ProtocolError("dataset has no stimulus_current to measure a step amplitude")
    t = ds["time"].values
    epochs = epochs_of(cur, t)
    start_stop = check_window(ds, window if window is not None else first_long_epoch(epochs, ds))
    _, dims, shape = trace_rows(v)
    amp, _ = step_amplitudes(cur, t, start_stop, epochs)
    return xr.DataArray(amp.reshape(shape), dims=dims, coords=owner_coords(v, dims),
                        name="step_amplitude",
                        attrs={"units": "nA", "long_name": "step amplitude above holding current"})
