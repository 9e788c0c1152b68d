"""``neurokit sweep FILE.toml``: runs the sweep, shows progress, writes one dataset."""

from __future__ import annotations

from pathlib import Path

import xarray as xr
from click.testing import CliRunner

from neurokit import schema
from neurokit.cli.main import cli, main

SPEC = """
[model]
name = "lif"
backend = "native"
[design]
method = "sobol"
n = 8
[parameters]
g_L = [5.0, 20.0]
V_th = ["-55 mV", "-45 mV"]
[protocol]
steps = { amplitudes = [0.3], start = 0.01, stop = 0.05 }
duration = 0.06
dt = 1e-4
"""


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(SPEC)
    return path


def test_sweep_command_writes_the_dataset_next_to_the_file(tmp_path):
    path = _spec(tmp_path)
    result = CliRunner().invoke(cli, ["sweep", str(path), "--chunk-size", "3"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "tiny.nc"
    assert f"wrote {out} (8 samples)" in result.output
    ds = schema.load(out)
    assert ds.sizes["sample"] == 8 and set(ds["g_L"].dims) == {"sample"}
    assert 5.0 <= float(ds["g_L"].min()) and float(ds["V_th"].max()) <= -45.0


def test_sweep_command_on_a_dask_scheduler_with_progress(tmp_path):
    from distributed import LocalCluster

    path = _spec(tmp_path)
    out = tmp_path / "dask.nc"
    # threaded workers: quick to start (process workers are covered in tests/test_parallel.py)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        result = CliRunner().invoke(cli, ["sweep", str(path), "--scheduler", cluster.scheduler_address,
                                          "--chunk-size", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "8/8" in result.output  # the tqdm bar (on stderr) reached the end
    local = CliRunner().invoke(cli, ["sweep", str(path), "--no-progress", "-o", str(tmp_path / "local.nc")])
    assert local.exit_code == 0, local.output
    assert "8/8" not in local.output
    xr.testing.assert_equal(schema.load(out), schema.load(tmp_path / "local.nc"))


def test_sweep_command_reports_a_bad_file_in_one_line(tmp_path, capsys):
    path = _spec(tmp_path)
    path.write_text(path.read_text().replace("g_L =", "gL ="))
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "tiny.toml" in err and "'gL'" in err
    assert main(["sweep", str(tmp_path / "missing.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_sweep_command_imports_a_model_only_with_trust(tmp_path, capsys):
    path = _spec(tmp_path)
    path.write_text(path.read_text().replace('name = "lif"', 'name = "neurokit.models.point:LIF"'))
    assert main(["sweep", str(path), "--no-progress"]) == 2
    assert "needs trust" in capsys.readouterr().err
    result = CliRunner().invoke(cli, ["sweep", str(path), "--no-progress", "--trust"])
    assert result.exit_code == 0, result.output
