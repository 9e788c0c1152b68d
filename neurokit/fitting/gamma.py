"""Spike-train measures: the coincidence factor Gamma, spike-by-spike timing, spike masks.

Spike-time coincidence follows Jolivet et al. (2008): with ``N_coinc`` spikes of the data
matched one-to-one by model spikes within ``delta``, ``N_data``, ``N_model`` spikes and the
model's rate ``nu = N_model / T``::

    Gamma = (N_coinc - 2 nu delta N_data) / (0.5 (N_data + N_model)) / (1 - 2 nu delta)

1 when every spike matches, 0 at the chance level of a Poisson train of the model's rate.
Times are in s throughout.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

import numpy as np

GAMMA_DELTA = 4e-3  # s, Jolivet et al. (2008)


def coincidences(data: np.ndarray, model: np.ndarray, delta: float = GAMMA_DELTA) -> int:
    """Number of data spikes matched one-to-one by a model spike within ``delta`` s.

    Both trains are sorted; the matching walks them in time order, pairing the earliest
    unmatched spikes first, so each spike counts at most once.
    """
    i = j = n = 0
    nd, nm = len(data), len(model)
    while i < nd and j < nm:
        d = data[i] - model[j]
        if abs(d) <= delta + 1e-12:
            n += 1
            i += 1
            j += 1
        elif d > 0:
            j += 1
        else:
            i += 1
    return n


def _sorted(x) -> np.ndarray:
    """``x`` as a sorted float array (sorting only when needed: trains are usually sorted)."""
    x = np.asarray(x, dtype=float)
    if x.size > 1 and np.any(x[1:] < x[:-1]):
        x = np.sort(x)
    return x


def gamma_factor(data, model, duration: float, delta: float = GAMMA_DELTA) -> float:
    """Coincidence factor Gamma of Jolivet et al. (2008) between two spike trains.

    Parameters
    ----------
    data, model : array-like
        Spike times, s.
    duration : float
        Length of the compared window, s (sets the model's rate ``nu``).
    delta : float
        Coincidence window, s (4 ms by default).

    Returns
    -------
    float
        1 for a perfect match, about 0 at chance, negative below chance. Two empty trains
        give 1 (nothing to predict, nothing predicted); one empty train gives 0.
    """
    return float(gamma_lists(_sorted(data), _sorted(model), duration, delta))


def gamma_lists(data: list, model: list, duration: float, delta: float) -> float:
    """:func:`gamma_factor` on sorted spike times (Python lists, the hot path, or arrays)."""
    nd, nm = len(data), len(model)
    if nd == 0 and nm == 0:
        return 1.0
    if nd == 0 or nm == 0:
        return 0.0
    rate = nm / duration
    norm = 1.0 - 2.0 * rate * delta
    if norm <= 0:  # model fires faster than 1/(2 delta): every spike would coincide by chance
        return 0.0
    return (coincidences(data, model, delta) - 2.0 * rate * delta * nd) / (0.5 * (nd + nm)) / norm


def timing_error(data, model, scale: float = 10e-3) -> float:
    """Spike-by-spike timing cost: the k-th model spike against the k-th data spike,
    ``min(|dt| / scale, 1)`` each, 1 for every spike without a partner, divided by the larger
    count (0 for two empty trains)."""
    data = _sorted(data)
    model = _sorted(model)
    n = min(data.size, model.size)
    big = max(data.size, model.size)
    if big == 0:
        return 0.0
    paired = np.minimum(np.abs(data[:n] - model[:n]) / scale, 1.0).sum()
    return float((paired + (big - n)) / big)


def split_lists(spikes: list, segments) -> list[list]:
    """Spikes (a sorted list, s) of each stimulus epoch ``(start, stop, amplitude)``, up to
    50 ms after its end for spikes just after the step; all of them without epochs. Lists,
    not arrays: faster for the few spikes of a sweep."""
    if not segments:
        return [spikes]
    return [spikes[bisect_left(spikes, a): bisect_left(spikes, b + 0.05)] for a, b, _ in segments]


def spike_mask(time: np.ndarray, spikes: Sequence[float], window: tuple[float, float]) -> np.ndarray:
    """True at samples of ``time`` within ``[t_spike + window[0], t_spike + window[1]]`` of a spike."""
    mask = np.zeros(time.size, dtype=bool)
    if len(spikes) == 0:
        return mask
    dt = float(time[1] - time[0]) if time.size > 1 else 1.0
    for t in spikes:
        a = int(np.searchsorted(time, t + window[0]))
        b = int(np.searchsorted(time, t + window[1] + 1e-3 * dt, side="right"))
        mask[a:b] = True
    return mask
