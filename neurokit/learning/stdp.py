"""A spiking network that learns with STDP, after Diehl & Cook (2015), simplified.

Inputs are Poisson spike trains (rate ``x_i rate_max``, drawn with the one counter-based RNG);
they drive a layer of leaky integrate-and-fire units through plastic weights. Lateral
inhibition is a hard winner-take-all: in a step, only the unit furthest above its threshold
``1 + theta_u`` fires, and every unit's potential is reset to rest (0). Thresholds adapt: each
spike adds ``theta_plus``, and theta decays with ``tau_theta``. On a post-synaptic spike the
winner's weights move by ``eta (x_pre - x_tar)`` (``x_pre``: pre-synaptic traces, decaying with
``tau_pre``, +1 per spike), clipped to ``[0, w_max]``; after each image every row is rescaled to
sum ``w_sum``. Potentials are in units of the resting threshold (dimensionless); each image is
shown for ``steps`` steps of ``dt`` from a reset state (no resting period).

Why generated C and not the native engine: the native backend simulates point neurons and rate
models without plasticity, so this network's kernel is generated C, compiled by the codegen
layer's :func:`~neurokit.codegen.build.build` with the codegen RNG; :func:`simulate_reference`
is its NumPy twin.
"""

from __future__ import annotations

import ctypes
import functools

import numpy as np

from neurokit.codegen.build import DEFAULT_CFLAGS, build
from neurokit.learning.rule_math import prelude
from neurokit.learning.rules import Hyper, Rule
from neurokit.rng import u01

STDP = Rule("stdp", 5, (
    Hyper("eta", 0.05, "1", "STDP learning rate (falls linearly to 0)"),
    Hyper("x_tar", 0.4, "1", "target pre-synaptic trace (below it: depression)"),
    Hyper("theta_plus", 0.5, "1", "threshold increase per spike (threshold units)"),
    Hyper("tau_theta", 10.0, "s", "threshold decay time constant"),
    Hyper("tau_m", 0.02, "s", "membrane time constant"),
    Hyper("tau_pre", 0.02, "s", "pre-synaptic trace time constant"),
    Hyper("rate_max", 300.0, "Hz", "input rate of a white pixel"),
    Hyper("w_sum", 8.0, "1", "sum of each unit's input weights (threshold units)"),
    Hyper("w_max", 1.0, "1", "largest weight"),
), "spiking WTA network with STDP and adaptive thresholds (Diehl & Cook 2015, simplified)")

SOURCE = prelude("c") + r"""
/* learn = 1: train (perm (S,E,N), curves (S,E,2)); learn = 0: respond (counts (S,N,U)). */
void nk_stdp(int S, int U, int I, int N, int E, int T, int learn, double dt, const double *X,
             const int32_t *perm, const uint64_t *keys, const double *hyper, double *W,
             double *theta, double *curves, double *counts) {
    #pragma omp parallel for schedule(dynamic, 1) if (S > 1)  /* one set: no thread team to wake and join */
    for (int s = 0; s < S; s++) {
        const double *h = hyper + (size_t)s * 9;
        const double dp = exp(-dt / h[5]), dm = exp(-dt / h[4]), dth = exp(-dt / h[3]);
        const size_t UI = (size_t)U * I;
        double *w = W + s * UI, *th = theta + (size_t)s * U;
        double *v = malloc(U * sizeof(double)), *xp = malloc(I * sizeof(double));
        double *before = malloc(UI * sizeof(double));
        int *on = malloc(I * sizeof(int));
        for (int e = 0; e < E; e++) {
            const double eta = nk_epoch_rate(h[0], e, E);
            double spikes = 0.0;
            if (learn) memcpy(before, w, UI * sizeof(double));
            for (int n = 0; n < N; n++) {
                const int img = learn ? perm[((size_t)s * E + e) * N + n] : n;
                const double *x = X + (size_t)img * I;
                for (int u = 0; u < U; u++) v[u] = 0.0;
                for (int i = 0; i < I; i++) xp[i] = 0.0;
                for (int t = 0; t < T; t++) {
                    const uint64_t c0 = ((uint64_t)((size_t)e * N + n) * T + t) * I;
                    int m = 0;
                    for (int i = 0; i < I; i++) {
                        const int sp = nk_poisson_spike(keys[s], c0 + i, x[i], h[6], dt);
                        xp[i] = xp[i] * dp + sp;
                        if (sp) on[m++] = i;
                    }
                    int win = -1;
                    double best = 0.0;
                    for (int u = 0; u < U; u++) {
                        double a = v[u] * dm;
                        const double *wu = w + (size_t)u * I;
                        for (int j = 0; j < m; j++) a += wu[on[j]];
                        v[u] = a;
                        if (learn) th[u] *= dth;
                        const double over = a - 1.0 - th[u];
                        if (over > best) { best = over; win = u; }
                    }
                    if (win < 0) continue;
                    spikes += 1.0;
                    if (learn) {
                        th[win] += h[2];
                        double *ww = w + (size_t)win * I;
                        for (int i = 0; i < I; i++) ww[i] = nk_stdp_weight(ww[i], eta, xp[i], h[1], h[8]);
                    } else {
                        counts[((size_t)s * N + n) * U + win] += 1.0;
                    }
                    for (int u = 0; u < U; u++) v[u] = 0.0;
                }
                if (learn) {
                    for (int u = 0; u < U; u++) {
                        double *wu = w + (size_t)u * I, sum = 0.0;
                        for (int i = 0; i < I; i++) sum += wu[i];
                        if (sum > 0.0) {
                            const double f = h[7] / sum;
                            for (int i = 0; i < I; i++) wu[i] *= f;
                        }
                    }
                }
            }
            if (learn) {
                double d = 0.0, b = 0.0;
                for (size_t j = 0; j < UI; j++) {
                    d += (w[j] - before[j]) * (w[j] - before[j]);
                    b += before[j] * before[j];
                }
                curves[((size_t)s * E + e) * 2] = sqrt(d) / sqrt(b);
                curves[((size_t)s * E + e) * 2 + 1] = spikes / N;
            }
        }
        free(v); free(xp); free(before); free(on);
    }
}
"""

_D = ctypes.POINTER(ctypes.c_double)


@functools.lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    lib = build(SOURCE, "learning_stdp", DEFAULT_CFLAGS)
    lib.nk_stdp.argtypes = [ctypes.c_int] * 7 + [ctypes.c_double] + [ctypes.c_void_p] * 8
    lib.nk_stdp.restype = None
    return lib


def hyper_table(h: dict, S: int) -> np.ndarray:
    """The (S, 9) hyperparameter table the kernels read, in :data:`STDP`'s order."""
    return np.ascontiguousarray(np.stack([np.broadcast_to(np.asarray(h[n], float), (S,))
                                          for n in STDP.names], axis=1))


def _ptr(a: np.ndarray):
    return a.ctypes.data_as(ctypes.c_void_p) if a is not None else None


def simulate_c(X: np.ndarray, W: np.ndarray, theta: np.ndarray, h: dict, keys: np.ndarray, *,
               steps: int, dt: float, perm: np.ndarray | None = None):
    """Run the network in generated C.

    With ``perm`` (S, E, N) it learns: ``W`` (S, U, I) and ``theta`` (S, U) are updated in
    place and the curves (S, E, 2) (relative weight change, spikes per image) returned. Without
    it the weights are frozen and the spike counts (S, N, U) of every image are returned.
    ``dt`` in s; ``keys`` (S,) uint64 RNG keys.
    """
    lib = _library()
    X = np.ascontiguousarray(X, dtype=np.float64)
    S, U, I = W.shape
    N = X.shape[0]
    learn = perm is not None
    E = perm.shape[1] if learn else 1
    perm = np.ascontiguousarray(perm, dtype=np.int32) if learn else None
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    curves = np.zeros((S, E, 2)) if learn else None
    counts = None if learn else np.zeros((S, N, U))
    lib.nk_stdp(S, U, I, N, E, int(steps), int(learn), float(dt), _ptr(X), _ptr(perm), _ptr(keys),
                _ptr(hyper_table(h, S)), _ptr(W), _ptr(theta), _ptr(curves), _ptr(counts))
    return curves if learn else counts


def simulate_reference(X: np.ndarray, W: np.ndarray, theta: np.ndarray, h: dict, keys: np.ndarray, *,
                       steps: int, dt: float, perm: np.ndarray | None = None):
    """The NumPy twin of :func:`simulate_c` (same arguments, same results; slow: small cases)."""
    S, U, I = W.shape
    N = X.shape[0]
    learn = perm is not None
    E = perm.shape[1] if learn else 1
    hp = {n: np.broadcast_to(np.asarray(h[n], float), (S,)) for n in STDP.names}
    dp, dm, dth = (np.exp(-dt / hp[n]) for n in ("tau_pre", "tau_m", "tau_theta"))
    rows = np.arange(S)
    curves = np.zeros((S, E, 2))
    counts = np.zeros((S, N, U))
    keys = np.asarray(keys, np.uint64)
    for e in range(E):
        eta = hp["eta"] * (1.0 - e / E)
        before = W.copy()
        spikes = np.zeros(S)
        for n in range(N):
            img = perm[:, e, n] if learn else np.full(S, n)
            x = X[img]
            v = np.zeros((S, U))
            xp = np.zeros((S, I))
            for t in range(steps):
                c = (np.uint64((e * N + n) * steps + t) * np.uint64(I)) + np.arange(I, dtype=np.uint64)
                sp = u01(keys[:, None], c[None, :]) < x * hp["rate_max"][:, None] * dt
                xp = xp * dp[:, None] + sp
                v = v * dm[:, None] + np.einsum("sui,si->su", W, sp.astype(float))
                if learn:
                    theta *= dth[:, None]
                over = v - 1.0 - theta
                win = np.argmax(over, axis=1)
                fired = over[rows, win] > 0.0
                spikes += fired
                for s in np.flatnonzero(fired):
                    if learn:
                        theta[s, win[s]] += hp["theta_plus"][s]
                        W[s, win[s]] = np.clip(W[s, win[s]] + eta[s] * (xp[s] - hp["x_tar"][s]), 0.0,
                                               hp["w_max"][s])
                    else:
                        counts[s, n, win[s]] += 1.0
                    v[s] = 0.0
            if learn:
                sums = W.sum(axis=2, keepdims=True)
                W *= np.where(sums > 0, hp["w_sum"][:, None, None] / np.where(sums > 0, sums, 1.0), 1.0)
        if learn:
            curves[:, e, 0] = (np.sqrt(((W - before) ** 2).sum(axis=(1, 2)))
                               / np.sqrt((before ** 2).sum(axis=(1, 2))))
            curves[:, e, 1] = spikes / N
    return curves if learn else counts


def flops_per_epoch(n: int, units: int, inputs: int, steps: int, spikes_per_step: float = 0.1) -> float:
    """Estimated operations of one training epoch of one sample: per step ``inputs`` RNG draws
    (about 12 operations each), ``units`` leaky updates (4), the synaptic additions of the input
    spikes and an STDP update of one row per output spike (``spikes_per_step``)."""
    active = 0.1 * inputs  # mean input spikes per step at the default rates
    return n * steps * (12 * inputs + units * (4 + active) + spikes_per_step * 4 * inputs) + n * 3 * units * inputs
