"""Running the compiled spiking-network loop (:mod:`neurokit.codegen.templates.network`)
through ctypes: build (cached by :mod:`neurokit.codegen.build`), pass the run-time arrays,
collect recorded states and the spike lists the C code allocated (and free them)."""

from __future__ import annotations

import ctypes
import functools

import numpy as np

from neurokit.codegen.templates.network import EXTRA_CFLAGS, NetArrays, NetSpec, source
from neurokit.errors import BackendError


@functools.lru_cache(maxsize=16)
def _library(src: str, name: str):
    from neurokit.codegen.build import build

    lib = build(src, name=name, flags=cflags())
    lib.nk_net.restype = ctypes.c_int
    lib.nk_free.argtypes = [ctypes.c_void_p]
    return lib


def cflags() -> tuple[str, ...]:
    """Compiler flags of the network loop on this machine."""
    from neurokit.codegen.build import kernel_cflags

    return kernel_cflags() + EXTRA_CFLAGS


def compile_network(spec: NetSpec, dtype: str = "float64"):
    """Build (or fetch from the cache) the library of ``spec`` with neuron states in ``dtype``
    (:func:`.network.source`); returns it."""
    safe = "".join(ch if ch.isalnum() else "_" for ch in spec.name)[:32] or "net"
    return _library(source(spec, dtype), f"net_{safe}" + ("_f32" if dtype == "float32" else ""))


def run_c(spec: NetSpec, arr: NetArrays, threads: int,
          dtype: str = "float64") -> tuple[np.ndarray, list[np.ndarray], dict]:
    """Run every (sample, sweep) of ``arr`` in compiled C, neuron states in ``dtype``
    (``"float32"``: faster, no longer the NumPy twin's spikes; statistics only).

    Returns
    -------
    rec : ndarray (runs, rec_length, n_rec)
        Recorded states (SI), in :class:`RecSpec` order (state-major, then cell).
    spikes : list of ndarray (n, 2) int32
        Per run: (step after settling, global cell id) of every spike, in time order.
    weights : dict
        Projection index -> final per-synapse weights (runs, nnz), CSR order, of the STDP
        (pair or triplet) projections (their start weights in ``arr.weights`` are left as they were).
    """
    lib = compile_network(spec, dtype)
    R = arr.P.shape[0]
    c = np.ascontiguousarray
    P, init = c(arr.P, np.float64), c(arr.init, np.float64)
    keys, cur, cur_row = c(arr.keys, np.uint64), c(arr.cur, np.float64), c(arr.cur_row, np.int64)
    ints = [c(a, np.int64) for tup in arr.csr for a in tup]
    pops = range(len(spec.pops))  # spike-source schedules, then their cells (dummies elsewhere)
    sched = [c(arr.schedule[q][0], np.int64) if q in arr.schedule else np.zeros(1, np.int64) for q in pops]
    cells = [c(arr.schedule[q][1], np.int64) if q in arr.schedule else np.zeros(1, np.int64) for q in pops]
    ints += sched + cells + [c(a, np.int64) for tup in arr.post_index for a in tup]
    ia = (ctypes.c_void_p * max(len(ints), 1))(*[a.ctypes.data for a in ints])
    nnz = np.array([tup[4].size for tup in arr.csr] or [0], dtype=np.int64)
    # Plastic weights change in place: copies, so that ``arr`` keeps the start weights.
    ws = [None if w is None else np.array(w, dtype=np.float64, order="C", copy=syn.plastic)
          for w, syn in zip(arr.weights, spec.projections)]
    wa = (ctypes.c_void_p * max(len(ws), 1))(*[w.ctypes.data if w is not None else None for w in ws])
    rec = np.zeros((R, max(spec.rec_length, 1), max(arr.n_rec, 1)))
    spk = (ctypes.c_void_p * R)()
    spk_n = np.zeros(R, dtype=np.int64)
    i64, vp = ctypes.c_int64, ctypes.c_void_p
    rc = lib.nk_net(i64(R), i64(arr.n_total), i64(arr.n_settle), i64(arr.every), i64(arr.n_rec),
                    ctypes.c_double(arr.dt), vp(P.ctypes.data), vp(init.ctypes.data), vp(keys.ctypes.data),
                    vp(cur.ctypes.data), i64(cur.shape[1] if cur.ndim == 2 else 0), vp(cur_row.ctypes.data),
                    ia, vp(nnz.ctypes.data), wa, vp(rec.ctypes.data), spk, vp(spk_n.ctypes.data),
                    ctypes.c_int(max(int(threads), 1)))
    spikes = []
    for r in range(R):
        n = int(spk_n[r])
        if spk[r]:
            buf = np.ctypeslib.as_array(ctypes.cast(spk[r], ctypes.POINTER(ctypes.c_int32)), shape=(2 * n,)) if n \
                else np.empty(0, np.int32)
            spikes.append(buf.reshape(n, 2).copy())
            lib.nk_free(spk[r])
        else:
            spikes.append(np.empty((0, 2), np.int32))
    if rc != 0:
        raise BackendError(f"native network {spec.name!r}: out of memory for spike or delay buffers")
    final = {m: ws[m] for m, syn in enumerate(spec.projections) if syn.plastic}
    return rec[:, :spec.rec_length, :arr.n_rec], spikes, final
