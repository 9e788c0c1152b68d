"""CUDA source of the learning kernels: one block per hyperparameter set (``sample``), threads
over units x inputs; the rules' arithmetic and the RNG are those of the C kernels
(:mod:`neurokit.learning.rule_math`), so a set's result equals the C result up to the order of
floating-point reductions (dot products and norms are summed by warps here).

- ``nk_learn``: Oja, Sanger, WTA, BCM, Krotov-Hopfield; arguments as ``nk_learn`` in
  :mod:`neurokit.learning.kernels` plus per-sample scratch (``scratch`` (S, 3UI + 3U + I)
  doubles, ``tops`` (S, U + 1) ints).
- ``nk_stdp``: the spiking STDP network of :mod:`neurokit.learning.stdp`; Poisson inputs drawn
  with the same counters; the active inputs compacted in index order, so each unit sums its
  input weights in the order of the C kernel; scratch (S, U + I + UI) doubles, ``on`` (S, I) ints.

Both need blocks of :data:`THREADS` threads. No ``size_t`` or ``<stdint.h>``: the source
compiles with NVRTC (CuPy) and with ``nvcc -ptx`` alike.
"""

from __future__ import annotations

from neurokit.learning.rule_math import prelude

#: Threads per block (a multiple of 32; the reductions assume it).
THREADS = 256

_COMMON = r"""
#define NK_THREADS %(threads)d
#define NK_WARPS (NK_THREADS / 32)
typedef long long nk_idx;

/* Warp total, the same value in every lane (lane 0's sum, broadcast). */
__device__ __forceinline__ double nk_warp_sum(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return __shfl_sync(0xffffffffu, v, 0);
}
__device__ __forceinline__ double nk_warp_dot(const double *a, const double *b, int I) {
    double s = 0.0;
    for (int i = threadIdx.x & 31; i < I; i += 32) s += a[i] * b[i];
    return nk_warp_sum(s);
}
/* Block total (max when is_max), the same value in every thread; all threads must call it. */
__device__ double nk_block_reduce(double v, double *red, int is_max) {
    for (int o = 16; o > 0; o >>= 1) {
        const double w = __shfl_down_sync(0xffffffffu, v, o);
        v = is_max ? fmax(v, w) : v + w;
    }
    __syncthreads();                               /* red may still be read by a previous call */
    if ((threadIdx.x & 31) == 0) red[threadIdx.x >> 5] = v;
    __syncthreads();
    double s = red[0];
    for (int k = 1; k < NK_WARPS; k++) s = is_max ? fmax(s, red[k]) : s + red[k];
    return s;
}
/* |W - before| / |before| (Frobenius); every thread gets it. */
__device__ double nk_relative_change(const double *W, const double *before, nk_idx UI, double *red) {
    double d = 0.0, b = 0.0;
    for (nk_idx j = threadIdx.x; j < UI; j += NK_THREADS) {
        d += (W[j] - before[j]) * (W[j] - before[j]);
        b += before[j] * before[j];
    }
    d = nk_block_reduce(d, red, 0);
    b = nk_block_reduce(b, red, 0);
    return sqrt(d) / sqrt(b);
}
"""

_RATE = r"""
/* One input presented to one sample (rules 0-3); ends synchronised. */
__device__ void nk_present(int rule, int U, int I, double *W, const double *x, double eta, double tau,
                           double *y, double *res, double *th, double *red) {
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const nk_idx UI = (nk_idx)U * I;
    for (int u = warp; u < U; u += NK_WARPS) {
        const double d = nk_warp_dot(W + (nk_idx)u * I, x, I);
        if (lane == 0) y[u] = d;
    }
    __syncthreads();
    if (rule == 0) {                               /* Oja subspace: residual per input, then all weights */
        for (int i = tid; i < I; i += NK_THREADS) {
            double r = x[i];
            for (int u = 0; u < U; u++) r -= y[u] * W[(nk_idx)u * I + i];
            res[i] = r;
        }
        __syncthreads();
        for (nk_idx j = tid; j < UI; j += NK_THREADS) W[j] += nk_hebb(eta, y[j / I], res[j % I]);
    } else if (rule == 1) {                        /* Sanger: a thread per input walks the units in order */
        for (int i = tid; i < I; i += NK_THREADS) {
            double r = x[i];
            for (int u = 0; u < U; u++) {
                double *w = W + (nk_idx)u * I + i;
                r -= y[u] * *w;
                *w += nk_hebb(eta, y[u], r);
            }
        }
    } else if (rule == 2) {                        /* winner take all, first maximum wins */
        int win = 0;
        for (int u = 1; u < U; u++) if (y[u] > y[win]) win = u;
        double *w = W + (nk_idx)win * I, ss = 0.0;
        for (int i = tid; i < I; i += NK_THREADS) { w[i] += eta * x[i]; ss += w[i] * w[i]; }
        const double inv = 1.0 / sqrt(nk_block_reduce(ss, red, 0));
        for (int i = tid; i < I; i += NK_THREADS) w[i] *= inv;
    } else {                                       /* BCM: all rows, then thresholds and norms per warp */
        for (nk_idx j = tid; j < UI; j += NK_THREADS) {
            const int u = (int)(j / I);
            W[j] += nk_bcm_gain(eta, nk_relu(y[u]), th[u]) * x[j - (nk_idx)u * I];
        }
        __syncthreads();
        for (int u = warp; u < U; u += NK_WARPS) {
            double *w = W + (nk_idx)u * I;
            const double inv = 1.0 / sqrt(nk_warp_dot(w, w, I));
            for (int i = lane; i < I; i += 32) w[i] *= inv;
            if (lane == 0) th[u] = nk_bcm_theta(nk_relu(y[u]), th[u], tau);
        }
    }
    __syncthreads();
}

/* One Krotov-Hopfield minibatch of one sample; ends synchronised. */
__device__ void nk_krotov(int U, int I, int B, double *W, const double *X, const int *idx, double eta,
                          double p, int k, double delta, double *Wp, double *ds, double *cur, double *xx,
                          int *top, double *red) {
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const nk_idx UI = (nk_idx)U * I;
    const double q = p - 1.0;
    for (nk_idx j = tid; j < UI; j += NK_THREADS) { Wp[j] = nk_krotov_power(W[j], q); ds[j] = 0.0; }
    for (int u = tid; u < U; u += NK_THREADS) xx[u] = 0.0;
    __syncthreads();
    for (int b = 0; b < B; b++) {
        const double *x = X + (nk_idx)idx[b] * I;
        for (int u = warp; u < U; u += NK_WARPS) {
            const double d = nk_warp_dot(Wp + (nk_idx)u * I, x, I);
            if (lane == 0) cur[u] = d;
        }
        __syncthreads();
        if (tid == 0) {                            /* ranking is serial, as in C: same ties */
            nk_topk(cur, U, k, top);
            xx[top[0]] += cur[top[0]];
            xx[top[k - 1]] -= delta * cur[top[k - 1]];
        }
        __syncthreads();
        const nk_idx a = (nk_idx)top[0] * I, z = (nk_idx)top[k - 1] * I;
        for (int i = tid; i < I; i += NK_THREADS) {
            ds[a + i] += x[i];
            ds[z + i] -= delta * x[i];
        }
        __syncthreads();
    }
    double m = 1e-30;
    for (nk_idx j = tid; j < UI; j += NK_THREADS) {
        const double d = ds[j] - xx[j / I] * W[j];
        ds[j] = d;
        m = fmax(m, fabs(d));
    }
    const double f = eta / nk_block_reduce(m, red, 1);
    for (nk_idx j = tid; j < UI; j += NK_THREADS) W[j] += f * ds[j];
    __syncthreads();
}

extern "C" __global__ void nk_learn(const int rule, const int U, const int I, const int N, const int E,
                                    const int B, const double *__restrict__ X, const int *__restrict__ perm,
                                    double *__restrict__ W_all, const double *__restrict__ hyper,
                                    double *__restrict__ change, double *__restrict__ theta,
                                    double *__restrict__ scratch, int *__restrict__ tops) {
    __shared__ double red[NK_WARPS];
    const int s = blockIdx.x, tid = threadIdx.x;
    const nk_idx UI = (nk_idx)U * I;
    double *W = W_all + s * UI, *th = theta + (nk_idx)s * U;
    double *before = scratch + s * (3 * UI + 3 * (nk_idx)U + I);
    double *Wp = before + UI, *ds = Wp + UI, *y = ds + UI, *cur = y + U, *xx = cur + U, *res = xx + U;
    int *top = tops + (nk_idx)s * (U + 1);
    const double *h = hyper + (nk_idx)s * 4;
    for (int e = 0; e < E; e++) {
        for (nk_idx j = tid; j < UI; j += NK_THREADS) before[j] = W[j];
        __syncthreads();
        const double eta = nk_epoch_rate(h[0], e, E);
        const int *order = perm + ((nk_idx)s * E + e) * N;
        if (rule == 4) {
            const int k = nk_rank(h[2]);
            for (int b0 = 0; b0 + B <= N; b0 += B)
                nk_krotov(U, I, B, W, X, order + b0, eta, h[1], k, h[3], Wp, ds, cur, xx, top, red);
        } else {
            for (int n = 0; n < N; n++)
                nk_present(rule, U, I, W, X + (nk_idx)order[n] * I, eta, h[1], y, res, th, red);
        }
        const double c = nk_relative_change(W, before, UI, red);
        if (tid == 0) change[(nk_idx)s * E + e] = c;
    }
}
"""

_STDP = r"""
/* learn = 1: train (perm (S,E,N), curves (S,E,2)); learn = 0: respond (counts (S,N,U)). */
extern "C" __global__ void nk_stdp(const int U, const int I, const int N, const int E, const int T,
                                   const int learn, const double dt, const double *__restrict__ X,
                                   const int *__restrict__ perm, const unsigned long long *__restrict__ keys,
                                   const double *__restrict__ hyper, double *__restrict__ W_all,
                                   double *__restrict__ theta, double *__restrict__ curves,
                                   double *__restrict__ counts, double *__restrict__ scratch,
                                   int *__restrict__ on_all) {
    __shared__ double red[NK_WARPS];
    __shared__ int wcount[NK_WARPS];
    __shared__ int win_s;
    const int s = blockIdx.x, tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const double *h = hyper + (nk_idx)s * 9;
    const double dp = exp(-dt / h[5]), dm = exp(-dt / h[4]), dth = exp(-dt / h[3]);
    const nk_idx UI = (nk_idx)U * I;
    const unsigned long long key = keys[s];
    double *w = W_all + s * UI, *th = theta + (nk_idx)s * U;
    double *v = scratch + s * (UI + U + I), *xp = v + U, *before = xp + I;
    int *on = on_all + (nk_idx)s * I;
    for (int e = 0; e < E; e++) {
        const double eta = nk_epoch_rate(h[0], e, E);
        double spikes = 0.0;                       /* kept by thread 0 */
        if (learn) for (nk_idx j = tid; j < UI; j += NK_THREADS) before[j] = w[j];
        for (int n = 0; n < N; n++) {
            const int img = learn ? perm[((nk_idx)s * E + e) * N + n] : n;
            const double *x = X + (nk_idx)img * I;
            for (int u = tid; u < U; u += NK_THREADS) v[u] = 0.0;
            for (int i = tid; i < I; i += NK_THREADS) xp[i] = 0.0;
            __syncthreads();
            for (int t = 0; t < T; t++) {
                const unsigned long long c0 = ((unsigned long long)((nk_idx)e * N + n) * T + t) * I;
                int m = 0;                         /* active inputs, compacted in index order */
                for (int i0 = 0; i0 < I; i0 += NK_THREADS) {
                    const int i = i0 + tid;
                    int sp = 0;
                    if (i < I) {
                        sp = nk_poisson_spike(key, c0 + i, x[i], h[6], dt);
                        xp[i] = xp[i] * dp + sp;
                    }
                    const unsigned mask = __ballot_sync(0xffffffffu, sp);
                    if (lane == 0) wcount[warp] = __popc(mask);
                    __syncthreads();
                    int base = m;
                    for (int k = 0; k < warp; k++) base += wcount[k];
                    if (sp) on[base + __popc(mask & ((1u << lane) - 1u))] = i;
                    for (int k = 0; k < NK_WARPS; k++) m += wcount[k];
                    __syncthreads();
                }
                for (int u = tid; u < U; u += NK_THREADS) {
                    double a = v[u] * dm;
                    const double *wu = w + (nk_idx)u * I;
                    for (int j = 0; j < m; j++) a += wu[on[j]];
                    v[u] = a;
                    if (learn) th[u] *= dth;
                }
                __syncthreads();
                if (tid == 0) {                    /* the winner: furthest above threshold, first wins */
                    int win = -1;
                    double best = 0.0;
                    for (int u = 0; u < U; u++) {
                        const double over = v[u] - 1.0 - th[u];
                        if (over > best) { best = over; win = u; }
                    }
                    win_s = win;
                    if (win >= 0) {
                        spikes += 1.0;
                        if (learn) th[win] += h[2];
                        else counts[((nk_idx)s * N + n) * U + win] += 1.0;
                    }
                }
                __syncthreads();
                const int win = win_s;
                if (win < 0) continue;             /* the same in every thread */
                if (learn) {
                    double *ww = w + (nk_idx)win * I;
                    for (int i = tid; i < I; i += NK_THREADS) ww[i] = nk_stdp_weight(ww[i], eta, xp[i], h[1], h[8]);
                }
                for (int u = tid; u < U; u += NK_THREADS) v[u] = 0.0;
                __syncthreads();
            }
            if (learn) {                           /* rows rescaled to w_sum, a warp per row */
                for (int u = warp; u < U; u += NK_WARPS) {
                    double *wu = w + (nk_idx)u * I, sum = 0.0;
                    for (int i = lane; i < I; i += 32) sum += wu[i];
                    sum = nk_warp_sum(sum);
                    if (sum > 0.0) {
                        const double f = h[7] / sum;
                        for (int i = lane; i < I; i += 32) wu[i] *= f;
                    }
                }
                __syncthreads();
            }
        }
        if (learn) {
            const double c = nk_relative_change(w, before, UI, red);
            if (tid == 0) {
                curves[((nk_idx)s * E + e) * 2] = c;
                curves[((nk_idx)s * E + e) * 2 + 1] = spikes / N;
            }
        }
        __syncthreads();
    }
}
"""


def source() -> str:
    """The complete CUDA source of ``nk_learn`` and ``nk_stdp``."""
    return prelude("cuda") + (_COMMON % {"threads": THREADS}) + _RATE + _STDP
