"""Checkpoint files: arrays packed per dtype and read back equal; the checkpoint clock."""

from __future__ import annotations

import json

import numpy as np

from neurokit.fitting.checkpoint import CheckpointClock, load_checkpoint, save_checkpoint


def test_arrays_of_every_dtype_and_shape_come_back_equal(tmp_path):
    rng = np.random.default_rng(0)
    state = {"history": [{"z": rng.standard_normal((5, 3)), "total": rng.random(5),
                          "island": np.arange(5), "mask": rng.random(5) > 0.5} for _ in range(20)],
             "scalar": np.float64(2.5), "empty": np.zeros((0, 4)), "zero_d": np.array(3.0),
             "rng": {"state": 12345678901234567890, "name": "PCG64"}, "none": None}
    path = save_checkpoint(state, tmp_path / "checkpoint.json", {"seed": 1})
    payload = json.loads(path.read_text())
    with np.load(tmp_path / payload["arrays"]) as npz:
        assert len(npz.files) == 3  # one flat array per dtype (float64, int64, bool), not 80 members
    back = load_checkpoint(path, {"seed": 1})
    for a, b in zip(state["history"], back["history"]):
        for key in a:
            assert b[key].dtype == a[key].dtype and np.array_equal(a[key], b[key])
    assert back["scalar"] == 2.5 and back["empty"].shape == (0, 4) and back["zero_d"].shape == ()
    assert back["rng"] == state["rng"] and back["none"] is None


def test_the_clock_is_due_every_generation_by_default_and_throttles_otherwise():
    every = CheckpointClock()
    assert all(every.due() for _ in range(5))
    slow = CheckpointClock(3600.0)
    assert not slow.due()


def test_a_fit_checkpointed_every_hour_gives_the_same_result(tmp_path, fit_file):
    from neurokit.fitting import Fitter

    a = Fitter(fit_file(budget=96), output_dir=tmp_path / "a").fit()
    b = Fitter(fit_file(budget=96), output_dir=tmp_path / "b", checkpoint_every_s=3600.0).fit()
    assert a.best_params_ == b.best_params_
    assert load_checkpoint(tmp_path / "b" / "checkpoint.json")["phase"] == "done"  # the final one
