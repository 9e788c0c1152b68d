"""What every target takes and returns for one batch run, and the counter-based generator.

A batch is flattened over (sample, sweep, cell) into one index ``i`` (sample slowest), so
a recorded array of shape (n, n_rec) is already (sample, sweep, time) once reshaped, without
a copy. Values inside are SI; recorded values are multiplied by a per-variable ``scale``
(e.g. 1e3 for volt -> mV) as they are written.

Random numbers
--------------
Counter-based (splitmix64's finaliser on ``key + counter * golden``): draw ``k`` of step ``s``
of neuron ``i`` depends only on the neuron's key, ``s`` and ``k``, so chunking a batch, the
number of threads or the target never changes a sample's noise. Keys derive from
:func:`neurokit.params.sample_seeds` (seed, sample), the sweep and the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
#: Counter offset of the reset stream (draws made while applying resets).
RESET_STREAM = np.uint64(1 << 62)


def mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 arrays (wrapping arithmetic, as in C)."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def uniform(key: np.ndarray, counter) -> np.ndarray:
    """Uniform draws in (0, 1] for each key at ``counter``."""
    with np.errstate(over="ignore"):
        z = mix64(key + np.uint64(counter) * GOLDEN)
    return ((z >> np.uint64(11)).astype(np.float64) + 1.0) * (1.0 / 9007199254740992.0)


def normal(key: np.ndarray, counter) -> np.ndarray:
    """Standard normal draws (Box-Muller on the uniforms at 2*counter and 2*counter+1)."""
    c = np.uint64(counter) * np.uint64(2)
    u1 = uniform(key, c)
    u2 = uniform(key, c + np.uint64(1))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def neuron_keys(sample_seeds: np.ndarray, n_sweeps: int, n_cells: int = 1) -> np.ndarray:
    """One key per flattened (sample, sweep, cell) neuron from per-sample seeds."""
    seeds = np.asarray(sample_seeds, dtype=np.uint64)
    local = np.arange(1, n_sweeps * n_cells + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return mix64(seeds[:, None] + mix64(local * GOLDEN)[None, :]).ravel()


@dataclass
class BatchInputs:
    """Everything one run needs, all arrays over the flattened neuron index ``i``.

    Attributes
    ----------
    params : dict of str -> float64 array (n,)
        Parameter values in SI units.
    init : dict of str -> float64 array (n,)
        Initial state values in SI units.
    currents : float64 array (rows, n_steps)
        Stimulus current in A at the start of each recorded step; ``stim_rows[i]`` picks the
        row of neuron ``i``. Steps of the settling period get no current.
    keys : uint64 array (n,)
        Random keys (see the module docstring).
    record : list of str
        State variables to record every ``every`` steps (at the start of the step, before
        the update, as Brian2's StateMonitor does); ``scales`` multiply them.
    spike_capacity : int
        Spike times kept per neuron; spikes beyond it are counted, not stored.
    """

    n: int
    dt: float
    n_steps: int
    n_settle: int
    every: int
    params: dict
    init: dict
    currents: np.ndarray
    stim_rows: np.ndarray
    keys: np.ndarray
    record: list = field(default_factory=list)
    scales: list = field(default_factory=list)
    spike_capacity: int = 64

    @property
    def n_rec(self) -> int:
        return (self.n_steps + self.every - 1) // self.every


@dataclass
class RawResult:
    """What a target returns: ``records[name]`` (n, n_rec) scaled, ``spike_steps`` (n, cap)
    step indices from t=0 (valid up to ``min(spike_counts, cap)``), ``spike_counts`` (n,) all
    spikes including those beyond the capacity, ``diverged`` (n,) bool."""

    records: dict
    spike_steps: np.ndarray
    spike_counts: np.ndarray
    diverged: np.ndarray
