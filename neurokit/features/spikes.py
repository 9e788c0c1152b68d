"""The one spike detector of neurokit, for recordings, simulations, features, plots and fits.

A :class:`SpikeDetector` says how spikes are found in a voltage trace:

- ``"threshold"`` (default): upward crossings of a fixed voltage (0 mV), re-armed once the
  voltage falls below ``rearm`` (-10 mV), so noise around the threshold is not counted twice.
  The rule behind the spike counts of data/recordings/README.md.
- ``"derivative"``: upward crossings of a dV/dt threshold (20 mV/ms), kept when the voltage
  then rises at least ``min_height`` mV above its value at the crossing before it turns down,
  so a noise blip is not a spike. For cells whose spikes stay below 0 mV (an uncorrected
  offset, a distal recording, a depolarisation block); each spike counts once, at its onset.
- ``"relative"``: crossings of a fraction of each trace's own peak height above its median,
  re-armed below a lower fraction; the voltage must fall back below the re-arm level within
  ``max_width``, so the edge of a current step is not a spike.

Datasets that carry ragged spikes (``spike_time``, as integrate-and-fire backends write them,
since their reset hides spikes from the voltage) use those instead of any detector.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.errors import ParameterError, SchemaError
from neurokit.features.traces import check_window, owner_coords, trace_rows, voltage_mV

SPIKE_THRESHOLD_MV = 0.0
REARM_MV = -10.0
METHODS = ("threshold", "derivative", "relative")
# Per method: threshold, rearm, min_height (mV), max_width (s); None where unused.
_DEFAULTS = {
    "threshold": (SPIKE_THRESHOLD_MV, None, None, None),  # rearm: threshold - 10 mV
    "derivative": (20.0, None, 10.0, None),                # mV/ms; peak 10 mV above onset
    "relative": (0.5, None, 20.0, 0.01),                   # fractions; 20 mV high; 10 ms wide
}


@dataclass(frozen=True)
class SpikeDetector:
    """How spikes are found in a voltage trace (see the module docstring).

    Parameters
    ----------
    method : {"threshold", "derivative", "relative"}
    threshold : float, optional
        ``"threshold"``: voltage, mV (default 0). ``"derivative"``: dV/dt, mV/ms (default 20).
        ``"relative"``: fraction of the trace's peak height above its median (default 0.5).
    rearm : float, optional
        ``"threshold"``: mV the voltage must fall below before the next spike counts (default
        ``threshold - 10``). ``"relative"``: fraction (default ``threshold - 0.25``). Unused
        by ``"derivative"``, which re-arms once the voltage has peaked.
    min_height : float, optional
        mV. ``"derivative"``: rise of the peak above the voltage at the dV/dt crossing
        (default 10). ``"relative"``: the peak height above the median a trace needs to have
        spikes at all (default 20).
    max_width : float, optional
        s. ``"relative"``: time after a crossing within which the voltage must fall below the
        re-arm level (default 0.01).

    Raises
    ------
    ParameterError
        For an unknown method or inconsistent values (the message names the field).

    Examples
    --------
    >>> SpikeDetector("derivative").threshold
    20.0
    """

    method: str = "threshold"
    threshold: float | None = None
    rearm: float | None = None
    min_height: float | None = None
    max_width: float | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ParameterError(f"SpikeDetector method {self.method!r}: use one of {METHODS}")
        thr, rearm, height, width = _DEFAULTS[self.method]
        thr = float(thr if self.threshold is None else self.threshold)
        if self.method == "threshold":
            rearm = thr - 10.0 if self.rearm is None else float(self.rearm)
        elif self.method == "relative":
            rearm = thr - 0.25 if self.rearm is None else float(self.rearm)
        elif self.rearm is not None:
            raise ParameterError("SpikeDetector: rearm is not used by method 'derivative'")
        height = height if self.min_height is None else float(self.min_height)
        width = width if self.max_width is None else float(self.max_width)
        for name, value in (("threshold", thr), ("rearm", rearm), ("min_height", height),
                            ("max_width", width)):
            if value is not None and not np.isfinite(value):
                raise ParameterError(f"SpikeDetector: {name} must be finite, got {value}")
            object.__setattr__(self, name, value)
        if rearm is not None and not rearm < thr:
            raise ParameterError(f"SpikeDetector: rearm {rearm} must be below threshold {thr}")
        if self.method == "derivative" and thr <= 0:
            raise ParameterError(f"SpikeDetector: a dV/dt threshold must be > 0 mV/ms, got {thr}")
        if self.method == "relative" and not 0 < thr < 1:
            raise ParameterError(f"SpikeDetector: a relative threshold is a fraction of the "
                                 f"peak height, 0 < threshold < 1, got {thr}")
        if height is not None and height < 0:
            raise ParameterError(f"SpikeDetector: min_height must be >= 0 mV, got {height}")
        if width is not None and width <= 0:
            raise ParameterError(f"SpikeDetector: max_width must be > 0 s, got {width}")

    def describe(self) -> str:
        """The rule in words, as datasets record it (``spike_source`` attr)."""
        if self.method == "threshold":
            return f"upward crossings of {self.threshold} mV, re-armed below {self.rearm} mV"
        if self.method == "derivative":
            return (f"dV/dt crossings of {self.threshold} mV/ms, peak at least "
                    f"{self.min_height} mV above the crossing")
        return (f"crossings of {self.threshold} of each trace's peak height above its median, "
                f"re-armed below {self.rearm}, back below it within {self.max_width} s, "
                f"peak height at least {self.min_height} mV")

    def as_attrs(self) -> dict:
        """The detector's fields, for provenance attrs."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def as_detector(spec: SpikeDetector | float | None) -> SpikeDetector:
    """``spec`` as a detector: None is the default, a number a ``"threshold"`` level in mV."""
    if spec is None:
        return SpikeDetector()
    if isinstance(spec, SpikeDetector):
        return spec
    try:
        return SpikeDetector("threshold", float(spec))
    except (TypeError, ValueError):
        raise ParameterError(f"spike detector must be a SpikeDetector or a threshold in mV, "
                             f"got {spec!r}") from None


def _arrays(v_mV, t_s) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(v_mV, dtype=float)
    t = np.asarray(t_s, dtype=float)
    if v.shape != t.shape or v.ndim != 1:
        raise ParameterError(f"detect_spikes: v has shape {v.shape}, t {t.shape}; need equal 1-D")
    return v, t


def _crossings(v: np.ndarray, level: float, rearm: float) -> np.ndarray:
    """Sample indices just after upward crossings of ``level``, re-armed below ``rearm``."""
    up = np.flatnonzero((v[:-1] < level) & (v[1:] >= level)) + 1
    if up.size == 0:
        return up
    below = np.flatnonzero(v < rearm)
    kept, last = [], -1
    for i in up:
        # Counted if this is the first crossing or the voltage went below rearm in between.
        if last < 0 or np.searchsorted(below, last) < np.searchsorted(below, i):
            kept.append(i)
            last = i
    return np.asarray(kept, dtype=int)


def _interpolate(v: np.ndarray, t: np.ndarray, idx: np.ndarray, level: float) -> np.ndarray:
    frac = (level - v[idx - 1]) / (v[idx] - v[idx - 1])
    return t[idx - 1] + frac * (t[idx] - t[idx - 1])


def _relative_levels(v: np.ndarray, det: SpikeDetector) -> tuple[float, float] | None:
    """(level, rearm) in mV for this trace, or None when its peak is too low for spikes."""
    finite = v[np.isfinite(v)]
    if finite.size < 3:
        return None
    base = float(np.median(finite))
    height = float(finite.max()) - base
    if height < det.min_height or height <= 0:
        return None
    return base + det.threshold * height, base + det.rearm * height


def _derivative(v: np.ndarray, t: np.ndarray, det: SpikeDetector):
    """(onset times s, onset voltages mV, peak voltages mV) of the dV/dt rule."""
    dvdt = np.diff(v) / (np.diff(t) * 1e3)  # mV/ms; entry i lies between samples i and i+1
    thr = det.threshold
    up = np.flatnonzero((dvdt[:-1] < thr) & (dvdt[1:] >= thr)) + 1
    turning = np.flatnonzero(~(dvdt > 0))  # the voltage stops rising (NaN ends a rise too)
    times, onsets, peaks, last_peak = [], [], [], -1
    for c in up:
        if c <= last_peak:  # a second crossing on the same upstroke
            continue
        k = np.searchsorted(turning, c)
        j = int(turning[k]) if k < turning.size else v.size - 1  # the local maximum
        if not v[j] - v[c] >= det.min_height:
            continue
        # the crossing between the dV/dt samples at interval midpoints c-1 and c
        frac = (thr - dvdt[c - 1]) / (dvdt[c] - dvdt[c - 1])
        t0, t1 = 0.5 * (t[c - 1] + t[c]), 0.5 * (t[c] + t[c + 1])
        times.append(t0 + frac * (t1 - t0))
        onsets.append(v[c])
        peaks.append(v[j])
        last_peak = j
    return np.asarray(times, dtype=float), np.asarray(onsets), np.asarray(peaks)


def detect_spikes(v_mV, t_s, detector: SpikeDetector | None = None) -> np.ndarray:
    """Spike times (s) of one trace, by ``detector`` (default: 0 mV crossings, re-armed
    below -10 mV).

    Times are interpolated linearly between samples: the level crossing for ``"threshold"``
    and ``"relative"``, the dV/dt crossing (the spike's onset) for ``"derivative"``.

    Parameters
    ----------
    v_mV : array-like, shape (time,)
        Membrane potential, mV. NaN samples never cross.
    t_s : array-like, shape (time,)
        Sample times, s.
    detector : SpikeDetector, optional

    Examples
    --------
    >>> t = np.arange(6) * 1e-3
    >>> detect_spikes([-60, -60, 20, -60, -60, -60], t)
    array([0.00175])
    """
    v, t = _arrays(v_mV, t_s)
    det = detector or SpikeDetector()
    if v.size < 3:
        return np.empty(0)
    if det.method == "threshold":
        idx = _crossings(v, det.threshold, det.rearm)
        return _interpolate(v, t, idx, det.threshold) if idx.size else np.empty(0)
    if det.method == "derivative":
        return _derivative(v, t, det)[0]
    levels = _relative_levels(v, det)
    if levels is None:
        return np.empty(0)
    level, rearm = levels
    idx = _crossings(v, level, rearm)
    below = np.flatnonzero(v < rearm)
    nxt = np.searchsorted(below, idx)
    ok = nxt < below.size
    ok[ok] = t[below[nxt[ok]]] - t[idx[ok]] <= det.max_width
    idx = idx[ok]
    return _interpolate(v, t, idx, level) if idx.size else np.empty(0)


def spike_level(v_mV, t_s, detector: SpikeDetector | None = None) -> float:
    """A voltage (mV) every spike ``detector`` finds in this trace crosses: the threshold, the
    relative level, or (``"derivative"``) the lowest midpoint between a spike's onset and
    peak. NaN for a ``"derivative"``/``"relative"`` trace without spikes. eFEL gets it as its
    ``Threshold``, so its spike-shape features see the same spikes."""
    v, t = _arrays(v_mV, t_s)
    det = detector or SpikeDetector()
    if det.method == "threshold":
        return float(det.threshold)
    if det.method == "relative":
        levels = _relative_levels(v, det)
        return float(levels[0]) if levels is not None and detect_spikes(v, t, det).size else np.nan
    _, onsets, peaks = _derivative(v, t, det)
    return float(np.min(0.5 * (onsets + peaks))) if onsets.size else np.nan


def trace_spikes(ds: xr.Dataset, v: xr.DataArray, arr: np.ndarray, dims: list[str],
                 shape: tuple[int, ...], detector: SpikeDetector) -> tuple[list[np.ndarray], str]:
    """Spike times (s) of each row of ``arr`` (the traces of ``v``), and where they came from.

    Datasets that carry ragged spikes (``spike_time`` with ``spike_<dim>`` owner coords) use
    those; otherwise ``detector`` on the voltage.
    """
    t = ds["time"].values
    owned = "spike_time" in ds and all(
        f"spike_{d}" in ds.coords or v.sizes[d] == 1 for d in dims)
    out = []
    for flat, trace in enumerate(arr):
        if not owned:
            out.append(detect_spikes(trace, t, detector))
            continue
        index = np.unravel_index(flat, shape) if shape else ()
        owners = {d: (v[d].values[i] if d in v.coords else i) for d, i in zip(dims, index)
                  if f"spike_{d}" in ds.coords}
        out.append(schema.spike_times(ds, **owners))
    return out, ("dataset spike_time" if owned else detector.describe())


def spikes(ds: xr.Dataset, window=None, detector: SpikeDetector | None = None) -> xr.Dataset:
    """Spikes of every trace as ragged ``spike_time`` (s) along ``spike``, with owner coords
    ``spike_sweep`` (and ``spike_sample``/``spike_cell``) holding the traces' coordinate values.

    ``window=(start_s, stop_s)`` keeps only spikes inside it; default: the whole sweep.
    ``detector`` defaults to 0 mV crossings (:class:`SpikeDetector`).
    """
    det = detector or SpikeDetector()
    v = voltage_mV(ds)
    arr, dims, shape = trace_rows(v)
    lo, hi = check_window(ds, window) if window is not None else (-np.inf, np.inf)
    times, owners = [], {d: [] for d in dims}
    found, source = trace_spikes(ds, v, arr, dims, shape, det)
    for flat, st in enumerate(found):
        st = st[(st >= lo) & (st < hi)]
        times.append(st)
        index = np.unravel_index(flat, shape) if shape else ()
        for d, i in zip(dims, index):
            owners[d].append(np.full(st.size, v[d].values[i] if d in v.coords else i))
    unknown = [d for d in dims if f"spike_{d}" not in schema.SPIKE_OWNERS]
    if unknown:
        raise SchemaError(f"cannot own spikes by dims {unknown}; known: {schema.SPIKE_OWNERS}")
    out = schema.spikes_dataset(np.concatenate(times) if times else np.empty(0),
                                **{d: np.concatenate(o) if o else np.empty(0, int)
                                   for d, o in owners.items()})
    out.attrs = schema.provenance_attrs(source_file=ds.attrs.get("source_file"),
                                        spike_source=source, spike_detector=det.as_attrs(),
                                        window_start_s=None if window is None else lo,
                                        window_stop_s=None if window is None else hi)
    return out


def spike_count(ds: xr.Dataset, window=None, detector: SpikeDetector | None = None) -> xr.DataArray:
    """Number of spikes per trace (dims: the non-time dims of ``membrane_potential``).

    ``window=(start_s, stop_s)`` counts only spikes inside it; default: the whole sweep (the
    counts of data/recordings/README.md with the default detector).
    """
    v = voltage_mV(ds)
    arr, dims, shape = trace_rows(v)
    lo, hi = check_window(ds, window) if window is not None else (-np.inf, np.inf)
    found, _ = trace_spikes(ds, v, arr, dims, shape, detector or SpikeDetector())
    counts = np.array([np.count_nonzero((s >= lo) & (s < hi)) for s in found], dtype=int)
    return xr.DataArray(counts.reshape(shape), dims=dims, coords=owner_coords(v, dims),
                        name="spike_count", attrs={"units": "1", "long_name": "spike count"})
