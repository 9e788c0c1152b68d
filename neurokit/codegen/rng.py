"""The counter-based random numbers of neurokit as C and CUDA source (NumPy: :mod:`neurokit.rng`).

One scheme for every target and model kind: uniform number ``c`` of stream ``key`` is
``((splitmix64(key + c * GOLDEN) >> 11) + 1) / 2**53``, in (0, 1]; a standard normal at
counter ``c`` is Box-Muller on the uniforms at ``2c`` and ``2c + 1`` (cosine branch);
``nk_normal2`` returns both Box-Muller branches of counter ``c`` (the sine computed from the
cosine, so that gcc keeps the loop vectorised instead of fusing a scalar ``sincos``).
The NumPy twins (:func:`neurokit.rng.u01`, :func:`neurokit.rng.normal`,
:func:`neurokit.rng.normal2`) return the same numbers bit for bit up to libm rounding.
"""

from __future__ import annotations

#: Counter offset of the reset stream of point models (draws made while applying resets).
RESET_STREAM_C = "#define NK_RESET_STREAM (1ULL << 62)"

_BODY = r"""
static inline uint64_t nk_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static inline double nk_uniform(uint64_t key, uint64_t c) {
    return ((double)(nk_mix(key + c * 0x9E3779B97F4A7C15ULL) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}
static inline double nk_normal(uint64_t key, uint64_t c) {
    const double u1 = nk_uniform(key, 2 * c), u2 = nk_uniform(key, 2 * c + 1);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
static inline uint64_t nk_stream(uint64_t key, uint64_t stream) {
    return key ^ (stream * 0xD1B54A32D192ED03ULL);
}
"""

#: C definitions of ``nk_mix``, ``nk_uniform``, ``nk_normal``, ``nk_stream`` and
#: ``NK_RESET_STREAM`` (needs ``<math.h>`` and ``<stdint.h>``).
RNG_C = "/* Counter-based generator: splitmix64's finaliser on key + counter * golden ratio. */" + \
    _BODY + RESET_STREAM_C + "\n"

#: ``nk_normal2``: both Box-Muller branches of counter ``c`` (C, after :data:`RNG_C`).
NORMAL2_C = r"""
#define nk_normal2(key, c, z0, z1) do { \
    const double nk_u1_ = nk_uniform((key), 2 * (c)), nk_u2_ = nk_uniform((key), 2 * (c) + 1); \
    const double nk_rad_ = sqrt(-2.0 * log(nk_u1_)), nk_cs_ = cos(6.283185307179586 * nk_u2_); \
    (z0) = nk_rad_ * nk_cs_; \
    (z1) = nk_rad_ * (nk_u2_ < 0.5 ? 1.0 : -1.0) * sqrt(fmax(0.0, 1.0 - nk_cs_ * nk_cs_)); \
} while (0)
"""

#: The same generator for CUDA device code (``uint64_t`` is typedef'd after it by the target).
RNG_CUDA = r"""
/* The counter-based generator of the C and NumPy targets (splitmix64 finaliser). */
__device__ __forceinline__ unsigned long long nk_mix(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
__device__ __forceinline__ double nk_uniform(unsigned long long key, unsigned long long c) {
    return ((double)(nk_mix(key + c * 0x9E3779B97F4A7C15ULL) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}
__device__ __forceinline__ double nk_normal(unsigned long long key, unsigned long long c) {
    const double u1 = nk_uniform(key, 2 * c), u2 = nk_uniform(key, 2 * c + 1);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
""" + RESET_STREAM_C + "\n"
