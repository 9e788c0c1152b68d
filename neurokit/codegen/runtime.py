"""What every target takes and returns for one batch run, and the counter-based generator.

A batch is flattened over (sample, sweep, cell) into one index ``i`` (sample slowest), so
a recorded array of shape (n, n_rec) is already (sample, sweep, time) once reshaped, without
a copy. Values inside are SI; recorded values are multiplied by a per-variable ``scale``
(e.g. 1e3 for volt -> mV) as they are written.

Random numbers
--------------
The one counter-based generator of :mod:`neurokit.rng` (splitmix64's finaliser on ``key +
counter * golden``): draw ``k`` of step ``s`` of neuron ``i`` depends only on the neuron's key,
``s`` and ``k``, so chunking a batch, the number of threads or the target never changes a
sample's noise. Keys (:func:`neurokit.rng.neuron_keys`) derive from
:func:`neurokit.params.sample_seeds` (seed, sample), the sweep and the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neurokit.rng import RESET_STREAM, mix64, neuron_keys, normal
from neurokit.rng import u01 as uniform

#: The one generator (the C and CUDA twins are in :mod:`neurokit.codegen.rng`).
__all__ = ["BatchInputs", "RawResult", "RESET_STREAM", "mix64", "neuron_keys", "normal", "uniform"]


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
