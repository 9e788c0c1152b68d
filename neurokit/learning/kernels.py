"""Generated C for the rate-based local rules: one call trains every hyperparameter set.

The source is fixed text (the rules are few and their loops simple) around the per-rule
arithmetic of :mod:`neurokit.learning.rule_math`, which the CUDA kernels of
:mod:`neurokit.learning.cuda_source` print too; it is compiled once by
:func:`neurokit.codegen.build.build` (cached by content hash) and loops over samples with
OpenMP, each sample holding its own weights and scratch. Presentation orders and initial
weights come from the one RNG on the NumPy side (:mod:`neurokit.learning.train`), so the C and
the NumPy reference (:func:`neurokit.learning.rules.train_reference`) see the same numbers.
"""

from __future__ import annotations

import ctypes
import functools

import numpy as np

from neurokit.codegen.build import DEFAULT_CFLAGS, build
from neurokit.learning.rule_math import prelude
from neurokit.learning.rules import RULES

SOURCE = prelude("c") + r"""

static void normalise_row(double *w, int I) {
    double s = 0.0;
    for (int i = 0; i < I; i++) s += w[i] * w[i];
    const double inv = 1.0 / sqrt(s);
    for (int i = 0; i < I; i++) w[i] *= inv;
}

static double dot(const double *a, const double *b, int I) {
    double s = 0.0;
    for (int i = 0; i < I; i++) s += a[i] * b[i];
    return s;
}

/* One input presented to one sample (rules 0-3). */
static void present(int rule, int U, int I, double *W, const double *x, double eta, double tau,
                    double *y, double *res, double *theta) {
    for (int u = 0; u < U; u++) y[u] = dot(W + (size_t)u * I, x, I);
    if (rule == 0) {                               /* Oja subspace */
        for (int i = 0; i < I; i++) res[i] = x[i];
        for (int u = 0; u < U; u++)
            for (int i = 0; i < I; i++) res[i] -= y[u] * W[(size_t)u * I + i];
        for (int u = 0; u < U; u++)
            for (int i = 0; i < I; i++) W[(size_t)u * I + i] += nk_hebb(eta, y[u], res[i]);
    } else if (rule == 1) {                        /* Sanger: residual of units 0..u, old W */
        for (int i = 0; i < I; i++) res[i] = x[i];
        for (int u = 0; u < U; u++) {
            double *w = W + (size_t)u * I;
            for (int i = 0; i < I; i++) {
                res[i] -= y[u] * w[i];
                w[i] += nk_hebb(eta, y[u], res[i]);
            }
        }
    } else if (rule == 2) {                        /* winner take all, first maximum wins */
        int win = 0;
        for (int u = 1; u < U; u++) if (y[u] > y[win]) win = u;
        double *w = W + (size_t)win * I;
        for (int i = 0; i < I; i++) w[i] += eta * x[i];
        normalise_row(w, I);
    } else {                                       /* BCM */
        for (int u = 0; u < U; u++) {
            const double yu = nk_relu(y[u]);
            double *w = W + (size_t)u * I;
            const double a = nk_bcm_gain(eta, yu, theta[u]);
            for (int i = 0; i < I; i++) w[i] += a * x[i];
            theta[u] = nk_bcm_theta(yu, theta[u], tau);
            normalise_row(w, I);
        }
    }
}

/* One Krotov-Hopfield minibatch of one sample. */
static void krotov(int U, int I, int B, double *W, const double *X, const int32_t *idx, double eta,
                   double p, int k, double delta, double *Wp, double *ds, double *cur, int *top) {
    const size_t UI = (size_t)U * I;
    const double q = p - 1.0;
    for (size_t j = 0; j < UI; j++) Wp[j] = nk_krotov_power(W[j], q);  /* q is loop-invariant: gcc unswitches */
    memset(ds, 0, UI * sizeof(double));
    double *xx = cur + U;
    for (int u = 0; u < U; u++) xx[u] = 0.0;
    for (int b = 0; b < B; b++) {
        const double *x = X + (size_t)idx[b] * I;
        for (int u = 0; u < U; u++) cur[u] = dot(Wp + (size_t)u * I, x, I);
        nk_topk(cur, U, k, top);
        const int a = top[0], z = top[k - 1];
        for (int i = 0; i < I; i++) {
            ds[(size_t)a * I + i] += x[i];
            ds[(size_t)z * I + i] -= delta * x[i];
        }
        xx[a] += cur[a];
        xx[z] -= delta * cur[z];
    }
    double nc = 1e-30;
    for (int u = 0; u < U; u++)
        for (int i = 0; i < I; i++) {
            double *d = ds + (size_t)u * I + i;
            *d -= xx[u] * W[(size_t)u * I + i];
            if (fabs(*d) > nc) nc = fabs(*d);
        }
    const double f = eta / nc;
    for (size_t j = 0; j < UI; j++) W[j] += f * ds[j];
}

/* Train S samples: W (S,U,I) in place, perm (S,E,N), hyper (S,4) per rule, change (S,E). */
void nk_learn(int rule, int S, int U, int I, int N, int E, int B, const double *X,
              const int32_t *perm, double *W, const double *hyper, double *change, double *theta) {
    #pragma omp parallel for schedule(dynamic, 1) if (S > 1)  /* one set: no thread team to wake and join */
    for (int s = 0; s < S; s++) {
        const size_t UI = (size_t)U * I;
        double *w = W + s * UI, *th = theta + (size_t)s * U;
        const double *h = hyper + (size_t)s * 4;
        double *before = malloc(UI * sizeof(double));
        double *scratch = malloc((2 * UI + 2 * U + I + 1) * sizeof(double));
        int *top = malloc(((size_t)(h[2] > 1 ? h[2] : 1) + 1) * sizeof(int));
        double *y = scratch, *res = scratch + U;
        for (int e = 0; e < E; e++) {
            memcpy(before, w, UI * sizeof(double));
            const double eta = nk_epoch_rate(h[0], e, E);
            const int32_t *order = perm + ((size_t)s * E + e) * N;
            if (rule == 4) {
                const int k = nk_rank(h[2]);
                for (int b0 = 0; b0 + B <= N; b0 += B)
                    krotov(U, I, B, w, X, order + b0, eta, h[1], k, h[3], scratch, scratch + UI,
                           scratch + 2 * UI, top);
            } else {
                for (int n = 0; n < N; n++)
                    present(rule, U, I, w, X + (size_t)order[n] * I, eta, h[1], y, res, th);
            }
            double d = 0.0, b = 0.0;
            for (size_t j = 0; j < UI; j++) {
                d += (w[j] - before[j]) * (w[j] - before[j]);
                b += before[j] * before[j];
            }
            change[(size_t)s * E + e] = sqrt(d) / sqrt(b);
        }
        free(before);
        free(scratch);
        free(top);
    }
}
"""

_D = ctypes.POINTER(ctypes.c_double)
_I32 = ctypes.POINTER(ctypes.c_int32)


@functools.lru_cache(maxsize=1)
def library() -> ctypes.CDLL:
    """The compiled kernel (built once per source, flags and compiler; cached on disk, and
    looked up once per process: the cache check hashes the library file)."""
    lib = build(SOURCE, "learning_rules", DEFAULT_CFLAGS)
    lib.nk_learn.argtypes = [ctypes.c_int] * 7 + [_D, _I32, _D, _D, _D, _D]
    lib.nk_learn.restype = None
    return lib


def hyper_matrix(rule: str, h: dict, S: int) -> np.ndarray:
    """The (S, 4) hyperparameter table the kernel reads, in the rule's order."""
    out = np.zeros((S, 4))
    for j, name in enumerate(RULES[rule].names):
        out[:, j] = h[name]
    return out


def train_c(rule: str, X: np.ndarray, W0: np.ndarray, perm: np.ndarray, h: dict,
            batch: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train in generated C; arguments and results as
    :func:`neurokit.learning.rules.train_reference`."""
    lib = library()
    X = np.ascontiguousarray(X, dtype=np.float64)
    W = np.array(W0, dtype=np.float64, order="C", copy=True)
    perm = np.ascontiguousarray(perm, dtype=np.int32)
    S, U, I = W.shape
    E, N = perm.shape[1], perm.shape[2]
    hyper = np.ascontiguousarray(hyper_matrix(rule, h, S))
    change = np.zeros((S, E))
    theta = np.zeros((S, U))
    lib.nk_learn(RULES[rule].code, S, U, I, N, E, int(batch), X.ctypes.data_as(_D), perm.ctypes.data_as(_I32),
                 W.ctypes.data_as(_D), hyper.ctypes.data_as(_D), change.ctypes.data_as(_D),
                 theta.ctypes.data_as(_D))
    return W, change, theta
