"""The counter-based random numbers of neurokit, NumPy side (C and CUDA: neurokit.codegen.rng).

SplitMix64's finaliser evaluated at ``key + counter * GOLDEN`` gives uniform number
``counter`` of stream ``key``; no generator state is carried, so any target and any chunking
of a batch draw the same numbers. Keys derive from :func:`neurokit.params.sample_seeds`.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
STREAM_MUL = np.uint64(0xD1B54A32D192ED03)
#: Counter offset of the reset stream of point models (draws made while applying resets).
RESET_STREAM = np.uint64(1 << 62)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TWO_PI = 6.283185307179586


def mix64(z) -> np.ndarray:
    """The SplitMix64 finaliser (uint64 in, uint64 out, elementwise, wrapping as in C)."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def u01(key, ctr) -> np.ndarray:
    """Uniform numbers in (0, 1]: number ``ctr`` of stream ``key`` (53-bit resolution; arrays
    broadcast). The C ``nk_uniform`` of :mod:`neurokit.codegen.rng`."""
    with np.errstate(over="ignore"):
        z = mix64(np.asarray(key, np.uint64) + np.asarray(ctr, np.uint64) * GOLDEN)
    return ((z >> np.uint64(11)).astype(np.float64) + 1.0) * (1.0 / 9007199254740992.0)


def normal(key, ctr) -> np.ndarray:
    """Standard normals (Box-Muller, cosine branch, on the uniforms at ``2 ctr``, ``2 ctr + 1``);
    the C ``nk_normal``."""
    c = np.asarray(ctr, np.uint64) * np.uint64(2)
    u1, u2 = u01(key, c), u01(key, c + np.uint64(1))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(_TWO_PI * u2)


def normal2(key, ctr) -> tuple[np.ndarray, np.ndarray]:
    """Both Box-Muller branches at counter ``ctr`` (the first equals :func:`normal`); the C
    ``nk_normal2``, whose sine is computed from the cosine as here."""
    c = np.asarray(ctr, np.uint64) * np.uint64(2)
    u1, u2 = u01(key, c), u01(key, c + np.uint64(1))
    rad = np.sqrt(-2.0 * np.log(u1))
    cs = np.cos(_TWO_PI * u2)
    return rad * cs, rad * np.where(u2 < 0.5, 1.0, -1.0) * np.sqrt(np.maximum(0.0, 1.0 - cs * cs))


def stream_key(key, stream: int) -> np.ndarray:
    """Key of sub-stream ``stream`` of ``key`` (the C ``nk_stream``)."""
    with np.errstate(over="ignore"):
        return np.asarray(key, dtype=np.uint64) ^ (np.uint64(stream) * STREAM_MUL)


def neuron_keys(sample_seeds: np.ndarray, n_sweeps: int, n_cells: int = 1) -> np.ndarray:
    """One key per flattened (sample, sweep, cell) from per-sample seeds (sample slowest)."""
    seeds = np.asarray(sample_seeds, dtype=np.uint64)
    local = np.arange(1, n_sweeps * n_cells + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return mix64(seeds[:, None] + mix64(local * GOLDEN)[None, :]).ravel()
