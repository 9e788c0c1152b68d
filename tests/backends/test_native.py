"""The native backend's contract: conforming datasets, parameters, recording, spikes,
divergence, overflow, errors, and fallbacks."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from neurokit import schema
from neurokit.backends.base import get_backend
from neurokit.backends.native import NativeSimulator
from neurokit.codegen.frontend import model_from_equations
from neurokit.errors import BackendError, CompilerError, ModelError, ParameterError, ProtocolError
from neurokit.models.point import ADEX, GIF, IZHIKEVICH, LIF
from neurokit.protocols import Protocol, Step, step_protocol


@pytest.fixture(scope="module")
def proto():
    return step_protocol([0.3, 0.6], start=0.02, stop=0.12, duration=0.15, dt=1e-4,
                         record=("membrane_potential", "w"), sampling_interval=5e-4)


def test_registry_gives_native():
    sim = get_backend("native", target="c", threads=1)
    assert isinstance(sim, NativeSimulator) and sim.name == "native"


def test_dataset_conforms_and_has_batch_shape(proto):
    ds = NativeSimulator(target="c").simulate(ADEX, {"b": [40.0, 80.0, 160.0]}, proto)
    schema.assert_conforms(ds)
    assert ds.membrane_potential.dims == ("sample", "sweep", "time")
    assert ds.membrane_potential.shape == (3, 2, 300)
    assert ds.membrane_potential.attrs["units"] == "mV"
    assert ds.w.attrs["units"] == "nA"
    np.testing.assert_allclose(ds.time.values, proto.recorded_time())
    assert ds.diverged.dtype == bool and not ds.diverged.any()
    assert ds.attrs["backend"] == "native" and ds.attrs["target"] == "c"
    assert ds.attrs["dt_s"] == 1e-4 and ds.attrs["sampling_interval_s"] == 5e-4
    # starts at E_L (the model's initial value), in mV
    np.testing.assert_allclose(ds.membrane_potential.values[:, :, 0], -70.6)
    # more adaptation, fewer spikes on the strong sweep
    counts = [schema.spike_times(ds, sample=s, sweep=1).size for s in range(3)]
    assert counts[0] >= counts[2] and counts[0] > 0


def test_defaults_fill_missing_parameters_and_bounds_are_checked(proto):
    sim = NativeSimulator(target="c")
    a = sim.simulate(LIF, {}, proto.replace(record=("membrane_potential",)))
    b = sim.simulate(LIF, LIF.space.defaults(), proto.replace(record=("membrane_potential",)))
    np.testing.assert_array_equal(a.membrane_potential.values, b.membrane_potential.values)
    with pytest.raises(ParameterError, match="g_L"):
        sim.simulate(LIF, {"g_L": [-5.0]}, proto)


def test_spikes_stamped_at_step_start_and_refractory(proto):
    ds = NativeSimulator(target="c").simulate(LIF, {"t_ref": [5.0]}, proto.replace(record=("membrane_potential",)))
    t = schema.spike_times(ds, sample=0, sweep=1)
    assert t.size >= 2
    steps = t / proto.dt
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)  # on the step grid
    assert np.diff(t).min() >= 5e-3 - 1e-9  # refractory period respected


def test_settle_discards_the_start():
    p = Protocol([[Step(0.0, 0.0, 0.05)]], duration=0.05, dt=1e-4, settle=0.2)
    ds = NativeSimulator(target="c").simulate(GIF, {"E_L": [-60.0]}, p)
    np.testing.assert_allclose(ds.membrane_potential.values[0, 0, 0], -60.0, atol=1e-6)


def test_diverging_sample_is_marked_and_others_complete():
    # v' = a v^2 blows up in finite time for a > 0 and relaxes for a <= 0
    model = model_from_equations("dv/dt = a*v*v/(volt*tau) : volt\ntau : second\na : 1",
                                 initial={"v": "10*mV"}, name="blowup", defaults={"tau": 0.01})
    p = Protocol([[]], duration=0.05, dt=1e-4)
    for target in ("c", "numpy"):
        ds = NativeSimulator(target=target).simulate(model, {"a": [0.0, 100.0, -100.0]}, p)
        assert ds.diverged.values.tolist() == [False, True, False]
        assert np.isfinite(ds.membrane_potential.values[0]).all()
        assert np.isnan(ds.membrane_potential.values[1, 0, -1])


def test_spike_overflow_is_marked_or_raised():
    p = step_protocol([1.0], 0.0, 0.1, duration=0.1, dt=1e-4)
    model = IZHIKEVICH
    ds = NativeSimulator(target="c", max_rate=20.0).simulate(model, {"d": [0.0], "a": [1000.0]}, p)
    kept = ds.sizes["spike"]
    assert ds.spikes_dropped.values.sum() > 0 and kept == 2 + 16
    full = NativeSimulator(target="c").simulate(model, {"d": [0.0], "a": [1000.0]}, p)
    assert full.sizes["spike"] == kept + int(ds.spikes_dropped.values.sum())
    with pytest.raises(BackendError, match="buffer"):
        NativeSimulator(target="c", max_rate=20.0, on_overflow="raise").simulate(model, {"d": [0.0], "a": [1000.0]}, p)


def test_record_errors_and_stimulus_without_input_variable(proto):
    with pytest.raises(ProtocolError, match="cannot record 'x'"):
        NativeSimulator(target="numpy").simulate(LIF, {}, proto.replace(record=("x",)))
    model = model_from_equations("dv/dt = -v/tau : volt\ntau : second", name="nostim", defaults={"tau": 0.01})
    with pytest.raises(ProtocolError, match="no stimulus"):
        NativeSimulator(target="numpy").simulate(model, {}, proto.replace(record=()))


def test_plain_equation_string_is_accepted():
    p = Protocol([[]], duration=0.01, dt=1e-4, record=())
    with pytest.raises(ParameterError, match="tau"):
        NativeSimulator(target="numpy").simulate("dv/dt = -v/tau : volt\ntau : second", {}, p)
    ds = NativeSimulator(target="numpy").simulate("dv/dt = (1*mV - v)/tau : volt\ntau : second",
                                                  {"tau": [0.01, 0.02]}, p.replace(record=("membrane_potential",)))
    assert ds.membrane_potential.shape == (2, 1, 100)


class _SimulatesItself:
    def run_native(self, params, protocol, target, threads):
        return xr.Dataset()


def test_rate_models_are_dispatched_by_kind_others_refused(proto):
    from neurokit.models.rate import WilsonCowan
    from neurokit.models.rate_networks import RateNetwork

    p = Protocol([[]], duration=0.01, dt=1e-4, record=("activity",))
    out = NativeSimulator(target="numpy", threads=3).simulate(WilsonCowan(), {}, p)
    assert out.attrs["target"] == "numpy" and out.activity.dims == ("sample", "sweep", "time", "node")
    net = NativeSimulator(target="c").simulate(RateNetwork(np.zeros((2, 2)), bias=[1.0, 2.0]), {}, p)
    assert net.attrs["target"] == "c" and net.activity.shape == (1, 1, 100, 2)
    with pytest.raises(ModelError, match="int"):
        NativeSimulator().simulate(42, {}, proto)
    with pytest.raises(ModelError, match="_SimulatesItself"):  # a run_native method is not a contract
        NativeSimulator().simulate(_SimulatesItself(), {}, proto)


def test_bad_settings_are_backend_errors():
    for kwargs in ({"target": "gpu"}, {"dtype": "float16"}, {"on_overflow": "ignore"}, {"max_rate": 0}):
        with pytest.raises(BackendError):
            NativeSimulator(**kwargs)


def test_without_a_compiler_auto_uses_numpy_and_c_raises(proto, monkeypatch, caplog):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CC", raising=False)
    sim = NativeSimulator(target="auto")
    with caplog.at_level("WARNING", logger="neurokit.backends.native"):
        assert sim.resolved_target() == "numpy"
    assert "no C compiler" in caplog.text and "NumPy" in caplog.text
    ds = sim.simulate(model_from_equations("dv/dt = -v/tau : volt\ntau : second", name="nocc2",
                                           defaults={"tau": 0.01}), {}, Protocol([[]], duration=0.01, dt=1e-4))
    assert ds.attrs["target"] == "numpy"
    with pytest.raises(CompilerError, match="no C compiler"):
        NativeSimulator(target="c").simulate(model_from_equations(
            "dv/dt = -v/tau2 : volt\ntau2 : second", name="nocc3", defaults={"tau2": 0.01}),
            {}, Protocol([[]], duration=0.01, dt=1e-4))


# -- device selection (CUDA target) -----------------------------------------------------------

def _small_adex_run(**options):
    from neurokit.models.point import ADEX
    from neurokit.protocols import step_protocol

    proto = step_protocol([0.5], start=0.01, stop=0.04, duration=0.05, dt=1e-4)
    return NativeSimulator(**options).simulate(ADEX, {"b": [50.0, 80.0]}, proto)


def test_auto_device_falls_back_to_the_cpu_without_a_gpu():
    from neurokit.codegen.targets.cuda import gpu_available

    if gpu_available():
        pytest.skip("a GPU is present: auto picks it")
    ds = _small_adex_run(device="auto")
    assert ds.attrs["target"] in ("c", "numpy") and ds.attrs["dtype"] == "float64"
    xr.testing.assert_identical(ds.drop_attrs(), _small_adex_run(device="cpu").drop_attrs())


def test_cuda_device_without_a_gpu_says_why():
    from neurokit.codegen.targets.cuda import gpu_available

    if gpu_available():
        pytest.skip("a GPU is present")
    with pytest.raises(BackendError, match="no CUDA device"):
        _small_adex_run(device="cuda")


def test_bad_device_options_are_rejected():
    with pytest.raises(BackendError, match="dtype 'float16' is not supported"):
        NativeSimulator(device="cpu", dtype="float16")
    with pytest.raises(BackendError, match="unknown device 'tpu'"):
        NativeSimulator(device="tpu")


@pytest.mark.parametrize("threads", [1, 2])
def test_a_sample_is_bitwise_the_same_in_any_batch(threads):
    # gcc's vector loop rounds differently in its scalar prologue/epilogue and for other trip
    # counts; fixed blocks, padding and aligned arrays keep every neuron on one path.
    proto = step_protocol([0.5], 0.01, 0.09, 0.1, 1e-4)
    params = ADEX.space.sample(200, "sobol", seed=1)
    sim = NativeSimulator(target="c", threads=threads)
    whole = sim.simulate(ADEX, params, proto)
    for part in (slice(0, 3), slice(61, 130), slice(199, 200)):
        piece = sim.simulate(ADEX, params.isel(sample=part), proto)
        np.testing.assert_array_equal(piece.membrane_potential.values,
                                      whole.membrane_potential.values[part])


# -- float32 on the CPU -----------------------------------------------------------------------

def test_float32_on_the_cpu_gives_float64_spike_counts_on_an_hh_batch():
    from neurokit.models.point import HH

    proto = step_protocol(list(np.linspace(0.0, 0.7, 8)), start=0.01, stop=0.09, duration=0.1, dt=2.5e-5)
    params = {"g_Na": [15000.0, 20000.0, 30000.0], "C": [150.0, 200.0, 250.0]}
    runs = {dt: NativeSimulator(target="c", threads=2, dtype=dt).simulate(HH, params, proto)
            for dt in ("float64", "float32")}
    assert runs["float32"].attrs["dtype"] == "float32" and runs["float64"].attrs["dtype"] == "float64"
    assert runs["float32"].membrane_potential.dtype == np.float64  # results are float64 either way

    def counts(ds):
        return np.bincount(ds.spike_sample.values * 8 + ds.spike_sweep.values, minlength=24)

    assert counts(runs["float64"]).sum() > 50
    np.testing.assert_array_equal(counts(runs["float32"]), counts(runs["float64"]))
    np.testing.assert_allclose(runs["float32"].spike_time.values, runs["float64"].spike_time.values, atol=2e-4)


def test_float32_runs_on_the_numpy_target_in_float64():
    ds = _small_adex_run(target="numpy", dtype="float32")
    assert ds.attrs["target"] == "numpy" and ds.attrs["dtype"] == "float64"
