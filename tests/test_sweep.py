"""Parameter sweeps: TOML specs, grid and Sobol designs, one dataset whatever the chunking or
executor, written atomically to netCDF."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from neurokit import schema
from neurokit.errors import FitConfigError, NeurokitError
from neurokit.sweep import SweepSpec, run_sweep, write

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "fits" / "sweeps").glob("*.toml"))


SPEC = """
name = "small"
model = "lif"
backend = "native"
seed = 2

[design]
method = "{method}"
n = {n}

[parameters]
g_L = {{ range = [5.0, 20.0], unit = "nS" }}
C = {{ range = [0.1, 0.4], unit = "nF", scale = "log" }}
E_L = -70.0

[protocol]
steps = {{ amplitudes = [0.15, 0.3], start = 0.01, stop = 0.09 }}
duration = 0.1
dt = 1e-4
sampling_interval = 5e-4

[execution]
chunk_size = {chunk_size}
"""


def write_spec(tmp_path: Path, method="grid", n=3, chunk_size=4, name="small.toml", **replace) -> Path:
    text = SPEC.format(method=method, n=n, chunk_size=chunk_size)
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_sweep_files_parse(path):
    spec = SweepSpec.from_toml(path)
    design = spec.design()
    assert design.sizes["sample"] == spec.n_samples > 1
    for axis in spec.axes:
        lo, hi = axis.range
        assert design[axis.name].min() >= lo and design[axis.name].max() <= hi


def test_grid_design_units_log_axis_and_fixed_values(tmp_path):
    spec = SweepSpec.from_toml(write_spec(tmp_path))
    design = spec.design()
    assert design.sizes["sample"] == 9
    # C given in nF, held in the model's pF; log-spaced axis: constant ratio
    c_axis = np.unique(design["C"].values)
    np.testing.assert_allclose(c_axis, [100.0, 200.0, 400.0])
    assert design["C"].attrs["units"] == "pF"
    np.testing.assert_array_equal(design["E_L"], -70.0)
    # grid order: the first parameter varies slowest
    np.testing.assert_allclose(design["g_L"].values[:3], 5.0)


def test_sobol_design_is_seeded(tmp_path):
    a = SweepSpec.from_toml(write_spec(tmp_path, method="sobol", n=8)).design()
    b = SweepSpec.from_toml(write_spec(tmp_path, method="sobol", n=8)).design()
    xr.testing.assert_identical(a, b)
    assert np.unique(a["g_L"]).size == 8


@pytest.mark.parametrize("replace, message", [
    ({"g_L =": "g_Leak ="}, "no parameter 'g_Leak'"),
    ({'unit = "nS"': 'unit = "mV"'}, "parameters.g_L"),
    ({'model = "lif"': 'model = "lifx"'}, "unknown model 'lifx'"),
    ({"[design]": "[desgin]"}, "unknown key"),
    ({"range = [5.0, 20.0]": "range = [20.0, 5.0]"}, "low < high"),
    ({"range = [0.1, 0.4]": "range = [-0.1, 0.4]"}, "log scale needs a positive range"),
    ({"dt = 1e-4": "dt = -1e-4"}, "protocol"),
    ({"chunk_size = 4": "chunk_size = 0"}, "chunk_size"),
    ({"n = 3": "n = 3\nn = 4"}, "line"),
])
def test_bad_specs_name_the_file_and_the_culprit(tmp_path, replace, message):
    path = write_spec(tmp_path, **replace)
    with pytest.raises(FitConfigError, match=message) as info:
        SweepSpec.from_toml(path)
    assert "small.toml" in str(info.value)


def test_sweep_result_is_one_dataset_with_the_design_on_sample(tmp_path):
    path = write_spec(tmp_path)
    out = tmp_path / "out" / "small.nc"
    ds = run_sweep(path, progress=False, output=out)
    assert ds.sizes["sample"] == 9
    for name in ("g_L", "C"):
        assert ds[name].dims == ("sample",) and name in ds.coords
    # physics, not plumbing: a bigger step makes every cell fire at least as much
    counts = np.zeros((9, 2), dtype=int)
    np.add.at(counts, (ds["spike_sample"].values, ds["spike_sweep"].values), 1)
    assert (counts[:, 1] >= counts[:, 0]).all() and counts[:, 1].sum() > counts[:, 0].sum()
    # a selection by parameter value works on the coordinate
    leaky = ds.where(ds.g_L == 20.0, drop=True)
    assert leaky.sizes["sample"] == 3
    assert ds.attrs["sweep_parameters"] == '["g_L", "C"]'
    back = schema.load(out)
    xr.testing.assert_identical(back, ds)
    assert not list(out.parent.glob(".*.tmp"))  # the atomic write left no temporary file


def test_sweep_result_does_not_depend_on_chunking(tmp_path):
    noisy = ('steps = { amplitudes = [0.15, 0.3], start = 0.01, stop = 0.09 }',
             'sweeps = [[{ kind = "ou_noise", mean = 0.2, sigma = 0.1, tau = 0.005 }]]')
    one = run_sweep(write_spec(tmp_path, chunk_size=100, **dict([noisy])), progress=False)
    many = run_sweep(write_spec(tmp_path, chunk_size=2, **dict([noisy])), progress=False)
    xr.testing.assert_equal(one, many)


def test_sweep_on_a_dask_scheduler_address_equals_in_process(tmp_path):
    from distributed import LocalCluster

    path = write_spec(tmp_path, chunk_size=3)
    ref = run_sweep(path, progress=False)
    # Threaded workers start in a fraction of a second; process workers (and killing them) are
    # covered in test_parallel.py. What is tested here is the sweep through a scheduler address.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        out = run_sweep(path, progress=False, executor_kind="dask", scheduler=cluster.scheduler_address)
    xr.testing.assert_equal(out, ref)


def test_zarr_output(tmp_path):
    path = write_spec(tmp_path)
    ds = run_sweep(path, progress=False)
    try:
        import zarr  # noqa: F401  (is it installed?)
    except ImportError:
        with pytest.raises(NeurokitError, match="zarr"):
            write(ds, tmp_path / "small.zarr")
        assert not (tmp_path / "small.zarr").exists()
        return
    from neurokit.sweep import load

    write(ds, tmp_path / "small.zarr")
    xr.testing.assert_equal(load(tmp_path / "small.zarr"), ds)


def test_scheduler_without_dask_executor_is_refused(tmp_path):
    path = write_spec(tmp_path)
    with pytest.raises(FitConfigError, match="scheduler address needs executor = 'dask'"):
        run_sweep(path, progress=False, executor_kind="processes", scheduler="tcp://127.0.0.1:1")
    assert os.path.exists(path)


def test_errors_point_at_the_line_of_the_key(tmp_path):
    path = write_spec(tmp_path, **{"g_L =": "g_Leak ="})
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("g_Leak"))
    with pytest.raises(FitConfigError, match=rf"small.toml:{line}: parameters.g_Leak"):
        SweepSpec.from_toml(path)
