"""Stimuli and protocols: backend-neutral descriptions of what a cell or model receives.

Currents are in nA and times in s, the canonical units of :mod:`neurokit.schema`. A
:class:`Protocol` holds one list of stimuli per sweep (summed), the duration, the integration
step, what to record and at which interval, and a seed. Stochastic stimuli draw from a stream
keyed on ``(seed, sample, sweep)``, so a sample's input never depends on batch layout.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np
import xarray as xr

from neurokit.errors import ProtocolError


def _check_window(kind: str, start: float, stop: float | None) -> None:
    if not np.isfinite(start) or start < 0:
        raise ProtocolError(f"{kind}: start {start!r} s must be finite and >= 0")
    if stop is not None and not (np.isfinite(stop) and stop > start):
        raise ProtocolError(f"{kind}: stop {stop!r} s must be finite and after start {start!r} s")


def _window(t: np.ndarray, start: float, stop: float | None) -> np.ndarray:
    # Half-open [start, stop): a step of 0.5 s at dt 0.1 ms covers exactly 5000 steps.
    eps = 1e-12
    m = t >= start - eps
    if stop is not None:
        m &= t < stop - eps
    return m


@dataclass(frozen=True)
class Step:
    """A current step of ``amplitude`` nA from ``start`` to ``stop`` s."""

    amplitude: float
    start: float
    stop: float
    kind: str = field(default="step", init=False)

    def __post_init__(self):
        _check_window("step", self.start, self.stop)
        if not np.isfinite(self.amplitude):
            raise ProtocolError(f"step: amplitude {self.amplitude!r} nA is not finite")

    stochastic = False

    def waveform(self, t: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        return np.where(_window(t, self.start, self.stop), self.amplitude, 0.0)


@dataclass(frozen=True)
class Ramp:
    """A linear ramp from ``amplitude_start`` to ``amplitude_stop`` nA over [start, stop) s."""

    amplitude_start: float
    amplitude_stop: float
    start: float
    stop: float
    kind: str = field(default="ramp", init=False)
    stochastic = False

    def __post_init__(self):
        _check_window("ramp", self.start, self.stop)

    def waveform(self, t: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        frac = (t - self.start) / (self.stop - self.start)
        value = self.amplitude_start + frac * (self.amplitude_stop - self.amplitude_start)
        return np.where(_window(t, self.start, self.stop), value, 0.0)


@dataclass(frozen=True)
class WhiteNoise:
    """Gaussian white-noise current: ``mean`` nA plus ``std`` nA per integration step."""

    mean: float
    std: float
    start: float = 0.0
    stop: float | None = None
    kind: str = field(default="white_noise", init=False)
    stochastic = True

    def __post_init__(self):
        _check_window("white noise", self.start, self.stop)
        if not self.std >= 0:
            raise ProtocolError(f"white noise: std {self.std!r} nA must be >= 0")

    def waveform(self, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        values = self.mean + self.std * rng.standard_normal(t.size)
        return np.where(_window(t, self.start, self.stop), values, 0.0)


@dataclass(frozen=True)
class OUNoise:
    """Ornstein-Uhlenbeck current: mean ``mean`` nA, stationary SD ``sigma`` nA, time constant
    ``tau`` s; updated exactly at each step, starting from a stationary draw."""

    mean: float
    sigma: float
    tau: float
    start: float = 0.0
    stop: float | None = None
    kind: str = field(default="ou_noise", init=False)
    stochastic = True

    def __post_init__(self):
        _check_window("OU noise", self.start, self.stop)
        if not self.tau > 0:
            raise ProtocolError(f"OU noise: tau {self.tau!r} s must be > 0")
        if not self.sigma >= 0:
            raise ProtocolError(f"OU noise: sigma {self.sigma!r} nA must be >= 0")

    def waveform(self, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        dt = float(t[1] - t[0]) if t.size > 1 else 1.0
        a = np.exp(-dt / self.tau)
        b = self.sigma * np.sqrt(1 - a * a)
        z = rng.standard_normal(t.size)
        x = np.empty(t.size)
        x[0] = self.sigma * z[0]
        for i in range(1, t.size):  # O(n) recurrence; protocols are built once per batch
            x[i] = a * x[i - 1] + b * z[i]
        return np.where(_window(t, self.start, self.stop), self.mean + x, 0.0)


@dataclass(frozen=True, eq=False)
class Replay:
    """Replay of a sampled current (nA) sampled every ``dt`` s from ``start`` s, held between
    samples (zero-order hold), zero outside the recording."""

    values: np.ndarray
    dt: float
    start: float = 0.0
    source: str = ""
    kind: str = field(default="replay", init=False)
    stochastic = False

    def __post_init__(self):
        vals = np.asarray(self.values, dtype=float).ravel()
        if vals.size == 0:
            raise ProtocolError("replay: no samples")
        if not np.all(np.isfinite(vals)):
            raise ProtocolError(f"replay {self.source!r}: current holds NaN or inf")
        if not self.dt > 0:
            raise ProtocolError(f"replay {self.source!r}: dt {self.dt!r} s must be > 0")
        object.__setattr__(self, "values", vals)

    def waveform(self, t: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        idx = np.floor((t - self.start) / self.dt + 1e-9).astype(np.int64)
        inside = (idx >= 0) & (idx < self.values.size)
        out = np.zeros(t.size)
        out[inside] = self.values[idx[inside]]
        return out

    def __eq__(self, other):
        return (isinstance(other, Replay) and self.dt == other.dt and self.start == other.start
                and np.array_equal(self.values, other.values))

    __hash__ = None


Stimulus = Step | Ramp | WhiteNoise | OUNoise | Replay
_KINDS = {"step": Step, "ramp": Ramp, "white_noise": WhiteNoise, "ou_noise": OUNoise, "replay": Replay}


def stimulus_to_dict(stim: Stimulus, summary: bool = False) -> dict:
    d = {k: v for k, v in asdict(stim).items()}
    if isinstance(stim, Replay):
        d["values"] = (f"<{stim.values.size} samples>" if summary else stim.values.tolist())
    return d


def stimulus_from_dict(d: dict) -> Stimulus:
    d = dict(d)
    kind = d.pop("kind", None)
    if kind not in _KINDS:
        raise ProtocolError(f"unknown stimulus kind {kind!r}; use one of {sorted(_KINDS)}")
    try:
        return _KINDS[kind](**d)
    except TypeError as exc:
        raise ProtocolError(f"stimulus {kind!r}: {exc}") from None


@dataclass(eq=False)
class Protocol:
    """What a simulation runs: per-sweep stimuli, duration, step, recording and seed.

    Parameters
    ----------
    sweeps : sequence of sequence of Stimulus
        One list of stimuli per sweep; their currents add. ``[[]]`` is one sweep without input.
    duration : float
        Simulated time per sweep, s.
    dt : float
        Integration step, s.
    record : sequence of str
        Variables to record (schema names such as ``"membrane_potential"`` or model state
        variable names).
    sampling_interval : float, optional
        Recording interval, s; a whole multiple of ``dt``. Default: ``dt``.
    seed : int
        Seed of stochastic stimuli and model noise.
    settle : float
        Time simulated before t=0 and discarded (lets a cell reach rest), s.
    """

    sweeps: Sequence[Sequence[Stimulus]]
    duration: float
    dt: float
    record: Sequence[str] = ("membrane_potential",)
    sampling_interval: float | None = None
    seed: int = 0
    settle: float = 0.0
    source: str = ""

    def __post_init__(self):
        if not (isinstance(self.dt, (int, float)) and np.isfinite(self.dt) and self.dt > 0):
            raise ProtocolError(f"dt must be a positive number of seconds, got {self.dt!r}")
        if not (np.isfinite(self.duration) and self.duration > 0):
            raise ProtocolError(f"duration must be a positive number of seconds, got {self.duration!r}")
        if self.duration < self.dt:
            raise ProtocolError(f"duration {self.duration} s is shorter than dt {self.dt} s")
        if self.settle < 0:
            raise ProtocolError(f"settle must be >= 0 s, got {self.settle!r}")
        if self.sampling_interval is None:
            self.sampling_interval = self.dt
        ratio = self.sampling_interval / self.dt
        if self.sampling_interval <= 0 or abs(ratio - round(ratio)) > 1e-6 or round(ratio) < 1:
            raise ProtocolError(
                f"sampling_interval {self.sampling_interval!r} s must be a positive whole multiple of dt {self.dt} s")
        self.sweeps = [list(s) for s in self.sweeps] or [[]]
        self.record = tuple(self.record)
        for i, sweep in enumerate(self.sweeps):
            for stim in sweep:
                if not isinstance(stim, tuple(_KINDS.values())):
                    raise ProtocolError(f"sweep {i}: {stim!r} is not a stimulus")

    @property
    def n_sweeps(self) -> int:
        return len(self.sweeps)

    @property
    def n_steps(self) -> int:
        """Integration steps per sweep (settling period excluded)."""
        return int(round(self.duration / self.dt))

    @property
    def record_every(self) -> int:
        """Integration steps per recorded sample."""
        return int(round(self.sampling_interval / self.dt))

    @property
    def stochastic(self) -> bool:
        return any(s.stochastic for sweep in self.sweeps for s in sweep)

    def time(self) -> np.ndarray:
        """Start time of each integration step, s."""
        return self.dt * np.arange(self.n_steps)

    def recorded_time(self) -> np.ndarray:
        """Times of the recorded samples, s."""
        return self.time()[:: self.record_every]

    def stream(self, sample: int, sweep: int) -> np.random.Generator:
        """Random stream of stimulus noise for (sample, sweep), keyed on the protocol seed."""
        ss = np.random.SeedSequence(entropy=int(self.seed), spawn_key=(int(sample), int(sweep), 1))
        return np.random.default_rng(ss)

    def current(self, sweep: int, sample: int = 0) -> np.ndarray:
        """Injected current (nA) at the start of each integration step of ``sweep``."""
        if not 0 <= sweep < self.n_sweeps:
            raise ProtocolError(f"sweep {sweep} out of range: protocol has {self.n_sweeps} sweeps")
        t = self.time()
        total = np.zeros(t.size)
        rng = self.stream(sample, sweep) if self.stochastic else None
        for stim in self.sweeps[sweep]:
            total += stim.waveform(t, rng)
        return total

    def currents(self, samples: Sequence[int] | None = None) -> np.ndarray:
        """Currents (nA): shape (sweep, step), or (sample, sweep, step) when stochastic."""
        if not self.stochastic:
            return np.stack([self.current(k) for k in range(self.n_sweeps)])
        samples = [0] if samples is None else list(samples)
        return np.stack([[self.current(k, s) for k in range(self.n_sweeps)] for s in samples])

    def stimulus_dataset(self) -> xr.DataArray:
        """The (deterministic part of the) stimulus as a ``stimulus_current`` DataArray."""
        from neurokit.schema import attrs_for

        cur = self.currents()
        if cur.ndim == 3:
            cur = cur[0]
        t = self.recorded_time()
        return xr.DataArray(cur[:, :: self.record_every], dims=("sweep", "time"),
                            coords={"time": ("time", t, attrs_for("time")), "sweep": np.arange(self.n_sweeps)},
                            attrs=attrs_for("stimulus_current"))

    def to_dict(self, summary: bool = False) -> dict:
        return {"sweeps": [[stimulus_to_dict(s, summary) for s in sw] for sw in self.sweeps],
                "duration": self.duration, "dt": self.dt, "record": list(self.record),
                "sampling_interval": self.sampling_interval, "seed": self.seed,
                "settle": self.settle, "source": self.source}

    def to_json(self, summary: bool = False) -> str:
        """JSON text; ``summary`` replaces replayed arrays by their length (for attrs)."""
        return json.dumps(self.to_dict(summary))

    @classmethod
    def from_dict(cls, d: dict) -> "Protocol":
        d = dict(d)
        d["sweeps"] = [[stimulus_from_dict(s) for s in sw] for sw in d.get("sweeps", [[]])]
        return cls(**d)

    @classmethod
    def from_json(cls, text: str) -> "Protocol":
        return cls.from_dict(json.loads(text))

    def replace(self, **changes) -> "Protocol":
        d = {"sweeps": self.sweeps, "duration": self.duration, "dt": self.dt, "record": self.record,
             "sampling_interval": self.sampling_interval, "seed": self.seed, "settle": self.settle,
             "source": self.source}
        if "dt" in changes and "sampling_interval" not in changes:
            d["sampling_interval"] = None
        d.update(changes)
        return Protocol(**d)

    def select_sweeps(self, sweeps: Sequence[int]) -> "Protocol":
        """A protocol of the chosen sweeps only, in the given order."""
        for k in sweeps:
            if not 0 <= k < self.n_sweeps:
                raise ProtocolError(f"sweep {k} out of range: protocol has {self.n_sweeps} sweeps")
        return self.replace(sweeps=[self.sweeps[k] for k in sweeps])

    @classmethod
    def from_recording(cls, ds: xr.Dataset, dt: float | None = None, record=("membrane_potential",),
                       seed: int = 0, sweeps: Sequence[int] | None = None) -> "Protocol":
        """Drive a model with exactly the current a recorded cell received.

        Parameters
        ----------
        ds : xarray.Dataset
            A recording in neurokit's format, with ``stimulus_current`` (nA) over
            (``sweep``, ``time``).
        dt : float, optional
            Integration step, s (default: the recording's sampling interval). The current is
            held between recorded samples.
        """
        if "stimulus_current" not in ds:
            raise ProtocolError(f"recording {ds.attrs.get('source_file', '')!r} has no stimulus_current")
        t = ds["time"].values
        interval = float(np.median(np.diff(t)))
        cur = ds["stimulus_current"].transpose("sweep", "time").values
        sweep_ids = range(cur.shape[0]) if sweeps is None else sweeps
        source = str(ds.attrs.get("source_file", ""))
        stims = [[Replay(cur[k], interval, float(t[0]), source=f"{source}#sweep{k}")] for k in sweep_ids]
        duration = interval * t.size
        return cls(stims, duration=duration, dt=dt or interval, record=record, seed=seed, source=source)


def step_protocol(amplitudes: Sequence[float], start: float, stop: float, duration: float,
                  dt: float, **kwargs) -> Protocol:
    """One sweep per amplitude (nA): a step from ``start`` to ``stop`` s."""
    return Protocol([[Step(a, start, stop)] for a in amplitudes], duration, dt, **kwargs)


def dual_step_protocol(amplitudes: Sequence[float], duration: float = 3.0, dt: float = 1e-4,
                       first=(0.147, 0.647), test=(1.147, 1.647), second=(1.647, 2.147),
                       test_amplitude: float = -0.1, **kwargs) -> Protocol:
    """The "steps dual" layout of the shipped ABF files (171116sh_0018, the FSI file).

    Each sweep: X nA over ``first``, nothing, ``test_amplitude`` nA over ``test``, then X nA
    again over ``second``; one sweep per X in ``amplitudes``. Times in s.
    """
    sweeps = [[Step(a, *first), Step(test_amplitude, *test), Step(a, *second)] for a in amplitudes]
    return Protocol(sweeps, duration, dt, **kwargs)


def from_bluepyopt(protocols, dt: float = 2.5e-5, sampling_interval: float = 1e-4,
                   names: Sequence[str] | None = None) -> dict[str, Protocol]:
    """BluePyOpt's protocols.json (path or dict) as ``{name: Protocol}``, one sweep each, no
    settling; ``dt`` and ``sampling_interval`` in s; only ``names`` if given. What is read:
    :mod:`neurokit.protocols_bluepyopt`."""
    from neurokit.protocols_bluepyopt import parse_protocols

    return {name: Protocol([[stimulus_from_dict(d) for d in p["stimuli"]]], p["duration"], dt,
                           sampling_interval=sampling_interval, source=f"bluepyopt:{name}")
            for name, p in parse_protocols(protocols, names).items()}
