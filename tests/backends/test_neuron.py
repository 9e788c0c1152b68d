"""The neuron backend: the simulate contract, analytic checks, clamps, synapses, batches."""

from __future__ import annotations

import math
import os
import textwrap

import numpy as np
import pytest
import xarray as xr

from neurokit import schema
from neurokit.backends import get_backend
from neurokit.errors import ModelError, ParameterError
from neurokit.models.cell import (CellModel, Location, Region, Synapse, VoltageClamp, ball_and_stick,
                                  single_compartment_hh)
from neurokit.models.morphology import Morphology, SectionSpec
from neurokit.models.point import LIF
from neurokit.params import Parameter
from neurokit.protocols import Protocol, Step, step_protocol

# The only reason to skip: NEURON cannot be imported. Installed but broken (no nrnivmodl, say)
# must fail, not skip.
pytest.importorskip("neuron", reason="NEURON is not installed")

# A test-only mechanism that makes a sample slow or stuck by sleeping, so the timeout tests do
# not depend on how fast this machine simulates: sleep_ms is slept at every current evaluation
# (at least twice per step), block_s once at initialisation.
SLEEPER = textwrap.dedent("""
    NEURON { SUFFIX nk_test_sleep NONSPECIFIC_CURRENT i RANGE sleep_ms, block_s }
    UNITS { (mA) = (milliamp) }
    PARAMETER { sleep_ms = 0 block_s = 0 }
    ASSIGNED { i (mA/cm2) }
    VERBATIM
    #include <unistd.h>
    ENDVERBATIM
    INITIAL {
    VERBATIM
        if (block_s > 0) { sleep((unsigned int) block_s); }
    ENDVERBATIM
    }
    BREAKPOINT {
    VERBATIM
        if (sleep_ms > 0) { usleep((useconds_t) (sleep_ms * 1000.0)); }
    ENDVERBATIM
        i = 0
    }
""")


@pytest.fixture(scope="module")
def sim():
    from neurokit.backends.neuron import NeuronSimulator

    with NeuronSimulator() as s:
        yield s


@pytest.fixture(scope="module")
def hh_steps():
    return step_protocol([0.0, 0.3, 1.0], start=0.01, stop=0.06, duration=0.07, dt=2.5e-5,
                         sampling_interval=1e-4)


def _counts(ds, sample=0):
    return [len(schema.spike_times(ds, sample=sample, sweep=k)) for k in range(ds.sizes["sweep"])]


def test_registry_gives_the_neuron_backend():
    sim = get_backend("neuron", timeout=5.0)
    assert sim.name == "neuron" and sim.timeout == 5.0


def test_hh_cell_conforms_and_fires_more_with_more_current(sim, hh_steps):
    ds = sim.simulate(single_compartment_hh(), {}, hh_steps)
    schema.assert_conforms(ds)
    assert ds.membrane_potential.dims == ("sample", "sweep", "time")
    assert ds.attrs["backend"] == "neuron" and ds.attrs["dt_s"] == 2.5e-5
    np.testing.assert_allclose(ds.time.values, hh_steps.recorded_time())
    counts = _counts(ds)
    assert counts[0] == 0 and 0 < counts[1] < counts[2]
    v = ds.membrane_potential.isel(sample=0, sweep=0).values
    assert np.all(np.abs(v + 65.0) < 1.0)  # no input: stays near E_L
    times = schema.spike_times(ds, sample=0, sweep=2)
    assert np.all((times > 0.01) & (times < 0.065))
    assert not ds.diverged.any() and (ds.error == "").all()


def test_passive_cable_matches_analytic_attenuation(sim):
    # Sealed-end cable, L = lambda = 1000 um (Rm = 20000 ohm cm2, d = 2 um, Ri = 100 ohm cm):
    # steady V(x)/V(0) = cosh((L - x)/lambda) / cosh(L/lambda).
    nseg = 201
    length = 1000.0
    cable = Morphology.from_sections([SectionSpec("soma", "soma", length, 2.0, nseg=nseg)])
    xs = (np.array([0, 50, 100, 150, 200]) + 0.5) / nseg
    model = CellModel("cable", cable,
                      regions=(Region("soma", ("nk_leak",), {"g_nk_leak": 5e-5, "e_nk_leak": 0.0,
                                                             "cm": 1.0, "Ra": 100.0}),),
                      stimulus_location=Location("soma", xs[0]), v_init=0.0, d_lambda=None,
                      recordings=tuple(Location("soma", x) for x in xs))
    proto = Protocol([[Step(0.05, 0.0, 0.4)]], duration=0.4, dt=1e-4, sampling_interval=1e-3)
    ds = sim.simulate(model, {}, proto)
    schema.assert_conforms(ds)
    v_end = ds.membrane_potential.isel(sample=0, sweep=0, time=-1).values
    lam = math.sqrt(20000.0 * 2e-4 / (4 * 100.0)) * 1e4  # um
    x_um = xs * length
    expected = np.cosh((length - x_um) / lam) / np.cosh((length - x_um[0]) / lam)
    np.testing.assert_allclose(v_end / v_end[0], expected, rtol=5e-3)
    np.testing.assert_allclose(ds.path_distance.values, np.abs(x_um - 500.0), atol=1e-6)
    assert list(ds.section.values) == ["soma"] * 5


def test_voltage_clamp_current_of_a_passive_cell(sim):
    # 20000 um2 at 5e-5 S/cm2 = 10 nS; holding 20 mV above E_L takes +0.2 nA into the cell.
    vc = VoltageClamp(sweeps=(((0.02, -65.0), (0.05, -45.0), (0.03, -65.0)),
                              ((0.02, -65.0), (0.05, -85.0), (0.03, -65.0))))
    model = CellModel("vc", Morphology.single_compartment(),
                      regions=(Region("soma", ("nk_leak",), {"g_nk_leak": 5e-5, "e_nk_leak": -65.0}),),
                      voltage_clamp=vc, v_init=-65.0, d_lambda=None)
    proto = Protocol([[], []], duration=0.1, dt=2.5e-5, sampling_interval=1e-4)
    ds = sim.simulate(model, {}, proto)
    schema.assert_conforms(ds)
    i = ds.clamp_current.isel(sample=0)
    assert float(i.sel(time=0.06, method="nearest").isel(sweep=0)) == pytest.approx(0.2, rel=1e-3)
    assert float(i.sel(time=0.06, method="nearest").isel(sweep=1)) == pytest.approx(-0.2, rel=1e-3)
    assert float(ds.membrane_potential.isel(sample=0, sweep=0).sel(time=0.06, method="nearest")) == pytest.approx(-45.0, abs=0.01)


def test_synapse_on_dendrite_depolarises_soma_less_than_dendrite(sim):
    # A passive ball-and-stick: the EPSP spreads and attenuates towards the soma.
    model = ball_and_stick(
        regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 150.0, "e_nk_leak": -70.0}),
                 Region("apical")),
        synapses=(Synapse("ampa", Location("apical", distance=250.0), (0.02,), weight=0.001),),
        parameters=(Parameter("g_nk_leak.all", "S/cm2", (1e-6, 1e-3), 5e-5),
                    Parameter("weight.ampa", "uS", (0.0, 0.1), 0.001)))
    proto = Protocol([[]], duration=0.06, dt=2.5e-5, sampling_interval=1e-4, settle=0.1)
    ds = sim.simulate(model, {"weight.ampa": [0.001, 0.0]}, proto)
    schema.assert_conforms(ds)
    v = ds.membrane_potential.isel(sweep=0)
    before = v.sel(time=slice(0.0, 0.019))
    after = v.sel(time=slice(0.02, 0.06))
    rest = before.isel(sample=0).mean("time")
    assert np.ptp(before.isel(sample=0).values, axis=-1).max() < 0.05  # settled before the input
    rise = (after.isel(sample=0).max("time") - rest).values  # soma, dendrite
    assert 0.5 < rise[0] < rise[1]
    assert np.ptp(v.isel(sample=1).values, axis=-1).max() < 0.05  # weight 0: nothing happens
    assert ds.membrane_potential.dims == ("sample", "sweep", "compartment", "time")


def test_settling_period_is_dropped(sim):
    model = single_compartment_hh(v_init=-80.0)
    proto = Protocol([[]], duration=0.02, dt=2.5e-5, sampling_interval=1e-4, settle=0.2)
    v = sim.simulate(model, {}, proto).membrane_potential.isel(sample=0, sweep=0).values
    assert abs(v[0] - v[-1]) < 0.05 and abs(v[0] + 80.0) > 5.0


def test_per_sample_errors_do_not_stop_the_batch(sim, hh_steps):
    params = {"gnabar_nk_hh_traub.soma": [0.1, np.nan, 5.0, 0.1]}
    ds = sim.simulate(single_compartment_hh(), params, hh_steps)
    schema.assert_conforms(ds)
    assert list(ds.diverged.values) == [False, True, True, False]
    assert "non-finite" in str(ds.error.values[1]) and "gnabar_nk_hh_traub.soma" in str(ds.error.values[1])
    assert "outside bounds" in str(ds.error.values[2])
    assert np.isnan(ds.membrane_potential.isel(sample=1).values).all()
    np.testing.assert_array_equal(ds.membrane_potential.isel(sample=0).values,
                                  ds.membrane_potential.isel(sample=3).values)
    assert _counts(ds, 0) == _counts(ds, 3)


@pytest.fixture(scope="module")
def sleepy_cell(tmp_path_factory):
    """The HH compartment plus the sleeping mechanism, its sleep as free parameters."""
    folder = tmp_path_factory.mktemp("sleeper")
    (folder / "nk_test_sleep.mod").write_text(SLEEPER)
    hh = single_compartment_hh()
    soma = hh.regions[0]
    return hh.replace(
        name="sleepy_hh", mechanism_folders=(str(folder),),
        regions=(Region("soma", soma.mechanisms + ("nk_test_sleep",), soma.values),),
        parameters=hh.parameters + (Parameter("sleep_ms_nk_test_sleep.soma", "ms", (0.0, 100.0), 0.0),
                                    Parameter("block_s_nk_test_sleep.soma", "s", (0.0, 3600.0), 0.0)))


@pytest.mark.parametrize("processes", [False, True], ids=["in_process", "worker"])
def test_timeout_marks_only_the_slow_sample(sleepy_cell, processes):
    from neurokit.backends.neuron import NeuronSimulator

    # 8000 steps: the slow sample sleeps >= 2 ms per step (>= 16 s) against a 3 s timeout,
    # whatever the CPU; a fast one runs in milliseconds, so only a 100-fold slowdown could
    # make it overrun.
    proto = Protocol([[]], duration=0.2, dt=2.5e-5, sampling_interval=1e-3)
    with NeuronSimulator(timeout=3.0, processes=processes) as sim:
        ds = sim.simulate(sleepy_cell, {"sleep_ms_nk_test_sleep.soma": [0.0, 1.0, 0.0]}, proto)
    assert list(ds.diverged.values) == [False, True, False]
    assert str(ds.error.values[1]).startswith("timeout after 3 s")
    assert (ds.error.values[[0, 2]] == "").all()
    assert np.isfinite(ds.membrane_potential.isel(sample=[0, 2]).values).all()


def test_stuck_worker_is_killed_and_replaced(sleepy_cell):
    from neurokit.backends.neuron import NeuronSimulator

    # The stuck sample blocks inside NEURON's initialisation for an hour, where no timeout
    # check can reach it: the pool kills its worker after 1.5 * timeout + 5 s and goes on.
    proto = Protocol([[]], duration=0.01, dt=2.5e-5, sampling_interval=1e-3)
    with NeuronSimulator(timeout=1.0, processes=True) as sim:
        ds = sim.simulate(sleepy_cell, {"block_s_nk_test_sleep.soma": [0.0, 3600.0, 0.0]}, proto)
        again = sim.simulate(sleepy_cell, {}, proto)  # the replacement worker runs
    assert list(ds.diverged.values) == [False, True, False]
    assert "was killed" in str(ds.error.values[1])
    assert not again.diverged.any()
    np.testing.assert_array_equal(ds.membrane_potential.isel(sample=0).values,
                                  again.membrane_potential.isel(sample=0).values)


def test_units_of_params_are_converted(sim, hh_steps):
    a = sim.simulate(single_compartment_hh(), {"gkbar_nk_hh_traub.soma": [0.03]}, hh_steps)
    params = xr.Dataset({"gkbar_nk_hh_traub.soma": ("sample", [30.0], {"units": "mS/cm2"})})
    b = sim.simulate(single_compartment_hh(), params, hh_steps)
    np.testing.assert_array_equal(a.membrane_potential.values, b.membrane_potential.values)


def test_bad_input_is_named(sim, hh_steps):
    with pytest.raises(ParameterError, match="gbar_nope"):
        sim.simulate(single_compartment_hh(), {"gbar_nope.soma": [1.0]}, hh_steps)
    with pytest.raises(ModelError, match="CellModel"):
        sim.simulate(LIF, {}, hh_steps)


def test_replay_of_a_recorded_current(sim):
    t = np.arange(0, 0.05, 1e-4)
    cur = np.where((t > 0.01) & (t < 0.04), 1.0, 0.0)
    rec = xr.Dataset({"stimulus_current": (("sweep", "time"), cur[None, :], schema.attrs_for("stimulus_current"))},
                     coords={"time": ("time", t, schema.attrs_for("time"))})
    proto = Protocol.from_recording(rec, dt=2.5e-5)
    ds = sim.simulate(single_compartment_hh(), {}, proto)
    steps = step_protocol([1.0], 0.01 + 1e-4, 0.04, 0.05, 2.5e-5, sampling_interval=1e-4)
    ref = sim.simulate(single_compartment_hh(), {}, steps)
    assert _counts(ds) == _counts(ref) and _counts(ds)[0] > 2
    np.testing.assert_allclose(schema.spike_times(ds), schema.spike_times(ref), atol=2e-4)


@pytest.mark.parametrize("name", ["ca1_n120.swc", "allen_485574832.swc"])
def test_real_morphologies_simulate(sim, data_dir, name):
    model = CellModel(
        name, Morphology.from_file(os.path.join(data_dir, "morphologies", name)),
        regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 150.0, "g_nk_leak": 5e-5, "e_nk_leak": -70.0}),
                 Region("soma", ("nk_na", "nk_kdr"), {"gbar_nk_na": 0.2, "gbar_nk_kdr": 0.05,
                                                      "ena": 50.0, "ek": -85.0})),
        v_init=-70.0, recordings=(Location("soma"), Location("basal", distance=150.0)))
    proto = step_protocol([0.0, 1.0], 0.005, 0.025, 0.03, 2.5e-5, sampling_interval=2.5e-4)
    ds = sim.simulate(model, {}, proto)
    schema.assert_conforms(ds)
    assert not ds.diverged.any()
    v = ds.membrane_potential.isel(sample=0)
    assert np.all(np.abs(v.isel(sweep=0).values + 70.0) < 0.5)  # at rest without input
    assert len(schema.spike_times(ds, sample=0, sweep=1)) >= 1
    assert ds.path_distance.values[1] == pytest.approx(150.0, abs=30.0)
    # The dendrite follows the soma's spike, attenuated.
    assert float(v.isel(sweep=1, compartment=1).max()) < float(v.isel(sweep=1, compartment=0).max())


def test_worker_processes_match_in_process_and_isolate_errors(sim, hh_steps):
    from neurokit.backends.neuron import NeuronSimulator

    params = {"gnabar_nk_hh_traub.soma": [0.1, 0.05, np.nan, 0.2, 0.08]}
    local = sim.simulate(single_compartment_hh(), params, hh_steps)
    with NeuronSimulator(workers=2) as pooled:
        remote = pooled.simulate(single_compartment_hh(), params, hh_steps)
        again = pooled.simulate(single_compartment_hh(), params, hh_steps)  # reuses the workers
    schema.assert_conforms(remote)
    np.testing.assert_array_equal(local.membrane_potential.values, remote.membrane_potential.values)
    np.testing.assert_array_equal(remote.membrane_potential.values, again.membrane_potential.values)
    assert list(remote.diverged.values) == [False, False, True, False, False]
    for s in range(5):
        assert _counts(local, s) == _counts(remote, s)


def test_importing_neurokit_does_not_load_neuron():
    import subprocess
    import sys

    code = ("import sys, neurokit.backends.neuron, neurokit.models.cell, neurokit.backends.neuron.mechanisms; "
            "sys.exit(1 if 'neuron' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_second_in_process_simulator_takes_over_the_cell(sim, hh_steps):
    from neurokit.backends.neuron import NeuronSimulator

    first = sim.simulate(single_compartment_hh(), {}, hh_steps)
    with NeuronSimulator() as other:
        second = other.simulate(ball_and_stick(), {}, hh_steps)
        assert sim._runner is None  # NEURON now holds only the other simulator's cell
    again = sim.simulate(single_compartment_hh(), {}, hh_steps)  # rebuilt on demand
    np.testing.assert_array_equal(first.membrane_potential.values, again.membrane_potential.values)
    assert second.membrane_potential.dims == ("sample", "sweep", "compartment", "time")


def test_per_sample_values_reach_every_segment(sim):
    """The per-sample fast paths (a value set per section; a distance-only scaling evaluated
    once at build) give each segment the value the per-segment rule defines, sample after
    sample, with a region's own value overriding ``all`` and a missing mechanism still named."""
    from neuron import h

    model = CellModel(
        "values", Morphology.y_cell(),
        regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 150.0, "g_nk_leak": 3e-5}),
                 Region("soma", ("nk_na",), {"g_nk_leak": 1e-4}),
                 Region("apical", ("nk_ih",), {"gbar_nk_ih": 1e-4})),
        parameters=(Parameter("e_nk_leak.all", "mV", (-90.0, -50.0), -70.0),
                    Parameter("gbar_nk_na.soma", "S/cm2", (0.01, 1.0), 0.2),
                    Parameter("lam", "um", (10.0, 1000.0), 100.0)),
        scaling={"gbar_nk_ih.apical": "exp(d / lam)", "e_nk_leak.all": "1 - d / 1e4"})
    sim.start(model)
    cell = sim._runner.cell
    for e_leak, lam in ((-70.0, 100.0), (-60.0, 300.0), (-70.0, 100.0)):
        cell.apply({"e_nk_leak.all": e_leak, "lam": lam})
        for name, region, sec in cell.sections:
            assert sec.Ra == 150.0
            for seg in sec:
                d = h.distance(cell.origin, seg)
                assert seg.g_nk_leak == (1e-4 if region == "soma" else 3e-5)
                assert seg.e_nk_leak == pytest.approx(e_leak * (1 - d / 1e4), rel=1e-12)
                if region == "apical":
                    assert seg.gbar_nk_ih == pytest.approx(1e-4 * math.exp(d / lam), rel=1e-12)
    bad = model.replace(name="bad", parameters=(Parameter("gbar_nk_na.apical", "S/cm2", (0.01, 1.0), 0.2),),
                        scaling={}, regions=model.regions)
    others = len(list(h.allsec())) - len(cell.sections)  # sections of cells not this one
    with pytest.raises(ModelError, match="gbar_nk_na.apical"):
        sim.start(bad)
    assert len(list(h.allsec())) == others  # the failed build left no sections behind
