"""The Fitter: one fit file in, fitted parameters and their diagnostics out.

Scikit-learn style: the constructor takes settings only; :meth:`Fitter.fit` runs the fit and
sets the results, whose names end in ``_`` (``best_params_``, ``best_score_``, ``history_``,
``sensitivity_``, ``correlations_``...). The loop is ask -> simulate (one batch) -> score ->
tell -> checkpoint; a main phase (CMA-ES, DE or Sobol) then a local refinement of the best
candidates share the evaluation budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import xarray as xr

from neurokit.fitting.checkpoint import LEGACY, CheckpointClock, load_checkpoint, save_checkpoint
from neurokit.config.fit import FitConfig
from neurokit.fitting.config import build_objective, load_fit_config
from neurokit.fitting.evaluator import (Evaluator, load_recording, make_target, prepare_recording,
                                        with_holding_current)
from neurokit.fitting.history import elite_correlations, history_dataset
from neurokit.fitting.optimisers import (CubeToUnbounded, local_refiner, make_optimiser, optimiser_from_state,
                                      sobol_points)
from neurokit.fitting.selection import (bound_warnings, candidate_validation, choose, island_labels, kfold_folds,
                                        restart_candidates, validation_evaluator)
from neurokit.protocols import Protocol

RESULTS_ROOT = "results"
CHECKPOINT = "checkpoint.json"


@dataclass
class Progress:
    """What a progress display needs after each generation."""

    generation: int
    evaluations: int
    budget: int
    best: float
    phase: str
    evals_per_s: float
    eta_s: float


class Fitter:
    """Fits a model to a recording as a fit file describes.

    Parameters
    ----------
    config : FitConfig or path
        The fit (see :mod:`neurokit.config.fit`).
    workers : int
        Worker processes for simulation (1: in this process).
    output_dir : path, optional
        Where checkpoint and results go (default ``fits/results/NAME-seedS`` beside the fit
        file, so fits with other seeds never share a folder).
    checkpoint : bool
        Write a checkpoint after every generation.
    checkpoint_every_s : float, optional
        Write one only when at least this many seconds passed since the last (and at the end);
        default: after every generation.
    progress : callable, optional
        Called with a :class:`Progress` after every generation.
    executor : optional
        A :mod:`neurokit.parallel` executor (default: made from ``workers``).
    backend : Simulator, optional
        A backend instance to use instead of the fit file's backend name.

    Attributes (after :meth:`fit`)
    ------------------------------
    best_params_ : dict
        Free parameter -> value (in its unit) of the chosen restart: the lowest validation
        score among the restarts' best samples (lowest training score without validation).
    restarts_ : list of dict
        Each restart's best sample: ``restart``, ``phase``, ``train`` and ``validation`` scores,
        ``params``; ``chosen_restart_`` says which one was kept.
    warnings_ : list of str
        Fitted parameters within 1 % of a bound.
    best_score_ : float
    best_components_ : dict
        Each objective's term at the best parameters.
    history_ : xarray.Dataset
        Every evaluated sample over (``iteration``, ``sample``): parameters and objectives.
    sensitivity_ : dict
        Parameter -> change of the score per 1 % of the parameter's range, at the optimum.
    correlations_ : ndarray (d, d)
        Correlations of the parameters among the best 10 % of evaluated samples.
    evaluations_ : int
    wall_time_ : float
        Seconds spent in :meth:`fit` (summed over resumed runs).
    """

    def __init__(self, config, *, workers: int = 1, output_dir=None, checkpoint: bool = True,
                 checkpoint_every_s: float | None = None,
                 progress: Callable[[Progress], None] | None = None, executor=None, backend=None):
        self.config = config
        self.backend = backend
        self.workers = workers
        self.output_dir = output_dir
        self.checkpoint = checkpoint
        self.checkpoint_every_s = checkpoint_every_s
        self.progress = progress
        self.executor = executor

    # ------------------------------------------------------------------ setup
    @property
    def cfg(self) -> FitConfig:
        if not isinstance(self.config, FitConfig):
            self.config = load_fit_config(self.config)
        return self.config

    @property
    def results_dir(self) -> Path:
        if self.output_dir is not None:
            return Path(self.output_dir)
        return self.cfg.path.parent / RESULTS_ROOT / f"{self.cfg.name}-seed{self.cfg.seed}"

    def _executor(self):
        if self.executor is None:
            from neurokit.parallel import make_executor

            self.executor = make_executor(self.workers if self.workers > 1 else None)
        return self.executor

    def setup(self) -> "Fitter":
        """Load the recording, build protocols, targets and the evaluator."""
        cfg = self.cfg
        if cfg.recording_path is None:  # BluePyOpt protocols with feature targets
            from neurokit.fitting.protocol_fit import setup_protocols

            setup_protocols(self)
            return self
        raw = load_recording(cfg.recording_path)
        cfg.check_recording(raw.sizes["sweep"], _duration(raw))
        self.recording_ = prepare_recording(raw, cfg.window)
        full = Protocol.from_recording(self.recording_, dt=cfg.dt, seed=cfg.seed)
        self.protocol_ = full.replace(sampling_interval=cfg.sampling_interval, settle=cfg.settle)
        self.train_sweeps_ = list(cfg.train)
        self.validation_sweeps_ = list(cfg.validation or [])
        self.test_sweeps_ = cfg.test_sweeps(raw.sizes["sweep"])
        model = cfg.model
        if "holding" in cfg.recording_parameters:
            model = with_holding_current(model)
        from neurokit.fitting.evaluator import _parameters

        free = set(cfg.model_parameters)
        constants = {p.name: cfg.fixed.get(p.name, p.default) for p in _parameters(model)
                     if p.name not in free and not (p.name == "I_hold" and "holding" in cfg.recording_parameters)}
        self.objective_ = build_objective(cfg)
        train_protocol = self.protocol_.select_sweeps(self.train_sweeps_)
        target = make_target(self.recording_, self.train_sweeps_, train_protocol, cfg.spike_threshold)
        self.evaluator_ = Evaluator(model, self.backend if self.backend is not None else cfg.backend, train_protocol, target, self.objective_, cfg.space,
                                    constants, cfg.recording_parameters, self._executor(),
                                    cfg.backend_options, cfg.spike_threshold)
        self.validation_evaluator_ = (validation_evaluator(self.evaluator_, self.recording_, self.validation_sweeps_,
                                                           self.protocol_, cfg.spike_threshold)
                                      if self.validation_sweeps_ else None)
        self.folds_ = kfold_folds(self.train_sweeps_, cfg.kfold) if cfg.kfold else []
        self.fold_evaluators_ = [validation_evaluator(self.evaluator_, self.recording_, fold, self.protocol_,
                                                      cfg.spike_threshold) for fold in self.folds_]
        return self

    # ------------------------------------------------------------------ optimiser state
    def _initial_state(self) -> dict:
        cfg = self.cfg
        space = cfg.space
        d = len(space)
        if cfg.start == "gif-mle":
            from neurokit.fitting.gif_start import gif_mle_values

            start = gif_mle_values(cfg, self.recording_, self.train_sweeps_)
            x0 = np.array([p.forward(start[p.name]) for p in space.parameters], dtype=float)
        else:
            x0 = np.array([p.forward(p.default if p.default is not None else 0.5 * sum(p.bounds))
                           for p in space.parameters], dtype=float)
        starts = np.atleast_2d(x0)
        if cfg.islands > 1:
            # islands beyond the first start at spread-out points of the inner part of the box
            u = 0.15 + 0.7 * sobol_points(d, cfg.islands - 1, cfg.seed)  # cached: no scipy.stats import
            starts = np.vstack([x0, self._cube_to_z(u)])
        opt = make_optimiser(cfg.method, d, CubeToUnbounded(space), starts, cfg.seed, cfg.popsize, cfg.sigma0,
                             cfg.islands, cfg.optimiser_options)
        return {"phase": "main", "generation": 0, "evaluations": 0, "optimiser": opt, "history": [],
                "elapsed": 0.0, "seed": cfg.seed, "budget": cfg.budget, "name": cfg.name}

    @staticmethod
    def _as_data(state: dict) -> dict:
        """The loop state as checkpoint data: the optimiser as its ``to_state()``."""
        return {**state, "optimiser": state["optimiser"].to_state()}

    def _restore(self, data: dict) -> dict:
        """The loop state from checkpoint data (the optimiser rebuilt from its state)."""
        state = dict(data)
        state["optimiser"] = (_NoOptimiser() if data["optimiser"].get("kind") == "none" else
                              optimiser_from_state(data["optimiser"], CubeToUnbounded(self.cfg.space)))
        state["history"] = [{**h, "components": dict(h["components"])} for h in data["history"]]
        return state

    def _cube_to_z(self, u: np.ndarray) -> np.ndarray:
        return CubeToUnbounded(self.cfg.space)(u)

    def _refine_budget(self) -> int:
        frac = float(self.cfg.refine.get("fraction", 0.0))
        return int(round(self.cfg.budget * frac))

    def _start_refine(self, state: dict) -> None:
        cfg = self.cfg
        n_cand = int(cfg.refine.get("candidates", 2))
        chosen: list[np.ndarray] = []
        cands = restart_candidates(state["history"])
        val = candidate_validation(self, cands)
        if val is not None:
            # refine the restarts that predict the validation sweeps (or folds) best
            order = np.argsort(val, kind="stable")
            z_all = np.stack([c["z"] for c in cands])
        else:
            z_all = np.concatenate([h["z"] for h in state["history"]])
            f_all = np.concatenate([h["total"] for h in state["history"]])
            order = np.argsort(f_all, kind="stable")
        for i in order:  # distinct candidates: at least 0.25 apart in unbounded coordinates
            if all(np.linalg.norm(z_all[i] - c) > 0.25 for c in chosen):
                chosen.append(z_all[i])
            if len(chosen) == n_cand:
                break
        d = len(cfg.space)
        popsize = int(cfg.refine.get("popsize", max(8, 4 + int(3 * np.log(d)))))
        state["optimiser"] = local_refiner(np.array(chosen), float(cfg.refine.get("sigma", 0.15)), popsize, cfg.seed)
        state["phase"] = "refine"
        state["restart_offset"] = 1 + max(int(np.max(h["island"])) for h in state["history"] if "island" in h)

    # ------------------------------------------------------------------ the loop
    def fit(self, resume: bool = False) -> "Fitter":
        """Run the fit (or continue it from its checkpoint with ``resume=True``)."""
        if not hasattr(self, "evaluator_"):
            self.setup()
        cfg = self.cfg
        ckpt = self.results_dir / CHECKPOINT
        spec = cfg.specification()
        if resume and (ckpt.exists() or ckpt.with_name(LEGACY).exists()):
            state = self._restore(load_checkpoint(ckpt, spec))
        elif cfg.method == "gif-mle":
            state = self._gif_mle_state()
        else:
            state = self._initial_state()
        refine_budget = self._refine_budget()
        main_budget = cfg.budget - refine_budget
        t_start = time.perf_counter()
        elapsed0 = state["elapsed"]
        evals0 = state["evaluations"]
        clock = CheckpointClock(self.checkpoint_every_s)
        while state["phase"] != "done":
            opt = state["optimiser"]
            n = opt.batch_size
            limit = main_budget if state["phase"] == "main" else cfg.budget
            if state["evaluations"] > 0 and state["evaluations"] + n > limit:
                if state["phase"] == "main" and refine_budget > 0:
                    self._start_refine(state)
                    continue
                state["phase"] = "done"
                break
            labels = island_labels(opt, state["phase"], state.get("restart_offset", 0))
            z = opt.ask()
            values = cfg.space.from_unbounded(z)
            total, comps = self.evaluator_.evaluate(values)
            opt.tell(z, total)
            state["history"].append({"z": z, "total": total, "components": comps, "phase": state["phase"],
                                     "island": labels[: z.shape[0]]})
            state["generation"] += 1
            state["evaluations"] += z.shape[0]
            state["elapsed"] = elapsed0 + time.perf_counter() - t_start
            if self.checkpoint and clock.due():
                save_checkpoint(self._as_data(state), ckpt, spec)
            if self.progress is not None:
                spent = time.perf_counter() - t_start
                rate = (state["evaluations"] - evals0) / spent if spent > 0 else 0.0
                left = max(cfg.budget - state["evaluations"], 0)
                best = min(float(np.min(h["total"])) for h in state["history"])
                self.progress(Progress(state["generation"], state["evaluations"], cfg.budget, best,
                                       state["phase"], rate, left / rate if rate > 0 else float("nan")))
        if self.checkpoint:
            save_checkpoint(self._as_data(state), ckpt, spec)
        self.state_ = state
        self._finish(state, elapsed0 + time.perf_counter() - t_start)
        return self

    def _gif_mle_state(self) -> dict:
        """``method = "gif-mle"``: the deterministic GIF fit, scored once; nothing to iterate."""
        from neurokit.fitting.gif_start import gif_mle_values

        cfg = self.cfg
        t0 = time.perf_counter()
        start = gif_mle_values(cfg, self.recording_, self.train_sweeps_, cfg.optimiser_options)
        values = cfg.space.batch({k: [v] for k, v in start.items()})
        z = cfg.space.to_unbounded(values)
        total, comps = self.evaluator_.evaluate(values)
        hist = [{"z": z, "total": total, "components": comps, "phase": "main", "island": np.zeros(1, int)}]
        return {"phase": "done", "generation": 1, "evaluations": 1, "optimiser": _NoOptimiser(),
                "history": hist, "elapsed": time.perf_counter() - t0, "seed": cfg.seed, "budget": cfg.budget,
                "name": cfg.name}

    def _finish(self, state: dict, wall: float) -> None:
        cfg = self.cfg
        hist = state["history"]
        z_all = np.concatenate([h["z"] for h in hist])
        f_all = np.concatenate([h["total"] for h in hist])
        cands = restart_candidates(hist)
        val = candidate_validation(self, cands)
        val = [None] * len(cands) if val is None else val
        for c, v in zip(cands, val):
            c["validation"] = None if v is None else float(v)
            values = cfg.space.from_unbounded(c["z"][None, :])
            c["params"] = {name: float(values[name].values[0]) for name in cfg.space.names}
        chosen = choose(cands)
        self.chosen_restart_ = chosen["restart"]
        self.restarts_ = [{k: v for k, v in c.items() if k not in ("z", "index")} for c in cands]
        self.best_validation_score_ = chosen["validation"]
        best = chosen["index"]
        self.best_z_ = z_all[best]
        best_values = cfg.space.from_unbounded(self.best_z_[None, :])
        self.best_values_ = best_values
        self.best_params_ = {name: float(best_values[name].values[0]) for name in cfg.space.names}
        self.best_score_ = float(f_all[best])
        self.best_components_ = {k: float(np.concatenate([h["components"][k] for h in hist])[best])
                                 for k in hist[0]["components"]}
        self.evaluations_ = int(state["evaluations"])
        self.wall_time_ = float(wall)
        self.history_ = history_dataset(cfg, hist)
        self.correlations_ = elite_correlations(z_all, f_all, len(cfg.space))
        self.warnings_ = bound_warnings(self.best_params_, cfg.space)

    # ------------------------------------------------------------------ diagnostics
    def sensitivity(self, step: float = 0.01) -> dict[str, dict[str, float]]:
        """Local sensitivity of the training score at the optimum: for each free parameter,
        the score at +/- ``step`` of its range (one batch of 2d samples).

        Returns parameter -> {"slope": change per 1 % of range, "curvature": second difference
        per (1 % of range)^2}. Flat parameters (both ~0) are not constrained by the data.
        """
        space = self.cfg.space
        best = self.best_values_
        u0 = np.array([(float(best[p.name].values[0]) - p.bounds[0]) / (p.bounds[1] - p.bounds[0])
                       for p in space.parameters])
        d = len(space)
        u = np.repeat(u0[None, :], 2 * d + 1, axis=0)
        for j in range(d):
            u[2 * j, j] = min(u0[j] + step, 1.0)
            u[2 * j + 1, j] = max(u0[j] - step, 0.0)
        # unit_cube_to_values is log-spaced for log parameters; go through values directly
        cols = {p.name: p.bounds[0] + u[:, j] * (p.bounds[1] - p.bounds[0]) for j, p in enumerate(space.parameters)}
        values = space.batch(cols)
        total, _ = self.evaluator_.evaluate(values)
        f0 = total[-1]
        out = {}
        for j, p in enumerate(space.parameters):
            hp, hm = u[2 * j, j] - u0[j], u0[j] - u[2 * j + 1, j]
            fp, fm = total[2 * j], total[2 * j + 1]
            slope = (fp - fm) / max(hp + hm, 1e-12) * 0.01
            curv = ((fp - f0) / max(hp, 1e-12) - (f0 - fm) / max(hm, 1e-12)) / max(0.5 * (hp + hm), 1e-12) * 1e-4
            out[p.name] = {"slope": float(slope), "curvature": float(curv),
                           "score_plus": float(fp), "score_minus": float(fm)}
        self.sensitivity_ = out
        return out


class _NoOptimiser:
    """The optimiser slot of a fit that needs none (``gif-mle``)."""

    def to_state(self) -> dict:
        return {"kind": "none"}


def _duration(recording: xr.Dataset) -> float:
    """Length of a recording's sweeps in s (one sampling interval past the last sample)."""
    t = np.asarray(recording["time"].values, dtype=float)
    return float(t[-1] - t[0] + (t[1] - t[0])) if t.size > 1 else 0.0
