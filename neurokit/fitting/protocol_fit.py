"""Fits without a recording: BluePyOpt protocols and target feature values (mean, std).

A fit file with ``[protocols] bluepyopt = "protocols.json"`` (see
:mod:`neurokit.config.fit_data`) runs every named protocol as one sweep of a single
:class:`~neurokit.protocols.Protocol` (the longest protocol's duration for all; each stimulus
keeps its own times, so eFEL's stimulus window is the same as in BluePyOpt). The
:class:`~neurokit.fitting.objectives.Target` holds the protocols' currents and names, no
voltage; "features" objectives score the model against their targets. The report lists each
feature's target, the fitted model's value and the error in standard deviations.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from neurokit.files import write_text
from neurokit.fitting.objectives import FeatureError, Target, segments_of, trace_features
from neurokit.protocols import Protocol


def protocols_and_target(cfg) -> tuple[Protocol, Target]:
    """The fit's protocols as one multi-sweep Protocol (dt and sampling interval of the fit
    file, in s) and the voltage-less Target naming each sweep's protocol."""
    from neurokit.protocols import from_bluepyopt

    named = from_bluepyopt(cfg.protocols_path, dt=cfg.dt, sampling_interval=cfg.sampling_interval,
                           names=cfg.protocol_names)
    names = list(cfg.protocol_names)
    protocol = Protocol([named[n].sweeps[0] for n in names], max(named[n].duration for n in names), cfg.dt,
                        sampling_interval=cfg.sampling_interval, seed=cfg.seed, settle=cfg.settle,
                        source=f"bluepyopt:{cfg.protocols_path.name}")
    t = protocol.recorded_time()
    current = protocol.currents()
    current = (current[0] if current.ndim == 3 else current)[:, :: protocol.record_every]
    target = Target(list(range(len(names))), t, np.full((len(names), t.size), np.nan), current,
                    [np.empty(0) for _ in names], float(protocol.duration),
                    [segments_of(c, t) for c in current], names=names)
    return protocol, target


def setup_protocols(fitter) -> None:
    """:meth:`Fitter.setup` for a protocols fit: protocols, target, objective, evaluator; no
    recording, no validation or held-out sweeps."""
    from neurokit.fitting.config import build_objective
    from neurokit.fitting.evaluator import Evaluator, _parameters

    cfg = fitter.cfg
    fitter.recording_ = None
    fitter.protocol_, target = protocols_and_target(cfg)
    fitter.train_sweeps_ = list(range(len(cfg.protocol_names)))
    fitter.validation_sweeps_, fitter.test_sweeps_ = [], []
    free = set(cfg.model_parameters)
    constants = {p.name: cfg.fixed.get(p.name, p.default) for p in _parameters(cfg.model) if p.name not in free}
    fitter.objective_ = build_objective(cfg)
    fitter.evaluator_ = Evaluator(cfg.model, fitter.backend if fitter.backend is not None else cfg.backend,
                                  fitter.protocol_, target, fitter.objective_, cfg.space, constants, [],
                                  fitter._executor(), cfg.backend_options, cfg.spike_threshold)
    fitter.validation_evaluator_ = None
    fitter.fold_evaluators_ = []


def feature_table(fitter, values=None) -> list[dict]:
    """Each target feature of each "features" objective at the best parameters (or
    ``values``, one sample): protocol, feature, target mean and std, model value (None where
    the model does not produce it) and score (``|model - mean| / std``, capped as scored)."""
    ev = fitter.evaluator_
    values = fitter.best_values_ if values is None else values
    resp = ev.response(ev.simulate(values), values)
    target = ev.target
    rows = []
    for obj, _ in fitter.objective_.terms:
        if not isinstance(obj, FeatureError) or obj.targets is None:
            continue
        k = obj.sweep(target)
        got = trace_features(target.time, resp.voltage[0, k], target.current[k], obj.features, obj.threshold)
        for f, (m, s) in obj.targets.items():
            v = got[f]
            rows.append({"objective": obj.name, "protocol": target.names[k], "feature": f, "mean": m, "std": s,
                         "model": v, "score": obj.max_score if v is None else min(abs(v - m) / s, obj.max_score)})
    return rows


def feature_summary(fitter, out: Path, best: dict, figure: bool = True) -> dict:
    """summary.json / summary.md of a protocols fit (``best``: the best_parameters data);
    report.png: the fit history. Returns the summary dict."""
    from neurokit.fitting.summary import summary_markdown

    cfg = fitter.cfg
    rows = feature_table(fitter)
    restarts = [{"restart": r["restart"], "phase": r["phase"], "train_score": r["train"],
                 "validation_score": r["validation"], "chosen": r["restart"] == fitter.chosen_restart_}
                for r in getattr(fitter, "restarts_", [])]
    summary = {
        "fit": cfg.name, "fit_file": str(cfg.path), "protocols": str(cfg.protocols_path),
        "model": cfg.model_name, "backend": str(cfg.backend), "optimiser": cfg.method, "seed": cfg.seed,
        "budget": cfg.budget, "evaluations": fitter.evaluations_, "wall_time_s": fitter.wall_time_,
        "best_score": fitter.best_score_, "best_terms": fitter.best_components_,
        "best_parameters": best["parameters"], "selection": "training score (feature targets, no recording)",
        "chosen_restart": getattr(fitter, "chosen_restart_", None), "restarts": restarts,
        "bound_warnings": list(getattr(fitter, "warnings_", [])),
        "train": {"sweeps": list(fitter.train_sweeps_)}, "validation": {}, "test": {},
        "features": rows, "sensitivity": getattr(fitter, "sensitivity_", None),
        "correlations": {"parameters": cfg.space.names, "matrix": np.round(fitter.correlations_, 3).tolist()},
    }
    write_text(out / "summary.json", json.dumps(summary, indent=1))
    lines = ["", "| protocol | feature | target mean | target std | model | score (SD) |", "|---|---|---|---|---|---|"]
    for r in rows:
        model = "missing" if r["model"] is None else f"{r['model']:.4g}"
        lines.append(f"| {r['protocol']} | {r['feature']} | {r['mean']:.4g} | {r['std']:.4g} | {model} | "
                     f"{r['score']:.3g} |")
    write_text(out / "summary.md", summary_markdown(summary) + "\n".join(lines) + "\n")
    if figure:
        from neurokit import plot

        plot.plot_history(fitter.history_, "objective", title=f"{cfg.name}: fit history", path=out / "report.png")
    return summary
