"""Sweeps of a recording as plain arrays for the GIF fit: voltage, current, spike indices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from neurokit.errors import FitConfigError, ParameterError


@dataclass(frozen=True)
class Sweep:
    """One recorded sweep.

    Attributes
    ----------
    index : int
        Position along the recording's ``sweep`` dim.
    v_mV, i_nA : ndarray, shape (time,)
        Membrane potential (mV) and injected current (nA).
    dt_s : float
        Sampling interval, s.
    spike_idx : ndarray of int
        Sample index of each spike (first sample at or after the threshold crossing).
    spike_s : ndarray
        Spike times, s from the sweep's first sample.
    """

    index: int
    v_mV: np.ndarray
    i_nA: np.ndarray
    dt_s: float
    spike_idx: np.ndarray
    spike_s: np.ndarray

    @property
    def n(self) -> int:
        return self.v_mV.size

    @property
    def duration_s(self) -> float:
        return self.n * self.dt_s


def sampling_interval(recording: xr.Dataset) -> float:
    """The recording's sampling interval, s (the time coord must be evenly spaced)."""
    t = np.asarray(recording["time"].values, dtype=float)
    if t.size < 2:
        raise FitConfigError(f"GIF fit: the recording has {t.size} time samples; need many more")
    step = np.diff(t)
    dt = float(np.median(step))
    if not dt > 0 or np.max(np.abs(step - dt)) > 1e-6 * dt + 1e-12:
        raise FitConfigError("GIF fit: the recording's time coord is not evenly spaced")
    return dt


def load_sweeps(recording: xr.Dataset, sweeps, spike_threshold_mV: float = 0.0) -> list[Sweep]:
    """The chosen sweeps of a neurokit recording, with their spikes.

    Parameters
    ----------
    recording : xarray.Dataset
        ``membrane_potential`` (mV) and ``stimulus_current`` (nA) over (``sweep``, ``time``),
        time coord in s (as :func:`neurokit.io.load_recording` returns).
    sweeps : sequence of int
        Positions along ``sweep``.
    spike_threshold_mV : float
        Spike detection threshold (upward crossing), mV.

    Raises
    ------
    FitConfigError
        Missing variables, an empty or out-of-range sweep list, NaN samples.
    """
    from neurokit.features import SpikeDetector, detect_spikes

    if not isinstance(recording, xr.Dataset):
        raise FitConfigError(f"GIF fit: recording must be an xarray.Dataset, got {type(recording).__name__}")
    for name in ("membrane_potential", "stimulus_current"):
        if name not in recording:
            raise FitConfigError(f"GIF fit: the recording has no {name!r} variable")
    v_all = recording["membrane_potential"]
    if v_all.dims != ("sweep", "time"):
        v_all = v_all.transpose("sweep", "time")
    i_all = recording["stimulus_current"].transpose(*v_all.dims)
    n_sweeps = v_all.sizes["sweep"]
    idx = [int(s) for s in np.atleast_1d(np.asarray(sweeps))]
    if not idx:
        raise FitConfigError("GIF fit: no sweeps given")
    bad = [s for s in idx if not 0 <= s < n_sweeps]
    if bad:
        raise FitConfigError(f"GIF fit: sweeps {bad} out of range 0..{n_sweeps - 1}")
    dt = sampling_interval(recording)
    detector = SpikeDetector("threshold", threshold=float(spike_threshold_mV))
    t = np.asarray(recording["time"].values, dtype=float)
    out = []
    for s in idx:
        v = np.asarray(v_all.values[s], dtype=float)
        i = np.asarray(i_all.values[s], dtype=float)
        if not (np.all(np.isfinite(v)) and np.all(np.isfinite(i))):
            raise FitConfigError(f"GIF fit: sweep {s} has NaN or infinite samples")
        times = detect_spikes(v, t, detector)
        spk = np.searchsorted(t, times).astype(np.int64)
        out.append(Sweep(s, v, i, dt, spk, times - t[0]))
    return out


def check_current(current_nA, dt_s: float) -> np.ndarray:
    """A current as a 2-D ``(sweep, time)`` float array, checked (for simulations)."""
    cur = np.asarray(current_nA, dtype=float)
    if cur.ndim == 1:
        cur = cur[None, :]
    if cur.ndim != 2 or cur.shape[1] < 2:
        raise ParameterError(f"simulate_gif: current must be (time,) or (sweep, time), got shape {cur.shape}")
    if not np.all(np.isfinite(cur)):
        raise ParameterError("simulate_gif: current has NaN or infinite samples")
    if not dt_s > 0:
        raise ParameterError(f"simulate_gif: dt_s must be positive, got {dt_s}")
    return cur
