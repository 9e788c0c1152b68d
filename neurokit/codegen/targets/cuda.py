"""CUDA target: a :class:`~neurokit.codegen.ir.ModelIR` -> one CUDA kernel, one thread per
(sample, sweep, cell) neuron, the state held in registers across the whole time loop.

The kernel executes the same IR statements as the C target (printed by the same printer, with
``real`` for the floating type), so the two agree step for step in float64. In float32 every
literal is printed as a float literal so nothing is silently promoted to double.

Per thread: load state and parameters into registers; compute the invariants once; then for
every step: record (every ``every`` steps, into a coalesced (variable, time, neuron) buffer),
read the stimulus row from device memory, draw the counter-based random numbers (the same
generator as C and NumPy, so noise does not depend on the target), run the step, check for
divergence, threshold, store the spike step into the neuron's preallocated buffer (counting
overflow), apply the reset. State is written back once at the end.

Compilation: NVRTC through CuPy (``cupy.RawModule``; CuPy keeps compiled kernels in its
on-disk cache keyed by the source's content hash) where a GPU exists; without one,
:func:`compile_ptx` compiles the same source to PTX with ``nvcc`` into neurokit's cache
(keyed by content hash), so the generated code is still checked on build machines.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
import tempfile
import os
from pathlib import Path

import numpy as np

from neurokit.codegen import runtime
from neurokit.codegen.targets.c_printer import CPrinter, comment_text, names as c_names, reset_lines, used_draws
from neurokit.codegen.ir import ModelIR
from neurokit.codegen.binomial import BINOMIAL_CUDA
from neurokit.codegen.rng import RNG_CUDA
from neurokit.errors import BackendError, CompilerError

DTYPES = {"float64": ("double", np.float64), "float32": ("float", np.float32)}
THREADS_PER_BLOCK = 128

PRELUDE = r"""
typedef REAL_T real;
#define NK_INF ((real)(1e300 * 1e300))

__device__ __forceinline__ real nk_exprel(real x) {
    const real r = expm1(x) / x;
    return fabs(x) < (real)1e-16 ? (real)1 : r;
}
__device__ __forceinline__ real nk_timestep(real x, real dt) { return trunc((x + (real)1e-3 * dt) / dt); }
__device__ __forceinline__ real nk_clip(real x, real lo, real hi) { return fmin(fmax(x, lo), hi); }
__device__ __forceinline__ real nk_sign(real x) { return (real)((x > (real)0) - (x < (real)0)); }
__device__ __forceinline__ real nk_mod(real x, real y) { const real r = fmod(x, y); return (r != (real)0 && ((r < (real)0) != (y < (real)0))) ? r + y : r; }

""" + RNG_CUDA + r"""typedef unsigned long long uint64_t;
"""


class CudaPrinter(CPrinter):
    """The C printer with literals of the kernel's floating type (``f`` suffix in float32);
    libm names stay unsuffixed (CUDA's C++ overloads them on float)."""

    suffix_functions = False

    def __init__(self, names: dict[str, str], single: bool):
        super().__init__(names, single=single)

    def _lit(self, x: float) -> str:
        if np.isnan(x):
            return "(NK_INF - NK_INF)"
        if np.isinf(x):
            return "NK_INF" if x > 0 else "(-NK_INF)"
        return super()._lit(x)


def generate(ir: ModelIR, dtype: str = "float64") -> str:
    """Complete CUDA source of the kernel ``nk_run`` for ``ir`` in ``dtype``."""
    if dtype not in DTYPES:
        raise BackendError(f"cuda: dtype {dtype!r} not supported; use one of {sorted(DTYPES)}")
    ctype = DTYPES[dtype][0]
    single = dtype == "float32"
    S, P = ir.state_names, ir.parameter_names
    names = c_names(ir)  # also validates every name printed below
    pr = CudaPrinter(names, single)
    from neurokit.codegen.timed_arrays import c_support

    from neurokit.codegen.user_functions import cuda_support

    L = [PRELUDE.replace("REAL_T", ctype), c_support(ir.tables, cuda=True), BINOMIAL_CUDA, cuda_support(ir),
         f"/* model {comment_text(ir.name)}, method {comment_text(ir.method)}, {dtype}; IR digest {ir.digest()} */",
         'extern "C" __global__ void nk_run(',
         "    const long long n, const long long n_steps, const long long n_settle, const long long every,",
         "    const real dt, real* __restrict__ state, const real* __restrict__ param,",
         "    const real* __restrict__ currents, const long long n_rows, const int* __restrict__ stim_rows,",
         "    const unsigned long long* __restrict__ keys, const int* __restrict__ rec_slot,",
         "    const real* __restrict__ scales, real* __restrict__ rec, const long long n_rec,",
         "    int* __restrict__ spike_steps, long long* __restrict__ spike_counts, const long long cap,",
         "    unsigned char* __restrict__ dead)",
         "{",
         "    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;",
         "    if (i >= n) return;",
         "    const int row = stim_rows[i];",
         "    const unsigned long long key = keys[i];",
         "    (void)row; (void)key;"]
    for k, s in enumerate(S):
        L.append(f"    real s_{s} = state[{k}LL * n + i];")
        L.append(f"    const int slot_{s} = rec_slot[{k}]; const real scale_{s} = scales[{k}];")
    for k, p in enumerate(P):
        L.append(f"    const real p_{p} = param[{k}LL * n + i];")
    L += [f"    const real k_{a.target} = {pr.doprint(a.expr)};" for a in ir.invariants]
    L += ["    long long count = 0;",
          "    unsigned char died = 0;",
          "    for (long long s = 0; s < n_settle + n_steps; s++) {",
          "        const long long rel = s - n_settle;",
          "        const real t = (real)rel * dt;",
          "        (void)t;",
          "        if (rel >= 0 && rel % every == 0) {",
          "            const long long kk = rel / every;"]
    L += [f"            if (slot_{s} >= 0) rec[((long long)slot_{s} * n_rec + kk) * n + i] = s_{s} * scale_{s};"
          for s in S]
    L += ["        }"]
    if ir.stimulus:
        L.append("        const real I_stim = rel >= 0 ? currents[rel * n_rows + row] : (real)0;")
    for k, _ in used_draws([a.expr for a in ir.step], "_rand_"):
        L.append(f"        const real r_u{k} = (real)nk_uniform(key, (unsigned long long)s * {ir.n_rand_step} + {k});")
    for k, _ in used_draws([a.expr for a in ir.step], "_randn_"):
        L.append(f"        const real r_n{k} = (real)nk_normal(key, (unsigned long long)s * {ir.n_rand_step} + {k});")
    L += [f"        const real k_{a.target} = {pr.doprint(a.expr)};" for a in ir.step]
    ok = " && ".join(f"isfinite(k_{o.value})" for o in ir.outputs) or "1"
    L += [f"        if (!({ok})) {{",
          "            died = 1;"]
    L += [f"            s_{s} = NK_INF - NK_INF;" for s in S]
    L += ["            break;",
          "        }"]
    L += [f"        s_{o.state} = k_{o.value};" for o in ir.outputs]
    if ir.threshold:
        L += [f"        if (k_{ir.threshold} != (real)0) {{",
              "            if (rel >= 0) {",
              "                if (count < cap) spike_steps[i * cap + count] = (int)rel;",
              "                count++;",
              "            }"]
        L += reset_lines(ir, "            ", state="s_{}", param="p_{}", key="key", ctype="real",
                         printer=lambda names: CudaPrinter(names, single))
        L += ["        }"]
    L += ["    }"]
    L += [f"    state[{k}LL * n + i] = s_{s};" for k, s in enumerate(S)]
    L += ["    spike_counts[i] = count;", "    dead[i] = died;", "}", ""]
    return "\n".join(L)


# -- building ---------------------------------------------------------------------------------

def find_nvcc() -> str | None:
    """Path of nvcc ($CUDA_HOME/bin, then PATH), or None."""
    home = os.environ.get("CUDA_HOME") or os.environ.get("CUDA_PATH")
    if home and Path(home, "bin", "nvcc").exists():
        return str(Path(home, "bin", "nvcc"))
    return shutil.which("nvcc")


def compile_ptx(source: str, arch: str = "sm_90", name: str = "kernel") -> Path:
    """Compile CUDA ``source`` to PTX with nvcc into neurokit's cache (keyed by content hash).

    Used where no GPU is present, so that generated kernels are still compiled and checked.

    Raises
    ------
    CompilerError
        No nvcc, or nvcc rejected the source (its first error is quoted).
    """
    from neurokit.codegen.build import cache_dir

    nvcc = find_nvcc()
    if nvcc is None:
        raise CompilerError("nvcc not found (looked in $CUDA_HOME/bin and PATH)")
    version = subprocess.run([nvcc, "--version"], capture_output=True, text=True).stdout
    key = hashlib.sha256("\0".join([source, arch, version]).encode()).hexdigest()[:24]
    target = cache_dir("cuda") / f"{name}_{arch}_{key}.ptx"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build_") as tmp:
        src = Path(tmp) / f"{name}.cu"
        src.write_text(source)
        out = Path(tmp) / "out.ptx"
        proc = subprocess.run([nvcc, "-ptx", f"-arch={arch}", "-o", str(out), str(src)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            first = next((ln for ln in proc.stderr.splitlines() if "error" in ln), proc.stderr.strip())
            raise CompilerError(f"nvcc rejected generated kernel {name!r}: {first.replace(str(src), '<generated>')}")
        os.replace(out, target)
    return target


def gpu_available() -> bool:
    """True if CuPy imports and sees at least one CUDA device."""
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # ImportError, or CUDARuntimeError without a driver/device
        return False


@functools.lru_cache(maxsize=32)
def _module(source: str):
    import cupy

    try:
        return cupy.RawModule(code=source, options=("--std=c++14",)).get_function("nk_run")
    except cupy.cuda.compiler.CompileException as exc:
        raise CompilerError(f"NVRTC rejected a generated kernel: {str(exc).splitlines()[0]}") from None


class CudaKernel:
    """The compiled kernel of one IR and dtype; ``run`` takes and returns what the C kernel does."""

    def __init__(self, ir: ModelIR, dtype: str = "float64"):
        if not gpu_available():
            raise BackendError("cuda: no CUDA device with CuPy here (pip install 'neurokit[gpu]')")
        self.ir, self.dtype = ir, dtype
        self.source = generate(ir, dtype)
        self.fn = _module(self.source)
        self.last_kernel_s = float("nan")  # duration of the last kernel launch, s

    def run(self, inp: runtime.BatchInputs, threads: int = 1) -> runtime.RawResult:
        import cupy as cp

        ir, n = self.ir, inp.n
        real = DTYPES[self.dtype][1]
        S = ir.state_names
        state = cp.asarray(np.stack([np.broadcast_to(inp.init.get(s, np.zeros(n)), (n,)) for s in S]).astype(real))
        params = cp.asarray(np.stack([inp.params[p] for p in ir.parameter_names]).astype(real)
                            if ir.parameter_names else np.zeros((1, n), real))
        cur_host = np.asarray(inp.currents, dtype=real)
        n_rows = max(cur_host.shape[0], 1) if cur_host.size else 1
        cur = cp.asarray(np.ascontiguousarray(cur_host.T) if cur_host.size else np.zeros((max(inp.n_steps, 1), 1), real))
        rows = cp.asarray(np.ascontiguousarray(inp.stim_rows, dtype=np.int32))
        keys = cp.asarray(np.ascontiguousarray(inp.keys, dtype=np.uint64))
        slot = np.full(len(S), -1, dtype=np.int32)
        scales = np.ones(len(S), dtype=real)
        for r, (name, sc) in enumerate(zip(inp.record, inp.scales)):
            slot[S.index(name)] = r
            scales[S.index(name)] = sc
        n_rec = inp.n_rec
        rec = cp.full((max(len(inp.record), 1), n_rec, n), np.nan, dtype=real)
        cap = max(int(inp.spike_capacity), 1)
        spikes = cp.zeros((n, cap), dtype=np.int32)
        counts = cp.zeros(n, dtype=np.int64)
        dead = cp.zeros(n, dtype=np.uint8)
        grid = ((n + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK,)
        start, stop = cp.cuda.Event(), cp.cuda.Event()
        start.record()
        self.fn(grid, (THREADS_PER_BLOCK,),
                (np.int64(n), np.int64(inp.n_steps), np.int64(inp.n_settle), np.int64(inp.every),
                 real(inp.dt), state, params, cur, np.int64(n_rows), rows, keys, cp.asarray(slot),
                 cp.asarray(scales), rec, np.int64(n_rec), spikes, counts, np.int64(cap), dead))
        stop.record()
        stop.synchronize()
        self.last_kernel_s = cp.cuda.get_elapsed_time(start, stop) / 1e3
        rec_host = cp.asnumpy(rec)
        records = {name: np.ascontiguousarray(rec_host[r].T, dtype=np.float64) for r, name in enumerate(inp.record)}
        return runtime.RawResult(records, cp.asnumpy(spikes), cp.asnumpy(counts), cp.asnumpy(dead).astype(bool))
