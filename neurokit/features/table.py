"""Feature tables of any dataset in neurokit's format, F-I curves and rheobase.

Features are computed per trace, i.e. per combination of the non-time dims of
``membrane_potential`` (``sweep``, and ``sample`` or ``cell`` for simulated batches), inside a
stimulus window (:func:`neurokit.features.default_window` unless given). Spike count, rate and
latency come from the spike detector (:mod:`neurokit.features.spikes`); spike-shape and
subthreshold features from eFEL (:mod:`neurokit.features.efel`), which is given a threshold
that the detected spikes cross, so both see the same spikes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.errors import ParameterError, SchemaError
from neurokit.features.efel import DEFAULT_EFEL_SETTINGS, check_names, efel_means
from neurokit.features.epochs import current_rows, epochs_of, first_long_epoch, step_amplitudes
from neurokit.features.spikes import SpikeDetector, spike_level, trace_spikes
from neurokit.features.traces import check_window, owner_coords, trace_rows, voltage_mV
from neurokit.units import conversion_factor

# Time after the window that spike-shape features see, so the last spike's repolarisation and
# AHP are inside the trace eFEL measures, s.
SPIKE_TAIL_S = 0.02


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


def compute_features(
    ds: xr.Dataset,
    names: Sequence[str] | None = None,
    window=None,
    *,
    detector: SpikeDetector | None = None,
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
    detector : SpikeDetector, optional
        Spike detection (default: 0 mV crossings). eFEL's ``Threshold`` follows it: the
        threshold, or per trace a level its detected spikes cross.
    efel_settings : dict, optional
        eFEL settings for this call, e.g. ``{"DerivativeThreshold": 12.0}``; restored after. A
        ``Threshold`` here overrides the detector's for eFEL.

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
    det = detector or SpikeDetector()
    names = list(FEATURES) if names is None else list(names)
    extra = [n for n in names if n not in FEATURES]
    if extra:
        try:
            check_names(extra)
        except ParameterError as exc:
            raise ParameterError(f"{exc}; or one of {', '.join(FEATURES)}") from None
    v = voltage_mV(ds)
    arr, dims, shape = trace_rows(v)
    t = ds["time"].values
    cur = current_rows(ds, v)
    epochs = [] if cur is None else epochs_of(cur, t)
    start, stop = check_window(ds, window if window is not None else first_long_epoch(epochs, ds))
    amp, _ = step_amplitudes(cur, t, (start, stop), epochs)
    amp = np.broadcast_to(amp, (arr.shape[0],))
    finite = np.all(np.isfinite(arr), axis=1)
    found, spike_source = trace_spikes(ds, v, arr, dims, shape, det)
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
    which = np.flatnonzero(finite)
    levels = None
    if "Threshold" not in settings:
        if det.method == "threshold":
            settings["Threshold"] = det.threshold
        elif wanted and which.size:
            levels = np.array([spike_level(arr[k], t, det) for k in which])
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
        means = efel_means(t[keep], arr[which][:, keep], (start, end), amp[which],
                           [f.efel for f in feats], settings, levels)
        for f in feats:
            out = np.full(arr.shape[0], np.nan)
            scale = conversion_factor(f.efel_units, f.units, what=f.name) if f.units else 1.0
            out[which] = means[f.efel] * scale
            values[f.name] = out
    spiking = count > 0
    silent = (count == 0) & np.isfinite(amp) & (np.abs(amp) > 1e-9)
    mask = {"all": np.ones_like(spiking), "spiking": spiking, "subthreshold": silent,
            "hyperpolarizing": silent & (amp < 0)}
    coords = owner_coords(v, dims)
    data = {}
    for n in names:
        f = specs[n]
        vals = np.where(mask[f.when], values[n], np.nan)
        vals[~np.isfinite(vals)] = np.nan  # eFEL's inf (a zero step) means undefined
        attrs = ({"units": f.units, "long_name": f.long_name} if f.units else
                 {"long_name": f.long_name, "efel_units": "eFEL's own (mV, ms, nA, MOhm)"})
        data[n] = xr.DataArray(vals.reshape(shape), dims=dims, coords=coords, attrs=attrs)
    import efel

    recorded = {**DEFAULT_EFEL_SETTINGS, **settings}
    if levels is not None:
        recorded["Threshold"] = "per trace: a level the detected spikes cross"
    out = xr.Dataset(data)
    out.attrs = schema.provenance_attrs(
        source_file=ds.attrs.get("source_file"), window_start_s=start, window_stop_s=stop,
        spike_source=spike_source, spike_detector=det.as_attrs(),
        efel_version=efel.__version__, efel_settings=recorded)
    return out


def fi_curve(ds: xr.Dataset, window=None, detector: SpikeDetector | None = None) -> xr.Dataset:
    """Firing rate against step amplitude, one point per sweep (per sample).

    Returns
    -------
    xarray.Dataset
        ``step_amplitude`` (nA, above holding), ``rate`` (Hz, spikes in the window / window
        duration) and ``spike_count`` over the non-time dims of ``membrane_potential``; sort by
        ``step_amplitude`` to plot.
    """
    feats = compute_features(ds, ["step_amplitude", "spike_count", "mean_rate"], window,
                             detector=detector)
    out = feats.rename({"mean_rate": "rate"})
    out["rate"].attrs = schema.attrs_for("rate")
    return out


def rheobase(ds: xr.Dataset, window=None, detector: SpikeDetector | None = None) -> xr.DataArray:
    """Rheobase, nA: the smallest positive step amplitude whose sweep spikes in the window.

    Computed across ``sweep``; the result keeps the other dims (``sample``...). NaN where no
    sweep spikes. The resolution is the spacing of the sweeps' step amplitudes.

    Raises
    ------
    SchemaError
        If the dataset has no ``sweep`` dim.
    """
    fi = fi_curve(ds, window, detector)
    if "sweep" not in fi["spike_count"].dims:
        raise SchemaError("rheobase needs a 'sweep' dim (one step amplitude per sweep)")
    amp, count = xr.broadcast(fi["step_amplitude"], fi["spike_count"])
    firing = amp.where((count > 0) & (amp > 0))
    out = firing.min("sweep", skipna=True)
    out.name = "rheobase"
    out.attrs = {"units": "nA", "long_name": "rheobase (smallest step that fires)"}
    return out
