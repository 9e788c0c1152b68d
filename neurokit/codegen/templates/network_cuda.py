"""The spiking-network loop on CUDA: one GPU thread per run (sample, sweep), running the very
per-run function the C loop runs (:func:`.network.run_function`, from the same template
pieces), so the two give the same spikes in float64.

What differs from C is only around that function:

- the prelude: the C target's own (:data:`neurokit.codegen.targets.c.PRELUDE`) with its
  helpers as ``__device__`` functions, so every formula is the C one;
- memory: CUDA has no ``realloc``, so each run gets a fixed *arena* of device memory
  (``cap`` bytes, sized on the host from the network's structure: :func:`arena_bytes`) and
  ``malloc``/``calloc``/``realloc`` are macros that take blocks from it (``free`` does
  nothing). The growable lists (delay ring buffers, the spike list) grow by copying inside
  the arena. A run that runs out of arena stops and reports it; the host runs again with
  twice the capacity (:func:`run_cuda`) and raises :class:`~neurokit.errors.BackendError`
  naming the run where the device has no more memory to give;
- compilation: NVRTC through CuPy with ``--fmad=false`` (the C loop is built without
  contraction, ``-ffp-contract=off``: a fused multiply-add rounds differently); without a
  GPU, :func:`neurokit.codegen.targets.cuda.compile_ptx` checks the source with nvcc.

Spike lists stay in the arena; the host gathers them from the pointers the runs return.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from neurokit.codegen.templates.network import _EXTRA, NetArrays, NetSpec, run_function
from neurokit.errors import BackendError, CompilerError

THREADS_PER_BLOCK = 64
#: Arena bytes allowed for the first try beyond the fixed allocations: spike list and ring
#: buffers (doubled at each retry).
SLACK_BYTES = 1 << 16

_TYPES = r"""
#ifdef __CUDACC_RTC__ /* NVRTC has no C library headers */
typedef long long int64_t; typedef unsigned long long uint64_t;
typedef int int32_t; typedef unsigned int uint32_t; typedef decltype(sizeof(0)) size_t;
#ifndef NULL
#define NULL 0
#endif
#endif
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif
#ifndef NAN
#define NAN __int_as_float(0x7fffffff)
#endif
"""

_ARENA = r"""
/* Per-run device memory: blocks taken in order from [base, base + cap), each after a 16-byte
   header holding its size (for realloc); used > cap marks a run that ran out. */
typedef struct { unsigned char *base; long long used, cap; } nk_arena_t;
__device__ void *nk_aalloc(nk_arena_t *a, unsigned long long n) {
    const long long need = 16 + (long long)((n + 15) & ~15ULL);
    if (a->used + need > a->cap) { a->used = a->cap + 1; return NULL; }
    unsigned char *p = a->base + a->used;
    a->used += need;
    *(unsigned long long *)p = n;
    return p + 16;
}
__device__ void *nk_acalloc(nk_arena_t *a, unsigned long long n, unsigned long long size) {
    void *p = nk_aalloc(a, n * size);
    if (p) memset(p, 0, n * size);
    return p;
}
__device__ void *nk_arealloc(nk_arena_t *a, void *old, unsigned long long n) {
    void *p = nk_aalloc(a, n);
    if (p && old) {
        const unsigned long long had = *(unsigned long long *)((unsigned char *)old - 16);
        memcpy(p, old, had < n ? had : n);
    }
    return p;
}
#define NK_FN __device__
#define NK_RUN_PARAMS , unsigned char *nk_arena, long long nk_cap
#define NK_RUN_START nk_arena_t nk_A = {nk_arena + run * nk_cap, 0, nk_cap};
#define malloc(n) nk_aalloc(&nk_A, (n))
#define calloc(n, size) nk_acalloc(&nk_A, (n), (size))
#define realloc(p, n) nk_arealloc(&nk_A, (p), (n))
#define free(p) ((void)(p))
#define restrict __restrict__
"""

_KERNEL = r"""
extern "C" __global__ void nk_net_kernel(long long n_runs, int64_t n_total, int64_t n_settle, int64_t every,
    int64_t n_rec, double dt, const double *P, const double *init, const uint64_t *keys, const double *cur,
    int64_t cur_len, const int64_t *cur_row, const int64_t *const *nk_ia, const int64_t *nk_nnz,
    double *const *nk_wa, double *rec, int32_t **spk, int64_t *spk_n, unsigned char *nk_arena,
    long long nk_cap, int *nk_fail)
{
    const long long run = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (run >= n_runs) return;
    nk_fail[run] = nk_net_run(run, n_total, n_settle, every, n_rec, dt, P, init, keys, cur, cur_len, cur_row,
                              nk_ia, nk_nnz, nk_wa, rec, spk, spk_n, nk_arena, nk_cap);
}
"""


def _prelude() -> str:
    """The C target's prelude as device code: C library headers only where nvcc has them,
    ``static inline`` helpers as ``__device__`` functions."""
    from neurokit.codegen.targets.c import PRELUDE

    text = re.sub(r"^(#include <[a-z]+\.h>)$", r"#ifndef __CUDACC_RTC__\n\1\n#endif", PRELUDE, flags=re.M)
    return _TYPES + text.replace("static inline", "__device__ __forceinline__")


def _support(spec: NetSpec) -> str:
    """The populations' TimedArray lookups and user functions as device code (the CUDA forms
    of :func:`.network.support_code`)."""
    from types import SimpleNamespace

    from neurokit.codegen.timed_arrays import c_support
    from neurokit.codegen.user_functions import cuda_support

    irs = [p.ir for p in spec.pops if p.ir is not None]
    tables = {t.name: t for ir in irs for t in ir.tables}
    functions = tuple(f for ir in irs for f in ir.functions)
    return c_support(tables.values(), cuda=True) + cuda_support(SimpleNamespace(name=spec.name, functions=functions))


def cuda_source(spec: NetSpec) -> str:
    """CUDA source of the kernel ``nk_net_kernel`` (float64 states) for ``spec``."""
    from neurokit.codegen.targets.c_printer import comment_text, names

    for pop in spec.pops:
        if pop.ir is not None:
            names(pop.ir)  # validates every name printed below
    body = "\n".join(run_function(spec, "double"))
    body = re.sub(r"__typeof__\(\*X\d+\)", "double", body)  # the state arrays' type, in C++ terms
    return "\n".join([_prelude(), _support(spec), _ARENA, _EXTRA,
                      f"/* neurokit network {comment_text(spec.name)} on CUDA */", body, _KERNEL])


def _align(n: int) -> int:
    return 16 + ((int(n) + 15) // 16) * 16


def arena_bytes(spec: NetSpec, arr: NetArrays) -> int:
    """First-try arena of one run, bytes: the fixed allocations of :func:`.network.run_function`
    (as the device allocator counts them) plus :data:`SLACK_BYTES` for the growable lists."""
    total = SLACK_BYTES
    for pop in spec.pops:
        total += _align(4 * pop.size)
        if pop.kind == "neuron":
            total += _align(8 * len(pop.ir.state_names) * pop.size) + _align(8 * pop.size) + _align(9 * pop.size)
    for m, syn in enumerate(spec.projections):
        gdelay = np.asarray(arr.csr[m][3])
        D = int(gdelay.max()) + 1 if gdelay.size else 1
        nnz = int(np.asarray(arr.csr[m][4]).size) + 1
        total += 3 * _align(8 * D) + D * _align(4 * 64)
        n_arrays = 3 * (syn.stp is not None) + 3 * (syn.stdp is not None) + 5 * (syn.triplet is not None)
        total += n_arrays * _align(8 * nnz)
    return ((total + 255) // 256) * 256


@functools.lru_cache(maxsize=16)
def _kernel(src: str):
    import cupy

    try:
        return cupy.RawModule(code=src, options=("--std=c++14", "--fmad=false")).get_function("nk_net_kernel")
    except cupy.cuda.compiler.CompileException as exc:
        raise CompilerError(f"NVRTC rejected a generated network kernel: {str(exc).splitlines()[0]}") from None


def run_cuda(spec: NetSpec, arr: NetArrays, dtype: str = "float64", max_bytes: int | None = None,
             arena: int | None = None) -> tuple[np.ndarray, list[np.ndarray], dict]:
    """Run every (sample, sweep) of ``arr`` on the GPU, one thread per run; returns what
    :func:`.network_run.run_c` returns, the same values in float64.

    ``dtype``: ``"float64"`` only. ``max_bytes``: device memory the arenas of all runs may
    take together (default: half of what is free). A run that outgrows its arena is run
    again with twice the capacity. ``arena``: bytes per run of the first try (default
    :func:`arena_bytes`).

    Raises
    ------
    BackendError
        ``dtype`` other than float64, no CUDA device with CuPy, or a run needs more arena than
        ``max_bytes`` allows (named).
    """
    from neurokit.codegen.targets.cuda import gpu_available

    if dtype != "float64":
        raise BackendError(f"native network {spec.name!r}: dtype {dtype!r} on CUDA; "
                           "the network kernel is float64 only")
    if not gpu_available():
        raise BackendError(f"native network {spec.name!r}: device='cuda' needs a CUDA device with CuPy "
                           "(pip install 'neurokit[gpu]')")
    import cupy as cp

    fn = _kernel(cuda_source(spec))
    R = arr.P.shape[0]
    put = cp.asarray
    P, init = put(np.ascontiguousarray(arr.P, np.float64)), put(np.ascontiguousarray(arr.init, np.float64))
    keys, cur_row = put(np.asarray(arr.keys, np.uint64)), put(np.asarray(arr.cur_row, np.int64))
    cur = put(np.ascontiguousarray(arr.cur, np.float64))
    pops = range(len(spec.pops))  # the order of run_c's integer arrays
    ints = [a for tup in arr.csr for a in tup]
    ints += [arr.schedule[q][0] if q in arr.schedule else np.zeros(1) for q in pops]
    ints += [arr.schedule[q][1] if q in arr.schedule else np.zeros(1) for q in pops]
    ints += [a for tup in arr.post_index for a in tup]
    d_ints = [put(np.ascontiguousarray(a, np.int64)) for a in ints] or [cp.zeros(1, np.int64)]
    ia = put(np.array([a.data.ptr for a in d_ints], dtype=np.uint64))
    nnz = put(np.array([tup[4].size for tup in arr.csr] or [0], dtype=np.int64))
    if max_bytes is None:
        max_bytes = cp.cuda.runtime.memGetInfo()[0] // 2
    cap = ((int(arena or arena_bytes(spec, arr)) + 255) // 256) * 256  # keeps blocks aligned
    while True:
        ws = [None if w is None else put(np.ascontiguousarray(w, np.float64)) for w in arr.weights]
        wa = put(np.array([0 if w is None else w.data.ptr for w in ws] or [0], dtype=np.uint64))
        rec = cp.zeros((R, max(spec.rec_length, 1), max(arr.n_rec, 1)))
        spk, spk_n, fail = cp.zeros(R, np.uint64), cp.zeros(R, np.int64), cp.zeros(R, np.int32)
        buf = cp.empty(R * cap, np.uint8)
        i64 = np.int64
        fn(((R + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK,), (THREADS_PER_BLOCK,),
           (i64(R), i64(arr.n_total), i64(arr.n_settle), i64(arr.every), i64(arr.n_rec), np.float64(arr.dt),
            P, init, keys, cur, i64(cur.shape[1] if cur.ndim == 2 else 0), cur_row, ia, nnz, wa, rec, spk,
            spk_n, buf, i64(cap), fail))
        failed = np.flatnonzero(cp.asnumpy(fail))
        if failed.size == 0:
            break
        if 2 * cap * R > max_bytes:
            raise BackendError(f"native network {spec.name!r} on CUDA: run {int(failed[0])} (sample-major index) "
                               f"outgrew {cap} bytes of spike and delay buffers and the device cannot give "
                               f"{R} runs twice that (limit {max_bytes} bytes); run fewer samples at once")
        del buf
        cap *= 2
    spikes = _gather(buf, cp.asnumpy(spk), cp.asnumpy(spk_n))
    final = {m: cp.asnumpy(ws[m]) for m, syn in enumerate(spec.projections) if syn.plastic}
    return cp.asnumpy(rec)[:, :spec.rec_length, :arr.n_rec], spikes, final


def _gather(arena, ptrs: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """Per run, the (step, cell) pairs of its spike list, which lies in the arena at the
    device address the run returned."""
    import cupy as cp

    n2 = 2 * counts.astype(np.int64)
    offsets = ((ptrs.astype(np.int64) - np.int64(arena.data.ptr)) // 4) * (n2 > 0)
    first = np.concatenate([[0], np.cumsum(n2)])
    idx = np.repeat(offsets, n2) + (np.arange(first[-1]) - np.repeat(first[:-1], n2))
    flat = cp.asnumpy(arena.view(cp.int32)[cp.asarray(idx)]) if idx.size else np.empty(0, np.int32)
    return [flat[first[r]:first[r + 1]].reshape(-1, 2).copy() for r in range(counts.size)]
