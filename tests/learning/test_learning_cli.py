"""``neurokit learn`` on a tiny learn file, through the real entry point."""

import json

from neurokit.cli.main import main

TINY = """name = "tiny"
seed = 1
epochs = 2
units = 8

[data]
name = "digits"

[rule]
name = "wta"

[hyper]
eta = [0.05, 0.1]

[readout]
classifier = "ridge"
"""


def test_learn_command_writes_results(tmp_path, capsys):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    assert main(["learn", str(path), "--quiet"]) == 0
    out = tmp_path / "results" / "tiny"
    for name in ("weights.nc", "metrics.json", "receptive_fields.png", "learning_curve.png", "accuracy_cost.png"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_samples"] == 2 and metrics["evaluated_on"] == "validation"
    assert 0.3 < metrics["best"]["accuracy"] <= 1.0
    assert "results:" in capsys.readouterr().out
    import xarray as xr

    with xr.open_dataset(out / "weights.nc") as ds:
        assert ds["weight"].dims == ("sample", "unit", "input") and "accuracy" in ds


def test_learn_command_reports_config_error_with_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(TINY.replace("units = 8", "units = -1"))
    assert main(["learn", str(path), "--quiet"]) == 2
    assert f"{path}:4:" in capsys.readouterr().err
