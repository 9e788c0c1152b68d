"""Helpers of the GIF tests: the sampling interval, kernel settings and an OU current."""

from __future__ import annotations

import numpy as np

DT = 2e-4  # s
KERNEL = dict(eta_length_s=0.2, gamma_length_s=0.2, min_width_s=5e-3, slope=3.0)


def ou_current(n: int, mean: float, sd: float, tau: float, seed: int) -> np.ndarray:
    """Ornstein-Uhlenbeck current, nA (fixed seed: the same recording every run)."""
    z = np.random.default_rng(seed).standard_normal(n)
    a = np.exp(-DT / tau)
    x = np.empty(n)
    x[0] = mean
    for k in range(1, n):
        x[k] = mean + a * (x[k - 1] - mean) + sd * np.sqrt(1 - a * a) * z[k]
    return x


