"""Run a learn file: load the data, train every hyperparameter set, read out, write results.

The results folder holds ``weights.nc`` (the trained dataset with the readout accuracy along
``sample``), ``metrics.json`` (per-sample accuracy, hyperparameters, training time and FLOPs,
and the best set) and three figures: receptive fields of the best set, learning curves, and
accuracy against training cost. Every file is written atomically (:mod:`neurokit.files`).
"""

from __future__ import annotations

import json
from typing import Callable

import numpy as np
import xarray as xr

from neurokit.config.learn import LearnSpec, load_learn_config
from neurokit.files import atomic_path, write_text
from neurokit.learning import figures
from neurokit.learning.data import load
from neurokit.learning.readout import accuracies
from neurokit.learning.train import ALL_RULES, train


def rule_units() -> dict[str, dict[str, str]]:
    """Rule name -> {hyperparameter: unit}: what learn files may set."""
    return {name: {h.name: h.unit for h in rule.hypers} for name, rule in ALL_RULES.items()}


def load_spec(path, **overrides) -> LearnSpec:
    """Read a learn file (:func:`neurokit.config.learn.load_learn_config`) with this package's rules."""
    return load_learn_config(path, rules=rule_units(), **overrides)


def run(spec: LearnSpec, progress: Callable[[int, str], None] | None = None,
        figures_too: bool = True) -> dict:
    """Train and read out every set of ``spec``; write the results folder; return the metrics.

    ``progress(n, phase)`` is called with ``n`` finished samples after training and after
    each readout.
    """
    data = load(spec.data, spec.split_seed, **spec.data_options)
    x_fit, y_fit = data.fit_set(spec.final)
    x_eval, y_eval = data.eval_set(spec.final)
    hyper = {k: ("sample", v) for k, v in spec.hyper.items()}
    ds = train(spec.rule, x_fit, xr.Dataset(hyper) if hyper else None, units=spec.units, epochs=spec.epochs,
               seed=spec.seed, batch=spec.batch, engine=spec.engine, device=spec.device, input_shape=data.shape, steps=spec.steps,
               dt=spec.dt)
    if progress is not None:
        progress(ds.sizes["sample"], "train")
    if y_fit is not None:
        acc = accuracies(ds, x_fit, y_fit, x_eval, y_eval, power=spec.power, classifier=spec.classifier,
                         c=spec.c, progress=None if progress is None else (lambda n: progress(n, "readout")))
        ds = ds.merge(acc)
    ds.attrs.update(data=spec.data, split_seed=spec.split_seed, evaluated_on="test" if spec.final else "validation",
                    source=str(spec.path), name=spec.name)
    metrics = _metrics(ds, spec)
    out = spec.output
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / "weights.nc") as tmp:
        ds.to_netcdf(tmp)
    write_text(out / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    if figures_too:
        best = metrics["best_index"]
        figures.receptive_fields(ds, out / "receptive_fields.png", sample=best)
        figures.learning_curve(ds, out / "learning_curve.png")
        if "accuracy" in ds:
            pts = [("", float(ds.attrs["flops"]) * 1.0, float(a)) for a in ds["accuracy"].values]
            figures.accuracy_cost(pts, out / "accuracy_cost.png",
                                  xlabel="training FLOPs per set (estimate)")
    return metrics


def _metrics(ds: xr.Dataset, spec: LearnSpec) -> dict:
    names = ALL_RULES[spec.rule].names
    per = []
    for s in range(ds.sizes["sample"]):
        row = {"sample": int(ds["sample"][s]), "hyper": {n: float(ds[n][s]) for n in names},
               "final_weight_change": float(ds["weight_change"][s, -1])}
        if "accuracy" in ds:
            row["accuracy"] = float(ds["accuracy"][s])
        per.append(row)
    best = int(np.argmax(ds["accuracy"].values)) if "accuracy" in ds else 0
    return {"name": spec.name, "rule": spec.rule, "data": spec.data, "engine": spec.engine, "device": ds.attrs["device"],
            "units": spec.units, "epochs": spec.epochs, "seed": spec.seed,
            "evaluated_on": ds.attrs["evaluated_on"], "n_samples": ds.sizes["sample"],
            "train_seconds": float(ds.attrs["train_seconds"]), "flops_per_sample": float(ds.attrs["flops"]),
            "best_index": best, "best": per[best], "samples": per}
