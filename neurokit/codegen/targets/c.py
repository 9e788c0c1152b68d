"""C target: a :class:`~neurokit.codegen.ir.ModelIR` -> one C source -> a cached shared library.

Layout of the generated code
----------------------------
- :func:`~neurokit.codegen.targets.c_printer.step_body` is the per-neuron step as plain C
  statements on scalar locals; it contains no loop, no array and no OpenMP, so another target
  (CUDA) wraps it in its own scaffolding.
- :func:`generate` wraps it in the CPU scaffolding: structure of arrays over the flattened
  (sample, sweep, cell) index, blocks of ``BLOCK`` neurons handed to OpenMP threads, and for
  each block the whole time loop (no barrier between steps: neurons are independent), with
  the neuron loop ``#pragma omp simd`` over a compile-time block length (no scalar remainder).
  It is branch-free: conditional writes are selects; spikes and divergence are flagged and
  handled in a second, scalar pass over the flagged neurons. Every per-neuron local of that
  loop has the width of the floating type (flags are ``int64_t`` in float64): a byte-wide flag
  makes gcc pick 32 lanes on 256-bit vectors and give up ("no vectype").
- Divergence is a bit test on the exponent of the sum of the new states (NaN and inf
  propagate through the sum), which holds under full ``-ffast-math`` (finite-math-only), so
  the kernel is built with it and uses glibc's full-width vector math.
- Per-neuron invariants (functions of parameters and ``dt``) are computed once per block
  before the time loop.
- ``dtype="float32"`` prints the same statements in float (``expf``, ``1.5f``) with twice the
  lanes per vector; accurate enough where spike counts match float64 (see docs/native.md).

Parameters, initial states, stimuli and ``dt`` are run-time arrays and values, so new values
never recompile; the library is cached by :mod:`neurokit.codegen.build` on the source hash.
"""

from __future__ import annotations

import ctypes
import functools

from typing import TYPE_CHECKING

import numpy as np

from neurokit.codegen import runtime
from neurokit.codegen.binomial import BINOMIAL_C
from neurokit.codegen.rng import RNG_C
from neurokit.errors import BackendError

if TYPE_CHECKING:
    from neurokit.codegen.ir import ModelIR

#: Neurons per block: a multiple of the widest vector (16 floats in AVX-512), small enough
#: that a block's state stays in L1/L2 through the whole time loop. Fixed, so that a neuron's
#: arithmetic never depends on the batch size or the thread count (see CKernel.run).
BLOCK = 64
#: dtype -> (C floating type, NumPy type, C integer type of the same width).
DTYPES = {"float64": ("double", np.float64, "int64_t"), "float32": ("float", np.float32, "int32_t")}

PRELUDE = r"""
#include <math.h>
#include <float.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

/* glibc declares its vector math (libmvec) only under __FAST_MATH__; where the flags lack it
   (a compiler without -ffast-math), declare the vector variants here so exp() vectorises. */
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__FAST_MATH__) && defined(_OPENMP)
#define NK_SIMD __attribute__((__simd__("notinbranch")))
NK_SIMD double exp(double); NK_SIMD double log(double); NK_SIMD double sin(double);
NK_SIMD double cos(double); NK_SIMD double pow(double, double);
NK_SIMD float expf(float); NK_SIMD float logf(float); NK_SIMD float powf(float, float);
#if __GLIBC_PREREQ(2, 35)
NK_SIMD double expm1(double); NK_SIMD double log1p(double); NK_SIMD double log10(double);
NK_SIMD double tan(double); NK_SIMD double sinh(double); NK_SIMD double cosh(double);
NK_SIMD double tanh(double); NK_SIMD double asin(double); NK_SIMD double acos(double);
NK_SIMD double atan(double); NK_SIMD float expm1f(float);
#endif
#endif

/* Brian2's exprel: (exp(x) - 1)/x with its limit 1 at 0 (branch-free so it vectorises). */
static inline double nk_exprel(double x) {
    const double r = expm1(x) / x;
    return fabs(x) < 1e-16 ? 1.0 : (x > 717.0 ? INFINITY : r);
}
static inline float nk_exprel_f(float x) {
    const float r = expm1f(x) / x;
    return fabsf(x) < 1e-16f ? 1.0f : (x > 88.0f ? INFINITY : r);
}
/* Brian2's poisson(lam), from the draws (u uniform, z normal) the front end gave the call:
   the CDF inverted at u; a rounded normal above a mean of 30 (the NumPy target's _poisson). */
static inline double nk_poisson_inv(double u, double z, double lam) {
    if (!(lam > 0.0)) return 0.0;
    if (lam > 30.0) { const double k = floor(lam + sqrt(lam) * z + 0.5); return k > 0.0 ? k : 0.0; }
    double p = exp(-lam), F = p, k = 0.0;
    while (u > F && k < 1000.0) { k += 1.0; p = p * lam / k; F = F + p; }
    return k;
}
static inline float nk_poisson_inv_f(float u, float z, float lam) { return (float)nk_poisson_inv(u, z, lam); }
/* Brian2's timestep(t, dt): the integer step of time t. */
static inline double nk_timestep(double x, double dt) { return trunc((x + 1e-3 * dt) / dt); }
static inline float nk_timestep_f(float x, float dt) { return truncf((x + 1e-3f * dt) / dt); }
/* Finite tests on the exponent bits: they hold under -ffinite-math-only, where
   fabs(x) <= DBL_MAX or isfinite() may be folded to true. */
static inline int64_t nk_finite(double x) {
    uint64_t u; memcpy(&u, &x, sizeof u);
    return ((u >> 52) & 0x7FF) != 0x7FF;
}
static inline int32_t nk_finite_f(float x) {
    uint32_t u; memcpy(&u, &x, sizeof u);
    return ((u >> 23) & 0xFF) != 0xFF;
}
static inline double nk_clip(double x, double lo, double hi) { return fmin(fmax(x, lo), hi); }
static inline double nk_sign(double x) { return (double)((x > 0) - (x < 0)); }
static inline float nk_clip_f(float x, float lo, float hi) { return fminf(fmaxf(x, lo), hi); }
static inline float nk_sign_f(float x) { return (float)((x > 0) - (x < 0)); }
/* Brian2's '%': floored modulo, the sign of the divisor (Python's). */
static inline double nk_mod(double x, double y) { const double r = fmod(x, y); return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r; }
static inline float nk_mod_f(float x, float y) { const float r = fmodf(x, y); return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r; }

""" + BINOMIAL_C + RNG_C


def generate(ir: ModelIR, dtype: str = "float64") -> str:
    """Complete C source of the batch runner ``nk_run`` for ``ir`` in ``dtype``.

    Raises
    ------
    BackendError
        An unknown ``dtype``.
    ExpressionError
        A state, parameter or stimulus name that is not a plain identifier.
    """
    # sympy (through the printer) only here: a kernel loaded from its cached source needs none
    from neurokit.codegen.targets.c_printer import (comment_text, invariant_lines, names, reset_lines, step_body,
                                                    used_draws)

    if dtype not in DTYPES:
        raise BackendError(f"C target: dtype {dtype!r} not supported; use one of {sorted(DTYPES)}")
    real, _, itype = DTYPES[dtype]
    f = "_f" if dtype == "float32" else ""
    names(ir)  # validates every name printed below
    S, P = ir.state_names, ir.parameter_names
    inv = [a.target for a in ir.invariants if _uses(ir.step, a.target)]
    from neurokit.codegen.timed_arrays import c_support

    from neurokit.codegen.user_functions import c_support as user_c_support

    L = [PRELUDE, c_support(ir.tables), user_c_support(ir), f"/* model {comment_text(ir.name)}, method {comment_text(ir.method)}, {dtype}; "
         f"IR digest {ir.digest()} */", f"typedef {real} real;", f"#define NK_BLOCK {BLOCK}", ""]
    L += ["int nk_run(int64_t n, int64_t block, int64_t n_steps, int64_t n_settle, int64_t every, real dt,",
          "           real **state, real **param, const real *currents, int64_t n_rows,",
          "           const real *zeros, const int32_t *stim_rows, const uint64_t *keys,",
          "           int64_t n_record, const int32_t *record_index, const real *scales, real **rec,",
          "           int64_t n_rec, int32_t *spike_steps, int64_t *spike_counts, int64_t cap,",
          "           uint8_t *dead, int threads)", "{",
          "    if (block != NK_BLOCK || n % NK_BLOCK != 0) return -1;",
          "    const int64_t n_blocks = n / NK_BLOCK;",
          "    #pragma omp parallel for schedule(dynamic, 1) num_threads(threads)",
          "    for (int64_t b = 0; b < n_blocks; b++) {",
          "        const int64_t lo = b * NK_BLOCK;",
          f"        {itype} fire[NK_BLOCK], live[NK_BLOCK];"]
    L += [f"        real *restrict a_{s} = state[{k}] + lo;" for k, s in enumerate(S)]
    L += [f"        const real *restrict q_{p} = param[{k}] + lo;" for k, p in enumerate(P)]
    L += [f"        real v_{name}[NK_BLOCK];" for name in inv]
    L += ["        uint8_t *restrict d = dead + lo;",
          "        const uint64_t *restrict key = keys + lo;",
          "        const int32_t *restrict row = stim_rows + lo;",
          "        for (int64_t j = 0; j < NK_BLOCK; j++) live[j] = !d[j];"]
    if inv:
        # simd here too: scalar exp() rounds differently from the vector one of the step loop.
        L += ["        #pragma omp simd", "        for (int64_t j = 0; j < NK_BLOCK; j++) {"]
        L += [f"            const real p_{p} = q_{p}[j];" for p in P if _uses(ir.invariants, p)]
        L += invariant_lines(ir, "            ", real)
        L += [f"            v_{name}[j] = k_{name};" for name in inv]
        L += [f"            (void)k_{a.target};" for a in ir.invariants if a.target not in inv]
        L += ["        }"]
    L += ["        for (int64_t s = 0; s < n_settle + n_steps; s++) {",
          "            const int64_t rel = s - n_settle;",
          "            const real t = (real)rel * dt;",
          "            if (rel >= 0 && rel % every == 0) {",
          "                const int64_t kk = rel / every;",
          "                for (int64_t r = 0; r < n_record; r++) {",
          "                    const real *restrict src = state[record_index[r]] + lo;",
          "                    real *restrict dst = rec[r] + lo * n_rec + kk;",
          "                    const real sc = scales[r];",
          "                    for (int64_t j = 0; j < NK_BLOCK; j++) dst[j * n_rec] = src[j] * sc;",
          "                }",
          "            }",
          "            const real *restrict cur = rel >= 0 ? currents + rel * n_rows : zeros;",
          "            (void)cur; (void)row; (void)key; (void)t;"]
    if ir.stimulus:
        # Gather the block's currents first: a gather inside the simd loop stops gcc
        # from vectorising it ("no vectype"); a contiguous local array does not.
        L += ["            real icur[NK_BLOCK];",
              "            for (int64_t j = 0; j < NK_BLOCK; j++) icur[j] = cur[row[j]];"]
    L += ["            #pragma omp simd", "            for (int64_t j = 0; j < NK_BLOCK; j++) {"]
    if ir.stimulus:
        L.append("                const real I_stim = icur[j];")
    L += [f"                const real s_{s} = a_{s}[j];" for s in S]
    L += [f"                const real p_{p} = q_{p}[j];" for p in P if _uses(ir.step, p)]
    L += [f"                const real k_{name} = v_{name}[j];" for name in inv]
    for k, _ in used_draws([a.expr for a in ir.step], "_rand_"):
        L.append(f"                const real r_u{k} = (real)nk_uniform(key[j], (uint64_t)s * {ir.n_rand_step} + {k});")
    for k, _ in used_draws([a.expr for a in ir.step], "_randn_"):
        L.append(f"                const real r_n{k} = (real)nk_normal(key[j], (uint64_t)s * {ir.n_rand_step} + {k});")
    L += step_body(ir, "                ", real)
    # One finiteness test on the sum of the new states (NaN/inf propagate through it): an
    # '&' of one test per state makes gcc mix mask widths and not vectorise the loop.
    ok = f"nk_finite{f}({' + '.join(f'k_{o.value}' for o in ir.outputs)})" if ir.outputs else "1"
    L += [f"                const {itype} ok = {ok};", f"                const {itype} lv = live[j];"]
    L += [f"                a_{o.state}[j] = lv ? k_{o.value} : s_{o.state};" for o in ir.outputs]
    cond = f"(({itype})(k_{ir.threshold} != 0))" if ir.threshold else "0"
    L += [f"                fire[j] = lv * ((ok & {cond}) | ((({itype})!ok) << 1));",
          "            }",
          f"            {itype} any = 0;",
          "            for (int64_t j = 0; j < NK_BLOCK; j++) any |= fire[j];",
          "            if (!any) continue;",
          "            for (int64_t j = 0; j < NK_BLOCK; j++) {",
          "                if (!fire[j]) continue;",
          "                if (fire[j] & 2) {",
          "                    d[j] = 1;",
          "                    live[j] = 0;"]
    L += [f"                    a_{s}[j] = NAN;" for s in S]
    L += ["                    continue;",
          "                }",
          "                if (rel >= 0) {",
          "                    const int64_t c = spike_counts[lo + j]++;",
          "                    if (c < cap) spike_steps[(lo + j) * cap + c] = (int32_t)rel;",
          "                }"]
    L += reset_lines(ir, "                ", ctype=real)
    L += ["            }", "        }", "    }", "    return 0;", "}", ""]
    return "\n".join(L)


def _uses(assigns, name: str) -> bool:
    import sympy

    sym = sympy.Symbol(name, real=True)
    return any(sym in a.expr.free_symbols for a in assigns)


class CKernel:
    """The compiled runner of one IR in one ``dtype`` (built once per process, cached on disk
    by hash). ``source``: the code :func:`generate` gave for this IR and dtype, when the caller
    has it (:mod:`neurokit.codegen.cache`); ``ir`` then needs only its names."""

    def __init__(self, ir: ModelIR, dtype: str = "float64", source: str | None = None):
        if dtype not in DTYPES:
            raise BackendError(f"C target: dtype {dtype!r} not supported; use one of {sorted(DTYPES)}")
        self.ir, self.dtype = ir, dtype
        self.source = generate(ir, dtype) if source is None else source
        self.lib = _load(self.source, ir.name)
        self.fn = self.lib.nk_run
        self.fn.restype = ctypes.c_int
        real = ctypes.c_double if dtype == "float64" else ctypes.c_float
        self.fn.argtypes = [ctypes.c_int64] * 5 + [real] + [ctypes.c_void_p] * 3 + [ctypes.c_int64] + \
            [ctypes.c_void_p] * 3 + [ctypes.c_int64] + [ctypes.c_void_p] * 3 + \
            [ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int]

    def run(self, inp: runtime.BatchInputs, threads: int = 1) -> runtime.RawResult:
        """Integrate the batch ``inp`` with ``threads`` OpenMP threads."""
        ir, n_real = self.ir, inp.n
        real = DTYPES[self.dtype][1]
        # A neuron's result must not depend on how the batch was split: its arithmetic must
        # take the same code path whatever the batch. A scalar prologue (alignment peeling) or
        # epilogue (partial vector) would round it with scalar libm, and blocks of another
        # length take other vector paths. So blocks have one fixed length, the batch is padded
        # to whole blocks (copies of the last neuron, dropped afterwards), and every array the
        # vector loop walks starts on a 64-byte boundary.
        n = -(-n_real // BLOCK) * BLOCK
        state = [_aligned(inp.init.get(s, np.zeros(n_real)), n, real) for s in ir.state_names]
        params = [_aligned(inp.params[p], n, real) for p in ir.parameter_names]
        n_rec = inp.n_rec
        rec = [np.empty((n, n_rec), dtype=real) for _ in inp.record]
        rec_index = np.array([ir.state_names.index(r) for r in inp.record], dtype=np.int32)
        scales = np.asarray(inp.scales, dtype=real)
        cap = max(int(inp.spike_capacity), 1)
        spike_steps = np.empty((n, cap), dtype=np.int32)
        counts = np.zeros(n, dtype=np.int64)
        dead = _aligned(np.zeros(n), n, np.uint8)
        # Transposed: all rows of one step are adjacent, read together by the neuron loop.
        currents = np.asarray(inp.currents, dtype=real)
        cur = np.ascontiguousarray(currents.T)
        n_rows = max(int(currents.shape[0]) if currents.size else 1, 1)
        if cur.size == 0:
            cur = np.zeros((max(inp.n_steps, 1), n_rows), dtype=real)
        zeros = np.zeros(n_rows, dtype=real)
        rows = _aligned(inp.stim_rows, n, np.int32)
        keys = _aligned(inp.keys, n, np.uint64)

        def ptrs(arrays):
            return (ctypes.c_void_p * max(len(arrays), 1))(*[a.ctypes.data for a in arrays])

        state_p, param_p, rec_p = ptrs(state), ptrs(params), ptrs(rec)
        rc = self.fn(n, BLOCK, inp.n_steps, inp.n_settle, inp.every, inp.dt, state_p, param_p,
                     cur.ctypes.data, n_rows, zeros.ctypes.data, rows.ctypes.data, keys.ctypes.data,
                     len(rec), rec_index.ctypes.data, scales.ctypes.data, rec_p, n_rec,
                     spike_steps.ctypes.data, counts.ctypes.data, cap, dead.ctypes.data, max(int(threads), 1))
        if rc != 0:
            raise BackendError(f"native C runner of model {ir.name!r} failed (code {rc})")
        records = {k: v[:n_real].astype(np.float64, copy=False) for k, v in zip(inp.record, rec)}
        return runtime.RawResult(records, spike_steps[:n_real], counts[:n_real], dead[:n_real].astype(bool))


def _aligned(values, n: int, dtype, alignment: int = 64) -> np.ndarray:
    """``values`` padded to length ``n`` with its last element, in a fresh array whose data
    start on an ``alignment``-byte boundary."""
    values = np.asarray(values, dtype=dtype).ravel()
    itemsize = np.dtype(dtype).itemsize
    raw = np.empty(n + alignment // itemsize, dtype=dtype)
    skip = (-raw.ctypes.data % alignment) // itemsize
    out = raw[skip: skip + n]
    out[: values.size] = values
    out[values.size:] = values[-1] if values.size else 0
    return out


@functools.lru_cache(maxsize=32)
def _load(source: str, name: str):
    from neurokit.codegen.build import build, kernel_cflags

    return build(source, name=f"nk_{_safe(name)}", flags=kernel_cflags())


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)[:40] or "model"
