"""The arithmetic of every learning rule, written once and printed into both generated targets.

The C kernels (:mod:`neurokit.learning.kernels`, :mod:`neurokit.learning.stdp`) and the CUDA
kernels (:mod:`neurokit.learning.cuda_source`) loop differently (OpenMP over samples with
serial loops; one CUDA block per sample with threads over units x inputs) but compute each
weight, threshold and draw with the functions below, so a rule's math has one definition.
:func:`prelude` prints them for a target: ``static inline`` in C, ``__device__`` in CUDA,
after the counter-based RNG of :mod:`neurokit.codegen.rng` (``nk_uniform``). All quantities
are dimensionless except ``dt`` (s) and ``rate`` (Hz).
"""

from __future__ import annotations

from neurokit.codegen.rng import RNG_C, RNG_CUDA
from neurokit.errors import NeurokitError

RULE_MATH = r"""
/* Learning rate of epoch e of E: linear decay to 0. */
NK_FN double nk_epoch_rate(double eta, int e, int E) { return eta * (1.0 - (double)e / E); }
/* Oja and Sanger: Hebbian term of weight (u, i), learning rate x output u x residual i. */
NK_FN double nk_hebb(double eta, double y, double r) { return eta * y * r; }
/* BCM: rectified output, gain of row u, sliding threshold (tau in presentations). */
NK_FN double nk_relu(double y) { return y > 0.0 ? y : 0.0; }
NK_FN double nk_bcm_gain(double eta, double y, double theta) { return eta * y * (y - theta); }
NK_FN double nk_bcm_theta(double y, double theta, double tau) { return theta + (y * y - theta) / tau; }
/* Krotov-Hopfield: sign(w)|w|^q, integer powers by products (pow() would dominate). */
NK_FN double nk_krotov_power(double w, double q) {
    if (q == 1.0) return w;
    if (q == 2.0) return w * fabs(w);
    if (q == 3.0) return w * w * w;
    return copysign(pow(fabs(w), q), w);
}
NK_FN int nk_rank(double k) { return (int)rint(k); }
/* Krotov-Hopfield: indices of the k largest currents, descending, ties to the lower index. */
NK_FN void nk_topk(const double *cur, int U, int k, int *top) {
    int n = 0;
    for (int u = 0; u < U; u++) {
        int pos;
        if (n < k) pos = n++;
        else if (cur[u] > cur[top[k - 1]]) pos = k - 1;
        else continue;
        while (pos > 0 && cur[u] > cur[top[pos - 1]]) { top[pos] = top[pos - 1]; pos--; }
        top[pos] = u;
    }
}
/* STDP: Poisson input spike of counter c (rate x dt per step), and the winner's weight update
   eta (x_pre - x_tar) clipped to [0, w_max]. */
NK_FN int nk_poisson_spike(NK_U64 key, NK_U64 c, double x, double rate, double dt) {
    return nk_uniform(key, c) < x * rate * dt;
}
NK_FN double nk_stdp_weight(double w, double eta, double xp, double x_tar, double w_max) {
    const double z = w + eta * (xp - x_tar);
    return z < 0.0 ? 0.0 : (z > w_max ? w_max : z);
}
"""

_HEADERS = {
    "c": "#include <math.h>\n#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n"
         "#define NK_FN static inline\n#define NK_U64 uint64_t\n" + RNG_C,
    "cuda": "#define NK_FN __device__ __forceinline__\n#define NK_U64 unsigned long long\n" + RNG_CUDA,
}


def prelude(target: str) -> str:
    """Headers, the RNG and :data:`RULE_MATH` for ``target`` (``"c"`` or ``"cuda"``)."""
    if target not in _HEADERS:
        raise NeurokitError(f"no learning-rule prelude for target {target!r}; known: c, cuda")
    return _HEADERS[target] + RULE_MATH
