"""``neurokit predict``: a tiny fit (built-in LIF, native backend, one sweep of cell 171116sh)
simulated on sweeps it was not trained on; scores, dataset and figure."""

import json
from pathlib import Path

import numpy as np
import pytest

from neurokit import schema
from neurokit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
ABF = ROOT / "data" / "recordings" / "pyabf" / "171116sh_0018.abf"

TINY = f"""
name = "tiny"
seed = 1
budget = 32

[model]
name = "lif"
backend = "native"
dt = "0.1 ms"

[parameters]
C = {{ bounds = ["50 pF", "400 pF"], transform = "log" }}
g_L = {{ bounds = ["2 nS", "30 nS"], transform = "log" }}
V_th = ["-55 mV", "-35 mV"]

[recording]
path = "{ABF.as_posix()}"
train = [12]
validation = [10]
test = [14]
sampling_interval = "1 ms"
window = ["0 s", "0.7 s"]

[[objectives]]
kind = "gamma"

[[objectives]]
kind = "count"

[optimiser]
method = "cmaes"
popsize = 8
islands = 2
"""


def tiny_fit(folder: Path, name: str = "tiny", seed: int = 1) -> Path:
    """Write and run the tiny fit file; return the fit file (results in folder/results)."""
    path = folder / f"{name}.toml"
    path.write_text(TINY.replace('name = "tiny"', f'name = "{name}"').replace("seed = 1", f"seed = {seed}"))
    assert main(["fit", str(path), "--no-figure", "--quiet"]) == 0
    return path


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    return tiny_fit(tmp_path_factory.mktemp("tiny"))


def test_predict_scores_and_writes_side_by_side(fitted, run, tmp_path):
    results = fitted.parent / "results" / "tiny-seed1"
    out, fig = tmp_path / "pred.nc", tmp_path / "pred.png"
    r = run("predict", results, ABF, "--sweeps", "13-15", "-o", out, "--figure", fig, "--json")
    assert r.code == 0, r.err
    got = r.json()
    assert [row["sweep"] for row in got["sweeps"]] == [13, 14, 15]
    assert got["overall"]["data_spikes"] == sum(row["data_spikes"] for row in got["sweeps"])
    ds = schema.load(out)
    assert not schema.problems(ds)
    assert ds["membrane_potential"].dims == ("sweep", "time") and ds.sizes["sweep"] == 3
    assert ds["model_membrane_potential"].shape == ds["membrane_potential"].shape
    model_n = int((ds["spike_origin"] == 1).sum())
    assert model_n == got["overall"]["model_spikes"]
    assert np.allclose(ds["score_data_spikes"].values, [row["data_spikes"] for row in got["sweeps"]])
    assert fig.stat().st_size > 0
    # the fit's own held-out sweep, scored by predict, equals the fit's summary
    summary = json.loads((results / "summary.json").read_text())
    again = run("predict", fitted, ABF, "--sweeps", "14", "--json").json()
    assert again["overall"]["mean_gamma"] == pytest.approx(summary["test"]["mean_gamma"])
    assert again["overall"]["model_spikes"] == summary["test"]["model_spikes"]


def test_predict_names_a_folder_without_results(run, tmp_path):
    r = run("predict", tmp_path, ABF)
    assert r.code != 0 and "not a results folder" in r.err
