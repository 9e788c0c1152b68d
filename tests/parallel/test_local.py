"""Executors: results identical whatever the chunking and executor (in-process, local
processes, Dask distributed), warm worker state, and a worker killed mid-batch (the native
backend for point neurons, NEURON for a compartmental batch)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import xarray as xr

from neurokit.errors import BackendError, ParameterError
from neurokit.models.point import LIF
from neurokit.backends.base import backend_class as resolve_backend
from neurokit.parallel import InProcessExecutor, ProcessExecutor, concat_results, make_executor, run_batch, split_samples
from neurokit.parallel.local import _ChunkTask
from neurokit.parallel.dask import DaskExecutor
from neurokit.protocols import OUNoise, Protocol, Step
from parallel_support import KillOnce

BACKEND = "native"
OPTIONS = {"threads": 1}  # one OpenMP thread per worker process: no oversubscription


def batch_run(params, protocol, **kw):
    return run_batch(BACKEND, LIF, params, protocol, backend_options=OPTIONS, **kw)


@pytest.fixture(scope="module")
def protocol():
    # Noise makes every sample's input depend on its (seed, sample) stream: chunking must not matter.
    return Protocol([[Step(0.3, 0.01, 0.06)], [Step(0.2, 0.01, 0.06), OUNoise(0.05, 0.1, 0.005)]],
                    duration=0.08, dt=1e-4, sampling_interval=2e-4, seed=11)


@pytest.fixture(scope="module")
def batch():
    space = LIF.with_parameters(V_reset=(-75.0, -60.0)).space
    return space.sample(16, "sobol", seed=3)


@pytest.fixture(scope="module")
def reference(batch, protocol):
    return batch_run(batch, protocol)


@pytest.fixture(scope="module")
def dask_executor():
    # One LocalCluster (2 single-threaded worker processes) for the whole module: startup costs seconds.
    ex = DaskExecutor(workers=2, retries=2).start()
    yield ex
    ex.close()


def test_reference_is_a_real_simulation(reference, batch):
    assert reference.sizes["sample"] == 16 and reference.sizes["sweep"] == 2
    assert reference.sizes["spike"] > 0  # the steps drive some samples over threshold
    assert not reference["diverged"].any()
    # every sample starts at rest, at its own leak reversal
    np.testing.assert_allclose(reference["membrane_potential"].isel(time=0, sweep=0), batch["E_L"])


@pytest.mark.parametrize("chunks", [2, 5, 16])
def test_in_process_result_does_not_depend_on_chunking(batch, protocol, reference, chunks):
    out = batch_run(batch, protocol, chunks=chunks)
    xr.testing.assert_equal(out, reference)


def test_native_adex_result_does_not_depend_on_chunking():
    # Found 2026-11-26: results changed in the last bits (4e-12 mV after 0.1 s) with the batch
    # size, because gcc's vector loop took different paths for different block lengths.
    from neurokit.models.point import ADEX
    from neurokit.protocols import step_protocol

    proto = step_protocol([0.5], 0.01, 0.09, 0.1, 1e-4)
    params = ADEX.space.sample(256, "sobol", seed=1)  # 256 in one call vs 64 per chunk
    one = run_batch(BACKEND, ADEX, params, proto, backend_options=OPTIONS)
    xr.testing.assert_equal(run_batch(BACKEND, ADEX, params, proto, chunks=4, backend_options=OPTIONS), one)


def test_noise_differs_between_samples_but_not_between_runs(batch, protocol, reference):
    # The same parameters at another sample index draw another noise stream.
    same = batch.isel(sample=[0, 0]).assign_coords(sample=[0, 1])
    out = batch_run(same, protocol)
    vm = out["membrane_potential"].sel(sweep=1)
    assert not np.array_equal(vm.isel(sample=0), vm.isel(sample=1))
    np.testing.assert_array_equal(vm.isel(sample=0), reference["membrane_potential"].sel(sample=0, sweep=1))


def test_concat_keeps_spikes_of_chunks_after_one_without_spike_variables(batch, protocol, reference):
    parts = [batch_run(part, protocol) for part in split_samples(batch, 3)]
    parts[0] = parts[0].drop_vars(["spike_time", "spike_sample", "spike_sweep"])
    out = concat_results(parts)
    n_first = int((reference["spike_sample"] < parts[0]["sample"].values.max() + 1).sum())
    assert out.sizes["spike"] == reference.sizes["spike"] - n_first


def test_progress_reports_every_chunk(batch, protocol):
    seen = []
    batch_run(batch, protocol, chunks=4, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(4, 16), (8, 16), (12, 16), (16, 16)]


def test_process_executor_matches_in_process(batch, protocol, reference):
    with ProcessExecutor(2) as ex:
        out = batch_run(batch, protocol, executor=ex, chunks=3)
    xr.testing.assert_equal(out, reference)


def test_make_executor_kinds():
    assert isinstance(make_executor(None), InProcessExecutor)
    assert isinstance(make_executor("2"), ProcessExecutor) and make_executor(2).workers == 2
    ex = make_executor("dask://scheduler.example.org:8786")  # connects lazily: nothing happens yet
    assert isinstance(ex, DaskExecutor) and ex.address == "tcp://scheduler.example.org:8786"
    assert make_executor("dask", workers=3).workers == 3
    with pytest.raises(BackendError, match="another"):
        make_executor("dask://a:1", address="tcp://b:2")
    with pytest.raises(BackendError, match="unknown executor 'gpu-farm'"):
        make_executor("gpu-farm")


def test_resolve_backend_names_the_culprit():
    from neurokit.backends.native import NativeSimulator

    assert resolve_backend("native") is NativeSimulator
    assert resolve_backend("parallel_support:KillOnce") is KillOnce
    assert resolve_backend(KillOnce) is KillOnce
    with pytest.raises(BackendError, match="no_such_module"):
        resolve_backend("no_such_module:Sim")
    with pytest.raises(BackendError, match="not a Simulator"):
        resolve_backend("numpy:ndarray")


def test_empty_batch_is_refused(protocol):
    empty = xr.Dataset({"C": ("sample", np.array([]))}).assign_coords(sample=np.arange(0))
    with pytest.raises(ParameterError, match="no samples"):
        batch_run(empty, protocol)


def test_unreachable_scheduler_is_a_backend_error(batch, protocol):
    ex = DaskExecutor("tcp://127.0.0.1:1", connect_timeout="1s")
    with pytest.raises(BackendError, match="127.0.0.1:1"):
        batch_run(batch, protocol, executor=ex)


def test_dask_matches_in_process_and_reports_progress(dask_executor, batch, protocol, reference):
    seen = []
    out = batch_run(batch, protocol, executor=dask_executor, chunks=5,
                    progress=lambda done, total: seen.append(done))
    xr.testing.assert_equal(out, reference)
    assert sorted(seen) == seen and seen[-1] == 16 and len(seen) == 5


def test_dask_workers_inherit_cache_dir_and_keep_backends_warm(dask_executor, batch, protocol):
    client = dask_executor.client
    dirs = client.run(lambda: os.environ.get("NEUROKIT_CACHE_DIR"))
    assert set(dirs.values()) == {os.environ["NEUROKIT_CACHE_DIR"]}
    for _ in range(2):  # two batches, many chunks: still one backend instance per worker
        batch_run(batch, protocol, executor=dask_executor, chunks=6)
    cached = client.run(lambda dask_worker: dask_worker.plugins["neurokit"].cached)
    assert any(cached.values())
    for keys in cached.values():
        assert keys in ([], [(BACKEND, "[('threads', 1)]")])


def test_dask_task_errors_arrive_typed(dask_executor, protocol):
    bad = xr.Dataset({"C": ("sample", [np.nan])}).assign_coords(sample=[0])

    with pytest.raises(ParameterError, match="'C'"):
        batch_run(bad, protocol, executor=dask_executor)


def test_killed_worker_chunk_is_retried_elsewhere_with_the_same_result(dask_executor, batch, protocol,
                                                                       reference, tmp_path):
    marker = tmp_path / "killed"
    task = _ChunkTask(KillOnce, {"marker": str(marker), "kill_sample": 5, "options": OPTIONS}, LIF, protocol)
    parts = dask_executor.map(task, split_samples(batch, 4))
    killed_pid = int(marker.read_text())  # the first run of the chunk holding sample 5 died
    assert all(p.attrs["worker_pid"] != killed_pid for p in parts)
    xr.testing.assert_equal(concat_results(parts), reference)


def test_neuron_batch_on_dask_equals_in_process_and_stays_warm(dask_executor):
    """A compartmental batch: each worker loads the mechanisms and builds the cell once, keeps
    them for later chunks, and the gathered result equals the in-process one."""
    from neurokit.backends.base import backend_class
    from neurokit.models.cell import single_compartment_hh
    from neurokit.protocols import step_protocol

    if not backend_class("neuron").is_available():
        pytest.skip(backend_class("neuron").unavailable_reason())
    cell = single_compartment_hh()
    proto = step_protocol([0.05, 0.1], 0.005, 0.035, 0.04, 2.5e-5, sampling_interval=1e-4)
    params = cell.space.sample(8, "sobol", seed=0)
    ref = run_batch("neuron", cell, params, proto)
    assert ref.sizes["spike"] > 0 and not ref["diverged"].any()
    for _ in range(2):
        out = run_batch("neuron", cell, params, proto, executor=dask_executor, chunks=4)
        xr.testing.assert_equal(out, ref)
    cached = dask_executor.client.run(lambda dask_worker: dask_worker.plugins["neurokit"].cached)
    assert ("neuron", "[]") in sum(cached.values(), [])


FIT = """\
name = "lif_dask"
seed = 3
budget = 48

[model]
name = "lif"
backend = "native"
backend_options = {{ threads = 1 }}
dt = "0.1 ms"

[model.fixed]
t_ref = "2 ms"
V_reset = "-60 mV"

[parameters]
C = [50, 400]
g_L = {{ bounds = ["2 nS", "30 nS"], transform = "log" }}
E_L = [-80, -55]
V_th = [-60, -40]

[recording]
path = "{rec}"
train = [0, 1, 2, 3]
sampling_interval = "1 ms"

[[objectives]]
kind = "gamma"

[[objectives]]
kind = "count"

[optimiser]
method = "cmaes"
popsize = 8
"""


def test_fit_with_a_killed_dask_worker_ends_with_the_in_process_best(dask_executor, tmp_path):
    """The fitting engine's batches through Dask: a worker killed while it runs the first chunk
    of the first generation changes nothing in the fit's outcome."""
    from neurokit.fitting import Fitter
    from parallel_support import KillOnFirstTask, synthetic_recording

    synthetic_recording(LIF, tmp_path / "rec.nc")
    path = tmp_path / "fit.toml"
    path.write_text(FIT.format(rec=tmp_path / "rec.nc"))
    ref = Fitter(path, checkpoint=False, output_dir=tmp_path / "ref").fit()
    marker = tmp_path / "killed"
    client = dask_executor.client
    client.register_plugin(KillOnFirstTask(str(marker)), name=KillOnFirstTask.name)
    try:
        out = Fitter(path, checkpoint=False, output_dir=tmp_path / "dask", executor=dask_executor).fit()
    finally:
        client.unregister_worker_plugin(KillOnFirstTask.name)
    assert marker.exists()  # a worker really died under the fit
    assert out.best_params_ == ref.best_params_
    assert out.best_score_ == ref.best_score_ and out.evaluations_ == ref.evaluations_


def test_fit_command_takes_a_dask_scheduler(tmp_path):
    """`neurokit fit FILE --scheduler ADDR`: the same fit file, its batches on a Dask cluster
    (threaded workers here, quick to start), the same best parameters as in process."""
    from click.testing import CliRunner
    from distributed import LocalCluster

    from neurokit.cli.main import cli
    from parallel_support import synthetic_recording

    synthetic_recording(LIF, tmp_path / "rec.nc")
    path = tmp_path / "fit.toml"
    path.write_text(FIT.format(rec=tmp_path / "rec.nc").replace("budget = 48", "budget = 16"))
    args = ["fit", str(path), "--quiet", "--no-figure"]
    local = CliRunner().invoke(cli, args + ["--output", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        remote = CliRunner().invoke(cli, args + ["--output", str(tmp_path / "dask"),
                                                 "--scheduler", cluster.scheduler_address])
    assert remote.exit_code == 0, remote.output
    best = [(tmp_path / d / "best_parameters.toml").read_text() for d in ("local", "dask")]
    assert best[0] == best[1] and "C" in best[0]


def test_scheduler_without_workers_is_a_backend_error():
    from distributed import LocalCluster

    # connect_timeout bounds both the connection and the wait for a worker: 5 s so that a
    # slow connection on a loaded machine is not mistaken for the missing worker
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster:
        with DaskExecutor(cluster.scheduler_address, connect_timeout="5s") as ex:
            with pytest.raises(BackendError, match="no Dask worker joined"):
                ex.workers
