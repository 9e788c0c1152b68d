"""Launch the learning kernels on a GPU through CuPy (NVRTC; CuPy caches compiled modules on
disk by source hash). Arguments and results are those of the C kernels
(:func:`neurokit.learning.kernels.train_c`, :func:`neurokit.learning.stdp.simulate_c`), so
:func:`neurokit.learning.train.train` swaps one for the other with ``device="cuda"``.
"""

from __future__ import annotations

import functools

import numpy as np

from neurokit.codegen.targets.cuda import gpu_available
from neurokit.errors import BackendError, CompilerError
from neurokit.learning.cuda_source import THREADS, source
from neurokit.learning.kernels import hyper_matrix
from neurokit.learning.rules import RULES
from neurokit.learning.stdp import hyper_table

DEVICES = ("cpu", "cuda", "auto")


def resolve_device(device: str, engine: str = "c") -> str:
    """``"cpu"`` or ``"cuda"`` for a requested ``device``; ``"auto"`` picks the GPU when CuPy
    sees one and the engine is the generated code.

    Raises
    ------
    BackendError
        Unknown device, ``"cuda"`` without a GPU and CuPy, or ``"cuda"`` with the NumPy engine.
    """
    if device not in DEVICES:
        raise BackendError(f"unknown device {device!r}; known: {', '.join(DEVICES)}")
    if device == "auto":
        return "cuda" if engine == "c" and gpu_available() else "cpu"
    if device == "cuda":
        if engine != "c":
            raise BackendError(f"device 'cuda' runs the generated kernels; engine {engine!r} runs on the CPU only")
        if not gpu_available():
            raise BackendError("device 'cuda': no CUDA device with CuPy here (pip install 'neurokit[gpu]')")
    return device


@functools.lru_cache(maxsize=1)
def _module():
    import cupy

    try:
        return cupy.RawModule(code=source(), options=("--std=c++14",))
    except cupy.cuda.compiler.CompileException as exc:
        raise CompilerError(f"NVRTC rejected the learning kernels: {str(exc).splitlines()[0]}") from None


def train_cuda(rule: str, X: np.ndarray, W0: np.ndarray, perm: np.ndarray, h: dict,
               batch: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train on the GPU, one block per sample; arguments and results as
    :func:`neurokit.learning.rules.train_reference`."""
    import cupy as cp

    resolve_device("cuda")
    S, U, I = np.shape(W0)
    E, N = perm.shape[1], perm.shape[2]
    W = cp.asarray(np.ascontiguousarray(W0, dtype=np.float64))
    change = cp.zeros((S, E))
    theta = cp.zeros((S, U))
    scratch = cp.zeros((S, 3 * U * I + 3 * U + I))
    tops = cp.zeros((S, U + 1), dtype=np.int32)
    _module().get_function("nk_learn")(
        (S,), (THREADS,),
        (np.int32(RULES[rule].code), np.int32(U), np.int32(I), np.int32(N), np.int32(E), np.int32(batch),
         cp.asarray(np.ascontiguousarray(X, dtype=np.float64)),
         cp.asarray(np.ascontiguousarray(perm, dtype=np.int32)), W,
         cp.asarray(np.ascontiguousarray(hyper_matrix(rule, h, S))), change, theta, scratch, tops))
    return cp.asnumpy(W), cp.asnumpy(change), cp.asnumpy(theta)


def simulate_cuda(X: np.ndarray, W: np.ndarray, theta: np.ndarray, h: dict, keys: np.ndarray, *,
                  steps: int, dt: float, perm: np.ndarray | None = None):
    """The STDP network on the GPU; arguments, in-place updates and results as
    :func:`neurokit.learning.stdp.simulate_c` (``dt`` in s)."""
    import cupy as cp

    resolve_device("cuda")
    S, U, I = W.shape
    N = X.shape[0]
    learn = perm is not None
    E = perm.shape[1] if learn else 1
    W_d, theta_d = cp.asarray(np.ascontiguousarray(W, dtype=np.float64)), cp.asarray(np.ascontiguousarray(theta))
    curves = cp.zeros((S, E, 2))
    counts = cp.zeros((S, N, U))
    perm_d = cp.asarray(np.ascontiguousarray(perm, dtype=np.int32) if learn else np.zeros(1, np.int32))
    _module().get_function("nk_stdp")(
        (S,), (THREADS,),
        (np.int32(U), np.int32(I), np.int32(N), np.int32(E), np.int32(steps), np.int32(learn), np.float64(dt),
         cp.asarray(np.ascontiguousarray(X, dtype=np.float64)), perm_d,
         cp.asarray(np.ascontiguousarray(keys, dtype=np.uint64)), cp.asarray(hyper_table(h, S)), W_d, theta_d,
         curves, counts, cp.zeros((S, U * I + U + I)), cp.zeros((S, I), dtype=np.int32)))
    W[...] = cp.asnumpy(W_d)
    theta[...] = cp.asnumpy(theta_d)
    return cp.asnumpy(curves) if learn else cp.asnumpy(counts)
