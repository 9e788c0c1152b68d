"""NumPy twin of the spiking-network loop (:mod:`neurokit.codegen.templates.network`).

The definition the C loop is checked against: the same schedule, the same IR statements
(through :class:`~neurokit.codegen.targets.numpy.NumpyKernel`), the same counter-based random
numbers and the same order of the synaptic additions (``np.add.at`` applies them in array
order, as the C loop does), so a small network gives the same spikes on both. Slow: a Python
loop over runs and steps, meant for tests and machines without a C compiler.
"""

from __future__ import annotations

import numpy as np

from neurokit.codegen.templates.network import POISSON_NORMAL_ABOVE, NetArrays, NetSpec
from neurokit.codegen.templates.network_plastic import Traces
from neurokit.codegen.templates.network_stp import ShortTerm
from neurokit.codegen.templates.network_triplet import TripletTraces
from neurokit.rng import RESET_STREAM, mix64, normal, stream_key, u01


def poisson_counts(key, ctr: np.ndarray, lam: float) -> np.ndarray:
    """Poisson counts of mean ``lam`` at counters ``ctr`` of stream ``key`` (the C
    ``nk_poisson``: CDF inversion of one uniform, normal approximation above 30)."""
    if lam > POISSON_NORMAL_ABOVE:
        k = np.floor(lam + np.sqrt(lam) * normal(key, ctr) + 0.5)
        return np.maximum(k, 0.0).astype(np.int64)
    u = u01(key, ctr)
    elam = np.exp(-lam)
    k = np.zeros(u.shape, dtype=np.int64)
    p = np.full(u.shape, elam)
    F = np.full(u.shape, elam)
    todo = u > F
    while todo.any():
        k[todo] += 1
        p[todo] = p[todo] * lam / k[todo].astype(float)
        F[todo] = F[todo] + p[todo]
        todo &= (u > F) & (k < 1000)
    return k


def run_numpy(spec: NetSpec, arr: NetArrays) -> tuple[np.ndarray, list[np.ndarray], dict]:
    """Run every (sample, sweep) of ``arr``; returns what :func:`.network_run.run_c` returns."""
    from neurokit.codegen.targets.numpy import NumpyKernel

    kernels = {q: NumpyKernel(p.ir) for q, p in enumerate(spec.pops) if p.kind == "neuron"}
    R = arr.P.shape[0]
    rec = np.zeros((R, spec.rec_length, max(arr.n_rec, 1)))
    spikes = []
    final = {m: np.array(arr.weights[m], dtype=float)
             for m, syn in enumerate(spec.projections) if syn.plastic}
    for run in range(R):
        spikes.append(_one_run(spec, arr, kernels, run, rec[run], final))
    return rec[:, :, :arr.n_rec], spikes, final


def _one_run(spec, arr, kernels, run, rec, final):
    P, K = arr.P[run], np.uint64(arr.keys[run])
    cur = arr.cur[arr.cur_row[run]] if arr.cur_row[run] >= 0 else None
    X, G, fired = {}, {}, {}
    params, inv = {}, {}
    for q, pop in enumerate(spec.pops):
        if pop.kind != "neuron":
            continue
        S, N = len(pop.ir.state_names), pop.size
        X[q] = arr.init[run, pop.init:pop.init + S * N].reshape(S, N).copy()
        G[q] = np.zeros(N)
        params[q] = {p: P[pop.par + k] for k, p in enumerate(pop.ir.parameter_names)}
        inv[q] = kernels[q].inv_fn(**params[q], dt=arr.dt)
    rings = []
    for m, syn in enumerate(spec.projections):
        gptr, _, _, gdl, _ = arr.csr[m]
        D = int(gdl[:gptr[-1]].max()) + 1 if gptr[-1] else 1
        rings.append([[] for _ in range(D)])
    plastic = {m: (final[m][run], Traces(final[m].shape[1], syn.stdp) if syn.stdp is not None
                   else TripletTraces(final[m].shape[1], syn.triplet))
               for m, syn in enumerate(spec.projections) if syn.plastic}
    short = {m: ShortTerm(arr.csr[m][4].size, syn.stp) for m, syn in enumerate(spec.projections)
             if syn.stp is not None}
    out = []
    for s in range(arr.n_total):
        rel = s - arr.n_settle
        t = rel * arr.dt
        if rel >= 0 and rel % arr.every == 0:
            row = [X[r.pop][v, c] for r in spec.records for v in r.states for c in r.cells]
            rec[:, rel // arr.every] = row
        for q, pop in enumerate(spec.pops):
            if pop.kind == "neuron":
                fired[q] = _neuron_step(q, pop, kernels[q], X[q], G[q], params[q], inv[q], K, s, t, rel,
                                        cur, arr.dt)
            elif pop.kind == "poisson":
                u = u01(stream_key(K, 1024 + q), np.uint64(s * pop.size) + np.arange(pop.size, dtype=np.uint64))
                fired[q] = np.flatnonzero(u < P[pop.par])
            else:
                sptr, cells = arr.schedule[q]
                fired[q] = np.asarray(cells[sptr[s]:sptr[s + 1]], dtype=np.int64)
        if rel >= 0:
            offsets = spec.cell_offsets
            for q, pop in enumerate(spec.pops):
                if pop.kind == "neuron" and fired[q].size:
                    out.append(np.stack([np.full(fired[q].size, rel), offsets[q] + fired[q]], axis=1))
        for m, syn in enumerate(spec.projections):
            _deliver(m, syn, spec, arr, rings[m], fired, X, G, P, run, s, plastic.get(m), short.get(m))
        for p_pos, (m, (w, traces)) in enumerate(plastic.items()):
            optr, oidx = arr.post_index[p_pos]
            syn = spec.projections[m]
            j = fired[syn.tgt] - syn.tgt_start
            j = j[(j >= 0) & (j < syn.tgt_size)]
            if j.size:
                traces.on_post(w, np.concatenate([oidx[optr[c]:optr[c + 1]] for c in j]), s, arr.dt)
        for m, syn in enumerate(spec.inputs):
            tgt = spec.pops[syn.tgt]
            j = np.arange(syn.tgt_size, dtype=np.uint64)
            c = poisson_counts(stream_key(K, 16 + m), np.uint64(s * syn.tgt_size) + j, float(P[syn.lam]))
            add = c.astype(float) * P[syn.w]
            lo = syn.tgt_start
            if syn.gated:
                add = add * X[syn.tgt][tgt.gate, lo:lo + syn.tgt_size] * (1.0 - G[syn.tgt][lo:lo + syn.tgt_size])
            X[syn.tgt][syn.state, lo:lo + syn.tgt_size] += np.where(c != 0, add, 0.0)
        for q, pop in enumerate(spec.pops):
            if pop.kind == "neuron" and fired[q].size and pop.ir.threshold:
                _reset(q, pop, kernels[q], X[q], params[q], fired[q], K, s, t, arr.dt)
    spk = np.concatenate(out).astype(np.int32) if out else np.empty((0, 2), np.int32)
    return spk


def _neuron_step(q, pop, kernel, x, g, params, inv, K, s, t, rel, cur, dt):
    ir, N = pop.ir, pop.size
    state = {name: x[k] for k, name in enumerate(ir.state_names)}
    stim = float(cur[s]) if (pop.stim and cur is not None and rel >= 0) else 0.0
    draws = {}
    nr = max(ir.n_rand_step, 1)
    ctr0 = (np.uint64(s * N) + np.arange(N, dtype=np.uint64)) * np.uint64(nr)
    kq = stream_key(K, 2048 + q)
    for k in range(ir.n_rand_step):
        draws[f"_rand_{k}"] = u01(kq, ctr0 + np.uint64(k))
        draws[f"_randn_{k}"] = normal(kq, ctr0 + np.uint64(k))
    with np.errstate(all="ignore"):
        values, cond = kernel.step_fn(**state, **params, t=t, dt=dt, **{kernel.stim: stim}, **draws, **inv)
    for out, value in zip(ir.outputs, values):
        x[ir.state_names.index(out.state)] = np.broadcast_to(value, (N,))
    g[:] = 0.0 if cond is None else np.broadcast_to(np.asarray(cond, dtype=bool), (N,)).astype(float)
    return np.flatnonzero(g)


def _deliver(m, syn, spec, arr, ring, fired, X, G, P, run, s, plastic=None, short=None):
    gptr, gst, gen, gdl, post = arr.csr[m]
    D = len(ring)
    pre = fired[syn.src] - syn.src_start
    pre = pre[(pre >= 0) & (pre < syn.src_stop - syn.src_start)]
    for i in pre:
        for g in range(gptr[i], gptr[i + 1]):
            ring[(s + gdl[g]) % D].append(g)
    slot = ring[s % D]
    if not slot:
        return
    ks = np.concatenate([np.arange(gst[g], gen[g]) for g in slot])
    ring[s % D] = []
    tgt = spec.pops[syn.tgt]
    j = post[ks] + syn.tgt_start
    w = np.full(ks.size, P[syn.w]) if syn.w >= 0 else (plastic[0] if plastic else arr.weights[m][run])[ks]
    if short is not None:  # Tsodyks-Markram release before the target update, as on_pre
        w = w * short.release(ks, s, arr.dt)
    if syn.gated:
        w = w * X[syn.tgt][tgt.gate, j] * (1.0 - G[syn.tgt][j])
    np.add.at(X[syn.tgt][syn.state], j, w)
    if plastic:
        plastic[1].on_pre(plastic[0], ks, s, arr.dt)


def _reset(q, pop, kernel, x, params, idx, K, s, t, dt):
    ir = pop.ir
    keys = mix64(stream_key(K, 3072 + q) + idx.astype(np.uint64))
    draws = {}
    for k in range(ir.n_rand_reset):
        counter = RESET_STREAM + np.uint64(s * ir.n_rand_reset + k)
        draws[f"_rand_{k}_r"] = u01(keys, counter)
        draws[f"_randn_{k}_r"] = normal(keys, counter)
    for target, fn in kernel.spike_fns:
        sub = {name: x[k][idx] for k, name in enumerate(ir.state_names)}
        with np.errstate(all="ignore"):
            value = fn(**sub, **params, t=t, dt=dt, **draws)
        x[ir.state_names.index(target)][idx] = value
