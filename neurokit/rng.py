"""The counter-based random numbers of neurokit, NumPy side (C and CUDA: neurokit.codegen.rng).

SplitMix64 evaluated at ``key + (counter + 1) * GOLDEN`` gives uniform number ``counter`` of
stream ``key``; no generator state is carried, so any target and any chunking of a batch draw
the same numbers. ``key`` is a sample's seed from :func:`neurokit.params.sample_seeds`.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix64(z) -> np.ndarray:
    """The SplitMix64 finaliser (uint64 in, uint64 out, elementwise)."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def u01(key, ctr) -> np.ndarray:
    """Uniform numbers in (0, 1): number ``ctr`` of stream ``key`` (53-bit resolution)."""
    with np.errstate(over="ignore"):
        z = mix64(np.asarray(key, np.uint64) + (np.asarray(ctr, np.uint64) + np.uint64(1)) * GOLDEN)
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0 ** -53
