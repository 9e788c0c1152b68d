"""Restarts chosen by validation score (never training score), bound warnings, and the fit
command's results folders (no silent overwrite) on the synthetic LIF recording."""

import json
import logging

import numpy as np
import pytest

from neurokit.cli.main import main
from neurokit.errors import FitConfigError
from neurokit.fitting import Fitter, load_fit_config
from neurokit.fitting.selection import bound_warnings, choose
from neurokit.params import Parameter, ParameterSpace

VALIDATED = {"train = [0, 2, 4, 5]": "train = [0, 2, 4]\nvalidation = [3, 5]"}


def test_choose_takes_validation_over_training_score():
    cands = [{"restart": 0, "train": 0.1, "validation": 0.9}, {"restart": 1, "train": 0.5, "validation": 0.2},
             {"restart": 2, "train": 0.3, "validation": 0.4}]
    assert choose(cands)["restart"] == 1
    # without validation scores the training score decides
    assert choose([{**c, "validation": None} for c in cands])["restart"] == 0


def test_fit_keeps_the_restart_best_on_validation(fit_file):
    path = fit_file(budget=160, replace=VALIDATED)
    f = Fitter(path, checkpoint=False).fit()
    assert f.validation_sweeps_ == [3, 5] and f.test_sweeps_ == [1]
    val = {r["restart"]: r["validation"] for r in f.restarts_}
    assert len(val) >= 2 and all(v is not None for v in val.values())
    assert f.chosen_restart_ == min(val, key=val.get)
    chosen = next(r for r in f.restarts_ if r["restart"] == f.chosen_restart_)
    assert f.best_params_ == chosen["params"] and f.best_validation_score_ == chosen["validation"]
    # the validation score is the objective on the validation sweeps, recomputed
    total, _ = f.validation_evaluator_.evaluate(f.best_values_)
    assert float(total[0]) == pytest.approx(f.best_validation_score_)


def test_validation_sweeps_must_be_held_out(fit_file):
    with pytest.raises(FitConfigError, match=r"fit.toml:\d+: validation sweeps \[2\] are also train"):
        load_fit_config(fit_file(replace={"train = [0, 2, 4, 5]": "train = [0, 2, 4]\nvalidation = [2, 5]"}))
    with pytest.raises(FitConfigError, match="either 'validation' sweeps or 'kfold'"):
        load_fit_config(fit_file(replace={"train = [0, 2, 4, 5]": "train = [0, 2]\nvalidation = [5]\nkfold = 2"}))
    with pytest.raises(FitConfigError, match="start = 'gif-mle' seeds CMA-ES"):
        load_fit_config(fit_file(method="de", replace={"popsize = 16": 'popsize = 16\nstart = "gif-mle"'}))


def test_bound_warnings_within_one_percent(caplog):
    space = ParameterSpace([Parameter("g", "nS", (0.0, 10.0), 5.0), Parameter("E", "mV", (-80.0, -40.0), -60.0),
                            Parameter("t", "ms", (1.0, 2.0), 1.5)])
    with caplog.at_level(logging.WARNING, logger="neurokit.fitting"):
        found = bound_warnings({"g": 0.05, "E": -40.2, "t": 1.02}, space)
    assert len(found) == 2
    assert "g = 0.05 nS is within 1% of its lower bound 0 nS" in found[0]
    assert "E = -40.2 mV is within 1% of its upper bound -40 mV" in found[1]
    assert len([r for r in caplog.records if "within 1%" in r.message]) == 2


def test_fit_command_never_overwrites(tmp_path, fit_file, capsys):
    path = fit_file(budget=64, replace=VALIDATED)
    assert main(["fit", str(path), "--no-figure", "--quiet"]) == 0
    first = tmp_path / "results" / "lif_synth-seed1"
    summary = json.loads((first / "summary.json").read_text())
    assert summary["seed"] == 1 and summary["selection"] == "validation"
    assert summary["validation"]["sweeps"] == [3, 5] and len(summary["restarts"]) >= 2
    # the summary's warnings are those of its fitted values
    cfg = load_fit_config(path)
    best = {k: v["value"] for k, v in summary["best_parameters"].items()}
    assert summary["bound_warnings"] == bound_warnings(best, cfg.space)
    before = (first / "summary.json").read_bytes()
    capsys.readouterr()
    assert main(["fit", str(path), "--no-figure", "--quiet"]) != 0
    assert "--force" in capsys.readouterr().err
    assert (first / "summary.json").read_bytes() == before
    assert main(["fit", str(path), "--no-figure", "--quiet", "--seed", "2"]) == 0
    assert json.loads((tmp_path / "results" / "lif_synth-seed2" / "summary.json").read_text())["seed"] == 2
    assert main(["fit", str(path), "--no-figure", "--quiet", "--force"]) == 0
