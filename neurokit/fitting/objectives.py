"""Objectives: how far a simulated batch is from a target recording.

Every objective takes the :class:`Target` (the recording, already on the model's time grid)
and a :class:`BatchResponse` (what the backend returned for a batch of parameter sets) and
returns one error per sample, shape ``(n_samples,)``, lower is better. A fit combines them in a
weighted sum (:class:`WeightedSum`) or keeps them apart as a vector (multi-objective). The
spike-train measures (Gamma, timing) live in :mod:`neurokit.fitting.gamma`. Times are in s and
voltages in mV throughout.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from neurokit.errors import FitConfigError, ProtocolError
from neurokit.fitting.gamma import GAMMA_DELTA, gamma_lists, split_lists


# --------------------------------------------------------------------------- stimulus epochs

def segments_of(current: np.ndarray, time: np.ndarray, tol: float = 1e-3) -> list[tuple[float, float, float]]:
    """Epochs of constant current that differ from the baseline (the first sample's level):
    ``(start s, stop s, amplitude nA)`` each. Used to pair spikes step by step and to find
    repeated steps (the "dual" sweeps)."""
    current = np.asarray(current, dtype=float)
    step = np.abs(np.diff(current))
    noise = float(np.median(step)) if step.size else 0.0
    if noise > 0:
        # a recorded (noisy) current: median-filter it (edges survive) and ignore jitter
        from scipy.ndimage import median_filter

        dt_s = float(time[1] - time[0]) if time.size > 1 else 1.0
        current = median_filter(current, size=max(3, int(round(5e-3 / dt_s)) | 1), mode="nearest")
        tol = max(tol, 5.0 * noise)
    base = float(np.median(current[: max(1, current.size // 50)]))
    change = np.flatnonzero(np.abs(np.diff(current)) > tol) + 1
    edges = np.concatenate([[0], change, [current.size]])
    dt = float(time[1] - time[0]) if time.size > 1 else 0.0
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        level = float(np.median(current[a:b]))
        if abs(level - base) > tol and b - a > 1:
            out.append((float(time[a]), float(time[b - 1] + dt), level))
    return out


# --------------------------------------------------------------------------- data holders

@dataclass
class Target:
    """A recording prepared for comparison, on the model's recorded time grid.

    Attributes
    ----------
    sweeps : list of int
        Sweep indices in the recording file.
    time : ndarray (time,)
        Recorded time of the model, s.
    voltage : ndarray (sweep, time)
        Recorded membrane potential on ``time``, mV.
    current : ndarray (sweep, time)
        Injected current on ``time``, nA.
    spikes : list of ndarray
        Spike times of each sweep, s (detected on the full-resolution recording; empty, and
        ``voltage`` NaN, for protocols fitted to feature targets without a recording).
    duration : float
        Length of each sweep, s.
    segments : list of list of (start, stop, amplitude)
        Stimulus epochs of each sweep (see :func:`segments_of`).
    """

    sweeps: list[int]
    time: np.ndarray
    voltage: np.ndarray
    current: np.ndarray
    spikes: list[np.ndarray]
    duration: float
    segments: list[list[tuple[float, float, float]]] = field(default_factory=list)
    features: dict | None = None
    names: list[str] | None = None  # protocol name of each sweep (protocols without a recording)

    def __post_init__(self):
        if not self.segments:
            self.segments = [segments_of(c, self.time) for c in self.current]

    @property
    def counts(self) -> np.ndarray:
        return np.array([s.size for s in self.spikes])


@dataclass
class BatchResponse:
    """A simulated batch as objectives see it.

    Attributes
    ----------
    voltage : ndarray (sample, sweep, time)
        Membrane potential as the recording would show it (offset and series-resistance
        drop added), mV, on the target's time grid.
    spikes : list of list of ndarray
        ``spikes[sample][sweep]``: spike times, s.
    diverged : ndarray of bool (sample,)
    """

    voltage: np.ndarray
    spikes: list[list[np.ndarray]]
    diverged: np.ndarray

    @property
    def n_samples(self) -> int:
        return self.voltage.shape[0]

    def counts(self) -> np.ndarray:
        """Spike counts, shape (sample, sweep)."""
        return np.array([[s.size for s in per] for per in self.spikes]).reshape(self.n_samples, -1)


PENALTY = 1e3  # error of a diverged sample: worse than any finite score


# --------------------------------------------------------------------------- objectives

class Objective(ABC):
    """Base: ``__call__(target, response) -> errors (sample,)``; ``name`` labels the column;
    ``worst`` is the largest finite error it gives (0: bounded by :data:`PENALTY`)."""

    name = "objective"
    worst = 0.0

    @abstractmethod
    def __call__(self, target: Target, response: BatchResponse) -> np.ndarray: ...


@dataclass
class GammaError(Objective):
    """``1 - mean Gamma`` over the sweeps where the recording has spikes."""

    delta: float = GAMMA_DELTA
    name: str = "gamma"

    def __call__(self, target, response):
        ks = [k for k, s in enumerate(target.spikes) if s.size]
        out = np.zeros(response.n_samples)
        if not ks:
            return out
        data = [target.spikes[k].tolist() for k in ks]
        for i in range(response.n_samples):
            g = [gamma_lists(d, response.spikes[i][k].tolist(), target.duration, self.delta)
                 for d, k in zip(data, ks)]
            out[i] = 1.0 - sum(g) / len(g)
        return out


@dataclass
class SpikeCountError(Objective):
    """Sum over sweeps of ``|N_model - N_data|``, divided by the sum of ``max(N_data, 1)``."""

    name: str = "count"

    def __call__(self, target, response):
        nd = target.counts
        nm = response.counts()
        return np.abs(nm - nd[None, :]).sum(axis=1) / np.maximum(nd, 1).sum()


@dataclass
class TimingError(Objective):
    """Spike-by-spike timing term: within each stimulus epoch, the k-th model spike against
    the k-th data spike (see :func:`timing_error`), averaged over sweeps with spikes in
    either train."""

    scale: float = 10e-3
    name: str = "timing"

    def __call__(self, target, response):
        out = np.zeros(response.n_samples)
        data = [split_lists(d.tolist(), segs) for d, segs in zip(target.spikes, target.segments)]
        for i in range(response.n_samples):
            costs, weights = 0.0, 0
            for k, d_parts in enumerate(data):
                m_parts = split_lists(response.spikes[i][k].tolist(), target.segments[k])
                for d, m in zip(d_parts, m_parts):
                    n = max(len(d), len(m))
                    if n:
                        # sum of min(|dt|/scale, 1) over k-th pairs, 1 per unpaired spike
                        costs += sum(min(abs(a - b) / self.scale, 1.0) for a, b in zip(d, m)) + n - min(len(d), len(m))
                        weights += n
            out[i] = costs / weights if weights else 0.0
        return out


@dataclass
class TraceError(Objective):
    """RMS difference of membrane potential (mV), divided by ``scale`` mV.

    Parameters
    ----------
    mask_spikes : (float, float), optional
        Leave out samples within this window (s) around every data and model spike, so the
        error measures the subthreshold trajectory only.
    sweeps : {"all", "subthreshold"}
        ``subthreshold``: only sweeps where the recording has no spike.
    scale : float
        mV that count as an error of 1.
    """

    mask_spikes: tuple[float, float] | None = None
    sweeps: str = "all"
    scale: float = 1.0
    name: str = "trace"

    def __post_init__(self):
        if self.sweeps not in ("all", "subthreshold"):
            raise FitConfigError(f"trace objective: sweeps must be 'all' or 'subthreshold', got {self.sweeps!r}")

    def rms(self, target, response) -> np.ndarray:
        """RMS (mV) per sample over the chosen sweeps and unmasked samples."""
        ks = [k for k, s in enumerate(target.spikes) if self.sweeps == "all" or s.size == 0]
        if not ks:
            return np.zeros(response.n_samples)
        diff = response.voltage[:, ks, :] - target.voltage[None, ks, :]
        if self.mask_spikes is None:
            return np.sqrt(np.nanmean(diff ** 2, axis=(1, 2)))
        from neurokit.fitting.fast_masks import spike_masks

        # one mask per (sample, sweep) over the data's and the model's spikes, all at once
        trains = [np.concatenate((target.spikes[k], response.spikes[i][k]))
                  for i in range(response.n_samples) for k in ks]
        keep = ~spike_masks(target.time, trains, self.mask_spikes).reshape(diff.shape)
        sq = np.where(keep, diff ** 2, 0.0)
        n = np.maximum(keep.sum(axis=(1, 2)), 1)
        return np.sqrt(sq.sum(axis=(1, 2)) / n)

    def __call__(self, target, response):
        return self.rms(target, response) / self.scale


@dataclass
class FeatureError(Objective):
    """eFEL features (:func:`neurokit.features.compute_features`, each the mean over its
    values, eFEL's units) of the model against the recording or against given targets.

    Against the recording: mean over sweeps and features of ``|model - data| / sd``; ``sd``
    maps feature name -> standard deviation in the feature's unit, a feature without one uses
    ``max(rel_sd * |data value|, floor)``; a feature the model trace does not produce (no
    spikes, say) costs ``missing`` SDs.

    Against targets (BluePyOpt's features.json): ``features`` maps feature -> ``(mean, std)``
    (or ``features`` lists names and ``mean`` and ``sd`` map them), measured on the sweep of
    protocol ``protocol`` (:attr:`Target.names`; default the first sweep). The error is
    BluePyOpt's: the sum over features of ``min(|model - mean| / std, max_score)``, and
    ``max_score`` (250) for a feature the model does not produce. ``location`` is where the
    voltage is read; only ``"soma"`` (the backends' default recording) is read. ``threshold``
    (mV) sets eFEL's spike threshold (default neurokit's 0 mV; BluePyOpt's is -20 mV).
    """

    features: Sequence[str] | dict = ("mean_frequency", "AP_amplitude", "voltage_base")
    sd: dict = field(default_factory=dict)
    rel_sd: float = 0.1
    floor: float = 1e-3
    missing: float = 10.0
    mean: dict | None = None
    protocol: str | None = None
    location: str = "soma"
    max_score: float = 250.0
    threshold: float | None = None
    name: str = "features"

    def __post_init__(self):
        if isinstance(self.features, dict):
            pairs = self.features
        elif self.mean is not None:
            pairs = {f: (self.mean[f], self.sd.get(f)) for f in self.features}
        else:
            pairs = None
        self.targets = None
        if pairs is not None:
            self.targets = {}
            for f, pair in pairs.items():
                m, s = (float(x) if isinstance(x, (int, float)) else np.nan for x in (list(pair) + [None])[:2])
                if len(pair) != 2 or not (np.isfinite(m) and np.isfinite(s) and s > 0):
                    raise FitConfigError(f"features objective: {f!r} needs [mean, std], a std > 0, got {pair!r}")
                self.targets[str(f)] = (m, s)
            self.features = tuple(self.targets)
            self.worst = self.max_score * len(self.targets)
        if self.protocol is not None and self.name == "features":
            self.name = f"features_{self.protocol}"
        if self.location != "soma":
            raise FitConfigError(f"features objective: location {self.location!r}: only 'soma' is recorded")

    def data_features(self, target: Target) -> list[dict]:
        if target.features is None:
            target.features = {}
        key = tuple(self.features)
        if key not in target.features:
            target.features[key] = [trace_features(target.time, v, target.current[k], self.features, self.threshold)
                                    for k, v in enumerate(target.voltage)]
        return target.features[key]

    def sweep(self, target: Target) -> int:
        """Index of the sweep the targets belong to (the protocol's, else the first)."""
        if self.protocol is None:
            return 0
        names = target.names or []
        if self.protocol not in names:
            raise FitConfigError(f"features objective: protocol {self.protocol!r} is not one of the fit's "
                                 f"protocols {names}")
        return names.index(self.protocol)

    def __call__(self, target, response):
        if self.targets is not None:
            return self._against_targets(target, response)
        ref = self.data_features(target)
        out = np.zeros(response.n_samples)
        for i in range(response.n_samples):
            costs = []
            for k in range(len(target.sweeps)):
                got = trace_features(target.time, response.voltage[i, k], target.current[k], self.features,
                                self.threshold)
                for f in self.features:
                    d = ref[k].get(f)
                    if d is None or not np.isfinite(d):
                        continue
                    m = got.get(f)
                    sd = self.sd.get(f, max(self.rel_sd * abs(d), self.floor))
                    costs.append(self.missing if m is None or not np.isfinite(m) else min(abs(m - d) / sd, self.missing))
            out[i] = float(np.mean(costs)) if costs else 0.0
        return out

    def _against_targets(self, target, response) -> np.ndarray:
        k = self.sweep(target)
        out = np.zeros(response.n_samples)
        for i in range(response.n_samples):
            got = trace_features(target.time, response.voltage[i, k], target.current[k], self.features, self.threshold)
            out[i] = sum(self.max_score if got[f] is None else min(abs(got[f] - m) / s, self.max_score)
                         for f, (m, s) in self.targets.items())
        return out


def trace_features(time, voltage, current, names, threshold: float | None = None) -> dict:
    """One trace's features as floats (first value of each eFEL array), None where absent;
    ``threshold`` (mV) is eFEL's spike threshold if given."""
    import xarray as xr

    from neurokit import features as fx

    ds = xr.Dataset({"membrane_potential": (("sweep", "time"), voltage[None, :], {"units": "mV"}),
                     "stimulus_current": (("sweep", "time"), current[None, :], {"units": "nA"})},
                    coords={"time": ("time", time, {"units": "s"}), "sweep": [0]})
    settings = None if threshold is None else {"Threshold": float(threshold)}
    try:
        table = fx.compute_features(ds, list(names), efel_settings=settings)
    except ProtocolError:  # no stimulus window in this trace (a failed protocol): no features
        return {name: None for name in names}
    out = {}
    for name in names:
        try:
            value = np.asarray(table[name].values, dtype=float).ravel()
        except (KeyError, TypeError, ValueError):
            value = np.empty(0)
        value = value[np.isfinite(value)]
        out[name] = float(value[0]) if value.size else None
    return out


@dataclass
class WeightedSum:
    """A weighted sum of objectives; ``components`` keeps each term for the history."""

    terms: list[tuple[Objective, float]]

    @property
    def names(self) -> list[str]:
        return [obj.name for obj, _ in self.terms]

    def components(self, target: Target, response: BatchResponse) -> dict[str, np.ndarray]:
        return {obj.name: np.asarray(obj(target, response), dtype=float) for obj, _ in self.terms}

    def combine(self, components: dict[str, np.ndarray], diverged: np.ndarray | None = None) -> np.ndarray:
        total = sum(w * components[obj.name] for obj, w in self.terms)
        total = np.asarray(total, dtype=float)
        bad = ~np.isfinite(total)
        if diverged is not None:
            bad |= np.asarray(diverged, dtype=bool)
        # a diverged sample scores worse than any finite score of these terms
        penalty = max(PENALTY, 2.0 * sum(w * obj.worst for obj, w in self.terms))
        return np.where(bad, penalty, total)

    def vector(self, components: dict[str, np.ndarray]) -> np.ndarray:
        """The multi-objective view: shape (sample, objective), unweighted."""
        return np.stack([components[n] for n in self.names], axis=-1)


OBJECTIVES = {"gamma": GammaError, "count": SpikeCountError, "timing": TimingError,
              "trace": TraceError, "features": FeatureError}
