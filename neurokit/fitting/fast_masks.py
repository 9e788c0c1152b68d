"""Spike-window masks for a whole batch at once (the hot part of the masked trace error).

:func:`neurokit.fitting.gamma.spike_mask` marks the samples around the spikes of one train
with a Python loop over spikes; a fit asks for one mask per (sample, sweep) of every batch, a
few thousand trains per generation. Here all trains are handled by two ``searchsorted`` calls
and one cumulative sum: each spike adds +1 where its window starts and -1 where it ends, and
a sample is masked where the running sum is positive. Same windows, same edges as
``spike_mask`` (tests/fitting/test_fast_masks.py checks equality).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def spike_masks(time: np.ndarray, trains: Sequence[np.ndarray], window: tuple[float, float]) -> np.ndarray:
    """Boolean masks (len(trains), time.size): True within ``[t + window[0], t + window[1]]``
    of any spike ``t`` (s) of each train, as :func:`~neurokit.fitting.gamma.spike_mask`."""
    time = np.asarray(time, dtype=float)
    n, size = len(trains), time.size
    counts = np.fromiter((len(s) for s in trains), dtype=np.int64, count=n)
    if counts.sum() == 0:
        return np.zeros((n, size), dtype=bool)
    spikes = np.concatenate([np.asarray(s, dtype=float) for s in trains])
    rows = np.repeat(np.arange(n), counts)
    dt = float(time[1] - time[0]) if size > 1 else 1.0
    start = np.searchsorted(time, spikes + window[0])
    stop = np.searchsorted(time, spikes + window[1] + 1e-3 * dt, side="right")
    edges = np.zeros((n, size + 1), dtype=np.int32)
    np.add.at(edges, (rows, start), 1)
    np.add.at(edges, (rows, stop), -1)
    return np.cumsum(edges[:, :size], axis=1) > 0
