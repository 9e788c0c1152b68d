"""Running samples of a built cell (neurokit.backends.neuron.runner): CVode recording."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.neuron import NeuronSimulator
from neurokit.models.cell import ball_and_stick
from neurokit.models.sites import Location
from neurokit.protocols import Step, step_protocol

pytest.importorskip("neuron", reason="NEURON is not installed")


def test_cvode_records_on_the_protocol_grid_and_matches_fixed_step():
    # Under CVode the runner records at the integrator's steps and interpolates onto the
    # protocol's grid; the result must sit on that grid and agree with a fine fixed step.
    model = ball_and_stick(recordings=(Location("soma"), Location("apical", distance=250.0)))
    protocol = step_protocol([0.0, 0.3], start=0.02, stop=0.12, duration=0.15, dt=1e-5,
                             sampling_interval=1e-4, settle=0.01)
    fixed = NeuronSimulator().simulate(model, {}, protocol)
    sim = NeuronSimulator(cvode=True)
    try:
        cv = sim.simulate(model, {}, protocol)
    finally:
        sim.close()
    assert cv.membrane_potential.shape == fixed.membrane_potential.shape
    np.testing.assert_array_equal(cv.time.values, fixed.time.values)
    v_cv, v_fx = cv.membrane_potential.values, fixed.membrane_potential.values
    assert np.isfinite(v_cv).all()
    # dims (sample, sweep, compartment, time); sweep 0 has no input: both stay at rest.
    assert np.abs(v_cv[0, 0] - v_fx[0, 0]).max() < 0.05  # mV
    n_cv = np.count_nonzero(cv.spike_sweep.values == 1)
    n_fx = np.count_nonzero(fixed.spike_sweep.values == 1)
    # Spike times drift apart slowly (the two integrators' errors differ; a last spike at the
    # step's end may fall on either side): compare the first few and the counts.
    assert n_fx > 5 and abs(n_cv - n_fx) <= 1
    t_cv = np.sort(cv.spike_time.values[cv.spike_sweep.values == 1])[:4]
    t_fx = np.sort(fixed.spike_time.values[fixed.spike_sweep.values == 1])[:4]
    assert np.abs(t_cv - t_fx).max() < 0.2e-3  # s
    # Between spikes (subthreshold), the interpolated trace follows the fixed-step one closely.
    t = fixed.time.values
    before = t < 0.02
    assert np.abs(v_cv[0, 1][:, before] - v_fx[0, 1][:, before]).max() < 0.05


def test_holding_plus_step_as_in_bluepyopt_protocols():
    from neurokit.protocols import Protocol

    model = ball_and_stick()
    protocol = Protocol([[Step(0.3, 0.05, 0.15), Step(-0.05, 0.0, 0.2)]], duration=0.2, dt=2.5e-5,
                        sampling_interval=1e-4)
    sim = NeuronSimulator(cvode=True)
    try:
        ds = sim.simulate(model, {}, protocol)
    finally:
        sim.close()
    v = ds.membrane_potential.values[0, 0, 0]  # soma
    t = ds.time.values
    assert ds.sizes["spike"] > 0 and np.all((ds.spike_time.values > 0.05) & (ds.spike_time.values < 0.16))
    assert v[(t > 0.02) & (t < 0.05)].max() < v[0] + 0.5  # the holding current hyperpolarises, no spikes
