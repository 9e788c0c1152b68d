"""Running sweeps: one dataset whatever the chunking or executor, written atomically to netCDF
or zarr (the sweep file itself: tests/config/test_sweep.py)."""

from __future__ import annotations

import os
import numpy as np
import pytest
import xarray as xr

from neurokit import schema
from neurokit.errors import FitConfigError, NeurokitError
from neurokit.sweep import run_sweep, write


def test_sweep_result_is_one_dataset_with_the_design_on_sample(tmp_path, sweep_file):
    path = sweep_file()
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


def test_sweep_result_does_not_depend_on_chunking(sweep_file):
    noisy = {'steps = { amplitudes = ["150 pA", "300 pA"], start = "10 ms", stop = "90 ms" }':
             'sweeps = [[{ kind = "ou_noise", mean = "200 pA", sigma = "100 pA", tau = "5 ms" }]]'}
    one = run_sweep(sweep_file(chunk_size=100, replace=noisy), progress=False)
    many = run_sweep(sweep_file(chunk_size=2, replace=noisy), progress=False)
    xr.testing.assert_equal(one, many)


def test_sweep_on_a_dask_scheduler_address_equals_in_process(sweep_file):
    from distributed import LocalCluster

    path = sweep_file(chunk_size=3)
    ref = run_sweep(path, progress=False)
    # Threaded workers start in a fraction of a second; process workers (and killing them) are
    # covered in test_parallel.py. What is tested here is the sweep through a scheduler address.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        out = run_sweep(path, progress=False, executor_kind="dask", scheduler=cluster.scheduler_address)
    xr.testing.assert_equal(out, ref)


def test_zarr_output(tmp_path, sweep_file):
    path = sweep_file()
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


def test_scheduler_without_dask_executor_is_refused(tmp_path, sweep_file):
    path = sweep_file()
    with pytest.raises(FitConfigError, match="scheduler address needs executor = 'dask'"):
        run_sweep(path, progress=False, executor_kind="processes", scheduler="tcp://127.0.0.1:1")
    assert os.path.exists(path)
