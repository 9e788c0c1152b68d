"""Choosing among restarts by validation, never by training score.

A fit runs several restarts side by side (CMA-ES islands, then local refinements). Each
restart's best sample by training score is its candidate; with validation sweeps (``[recording]
validation``) the candidates are scored on those sweeps, which the optimiser never saw, and the
lowest validation score wins. With ``kfold = k`` the train sweeps are split into k folds
(round-robin in sweep order: fold j holds train[j], train[j+k], ...) and each candidate's
validation score is its mean score over the folds, each fold scored on its own (one batch per
fold); the optimiser still trains on every train sweep, so this picks the restart that does
well on every part of the data, not one that generalises to unseen sweeps. Without either the
lowest training score wins (and the report says so). The spread of the candidates' scores is part of every summary.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

LOG = logging.getLogger("neurokit.fitting")
BOUND_FRACTION = 0.01  # a fitted value within 1 % of the range (log range for log parameters) of a bound


def island_labels(optimiser, phase: str, offset: int = 0) -> np.ndarray:
    """Restart label of every sample of the optimiser's next batch: CMA-ES islands in order
    (``offset`` + island), one restart for optimisers without islands."""
    islands = getattr(optimiser, "islands", None)
    if isinstance(islands, list) and islands:
        return np.concatenate([np.full(es.popsize, offset + k, dtype=int) for k, es in enumerate(islands)])
    return np.full(optimiser.batch_size, offset, dtype=int)


def restart_candidates(history: list[dict]) -> list[dict]:
    """Each restart's best sample by training score: ``{restart, phase, index, z, train}``
    (``index`` into the concatenated history), in restart order."""
    z_all = np.concatenate([h["z"] for h in history])
    f_all = np.concatenate([h["total"] for h in history])
    lab = np.concatenate([np.asarray(h.get("island", np.zeros(len(h["total"]), int))) for h in history])
    phases = np.concatenate([np.full(len(h["total"]), h["phase"]) for h in history])
    out = []
    for r in np.unique(lab):
        idx = np.flatnonzero(lab == r)
        i = int(idx[np.argmin(f_all[idx])])
        out.append({"restart": int(r), "phase": str(phases[i]), "index": i, "z": z_all[i],
                    "train": float(f_all[i])})
    return out


def validation_evaluator(evaluator, recording, sweeps, protocol, detector):
    """The fit's evaluator pointed at other sweeps (same model, objective, executor)."""
    from neurokit.fitting.evaluator import make_target

    prot = protocol.select_sweeps(list(sweeps))
    target = make_target(recording, list(sweeps), prot, detector)
    return dataclasses.replace(evaluator, protocol=prot, target=target, _instance=None)


def kfold_folds(train: list[int], k: int) -> list[list[int]]:
    """The k folds of the train sweeps: round-robin in the given order (deterministic)."""
    return [list(train[j::k]) for j in range(k)]


def candidate_validation(fitter, candidates: list[dict]) -> np.ndarray | None:
    """Validation scores of the candidates: on the validation sweeps, else the mean over the
    k folds (``fitter.fold_evaluators_``), else None (choose by training score)."""
    space = fitter.cfg.space
    if getattr(fitter, "validation_evaluator_", None) is not None:
        return score_candidates(candidates, space, fitter.validation_evaluator_)
    folds = getattr(fitter, "fold_evaluators_", [])
    if folds:
        return np.mean([score_candidates(candidates, space, ev) for ev in folds], axis=0)
    return None


def score_candidates(candidates: list[dict], space, evaluator) -> np.ndarray:
    """Scores of the candidates' points (one batch) under ``evaluator``."""
    z = np.stack([c["z"] for c in candidates])
    total, _ = evaluator.evaluate(space.from_unbounded(z))
    return np.asarray(total, dtype=float)


def choose(candidates: list[dict]) -> dict:
    """The candidate with the lowest validation score (training score if none was scored)."""
    key = "validation" if all(c.get("validation") is not None for c in candidates) else "train"
    return min(candidates, key=lambda c: (c[key], c["restart"]))


def bound_warnings(params: dict[str, float], space, fraction: float = BOUND_FRACTION) -> list[str]:
    """A line for every fitted parameter within ``fraction`` of its range of a bound (the data
    may want it beyond the bound, or the parameter is unconstrained), each also logged."""
    out = []
    for p in space.parameters:
        lo, hi = p.bounds
        value = params.get(p.name)
        if value is None or hi <= lo:
            continue
        if p.transform == "log" and lo > 0 and value > 0:  # 1 % of the range the optimiser sees
            u = float(np.log(value / lo) / np.log(hi / lo))
        else:
            u = (value - lo) / (hi - lo)
        if u <= fraction or u >= 1 - fraction:
            side, bound = ("lower", lo) if u <= fraction else ("upper", hi)
            msg = (f"parameter {p.name} = {value:.4g} {p.unit} is within {100 * fraction:g}% of its {side} "
                   f"bound {bound:g} {p.unit}: widen the bound or fix the parameter")
            LOG.warning(msg)
            out.append(msg)
    return out
