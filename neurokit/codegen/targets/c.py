"""C target: a :class:`~neurokit.codegen.ir.ModelIR` -> one C source -> a cached shared library.

Layout of the generated code
----------------------------
- :func:`step_body` is the per-neuron step as plain C statements on scalar locals
  (``s_<state>``, ``p_<param>``, ``k_<generated>``, ``t``, ``dt``, ``I_stim``); it contains no
  loop, no array and no OpenMP, so another target (CUDA) can wrap it in its own scaffolding.
- :func:`generate` wraps it in the CPU scaffolding: structure of arrays over the flattened
  (sample, sweep, cell) index, blocks of neurons handed to OpenMP threads, and for each
  block the whole time loop (no barrier between steps: neurons are independent), with the
  neuron loop ``#pragma omp simd`` (branch-free: conditional writes are selects; spikes and
  divergence are flagged and handled in a second, scalar pass over the flagged neurons).
- Per-neuron invariants (functions of parameters and ``dt``) are computed once per block
  before the time loop.

Parameters, initial states, stimuli and ``dt`` are run-time arrays and values, so new values
never recompile; the library is cached by :mod:`neurokit.codegen.build` on the source hash.
"""

from __future__ import annotations

import ctypes
import functools

import numpy as np
import sympy
from sympy.printing.c import C99CodePrinter

from neurokit.codegen import runtime
from neurokit.codegen.ir import ModelIR

#: Neurons per block: a multiple of the widest vector (8 doubles in AVX-512), small enough
#: that a block's state stays in L1/L2 through the whole time loop. Fixed, so that a neuron's
#: arithmetic never depends on the batch size or the thread count (see CKernel.run).
BLOCK = 64
MAX_BLOCK = BLOCK  # capacity of the generated per-block local arrays

PRELUDE = r"""
#include <math.h>
#include <float.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

/* glibc declares its vector math (libmvec) only under __FAST_MATH__, which
   -fno-finite-math-only (kept so that NaN/inf checks work) switches off; without those
   declarations no loop calling exp() vectorises. Declare the vector variants here. */
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__FAST_MATH__) && defined(_OPENMP)
#define NK_SIMD __attribute__((__simd__("notinbranch")))
NK_SIMD double exp(double); NK_SIMD double log(double); NK_SIMD double sin(double);
NK_SIMD double cos(double); NK_SIMD double pow(double, double);
#if __GLIBC_PREREQ(2, 35)
NK_SIMD double expm1(double); NK_SIMD double log1p(double); NK_SIMD double log10(double);
NK_SIMD double tan(double); NK_SIMD double sinh(double); NK_SIMD double cosh(double);
NK_SIMD double tanh(double); NK_SIMD double asin(double); NK_SIMD double acos(double);
NK_SIMD double atan(double);
#endif
#endif

/* Brian2's exprel: (exp(x) - 1)/x with its limit 1 at 0 (branch-free so it vectorises). */
static inline double nk_exprel(double x) {
    const double r = expm1(x) / x;
    return fabs(x) < 1e-16 ? 1.0 : (x > 717.0 ? INFINITY : r);
}
/* Brian2's timestep(t, dt): the integer step of time t. */
static inline double nk_timestep(double x, double dt) { return trunc((x + 1e-3 * dt) / dt); }
/* Finite test on the bits: survives -ffast-math, where fabs(x) <= DBL_MAX may be folded. */
static inline int nk_finite(double x) {
    uint64_t u; memcpy(&u, &x, sizeof u);
    return ((u >> 52) & 0x7FF) != 0x7FF;
}
static inline double nk_clip(double x, double lo, double hi) { return fmin(fmax(x, lo), hi); }
static inline double nk_sign(double x) { return (double)((x > 0) - (x < 0)); }

/* Counter-based generator: splitmix64's finaliser on key + counter * golden ratio. */
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
#define NK_RESET_STREAM (1ULL << 62)
"""

_FUNCS = {"exprel": "nk_exprel", "timestep": "nk_timestep", "clip": "nk_clip", "sign": "nk_sign",
          "int_": "trunc", "Abs": "fabs", "ceiling": "ceil", "floor": "floor", "asin": "asin",
          "acos": "acos", "atan": "atan", "exp": "exp", "log": "log", "log10": "log10",
          "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh",
          "cosh": "cosh", "tanh": "tanh", "expm1": "expm1", "log1p": "log1p"}


class CPrinter(C99CodePrinter):
    """Prints IR expressions as C, mapping IR names through ``names`` (symbol -> C text)."""

    def __init__(self, names: dict[str, str]):
        super().__init__({"strict": False})
        self.names = names

    def _print_Symbol(self, expr):
        return self.names.get(expr.name, f"k_{expr.name}")

    def _print_Float(self, expr):
        x = float(expr)
        if np.isnan(x):
            return "NAN"
        if np.isinf(x):
            return "INFINITY" if x > 0 else "(-INFINITY)"
        return repr(x)

    def _print_Integer(self, expr):
        return f"{int(expr)}.0"

    def _print_Rational(self, expr):
        return repr(float(expr))

    def _print_BooleanTrue(self, expr):
        return "1"

    def _print_BooleanFalse(self, expr):
        return "0"

    def _print_Pow(self, expr):
        b, e = expr.base, expr.exp
        base = self._print(b)
        if e.is_Integer and 0 < int(e) <= 8:
            return "(" + "*".join([f"({base})"] * int(e)) + ")"
        if e.is_Integer and -8 <= int(e) < 0:
            return "(1.0/(" + "*".join([f"({base})"] * -int(e)) + "))"
        if e == sympy.Rational(1, 2):
            return f"sqrt({base})"
        return f"pow({base}, {self._print(e)})"

    # Booleans as 0/1 ints combined bitwise: short-circuit && / || on double operands make
    # gcc mix mask types and give up vectorising the loop.
    def _print_And(self, expr):
        return "(" + " & ".join(f"(({self._print(a)}) != 0)" for a in expr.args) + ")"

    def _print_Or(self, expr):
        return "(" + " | ".join(f"(({self._print(a)}) != 0)" for a in expr.args) + ")"

    def _print_Not(self, expr):
        return f"(({self._print(expr.args[0])}) == 0)"

    def _print_Function(self, expr):
        name = type(expr).__name__
        args = [self._print(a) for a in expr.args]
        if name == "where_":
            return f"((({args[0]}) != 0) ? ({args[1]}) : ({args[2]}))"
        if name in _FUNCS:
            return f"{_FUNCS[name]}({', '.join(args)})"
        from neurokit.errors import EquationError

        raise EquationError(f"function {name!r} has no C implementation")

    _print_exp = _print_log = _print_sqrt = _print_sin = _print_cos = _print_tan = _print_Function
    _print_sinh = _print_cosh = _print_tanh = _print_asin = _print_acos = _print_atan = _print_Function
    _print_Abs = _print_ceiling = _print_floor = _print_sign = _print_Function


def _names(ir: ModelIR) -> dict[str, str]:
    names = {s: f"s_{s}" for s in ir.state_names}
    names.update({p: f"p_{p}" for p in ir.parameter_names})
    names.update({"t": "t", "dt": "dt"})
    if ir.stimulus:
        names[ir.stimulus] = "I_stim"
    for k in range(ir.n_rand_step):
        names[f"_rand_{k}"] = f"r_u{k}"
        names[f"_randn_{k}"] = f"r_n{k}"
    return names


def _used_draws(exprs, prefix: str, suffix: str = "") -> list[tuple[int, str]]:
    used = set()
    for e in exprs:
        for s in e.free_symbols:
            if s.name.startswith(prefix) and s.name.endswith(suffix):
                used.add(s.name)
    out = []
    for name in sorted(used):
        core = name[len(prefix):len(name) - len(suffix)] if suffix else name[len(prefix):]
        out.append((int(core), name))
    return out


def step_body(ir: ModelIR, indent: str = "    ") -> list[str]:
    """The per-neuron step as C statements on scalar locals (see the module docstring).

    Expects ``s_<state>``, ``p_<param>``, ``k_<invariant>``, ``t``, ``dt``, ``I_stim`` and the
    random draws ``r_u<k>``/``r_n<k>`` to be defined; defines ``k_<output>`` and the threshold
    local ``k_l_cond``.
    """
    printer = CPrinter(_names(ir))
    return [f"{indent}const double k_{a.target} = {printer.doprint(a.expr)};" for a in ir.step]


def _invariant_lines(ir: ModelIR, indent: str) -> list[str]:
    printer = CPrinter(_names(ir))
    return [f"{indent}const double k_{a.target} = {printer.doprint(a.expr)};" for a in ir.invariants]


def generate(ir: ModelIR) -> str:
    """Complete C source of the batch runner ``nk_run`` for ``ir``."""
    S, P = ir.state_names, ir.parameter_names
    inv = [a.target for a in ir.invariants if _uses(ir.step, a.target)]
    L = [PRELUDE, f"/* model {ir.name!r}, method {ir.method!r}; IR digest {ir.digest()} */",
         f"#define NK_MAX_BLOCK {MAX_BLOCK}", ""]
    L += ["int nk_run(int64_t n, int64_t block, int64_t n_steps, int64_t n_settle, int64_t every, double dt,",
          "           double **state, double **param, const double *currents, int64_t n_rows,",
          "           const double *zeros, const int32_t *stim_rows, const uint64_t *keys,",
          "           int64_t n_record, const int32_t *record_index, const double *scales, double **rec,",
          "           int64_t n_rec, int32_t *spike_steps, int64_t *spike_counts, int64_t cap,",
          "           uint8_t *dead, int threads)", "{",
          "    if (block < 1 || block > NK_MAX_BLOCK) return -1;",
          "    const int64_t n_blocks = (n + block - 1) / block;",
          "    #pragma omp parallel for schedule(dynamic, 1) num_threads(threads)",
          "    for (int64_t b = 0; b < n_blocks; b++) {",
          "        const int64_t lo = b * block;",
          "        const int64_t nb = (n - lo < block) ? (n - lo) : block;",
          "        uint8_t fire[NK_MAX_BLOCK];"]
    for k, s in enumerate(S):
        L.append(f"        double *restrict a_{s} = state[{k}] + lo;")
    for k, p in enumerate(P):
        L.append(f"        const double *restrict q_{p} = param[{k}] + lo;")
    for name in inv:
        L.append(f"        double v_{name}[NK_MAX_BLOCK];")
    L += ["        uint8_t *restrict d = dead + lo;",
          "        const uint64_t *restrict key = keys + lo;",
          "        const int32_t *restrict row = stim_rows + lo;"]
    if inv:
        # simd here too: left to the cost model, this loop is vectorised only for long blocks,
        # and scalar exp() rounds differently from the vector one used for other block sizes.
        L += ["        #pragma omp simd",
              "        for (int64_t j = 0; j < nb; j++) {"]
        L += [f"            const double p_{p} = q_{p}[j];" for p in P if _uses(ir.invariants, p)]
        L += _invariant_lines(ir, "            ")
        L += [f"            v_{name}[j] = k_{name};" for name in inv]
        L += [f"            (void)k_{a.target};" for a in ir.invariants if a.target not in inv]
        L += ["        }"]
    L += ["        for (int64_t s = 0; s < n_settle + n_steps; s++) {",
          "            const int64_t rel = s - n_settle;",
          "            const double t = (double)rel * dt;",
          "            if (rel >= 0 && rel % every == 0) {",
          "                const int64_t kk = rel / every;",
          "                for (int64_t r = 0; r < n_record; r++) {",
          "                    const double *restrict src = state[record_index[r]] + lo;",
          "                    double *restrict dst = rec[r] + lo * n_rec + kk;",
          "                    const double sc = scales[r];",
          "                    for (int64_t j = 0; j < nb; j++) dst[j * n_rec] = src[j] * sc;",
          "                }",
          "            }",
          "            const double *restrict cur = rel >= 0 ? currents + rel * n_rows : zeros;",
          "            (void)cur; (void)row; (void)key; (void)t;"]
    if ir.stimulus:
        # Gather the block's currents first: a gather inside the simd loop stops gcc
        # from vectorising it ("no vectype"); a contiguous local array does not.
        L += ["            double icur[NK_MAX_BLOCK];",
              "            for (int64_t j = 0; j < nb; j++) icur[j] = cur[row[j]];"]
    L += ["            #pragma omp simd",
          "            for (int64_t j = 0; j < nb; j++) {"]
    if ir.stimulus:
        L.append("                const double I_stim = icur[j];")
    L += [f"                const double s_{s} = a_{s}[j];" for s in S]
    L += [f"                const double p_{p} = q_{p}[j];" for p in P if _uses(ir.step, p)]
    L += [f"                const double k_{name} = v_{name}[j];" for name in inv]
    for k, name in _used_draws([a.expr for a in ir.step], "_rand_"):
        L.append(f"                const double r_u{k} = nk_uniform(key[j], (uint64_t)s * {ir.n_rand_step} + {k});")
    for k, name in _used_draws([a.expr for a in ir.step], "_randn_"):
        L.append(f"                const double r_n{k} = nk_normal(key[j], (uint64_t)s * {ir.n_rand_step} + {k});")
    L += step_body(ir, "                ")
    # One finiteness test on the sum of the new states (NaN/inf propagate through it): an
    # '&' of one test per state makes gcc mix mask widths and not vectorise the loop.
    ok = f"nk_finite({' + '.join(f'k_{o.value}' for o in ir.outputs)})" if ir.outputs else "1"
    L += [f"                const int ok = {ok};",
          "                const int live = !d[j];"]
    for o in ir.outputs:
        L.append(f"                a_{o.state}[j] = live ? k_{o.value} : s_{o.state};")
    cond = f"(k_{ir.threshold} != 0)" if ir.threshold else "0"
    L += [f"                fire[j] = (uint8_t)(live * ((ok & {cond}) | ((!ok) << 1)));",
          "            }",
          "            int any = 0;",
          "            for (int64_t j = 0; j < nb; j++) any |= fire[j];",
          "            if (!any) continue;",
          "            for (int64_t j = 0; j < nb; j++) {",
          "                if (!fire[j]) continue;",
          "                if (fire[j] & 2) {",
          "                    d[j] = 1;"]
    L += [f"                    a_{s}[j] = NAN;" for s in S]
    L += ["                    continue;",
          "                }",
          "                if (rel >= 0) {",
          "                    const int64_t c = spike_counts[lo + j]++;",
          "                    if (c < cap) spike_steps[(lo + j) * cap + c] = (int32_t)rel;",
          "                }"]
    L += reset_lines(ir, "                ")
    L += ["            }", "        }", "    }", "    return 0;", "}", ""]
    return "\n".join(L)


def _uses(assigns, name: str) -> bool:
    sym = sympy.Symbol(name, real=True)
    return any(sym in a.expr.free_symbols for a in assigns)


def reset_lines(ir: ModelIR, indent: str, state: str = "a_{}[j]", param: str = "q_{}[j]",
                key: str = "key[j]", ctype: str = "double", printer=CPrinter) -> list[str]:
    """The reset statements applied to a neuron that spiked, with their random draws from the
    reset stream. ``state``/``param`` format how a target names a neuron's state variables
    and parameters (arrays here, registers in CUDA); ``printer`` builds the expression printer
    from that name map."""
    names = {s: state.format(s) for s in ir.state_names}
    names.update({p: param.format(p) for p in ir.parameter_names})
    names.update({"t": "t", "dt": "dt"})
    exprs = [a.expr for a in ir.on_spike]
    lines = []
    for kind, fn, prefix in (("_rand_", "nk_uniform", "ru"), ("_randn_", "nk_normal", "rn")):
        for k, name in _used_draws(exprs, kind, "_r"):
            names[name] = f"{prefix}{k}"
            lines.append(f"{indent}const {ctype} {prefix}{k} = ({ctype}){fn}({key}, NK_RESET_STREAM + "
                         f"(uint64_t)s * {ir.n_rand_reset} + {k});")
    pr = printer(names)
    return lines + [f"{indent}{state.format(a.target)} = {pr.doprint(a.expr)};" for a in ir.on_spike]


class CKernel:
    """The compiled runner of one IR (built once per process, cached on disk by hash)."""

    def __init__(self, ir: ModelIR):
        self.ir = ir
        self.source = generate(ir)
        self.lib = _load(self.source, ir.name)
        self.fn = self.lib.nk_run
        self.fn.restype = ctypes.c_int
        self.fn.argtypes = [ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
                            ctypes.c_double] + [ctypes.c_void_p] * 2 + [ctypes.c_void_p, ctypes.c_int64] + \
            [ctypes.c_void_p] * 3 + [ctypes.c_int64] + [ctypes.c_void_p] * 3 + \
            [ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int]

    def run(self, inp: runtime.BatchInputs, threads: int = 1) -> runtime.RawResult:
        """Integrate the batch ``inp`` with ``threads`` OpenMP threads."""
        ir, n_real = self.ir, inp.n
        # A neuron's result must not depend on how the batch was split: its arithmetic must
        # take the same code path whatever the batch. A scalar prologue (alignment peeling) or
        # epilogue (partial vector) would round it with scalar libm, and blocks of another
        # length take other vector paths. So blocks have one fixed length, the batch is padded
        # to whole blocks (copies of the last neuron, dropped afterwards), and every array the
        # vector loop walks starts on a 64-byte boundary.
        n = -(-n_real // BLOCK) * BLOCK
        state = [_aligned(inp.init.get(s, np.zeros(n_real)), n, np.float64) for s in ir.state_names]
        params = [_aligned(inp.params[p], n, np.float64) for p in ir.parameter_names]
        n_rec = inp.n_rec
        rec = [np.empty((n, n_rec), dtype=np.float64) for _ in inp.record]
        rec_index = np.array([ir.state_names.index(r) for r in inp.record], dtype=np.int32)
        scales = np.asarray(inp.scales, dtype=np.float64)
        cap = max(int(inp.spike_capacity), 1)
        spike_steps = np.empty((n, cap), dtype=np.int32)
        counts = np.zeros(n, dtype=np.int64)
        dead = _aligned(np.zeros(n), n, np.uint8)
        # Transposed: all rows of one step are adjacent, read together by the neuron loop.
        cur = np.ascontiguousarray(np.asarray(inp.currents, dtype=np.float64).T)
        n_rows = max(int(np.asarray(inp.currents).shape[0]) if np.asarray(inp.currents).size else 1, 1)
        if cur.size == 0:
            cur = np.zeros((max(inp.n_steps, 1), n_rows))
        zeros = np.zeros(n_rows)
        rows = _aligned(inp.stim_rows, n, np.int32)
        keys = _aligned(inp.keys, n, np.uint64)
        threads = max(int(threads), 1)
        block = BLOCK

        def ptrs(arrays):
            return (ctypes.c_void_p * max(len(arrays), 1))(*[a.ctypes.data for a in arrays])

        state_p, param_p, rec_p = ptrs(state), ptrs(params), ptrs(rec)
        rc = self.fn(n, block, inp.n_steps, inp.n_settle, inp.every, inp.dt, state_p, param_p,
                     cur.ctypes.data, n_rows, zeros.ctypes.data, rows.ctypes.data, keys.ctypes.data,
                     len(rec), rec_index.ctypes.data, scales.ctypes.data, rec_p, n_rec,
                     spike_steps.ctypes.data, counts.ctypes.data, cap, dead.ctypes.data, threads)
        if rc != 0:
            from neurokit.errors import BackendError

            raise BackendError(f"native C runner of model {ir.name!r} failed (code {rc})")
        return runtime.RawResult({k: v[:n_real] for k, v in zip(inp.record, rec)}, spike_steps[:n_real],
                                 counts[:n_real], dead[:n_real].astype(bool))


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
    from neurokit.codegen.build import build

    return build(source, name=f"nk_{_safe(name)}")


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)[:40] or "model"
