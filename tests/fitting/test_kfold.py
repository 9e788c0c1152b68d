"""``[recording] kfold = k``: restarts chosen by their mean score over k round-robin folds of
the train sweeps (synthetic LIF recording, NumPy backend, a tiny budget)."""

import numpy as np
import pytest

from neurokit.fitting import Fitter
from neurokit.fitting.selection import kfold_folds

KFOLD = {"train = [0, 2, 4, 5]": "train = [0, 2, 4, 5]\nkfold = 2"}


def test_folds_are_round_robin_in_sweep_order():
    assert kfold_folds([0, 2, 4, 5], 2) == [[0, 4], [2, 5]]
    assert kfold_folds([7, 1, 3], 3) == [[7], [1], [3]]


def test_fit_chooses_the_restart_best_over_the_folds(fit_file):
    f = Fitter(fit_file(budget=48, replace=KFOLD), checkpoint=False).fit()
    assert f.folds_ == [[0, 4], [2, 5]] and f.validation_sweeps_ == []
    val = {r["restart"]: r["validation"] for r in f.restarts_}
    assert len(val) >= 2 and all(v is not None for v in val.values())
    assert f.chosen_restart_ == min(val, key=val.get)
    # the validation score is the mean of the objective on each fold, recomputed
    scores = [float(ev.evaluate(f.best_values_)[0][0]) for ev in f.fold_evaluators_]
    assert f.best_validation_score_ == pytest.approx(np.mean(scores))
    assert sorted(np.concatenate(f.folds_).tolist()) == f.train_sweeps_
