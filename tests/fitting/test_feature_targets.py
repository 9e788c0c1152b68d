"""Feature targets (BluePyOpt's mean/std) in the "features" objective, the [protocols] and
[model] bluepyopt tables of fit files, and a BluePyOpt cell fitted end to end by `neurokit fit`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from neurokit.errors import FitConfigError
from neurokit.fitting import load_fit_config
from neurokit.fitting.objectives import BatchResponse, FeatureError, Target

SWC = """# soma, a dendrite, an axon
1 1 0 0 0 10 -1
2 3 0 10 0 1 1
3 3 0 110 0 1 2
4 3 0 210 0 1 3
5 2 0 -10 0 0.5 1
6 2 0 -60 0 0.5 5
7 2 0 -110 0 0.5 6
"""
MECHANISMS = {"all": ["nk_leak"], "somatic": ["nk_na", "nk_kdr"]}
PARAMETERS = [
    {"param_name": "celsius", "type": "global", "value": 34},
    {"param_name": "v_init", "type": "global", "value": -70},
    {"param_name": "g_nk_leak", "sectionlist": "all", "type": "range", "dist_type": "uniform", "value": 5e-5},
    {"param_name": "e_nk_leak", "sectionlist": "all", "type": "range", "dist_type": "uniform", "value": -70},
    {"param_name": "cm", "sectionlist": "all", "type": "section", "dist_type": "uniform", "value": 1},
    {"param_name": "Ra", "sectionlist": "all", "type": "section", "dist_type": "uniform", "value": 150},
    {"param_name": "ena", "sectionlist": "somatic", "type": "section", "dist_type": "uniform", "value": 50},
    {"param_name": "ek", "sectionlist": "somatic", "type": "section", "dist_type": "uniform", "value": -85},
    {"param_name": "gbar_nk_na", "sectionlist": "somatic", "type": "range", "dist_type": "uniform",
     "bounds": [0.05, 0.5]},
    {"param_name": "gbar_nk_kdr", "sectionlist": "somatic", "type": "range", "dist_type": "uniform",
     "bounds": [0.01, 0.2]},
]
PROTOCOLS = {"Step1": {"stimuli": [{"delay": 20, "amp": 0.3, "duration": 80, "totduration": 120}]},
             "Step2": {"stimuli": [{"delay": 20, "amp": 0.6, "duration": 80, "totduration": 120}]}}
FIT = """\
name = "bp"
seed = 3
budget = 8
[model]
granularity = "cell"
dt = "0.025 ms"
bluepyopt = {{ morphology = "cell.swc", mechanisms = "mechanisms.json", parameters = "parameters.json" }}
[protocols]
bluepyopt = "protocols.json"
sampling_interval = "0.1 ms"
spike_threshold = "-20 mV"
[[objectives]]
kind = "features"
protocol = "Step1"
location = "soma"
threshold = -20.0
features = {{ mean_frequency = [40.0, 10.0], AP_height = [30.0, 5.0] }}
[[objectives]]
kind = "{kind2}"
protocol = "Step2"
features = {{ mean_frequency = [80.0, 10.0], voltage_base = [-70.0, 2.0] }}
[optimiser]
method = "cmaes"
popsize = 4
"""


def bluepyopt_fit(tmp_path, replace: dict | None = None) -> str:
    """The BluePyOpt files and a fit file using them, in tmp_path; returns the fit file."""
    (tmp_path / "cell.swc").write_text(SWC)
    for name, data in (("mechanisms", MECHANISMS), ("parameters", PARAMETERS), ("protocols", PROTOCOLS)):
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    text = FIT.format(kind2="features")
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "fit.toml").write_text(text)
    return str(tmp_path / "fit.toml")


def _spiking(t, times):
    v = np.full(t.size, -70.0)
    for s in times:
        i = int(round(s / (t[1] - t[0])))
        v[i:i + 10] = np.concatenate([np.linspace(-70, 30, 5), np.linspace(30, -70, 5)])
    return v


def test_targets_score_like_bluepyopt():
    t = np.arange(0, 0.3, 1e-4)
    current = np.where((t >= 0.05) & (t < 0.25), 0.5, 0.0)
    target = Target([0, 1], t, np.full((2, t.size), np.nan), np.stack([current, current]),
                    [np.empty(0)] * 2, 0.3, names=["A", "B"])
    obj = FeatureError(features={"spike_count": [4.0, 2.0], "voltage_base": [-72.0, 1.0]}, protocol="B")
    assert obj.name == "features_B" and obj.worst == 500.0
    flat = np.full(t.size, -70.0)
    spiking = _spiking(t, [0.1, 0.15, 0.2])
    resp = BatchResponse(np.stack([[flat, spiking], [spiking, flat]]), [[np.empty(0)] * 2] * 2, np.zeros(2, bool))
    err = obj(target, resp)
    # sample 0: 3 spikes on B -> |3 - 4| / 2 + |-70 - -72| / 1; sample 1: no spike on B -> 0 spikes
    assert err[0] == pytest.approx(0.5 + 2.0, abs=1e-6)
    assert err[1] == pytest.approx(2.0 + 2.0, abs=1e-6)
    missing = FeatureError(features={"AP_height": [20.0, 5.0]}, protocol="A")(target, resp)
    assert missing[0] == 250.0  # no spike on A: BluePyOpt's penalty of 250 std
    with pytest.raises(FitConfigError, match="not one of the fit's protocols"):
        FeatureError(features={"spike_count": [4.0, 2.0]}, protocol="C")(target, resp)
    with pytest.raises(FitConfigError, match="std > 0"):
        FeatureError(features={"Spikecount": [4.0, 0.0]})


def test_fit_file_reads_bluepyopt_model_and_protocols(tmp_path):
    cfg = load_fit_config(bluepyopt_fit(tmp_path))
    assert cfg.recording_path is None and cfg.protocol_names == ["Step1", "Step2"]
    assert cfg.train == [0, 1] and cfg.granularity == "cell"
    assert cfg.space.names == ["gbar_nk_na.soma", "gbar_nk_kdr.soma"]  # from parameters.json bounds
    assert cfg.sampling_interval == pytest.approx(1e-4) and cfg.spike_threshold == -20.0
    assert cfg.specification()["data"]["file"] == "protocols.json"


@pytest.mark.parametrize("old,new,match", [
    ("AP_height = [30.0, 5.0]", "AP_height = [30.0, -5.0]", r"fit.toml:\d+: .*std > 0"),
    ("AP_height = [30.0, 5.0]", "AP_hight = [30.0, 5.0]", "unknown eFEL feature"),
    ('protocol = "Step1"', 'protocol = "Step9"', "unknown protocol 'Step9'"),
    ('location = "soma"', 'location = "dend"', "only 'soma'"),
    ('kind = "features"\nprotocol = "Step1"', 'kind = "gamma"\nprotocol = "Step1"', "compares with a recording"),
    ('[protocols]', '[recording]\npath = "cell.swc"\ntrain = [0]\n[protocols]', "not both"),
    ('parameters = "parameters.json" }', 'parameters = "parameters.json", mod_folder = "." }', "needs trust"),
    ('bluepyopt = "protocols.json"', 'bluepyopt = "nothere.json"', "missing protocols file"),
])
def test_fit_file_errors_name_the_line(tmp_path, old, new, match):
    with pytest.raises(FitConfigError, match=match):
        load_fit_config(bluepyopt_fit(tmp_path, {old: new}))


def test_neurokit_fit_runs_a_bluepyopt_cell(tmp_path):
    from neurokit.cli.main import cli

    path = bluepyopt_fit(tmp_path)
    out = tmp_path / "results"
    run = CliRunner().invoke(cli, ["fit", path, "--quiet", "--output", str(out), "--no-figure"])
    assert run.exit_code == 0, run.output + repr(run.exception)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["evaluations"] == 8
    assert set(summary["best_terms"]) == {"features_Step1", "features_Step2"}
    rows = {(r["protocol"], r["feature"]): r for r in summary["features"]}
    assert set(rows) == {("Step1", "mean_frequency"), ("Step1", "AP_height"), ("Step2", "mean_frequency"),
                         ("Step2", "voltage_base")}
    total = sum(r["score"] for r in rows.values())
    assert total == pytest.approx(summary["best_score"], rel=1e-9)  # the table re-scores the best sample
    assert "| Step1 | AP_height |" in (out / "summary.md").read_text()
