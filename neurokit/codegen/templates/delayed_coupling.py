"""The delayed-coupling loop of node networks: a C template around the node update printed
from the IR (:func:`neurokit.codegen.targets.c_printer.step_body`), and its NumPy twin.

A *run* is one (sample, sweep) pair; runs are independent and spread over OpenMP threads.
Each run keeps, per node, a ring buffer of ``H = max delay + 1`` past values of what the node
sends (the model's ``coupled`` expression), so memory does not grow with the simulated time.
Every step, node ``i`` gets ``I_stim = K * sum_j w_ij out_j(t - d_ij) + gain * I(t) *
input_nodes[i]`` as the IR's stimulus, then one step of the IR (forward Euler /
Euler-Maruyama). Normal draws come from the one generator (:mod:`neurokit.codegen.rng`) in
Box-Muller pairs: pair ``j`` of node ``i`` at step ``n`` uses counter ``(ctr0 + n N + i) *
n_pairs + j`` of the run's key, with ``ctr0`` the sweep's offset.

Per-run rows ``P`` hold the IR's parameters (SI, in ``ir.parameter_names`` order) followed
by the coupling gain ``K`` and the input gain.
"""

from __future__ import annotations

import ctypes
import functools
from dataclasses import dataclass

import numpy as np
import sympy

from neurokit.codegen.build import DEFAULT_CFLAGS
from neurokit.codegen.ir import ModelIR
from neurokit.codegen.rng import NORMAL2_C, RNG_C
from neurokit.errors import EquationError, ModelError

#: Counter offset of sweep k: k << 40 (2**40 draws per sweep before overlap).
SWEEP_SHIFT = 40

# glibc declares its vector math (libmvec exp/log/cos) only under -ffinite-math-only, which
# the default flags switch off; these kernels never test for NaN/inf in C (divergence is
# checked on the recorded output in Python), so they build with it to vectorise the node loops.
CFLAGS = tuple(f for f in DEFAULT_CFLAGS if f != "-fno-finite-math-only")

PRELUDE = r"""
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
"""

TEMPLATE = r"""
#define NK_B 8  /* coupling block: one AVX-512 vector of doubles */

int nk_run(int64_t n_runs, int64_t N, int64_t n_steps, int64_t rec_start, int64_t rec_every,
           int64_t n_rec, const double *P, int64_t n_par, const uint64_t *keys,
           const uint64_t *ctr0, const double *inp, int64_t inp_len, const int64_t *inp_row,
           const double *inp_nodes, const double *init, const int64_t *row_ptr,
           const int32_t *col, const double *cw, const int32_t *delay, int64_t nnz, int64_t L,
           double dt, const int32_t *rec_idx, int64_t n_rec_vars, double *out, int64_t threads)
{
    int nk_failed = 0;
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
        double *nk_acc = (double *)malloc(sizeof(double) * (NK_B * N + __NZ__ * N));
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
        /* nk_acc[b * N + i]: coupling input of node i at step b of the block, node-contiguous
           so that the node update loop vectorises (a strided read stops gcc). */
        double *nk_z = nk_acc + NK_B * N;  /* normal draws: nk_z[k * N + i] is r_n<k> of node i */
        memcpy(x, init, sizeof(double) * __NS__ * N);
        for (int64_t i = 0; i < __NZ__ * N; i++) nk_z[i] = 0.0;
        for (int64_t i = 0; i < N; i++) {
__LOAD__
            const double nk_c0 = __COUPLED__;
            for (int64_t nk_s = 0; nk_s < nk_H2; nk_s++) nk_hist[i * nk_H2 + nk_s] = nk_c0;
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
                    nk_acc[nk_b * N + i] = (nk_t0[nk_b] + nk_t1[nk_b]) + (nk_t2[nk_b] + nk_t3[nk_b]);
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
                    nk_acc[nk_b * N + i] += nk_s;
                }
                const double nk_un = nk_urow ? nk_urow[nk_n] * nk_gain : 0.0;
                if (nk_noisy) {
                    const uint64_t nk_cn = nk_c0r + (uint64_t)(nk_n * N);
                    #pragma omp simd
                    for (int64_t i = 0; i < N; i++) {
                        const uint64_t nk_c = (nk_cn + (uint64_t)i) * __NP__ULL;
__DRAWS__
                    }
                }
                const int64_t nk_w = (nk_n + 1) % nk_H;
                #pragma omp simd
                for (int64_t i = 0; i < N; i++) {
                    const double I_stim = nk_K * nk_acc[nk_b * N + i] + nk_un * inp_nodes[i];
__TIME__
__LOAD__
__DRAWN__
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




def coupled_expr(ir: ModelIR, text: str) -> sympy.Expr:
    """The model's ``coupled`` expression (Brian2 syntax) as sympy over the IR's names."""
    known = {n: sympy.Symbol(n, real=True) for n in ir.state_names + ir.parameter_names}
    try:
        expr = sympy.parse_expr(text, local_dict=known)
    except (SyntaxError, TypeError, sympy.SympifyError) as exc:
        raise EquationError(f"model {ir.name!r}: cannot parse coupled output {text!r}: {exc}") from None
    unknown = {s.name for s in expr.free_symbols} - set(known)
    if unknown:
        raise EquationError(f"model {ir.name!r}: coupled output {text!r} uses unknown names {sorted(unknown)}")
    return expr


def n_pairs(ir: ModelIR) -> int:
    """Box-Muller pairs drawn per node and step."""
    return (ir.n_rand_step + 1) // 2


def source(ir: ModelIR, coupled: str, noise_param: str) -> str:
    """C source of ``nk_run`` for a node network with the node dynamics ``ir``."""
    from neurokit.codegen.targets.c_printer import CPrinter, invariant_lines, names, step_body

    if any(s.name.startswith("_rand_") for a in ir.step for s in a.expr.free_symbols):
        raise EquationError(f"model {ir.name!r}: node networks support normal noise (xi) only, not rand()")
    if noise_param not in ir.parameter_names:
        raise EquationError(f"model {ir.name!r}: noise parameter {noise_param!r} is not in the equations")
    pr = CPrinter(names(ir))
    P = ir.parameter_names
    ind, ind2 = " " * 16, " " * 24
    params = [f"        const double p_{p} = nk_prow[{k}];" for k, p in enumerate(P)]
    params += [f"        const double nk_K = nk_prow[{len(P)}], nk_gain = nk_prow[{len(P) + 1}];"]
    params += invariant_lines(ir, " " * 8)
    params += [f"        (void)p_{p};" for p in P] + [f"        (void)k_{a.target};" for a in ir.invariants]
    load = "\n".join(f"{ind}const double s_{s} = x[{k} * N + i];" for k, s in enumerate(ir.state_names))
    np_ = n_pairs(ir)
    draws = "\n".join(f"{ind2}nk_normal2(nk_key, nk_c + {j}ULL, nk_z[{2 * j} * N + i], nk_z[{2 * j + 1} * N + i]);"
                      for j in range(np_))
    drawn = "\n".join(f"{ind}const double r_n{k} = nk_z[{k} * N + i];" for k in range(ir.n_rand_step))
    new = {o.state: f"k_{o.value}" for o in ir.outputs}
    store = "\n".join(f"{ind}x[{k} * N + i] = {new[s]};" for k, s in enumerate(ir.state_names) if s in new)
    time = f"{ind}const double t = (double)(nk_n - rec_start) * dt;" if ir.uses_t else ""
    body = (TEMPLATE.replace("__PARAMS__", "\n".join(params)).replace("__NS__", str(len(ir.state_names)))
            .replace("__NZ__", str(max(2 * np_, 1))).replace("__NP__", str(max(np_, 1)))
            .replace("__LOAD__", load).replace("__COUPLED__", pr.doprint(coupled_expr(ir, coupled)))
            .replace("__DRAWS__", draws).replace("__DRAWN__", drawn).replace("__TIME__", time)
            .replace("__UPDATE__", "\n".join(step_body(ir, ind))).replace("__STORE__", store)
            .replace("__NOISE__", f"p_{noise_param}"))
    return (f"/* neurokit node network: {ir.name}; IR digest {ir.digest()} */\n" + PRELUDE + RNG_C
            + NORMAL2_C + body)


@dataclass
class NodeProblem:
    """Everything the node-network loop needs for one batch (SI units, dt in s).

    Arrays: ``P`` (runs, IR params + 2); ``keys``/``ctr0`` (runs,) uint64; ``inp`` (rows,
    steps) protocol current (nA) and ``inp_row`` (runs,) (-1: no input); ``inp_nodes`` (N,);
    ``init`` (states, N); CSR coupling ``row_ptr`` (N+1,), ``col``/``cw`` (nnz,); ``delay``
    (runs, nnz) in steps; ``rec_idx`` the recorded states' indices.
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


@functools.lru_cache(maxsize=16)
def _library(src: str, name: str):
    from neurokit.codegen.build import build

    return build(src, name=name, flags=CFLAGS)



def run_c(ir: ModelIR, coupled: str, noise_param: str, prob: NodeProblem, threads: int) -> np.ndarray:
    """Run a node network in compiled C. Returns (runs, recorded states, n_rec, N)."""
    lib = _library(source(ir, coupled, noise_param), f"rate_{ir.name}")
    fn = lib.nk_run
    fn.restype = ctypes.c_int
    N, R = prob.n_nodes, prob.n_runs
    out = np.zeros((R, len(prob.rec_idx), prob.n_rec, N))
    kinds = dict(P=np.float64, keys=np.uint64, ctr0=np.uint64, inp=np.float64, inp_row=np.int64,
                 inp_nodes=np.float64, init=np.float64, row_ptr=np.int64, col=np.int32, cw=np.float64,
                 delay=np.int32, rec_idx=np.int32)
    a = {k: np.ascontiguousarray(getattr(prob, k), dtype) for k, dtype in kinds.items()}
    i64, f64 = ctypes.c_int64, ctypes.c_double

    def ptr(name):
        return ctypes.c_void_p(a[name].ctypes.data)

    rc = fn(i64(R), i64(N), i64(prob.n_steps), i64(prob.rec_start), i64(prob.rec_every), i64(prob.n_rec),
            ptr("P"), i64(a["P"].shape[1]), ptr("keys"), ptr("ctr0"), ptr("inp"), i64(a["inp"].shape[1]),
            ptr("inp_row"), ptr("inp_nodes"), ptr("init"), ptr("row_ptr"), ptr("col"), ptr("cw"),
            ptr("delay"), i64(a["col"].size), i64(prob.hist_len), f64(prob.dt), ptr("rec_idx"),
            i64(len(prob.rec_idx)), ctypes.c_void_p(out.ctypes.data), i64(max(int(threads), 1)))
    if rc != 0:
        raise ModelError(f"node network {ir.name!r}: out of memory for the delay buffers "
                         f"({R} runs x {prob.hist_len} slots x {N} nodes)")
    return out
