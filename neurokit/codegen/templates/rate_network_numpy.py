"""NumPy twin of the rate-network loop (:mod:`.rate_network`): the same update, the same
random numbers, vectorised over runs with one Python iteration per step."""

from __future__ import annotations

import numpy as np

from neurokit.codegen.templates.rate_network import NET_PARAMS, RULES_C, TRANSFERS_C, NetProblem, _net_outputs
from neurokit.errors import ModelError
from neurokit.rng import normal2, stream_key, u01


def _transfer_np(kind: str, h, p):
    if kind == "linear":
        return h
    if kind == "threshold_linear":
        return np.where(h > p["theta"], h - p["theta"], 0.0)
    if kind == "sigmoid":
        return p["r_max"] / (1.0 + np.exp(-(h - p["theta"]) / p["slope"]))
    raise ModelError(f"unknown transfer function {kind!r}; use one of {sorted(TRANSFERS_C)}")


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
            za, zb = normal2(key_src, ctr0 + np.uint64(d * M2) + q)
            z = np.stack([za, zb], axis=-1).reshape(R, 2 * M2)[:, :M]
            if prob.src_kind == 1:
                x = prob.src_mean[None, :] + z @ prob.src_chol.T
            else:
                k = np.minimum(((1.0 - u01(key_pat, ctr0 + np.uint64(d))[:, 0]) * len(prob.patterns)).astype(int),
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
            z0, _ = normal2(keys, ctr)
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
