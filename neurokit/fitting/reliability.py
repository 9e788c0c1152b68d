"""The cell's own reliability, and the model measured on the same spikes.

Where a recording repeats a stimulus (the two identical steps of a "dual" sweep, or two sweeps
with the same step), the cell's responses to the repeats bound how well any model can predict
it. Each pair of repeated steps gives Gamma between the two responses, each aligned at its step
onset; pairs are weighted by their number of spikes (a pair with 20 spikes says more than one
with 2), so the figure is not dominated by sparse sweeps. The model is scored on exactly the same
step windows with the same weights, and only then is the ratio model / reliability given.
"""

from __future__ import annotations

import numpy as np

from neurokit.fitting.gamma import GAMMA_DELTA, gamma_factor


def repeated_steps(segments: list[list[tuple[float, float, float]]], tol_nA: float = 1e-3,
                   tol_s: float = 1e-3) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Pairs of identical steps (same amplitude and length) as ``((sweep position, step),
    (sweep position, step))``, within one sweep and across sweeps."""
    steps = [(j, i, b - a, amp) for j, segs in enumerate(segments) for i, (a, b, amp) in enumerate(segs)]
    pairs = []
    for n, (j0, i0, d0, a0) in enumerate(steps):
        for j1, i1, d1, a1 in steps[n + 1:]:
            if abs(a0 - a1) < tol_nA and abs(d0 - d1) < tol_s:
                pairs.append(((j0, i0), (j1, i1)))
    return pairs


def _in_step(spikes: np.ndarray, step: tuple[float, float, float]) -> np.ndarray:
    a, b, _ = step
    spikes = np.asarray(spikes, dtype=float)
    return spikes[(spikes >= a) & (spikes < b)] - a


def reliability_figures(data: list[np.ndarray], model: list[np.ndarray] | None,
                        segments: list[list[tuple[float, float, float]]],
                        delta: float = GAMMA_DELTA) -> dict:
    """Spike-weighted reliability over repeated steps and the model's Gamma on the same steps.

    Parameters
    ----------
    data, model : list of ndarray
        Spike times (s) of each sweep, recording and model (``model`` may be None).
    segments : list of list of (start s, stop s, amplitude nA)
        Stimulus steps of each sweep.
    delta : float
        Coincidence window, s.

    Returns
    -------
    dict
        ``pairs`` (repeats with spikes), ``spikes`` (their data spikes), ``reliability``
        (weighted by spike count), ``reliability_unweighted`` (plain mean over pairs), and with
        a model ``model_gamma_same_spikes`` (same steps, same weights) and
        ``gamma_relative_to_reliability``; None where no repeat has a spike.
    """
    rel, mod, weights = [], [], []
    for (j0, i0), (j1, i1) in repeated_steps(segments):
        s0, s1 = segments[j0][i0], segments[j1][i1]
        d0, d1 = _in_step(data[j0], s0), _in_step(data[j1], s1)
        w = d0.size + d1.size
        if w == 0:
            continue
        length = s0[1] - s0[0]
        rel.append(gamma_factor(d0, d1, length, delta))
        weights.append(w)
        if model is not None:
            m0, m1 = _in_step(model[j0], s0), _in_step(model[j1], s1)
            mod.append(0.5 * (gamma_factor(d0, m0, length, delta) + gamma_factor(d1, m1, length, delta)))
    out = {"pairs": len(rel), "spikes": int(sum(weights)), "reliability": None, "reliability_unweighted": None}
    if model is not None:
        out.update(model_gamma_same_spikes=None, gamma_relative_to_reliability=None)
    if not rel:
        return out
    w = np.asarray(weights, dtype=float)
    out["reliability"] = float(np.average(rel, weights=w))
    out["reliability_unweighted"] = float(np.mean(rel))
    if model is not None:
        out["model_gamma_same_spikes"] = float(np.average(mod, weights=w))
        if out["reliability"] > 0:
            out["gamma_relative_to_reliability"] = out["model_gamma_same_spikes"] / out["reliability"]
    return out
