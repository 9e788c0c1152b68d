"""Spike-triggered kernels as sums of rectangular basis functions with log-spaced widths.

A kernel ``k(t) = sum_j k_j rect_j(t)`` where ``rect_j`` is 1 on ``[edge_j, edge_{j+1})`` and
0 elsewhere; widths grow exponentially from ``min_width_s`` up to ``max_width_s``, as in the
GIF toolbox of Pozzorini et al. (2015). The regressors of such a kernel are, for each bin,
the number of past spikes whose lag falls in that bin, which cumulative sums give in
O(time) per bin (no convolution needed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurokit.errors import ParameterError


@dataclass(frozen=True)
class RectBasis:
    """Rectangular basis of a spike-triggered kernel.

    Parameters
    ----------
    edges_s : tuple of float
        Bin edges, s, increasing from 0; ``len(edges_s) - 1`` basis functions.
    """

    edges_s: tuple[float, ...]

    def __post_init__(self):
        e = np.asarray(self.edges_s, dtype=float)
        if e.ndim != 1 or e.size < 2 or e[0] != 0.0 or np.any(np.diff(e) <= 0):
            raise ParameterError(f"RectBasis: edges must increase from 0 s, got {self.edges_s}")

    @property
    def size(self) -> int:
        """Number of basis functions."""
        return len(self.edges_s) - 1

    @property
    def length_s(self) -> float:
        """Support of the kernel, s."""
        return float(self.edges_s[-1])

    def lags(self, dt_s: float) -> np.ndarray:
        """Bin edges as lags in samples, shape ``(size + 1,)``.

        Lag 0 (the spike's own sample) belongs to no bin: a spike acts from the next sample
        on, so the regressors stay causal. Bins narrower than a sample are widened to one.
        """
        lag = np.rint(np.asarray(self.edges_s) / dt_s).astype(np.int64)
        lag[0] = 1
        for j in range(1, lag.size):
            lag[j] = max(lag[j], lag[j - 1] + 1)
        return lag

    def features(self, spike_idx: np.ndarray, n: int, dt_s: float) -> np.ndarray:
        """Regressors ``S[k, j]``: number of spikes ``s`` with ``k - s`` in bin ``j``.

        Parameters
        ----------
        spike_idx : ndarray of int
            Sample indices of the spikes of one sweep.
        n : int
            Number of samples of the sweep.
        dt_s : float
            Sampling interval, s.

        Returns
        -------
        ndarray, shape (n, size)
        """
        lag = self.lags(dt_s)
        train = np.zeros(n, dtype=np.int64)
        np.add.at(train, np.asarray(spike_idx, dtype=np.int64), 1)
        # count[m] = number of spikes at indices < m (count[0] = 0), so spikes with
        # lo <= k - s < hi number count[k - lo + 1] - count[k - hi + 1].
        count = np.concatenate([[0], np.cumsum(train)])
        k = np.arange(n)
        out = np.empty((n, self.size))
        for j in range(self.size):
            hi_idx = np.clip(k - lag[j] + 1, 0, n)
            lo_idx = np.clip(k - lag[j + 1] + 1, 0, n)
            out[:, j] = count[hi_idx] - count[lo_idx]
        return out

    def sample(self, coefficients, dt_s: float) -> np.ndarray:
        """The kernel on a grid of lags ``1 .. L`` samples (index 0 is lag 1).

        Parameters
        ----------
        coefficients : array-like, shape (size,)
            Value of each basis function (the kernel's unit).
        dt_s : float
            Sampling interval, s.
        """
        c = np.asarray(coefficients, dtype=float)
        if c.shape != (self.size,):
            raise ParameterError(f"RectBasis.sample: {c.shape} coefficients for {self.size} bins")
        lag = self.lags(dt_s)
        return np.repeat(c, np.diff(lag))

    def support(self, coefficients) -> tuple[np.ndarray, np.ndarray]:
        """``(t_s, value)`` step points of the kernel, for plots and tables."""
        return np.asarray(self.edges_s[:-1], dtype=float), np.asarray(coefficients, dtype=float)


def log_spaced_basis(length_s: float, min_width_s: float = 2e-3, max_width_s: float = 1.0,
                     slope: float = 7.0) -> RectBasis:
    """Rectangular basis whose bin widths grow as ``min_width_s * exp(k / slope)``.

    Widths are capped at ``max_width_s``; bins are added until they cover ``length_s`` (the
    last edge is at or beyond it), as ``Filter_Rect_LogSpaced`` of the GIF toolbox does.

    Parameters
    ----------
    length_s : float
        Kernel length, s.
    min_width_s, max_width_s : float
        Smallest and largest bin width, s.
    slope : float
        Number of bins over which the width grows by a factor e.
    """
    if not (length_s > 0 and min_width_s > 0 and max_width_s >= min_width_s and slope > 0):
        raise ParameterError(
            f"log_spaced_basis: need length_s > 0, 0 < min_width_s <= max_width_s, slope > 0; got "
            f"{length_s}, {min_width_s}, {max_width_s}, {slope}")
    edges = [0.0]
    k = 0
    while edges[-1] < length_s * (1 - 1e-12):
        k += 1
        edges.append(edges[-1] + min(min_width_s * np.exp(k / slope), max_width_s))
    return RectBasis(tuple(float(e) for e in edges))
