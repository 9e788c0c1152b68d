"""Electrophysiology features of any dataset in neurokit's format: recordings and simulations.

Features are computed per trace, i.e. per combination of the non-time dims of
``membrane_potential`` (``sweep``, and ``sample`` or ``cell`` for simulated batches), inside a
stimulus window. Spikes are upward crossings of ``threshold`` (0 mV) re-armed once the voltage
falls below ``rearm`` (-10 mV), the rule behind the spike counts in data/recordings/README.md;
spike count, rate and latency use it. Datasets that carry ragged spikes (``spike_time``, as
integrate-and-fire backends write them, since their reset hides spikes from the voltage) use
those instead. Spike-shape and subthreshold features come from eFEL,
called through :func:`efel_settings`, which sets eFEL's process-wide settings for one call
and restores them afterwards, so no call sees another's settings.

Public API (used by fitting, plotting and the CLI)
-------------------------------------------------
- :func:`detect_spikes` (arrays), :func:`spike_count`, :func:`spikes` (datasets)
- :func:`stimulus_epochs`, :func:`default_window`, :func:`step_amplitude`
- :func:`compute_features` (the table :data:`FEATURES`), :func:`fi_curve`, :func:`rheobase`
- :func:`efel_settings` (context manager)

The stimulus window is the caller's ``window=(start_s, stop_s)`` or, by default, the first
step epoch of ``stimulus_current`` at least half as long as the longest one (so a short test
pulse before the main step is skipped; in the "dual" ABF sweeps, which hold several steps,
this is the first step; pass ``window=`` for another).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
import xarray as xr
from scipy.ndimage import maximum_filter1d

from neurokit import schema
from neurokit.errors import ParameterError, ProtocolError, SchemaError
from neurokit.units import conversion_factor

SPIKE_THRESHOLD_MV = 0.0
REARM_MV = -10.0
# Time after the window that spike-shape features see, so the last spike's repolarisation and
# AHP are inside the trace eFEL measures, s.
SPIKE_TAIL_S = 0.02

# Settings neurokit gives eFEL on every call (on top of eFEL's defaults): the same 0 mV
# threshold as detect_spikes; only spikes inside the window (the "dual" sweeps hold several
# steps); every ISI counts, the first one included.
DEFAULT_EFEL_SETTINGS = {"Threshold": SPIKE_THRESHOLD_MV, "strict_stiminterval": True,
                         "ignore_first_ISI": False}

# eFEL's settings live in one process-wide object. This lock keeps two threads from
# interleaving set-compute-restore sequences; it is the only module-level state, and exists
# because eFEL's is global.
_EFEL_LOCK = threading.RLock()


@dataclass(frozen=True)
class Feature:
    """A feature: output units, description, and where it comes from.

    ``efel``/``efel_units`` name the eFEL feature and its units (None: computed here from the
    detected spikes); ``when`` says on which traces it is defined: ``"all"``, ``"spiking"``
    (at least one spike in the window), ``"subthreshold"`` (no spike, non-zero step) or
    ``"hyperpolarizing"`` (no spike, negative step); elsewhere it is NaN.
    """

    name: str
    units: str
    long_name: str
    efel: str | None = None
    efel_units: str | None = None
    when: str = "all"


_FEATURES = [
    Feature("spike_count", "1", "spikes in the window"),
    Feature("mean_rate", "Hz", "spikes in the window / window duration"),
    Feature("first_spike_latency", "s", "first spike time after window start", when="spiking"),
    Feature("isi_cv", "1", "coefficient of variation of the ISIs", "ISI_CV", "1", "spiking"),
    Feature("adaptation_index", "1", "ISI adaptation index", "adaptation_index2", "1", "spiking"),
    Feature("ap_threshold", "mV", "AP onset voltage (mean over spikes)", "AP_begin_voltage", "mV",
            "spiking"),
    Feature("ap_amplitude", "mV", "AP amplitude above onset (mean over spikes)", "AP_amplitude",
            "mV", "spiking"),
    Feature("ap_width", "s", "AP width at half amplitude (mean over spikes)",
            "AP_duration_half_width", "ms", "spiking"),
    Feature("ahp_depth", "mV", "AHP minimum relative to resting potential (mean over spikes)",
            "AHP_depth", "mV", "spiking"),
    Feature("resting_potential", "mV", "voltage before the window", "voltage_base", "mV"),
    Feature("input_resistance", "Mohm", "steady-state voltage change / step amplitude",
            "ohmic_input_resistance_vb_ssse", "Mohm", "subthreshold"),
    Feature("membrane_time_constant", "s", "membrane time constant (exponential fit at step onset)",
            "time_constant", "ms", "hyperpolarizing"),
    Feature("sag_amplitude", "mV", "sag: steady state minus minimum voltage", "sag_amplitude", "mV",
            "hyperpolarizing"),
    Feature("sag_ratio", "1", "sag amplitude / (resting potential - minimum voltage)", "sag_ratio1",
            "1", "hyperpolarizing"),
    Feature("step_amplitude", "nA", "mean current in the window minus holding current"),
]
FEATURES: dict[str, Feature] = {f.name: f for f in _FEATURES}


# --- eFEL settings ---------------------------------------------------------------------------

@contextmanager
def efel_settings(**settings) -> Iterator[object]:
    """Run eFEL with ``settings`` (over eFEL's defaults and :data:`DEFAULT_EFEL_SETTINGS`),
    then put back whatever settings eFEL had before.

    Inside the block eFEL starts from its own defaults, so settings another caller left in the
    process do not leak in; after it, the previous settings are restored, so these do not leak
    out. Thread-safe (a lock serialises eFEL use).

    Raises
    ------
    ParameterError
        For a setting eFEL does not know or a value of the wrong type.

    Examples
    --------
    >>> import efel
    >>> with efel_settings(Threshold=-20.0):
    ...     efel.get_settings().Threshold
    -20.0
    """
    import efel

    known = set(vars(efel.Settings()))
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ParameterError(f"unknown eFEL setting(s) {unknown}; eFEL knows {sorted(known)}")
    with _EFEL_LOCK:
        current = efel.get_settings()
        saved = dict(vars(current))
        try:
            for name in set(vars(current)) - known:  # settings added by other callers
                delattr(current, name)
            current.reset_to_default()
            for name, value in {**DEFAULT_EFEL_SETTINGS, **settings}.items():
                try:
                    current.set_setting(name, value)
                except (TypeError, ValueError) as exc:
                    raise ParameterError(f"eFEL setting {name}={value!r}: {exc}") from None
            yield current
        finally:
            # efel.reset() inside the block would have replaced the settings object: restore
            # both the object we changed and the one eFEL now uses.
            for obj in {id(current): current, id(efel.get_settings()): efel.get_settings()}.values():
                for name in list(vars(obj)):
                    delattr(obj, name)
                for name, value in saved.items():
                    setattr(obj, name, value)


# --- spikes ----------------------------------------------------------------------------------

def detect_spikes(v_mV, t_s, threshold: float = SPIKE_THRESHOLD_MV,
                  rearm: float = REARM_MV) -> np.ndarray:
    """Spike times (s): upward crossings of ``threshold`` mV, re-armed below ``rearm`` mV.

    A crossing counts only if the voltage fell below ``rearm`` since the previous counted one,
    so noise around the threshold is not counted twice. Each time is interpolated linearly
    between the two samples around the crossing.

    Parameters
    ----------
    v_mV : array-like, shape (time,)
        Membrane potential, mV. NaN samples never cross.
    t_s : array-like, shape (time,)
        Sample times, s.
    threshold, rearm : float
        mV; ``rearm`` must be below ``threshold``.
    """
    v = np.asarray(v_mV, dtype=float)
    t = np.asarray(t_s, dtype=float)
    if v.shape != t.shape or v.ndim != 1:
        raise ParameterError(f"detect_spikes: v has shape {v.shape}, t {t.shape}; need equal 1-D")
    if not rearm < threshold:
        raise ParameterError(f"detect_spikes: rearm {rearm} mV must be below threshold {threshold} mV")
    up = np.flatnonzero((v[:-1] < threshold) & (v[1:] >= threshold)) + 1
    if up.size == 0:
        return np.empty(0)
    below = np.flatnonzero(v < rearm)
    kept, last = [], -1
    for i in up:
        # Counted if this is the first crossing or the voltage went below rearm in between.
        if last < 0 or np.searchsorted(below, last) < np.searchsorted(below, i):
            kept.append(i)
            last = i
    idx = np.asarray(kept)
    frac = (threshold - v[idx - 1]) / (v[idx] - v[idx - 1])
    return t[idx - 1] + frac * (t[idx] - t[idx - 1])


def _voltage(ds: xr.Dataset) -> xr.DataArray:
    if not isinstance(ds, xr.Dataset) or "membrane_potential" not in ds:
        raise SchemaError("dataset has no 'membrane_potential' variable")
    v = ds["membrane_potential"]
    if "time" not in v.dims:
        raise SchemaError(f"membrane_potential has no time dim (dims {v.dims})")
    units = v.attrs.get("units", "mV")
    if units != "mV":
        v = v * conversion_factor(units, "mV", what="membrane_potential")
    return v


def _traces(da: xr.DataArray) -> tuple[np.ndarray, list[str], tuple[int, ...]]:
    """(n_traces, time) array of ``da``, the non-time dims and their shape."""
    other = [d for d in da.dims if d != "time"]
    arr = da.transpose(*other, "time").values
    shape = arr.shape[:-1]
    return arr.reshape(-1, arr.shape[-1]), other, shape


def _owner_coords(da: xr.DataArray, dims: Sequence[str]) -> dict:
    return {name: c for name, c in da.coords.items() if name != "time" and set(c.dims) <= set(dims)}


def _check_window(ds: xr.Dataset, window) -> tuple[float, float]:
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


def _trace_spikes(ds: xr.Dataset, v: xr.DataArray, arr: np.ndarray, dims: list[str],
                  shape: tuple[int, ...], threshold: float, rearm: float) -> tuple[list[np.ndarray], str]:
    """Spike times (s) of each trace, and where they came from.

    Datasets that carry ragged spikes (``spike_time`` with ``spike_<dim>`` owner coords, as
    backends of integrate-and-fire models write them: their reset hides the spike from the
    voltage) use those; otherwise the threshold crossings of :func:`detect_spikes`.
    """
    t = ds["time"].values
    owned = "spike_time" in ds and all(
        f"spike_{d}" in ds.coords or v.sizes[d] == 1 for d in dims)
    out = []
    for flat, trace in enumerate(arr):
        if not owned:
            out.append(detect_spikes(trace, t, threshold, rearm))
            continue
        index = np.unravel_index(flat, shape) if shape else ()
        owners = {d: (v[d].values[i] if d in v.coords else i) for d, i in zip(dims, index)
                  if f"spike_{d}" in ds.coords}
        out.append(schema.spike_times(ds, **owners))
    return out, ("dataset spike_time" if owned else
                 f"upward crossings of {threshold} mV, re-armed below {rearm} mV")


def spikes(ds: xr.Dataset, window=None, threshold: float = SPIKE_THRESHOLD_MV,
           rearm: float = REARM_MV) -> xr.Dataset:
    """Spikes of every trace as ragged ``spike_time`` (s) along ``spike``, with owner coords
    ``spike_sweep`` (and ``spike_sample``/``spike_cell``) holding the traces' coordinate values.

    ``window=(start_s, stop_s)`` keeps only spikes inside it; default: the whole sweep.
    """
    v = _voltage(ds)
    arr, dims, shape = _traces(v)
    lo, hi = _check_window(ds, window) if window is not None else (-np.inf, np.inf)
    times, owners = [], {d: [] for d in dims}
    found, source = _trace_spikes(ds, v, arr, dims, shape, threshold, rearm)
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
                                        spike_source=source,
                                        spike_threshold_mV=threshold, spike_rearm_mV=rearm,
                                        window_start_s=None if window is None else lo,
                                        window_stop_s=None if window is None else hi)
    return out


def spike_count(ds: xr.Dataset, window=None, threshold: float = SPIKE_THRESHOLD_MV,
                rearm: float = REARM_MV) -> xr.DataArray:
    """Number of spikes per trace (dims: the non-time dims of ``membrane_potential``).

    ``window=(start_s, stop_s)`` counts only spikes inside it; default: the whole sweep (the
    counts of data/recordings/README.md).
    """
    v = _voltage(ds)
    arr, dims, shape = _traces(v)
    lo, hi = _check_window(ds, window) if window is not None else (-np.inf, np.inf)
    found, _ = _trace_spikes(ds, v, arr, dims, shape, threshold, rearm)
    counts = np.array([np.count_nonzero((s >= lo) & (s < hi)) for s in found], dtype=int)
    return xr.DataArray(counts.reshape(shape), dims=dims, coords=_owner_coords(v, dims),
                        name="spike_count", attrs={"units": "1", "long_name": "spike count"})


# --- stimulus epochs -------------------------------------------------------------------------

def _current(ds: xr.Dataset, like: xr.DataArray) -> np.ndarray | None:
    """Injected current (nA) as an (n_traces, time) array aligned with ``like``'s traces."""
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
    return _traces(cur.transpose(*like.dims))[0]


def _epochs(current: np.ndarray, t: np.ndarray) -> list[tuple[float, float]]:
    """Step epochs shared by all traces of ``current`` (n_traces, time), nA."""
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
    v = _voltage(ds)
    cur = _current(ds, v)
    return [] if cur is None else _epochs(cur, ds["time"].values)


def default_window(ds: xr.Dataset) -> tuple[float, float]:
    """The stimulus window features use by default: the first step epoch at least half as long
    as the longest (see :func:`stimulus_epochs`).

    Raises
    ------
    ProtocolError
        If the dataset has no stimulus to take a window from (pass ``window=``).
    """
    return _first_long_epoch(stimulus_epochs(ds), ds)


def _first_long_epoch(epochs, ds) -> tuple[float, float]:
    if not epochs:
        raise ProtocolError(
            f"{ds.attrs.get('source_file', 'dataset')}: no step in the stimulus (or no "
            "stimulus_current); pass window=(start_s, stop_s)")
    longest = max(b - a for a, b in epochs)
    return next((a, b) for a, b in epochs if b - a >= 0.5 * longest)


def _step_amplitudes(cur: np.ndarray | None, t: np.ndarray, window,
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
    (median before the first step epoch)."""
    v = _voltage(ds)
    cur = _current(ds, v)
    if cur is None:
        raise ProtocolError("dataset has no stimulus_current to measure a step amplitude")
    t = ds["time"].values
    epochs = _epochs(cur, t)
    start_stop = _check_window(ds, window if window is not None else _first_long_epoch(epochs, ds))
    _, dims, shape = _traces(v)
    amp, _ = _step_amplitudes(cur, t, start_stop, epochs)
    return xr.DataArray(amp.reshape(shape), dims=dims, coords=_owner_coords(v, dims),
                        name="step_amplitude",
                        attrs={"units": "nA", "long_name": "step amplitude above holding current"})


# --- features --------------------------------------------------------------------------------

def _efel_values(traces: list[dict], names: list[str], settings: dict) -> list[dict]:
    import efel

    with efel_settings(**settings):
        return efel.get_feature_values(traces, names, raise_warnings=False)


def compute_features(
    ds: xr.Dataset,
    names: Sequence[str] | None = None,
    window=None,
    *,
    threshold: float = SPIKE_THRESHOLD_MV,
    rearm: float = REARM_MV,
    efel_settings: dict | None = None,
) -> xr.Dataset:
    """Features of every trace of ``ds`` in a stimulus window.

    Parameters
    ----------
    ds : xarray.Dataset
        Recording or simulation: ``membrane_potential`` (mV) over ``time`` (s) and any of
        ``sweep``/``sample``/``cell``; ``stimulus_current`` (nA) where known.
    names : sequence of str, optional
        Features to compute, keys of :data:`FEATURES` (default: all). Any eFEL feature name
        (``"mean_frequency"``, ``"AP_amplitude"``...) is accepted too and returned as eFEL
        computes it (mean over its values, eFEL's units, no ``units`` attr but ``efel_units``).
    window : (float, float), optional
        Stimulus window (start, stop), s. Default: :func:`default_window`.
    threshold, rearm : float
        Spike detection, mV (see :func:`detect_spikes`).
    efel_settings : dict, optional
        eFEL settings for this call, e.g. ``{"DerivativeThreshold": 12.0}``; restored after.

    Returns
    -------
    xarray.Dataset
        One variable per feature over the non-time dims of ``membrane_potential``, with
        ``units`` and ``long_name`` attrs; NaN where a feature is undefined (no spikes, no
        current, a NaN trace). Attrs record the window (``window_start_s``, ``window_stop_s``),
        the spike rule and the eFEL settings.

    Raises
    ------
    ParameterError
        For an unknown feature name or eFEL setting.
    ProtocolError
        If no window is given and none can be taken from the stimulus.

    Notes
    -----
    Spike-shape features see the trace up to :data:`SPIKE_TAIL_S` (20 ms) after the window, so
    that a spike at the window's end is measured whole; a spike inside that tail would count
    for them (not for ``spike_count``, which uses the window exactly).
    """
    names = list(FEATURES) if names is None else list(names)
    extra = [n for n in names if n not in FEATURES]
    if extra:
        import efel

        unknown = sorted(set(extra) - set(efel.get_feature_names()))
        if unknown:
            raise ParameterError(f"unknown feature(s) {unknown}; known: {', '.join(FEATURES)} "
                                 "or any eFEL feature name (efel.get_feature_names())")
    v = _voltage(ds)
    arr, dims, shape = _traces(v)
    t = ds["time"].values
    cur = _current(ds, v)
    epochs = [] if cur is None else _epochs(cur, t)
    start, stop = _check_window(ds, window if window is not None else _first_long_epoch(epochs, ds))
    amp, _ = _step_amplitudes(cur, t, (start, stop), epochs)
    amp = np.broadcast_to(amp, (arr.shape[0],))
    finite = np.all(np.isfinite(arr), axis=1)
    found, spike_source = _trace_spikes(ds, v, arr, dims, shape, threshold, rearm)
    spike_lists = [s if ok else np.empty(0) for s, ok in zip(found, finite)]
    in_window = [s[(s >= start) & (s < stop)] for s in spike_lists]
    count = np.array([s.size for s in in_window], dtype=float)
    count[~finite] = np.nan
    values: dict[str, np.ndarray] = {
        "spike_count": count,
        "mean_rate": count / (stop - start),
        "first_spike_latency": np.array([s[0] - start if s.size else np.nan for s in in_window]),
        "step_amplitude": np.asarray(amp, dtype=float),
    }
    # eFEL names pass through with eFEL's values and units (see the docstring).
    specs = {n: FEATURES.get(n) or Feature(n, "", f"eFEL feature {n}", n, "") for n in names}
    wanted = [f for f in specs.values() if f.efel]
    settings = dict(efel_settings or {})
    settings.setdefault("Threshold", threshold)
    which = np.flatnonzero(finite)
    for group in ("spiking", "other"):
        feats = [f for f in wanted if (f.when == "spiking") == (group == "spiking")]
        if not feats or not which.size:
            continue
        if group == "spiking":
            # eFEL's strict stimulus interval cuts a spike at the window's end in half and then
            # measures it against the next spike far away; give the spike-shape features a tail
            # of SPIKE_TAIL_S after the window (and a trace cropped there) instead.
            end = min(stop + SPIKE_TAIL_S, float(t[-1]))
            keep = t <= end
        else:
            end, keep = stop, slice(None)
        t_ms = t[keep] * 1e3
        traces = []
        for k in which:
            trace = {"T": t_ms, "V": arr[k][keep], "stim_start": [start * 1e3], "stim_end": [end * 1e3]}
            if np.isfinite(amp[k]):
                trace["stimulus_current"] = [float(amp[k])]
            traces.append(trace)
        results = _efel_values(traces, [f.efel for f in feats], settings)
        for f in feats:
            out = np.full(arr.shape[0], np.nan)
            scale = conversion_factor(f.efel_units, f.units, what=f.name) if f.units else 1.0
            for k, res in zip(which, results):
                val = res.get(f.efel)
                val = np.asarray([] if val is None else val, dtype=float)
                if np.isfinite(val).any():
                    out[k] = float(np.nanmean(val)) * scale
            values[f.name] = out
    spiking = count > 0
    silent = (count == 0) & np.isfinite(amp) & (np.abs(amp) > 1e-9)
    mask = {"all": np.ones_like(spiking), "spiking": spiking, "subthreshold": silent,
            "hyperpolarizing": silent & (amp < 0)}
    coords = _owner_coords(v, dims)
    data = {}
    for n in names:
        f = specs[n]
        vals = np.where(mask[f.when], values[n], np.nan)
        vals[~np.isfinite(vals)] = np.nan  # eFEL's inf (a zero step) means undefined
        attrs = ({"units": f.units, "long_name": f.long_name} if f.units else
                 {"long_name": f.long_name, "efel_units": "eFEL's own (mV, ms, nA, MOhm)"})
        data[n] = xr.DataArray(vals.reshape(shape), dims=dims, coords=coords, attrs=attrs)
    import efel

    out = xr.Dataset(data)
    out.attrs = schema.provenance_attrs(
        source_file=ds.attrs.get("source_file"), window_start_s=start, window_stop_s=stop,
        spike_source=spike_source,
        spike_threshold_mV=threshold, spike_rearm_mV=rearm, efel_version=efel.__version__,
        efel_settings={**DEFAULT_EFEL_SETTINGS, **settings})
    return out


def fi_curve(ds: xr.Dataset, window=None, threshold: float = SPIKE_THRESHOLD_MV,
             rearm: float = REARM_MV) -> xr.Dataset:
    """Firing rate against step amplitude, one point per sweep (per sample).

    Returns
    -------
    xarray.Dataset
        ``step_amplitude`` (nA, above holding), ``rate`` (Hz, spikes in the window / window
        duration) and ``spike_count`` over the non-time dims of ``membrane_potential``; sort by
        ``step_amplitude`` to plot.
    """
    feats = compute_features(ds, ["step_amplitude", "spike_count", "mean_rate"], window,
                             threshold=threshold, rearm=rearm)
    out = feats.rename({"mean_rate": "rate"})
    out["rate"].attrs = schema.attrs_for("rate")
    return out


def rheobase(ds: xr.Dataset, window=None, threshold: float = SPIKE_THRESHOLD_MV,
             rearm: float = REARM_MV) -> xr.DataArray:
    """Rheobase, nA: the smallest positive step amplitude whose sweep spikes in the window.

    Computed across ``sweep``; the result keeps the other dims (``sample``...). NaN where no
    sweep spikes. The resolution is the spacing of the sweeps' step amplitudes.
    """
    fi = fi_curve(ds, window, threshold, rearm)
    if "sweep" not in fi["spike_count"].dims:
        raise SchemaError("rheobase needs a 'sweep' dim (one step amplitude per sweep)")
    amp, count = xr.broadcast(fi["step_amplitude"], fi["spike_count"])
    firing = amp.where((count > 0) & (amp > 0))
    out = firing.min("sweep", skipna=True)
    out.name = "rheobase"
    out.attrs = {"units": "nA", "long_name": "rheobase (smallest step that fires)"}
    return out
