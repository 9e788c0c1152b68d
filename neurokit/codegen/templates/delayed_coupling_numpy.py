"""NumPy twin of the delayed-coupling loop (:mod:`.delayed_coupling`): the same node update
(the IR run by :class:`~neurokit.codegen.targets.numpy.NumpyKernel`), the same delays and the
same random numbers, vectorised over runs and nodes with one Python iteration per step (for
tests and small problems)."""

from __future__ import annotations

import numpy as np

from neurokit.codegen.ir import ModelIR
from neurokit.codegen.templates.delayed_coupling import NodeProblem, coupled_expr, n_pairs
from neurokit.rng import normal2


def _coupled_fn(ir: ModelIR, text: str):
    from neurokit.codegen.targets.numpy import NAMESPACE, _Printer

    src = _Printer().doprint(coupled_expr(ir, text))
    code = compile(src, f"<neurokit-numpy coupled {ir.name}>", "eval")
    return lambda env: eval(code, dict(NAMESPACE), env)  # noqa: S307 - printed from the IR


def run_numpy(ir: ModelIR, coupled: str, noise_param: str, prob: NodeProblem) -> np.ndarray:
    """The NumPy reference of :func:`~.delayed_coupling.run_c`; returns (runs, recorded
    states, n_rec, N)."""
    from neurokit.codegen.targets.numpy import NumpyKernel

    kern = NumpyKernel(ir)
    R, N, L = prob.n_runs, prob.n_nodes, prob.hist_len
    P = ir.parameter_names
    p = {name: prob.P[:, k][:, None] for k, name in enumerate(P)}
    K, gain = prob.P[:, len(P)][:, None], prob.P[:, len(P) + 1][:, None]
    inv = kern.inv_fn(**p, dt=prob.dt)
    s = {name: np.repeat(prob.init[k][None, :], R, axis=0).astype(float) for k, name in enumerate(ir.state_names)}
    out_of = _coupled_fn(ir, coupled)
    hist = np.repeat(np.broadcast_to(out_of({**s, **p}), (R, N))[:, None, :], L, axis=1)  # (R, L, N)
    nnz = prob.col.size
    rows = np.repeat(np.arange(N), np.diff(prob.row_ptr))
    gather_rows = np.zeros((nnz, N))
    gather_rows[np.arange(nnz), rows] = 1.0
    runs = np.arange(R)[:, None]
    out = np.zeros((R, len(prob.rec_idx), prob.n_rec, N))
    noisy = (p[noise_param][:, 0] != 0.0)[:, None]
    n_p = n_pairs(ir)
    keys = prob.keys.astype(np.uint64)[:, None]
    has_inp = prob.inp_row >= 0
    changed = [o.state for o in ir.outputs]
    for n in range(prob.n_steps):
        slot = n % L
        hist[:, slot, :] = np.broadcast_to(out_of({**s, **p}), (R, N))
        if n >= prob.rec_start and (n - prob.rec_start) % prob.rec_every == 0:
            k = (n - prob.rec_start) // prob.rec_every
            for v, idx in enumerate(prob.rec_idx):
                out[:, v, k, :] = s[ir.state_names[idx]]
        if nnz:
            vals = hist[runs, (slot - prob.delay) % L, prob.col[None, :]]
            cpl = (vals * prob.cw[None, :]) @ gather_rows
        else:
            cpl = np.zeros((R, N))
        un = np.where(has_inp, prob.inp[np.maximum(prob.inp_row, 0), n], 0.0) if has_inp.any() else np.zeros(R)
        stim = K * cpl + un[:, None] * gain * prob.inp_nodes[None, :]
        draws = {}
        base = (prob.ctr0.astype(np.uint64)[:, None] + np.uint64(n * N)
                + np.arange(N, dtype=np.uint64)[None, :]) * np.uint64(max(n_p, 1))
        for j in range(n_p):
            z0, z1 = normal2(keys, base + np.uint64(j))
            draws[f"_randn_{2 * j}"] = np.where(noisy, z0, 0.0)
            draws[f"_randn_{2 * j + 1}"] = np.where(noisy, z1, 0.0)
        args = {**s, **p, **inv, "t": (n - prob.rec_start) * prob.dt, "dt": prob.dt, kern.stim: stim}
        args.update({f"_rand_{k}": 0.0 for k in range(ir.n_rand_step)})
        args.update({f"_randn_{k}": draws[f"_randn_{k}"] for k in range(ir.n_rand_step)})
        with np.errstate(over="ignore", invalid="ignore"):
            new, _ = kern.step_fn(**args)
        s = {**s, **{name: np.broadcast_to(v, (R, N)) for name, v in zip(changed, new)}}
    return out
