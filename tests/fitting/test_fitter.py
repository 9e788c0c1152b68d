"""The Fitter end to end on synthetic data (NumPy LIF backend): parameter recovery,
checkpoint/resume equality (in process, and a `neurokit fit` killed with SIGKILL), outputs."""

import json
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from neurokit.fitting import Fitter, load_fit_config, write_report
from neurokit.fitting.checkpoint import load_checkpoint, save_checkpoint
from numpy_lif import TRUE_LIF

HERE = Path(__file__).resolve().parent

def _fit_file(fit_file, seed=1, budget=1000, method="cmaes"):
    return fit_file(seed=seed, budget=budget, method=method)


def test_recovers_known_lif_parameters(tmp_path, fit_file):
    """Point-model granularity: the 4 free LIF parameters come back within 5 %."""
    f = Fitter(_fit_file(fit_file), checkpoint=False).fit()
    for name, value in f.best_params_.items():
        assert value == pytest.approx(TRUE_LIF[name], rel=0.05), (name, value)
    assert f.best_components_["gamma"] < 0.05 and f.best_components_["count"] == 0
    assert f.evaluations_ <= 1000
    # diagnostics: the history holds every evaluation; sensitivity and correlations exist
    assert int(np.isfinite(f.history_["objective"].values).sum()) == f.evaluations_
    sens = f.sensitivity()
    assert set(sens) == set(f.best_params_)
    assert f.correlations_.shape == (4, 4) and np.allclose(np.diag(f.correlations_), 1.0)


@pytest.mark.parametrize("method", ["de", "sobol"])
def test_other_optimisers_improve_and_are_repeatable(tmp_path, fit_file, method):
    path = _fit_file(fit_file, budget=192, method=method)
    a = Fitter(path, checkpoint=False).fit()
    b = Fitter(path, checkpoint=False).fit()
    assert a.best_params_ == b.best_params_
    first = np.nanmin(a.history_["objective"].values[0])
    assert a.best_score_ <= first


def test_resume_in_process_equals_uninterrupted(tmp_path, fit_file):
    path = _fit_file(fit_file, budget=320)
    whole = Fitter(path, output_dir=tmp_path / "whole").fit()
    # stop after 4 generations by running with a smaller budget, then resume with the full one
    part_cfg = load_fit_config(path, budget=320)
    part = Fitter(part_cfg, output_dir=tmp_path / "part")
    part.setup()
    state = part._initial_state()
    for _ in range(4):
        opt = state["optimiser"]
        z = opt.ask()
        total, comps = part.evaluator_.evaluate(part_cfg.space.from_unbounded(z))
        opt.tell(z, total)
        state["history"].append({"z": z, "total": total, "components": comps, "phase": "main"})
        state["generation"] += 1
        state["evaluations"] += z.shape[0]
    save_checkpoint(part._as_data(state), tmp_path / "part" / "checkpoint.json", part_cfg.specification())
    resumed = Fitter(part_cfg, output_dir=tmp_path / "part").fit(resume=True)
    assert resumed.best_params_ == whole.best_params_
    assert resumed.evaluations_ == whole.evaluations_


def _run_cli(args, env, **kw):
    return subprocess.Popen([sys.executable, "-m", "neurokit.cli.main", "fit", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def test_sigkill_then_resume_gives_the_same_best(tmp_path, fit_file):
    path = _fit_file(fit_file, budget=480)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    common = ["--quiet", "--no-figure"]
    ref = _run_cli([str(path), *common, "--output", str(tmp_path / "ref")], env)
    out, _ = ref.communicate(timeout=300)
    assert ref.returncode == 0, out.decode()

    # The killed run's backend kills its own process in its 5th simulate call (generation 5):
    # the same point of the fit on any machine; the backend is not part of the specification.
    ckpt = tmp_path / "killed" / "checkpoint.json"
    proc = _run_cli([str(path), *common, "--backend", "numpy_lif:DiesAtCall", "--checkpoint-every", "0",
                     "--output", str(tmp_path / "killed")], env)
    proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    state = load_checkpoint(ckpt)
    assert state["generation"] == 4 and state["phase"] != "done", "killed before the end"

    res = _run_cli([str(path), *common, "--resume", "--output", str(tmp_path / "killed")], env)
    out, _ = res.communicate(timeout=300)
    assert res.returncode == 0, out.decode()
    a = tomllib.loads((tmp_path / "ref" / "best_parameters.toml").read_text())
    b = tomllib.loads((tmp_path / "killed" / "best_parameters.toml").read_text())
    assert a["parameters"] == b["parameters"]
    assert a["score"] == b["score"]


def test_report_outputs(tmp_path, fit_file):
    import xarray as xr

    path = _fit_file(fit_file, budget=96)
    f = Fitter(path, output_dir=tmp_path / "out").fit()
    f.sensitivity()
    summary = write_report(f)
    out = tmp_path / "out"
    for name in ("history.nc", "best_parameters.toml", "summary.json", "summary.md", "report.png"):
        assert (out / name).exists(), name
    hist = xr.open_dataset(out / "history.nc", engine="h5netcdf")
    assert hist["objective"].dims == ("iteration", "sample")
    assert hist["C"].attrs["units"] == "pF"
    best = tomllib.loads((out / "best_parameters.toml").read_text())
    assert best["parameters"]["g_L"]["unit"] == "nS"
    assert summary["train"]["data_spikes"] > 0 and summary["test"]["sweeps"] == [1, 3]
    assert json.loads((out / "summary.json").read_text())["evaluations"] == f.evaluations_


def test_resume_refuses_a_checkpoint_of_another_fit(tmp_path, fit_file):
    from neurokit.errors import FitConfigError

    out = tmp_path / "out"
    first = Fitter(fit_file(budget=64, seed=7), output_dir=out).fit()
    assert json.loads((out / "checkpoint.json").read_text())["format"] == 3  # data, not pickle
    with pytest.raises(FitConfigError, match="seed 7 in the checkpoint vs seed 1 now"):
        Fitter(fit_file(budget=128, seed=1), output_dir=out).fit(resume=True)
    other = fit_file(budget=128, seed=7, replace={"V_th = [-60, -40]\n": ""})
    with pytest.raises(FitConfigError, match="parameter list changed"):
        Fitter(other, output_dir=out).fit(resume=True)
    resumed = Fitter(fit_file(budget=128, seed=7), output_dir=out).fit(resume=True)  # the budget may change
    assert resumed.best_params_ == first.best_params_


def test_a_pickle_checkpoint_is_never_loaded(tmp_path, fit_file):
    from neurokit.errors import FitConfigError

    out = tmp_path / "out"
    out.mkdir()
    marker = tmp_path / "ran"
    # a pickle that would create `marker` if it were ever unpickled
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    (out / "checkpoint.pkl").write_bytes(payload)
    with pytest.raises(FitConfigError, match="pickle checkpoint .* never loaded"):
        Fitter(fit_file(budget=64), output_dir=out).fit(resume=True)
    assert not marker.exists()
