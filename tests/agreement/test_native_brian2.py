"""native vs Brian2 itself (runtime, numpy target): the same equations give the same spike
count and spike times within one step, for every built-in model and for HH on a batch."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit import schema
from neurokit.backends.native import NativeSimulator
from neurokit.models.point import BUILTIN, HH
from neurokit.params import as_batch
from neurokit.protocols import Protocol, Ramp, Step
from neurokit.units import parse_unit


@pytest.fixture(autouse=True)
def brian2_numpy_target():
    """Brian2's runtime numpy target for these tests, restored afterwards (prefs are global)."""
    import brian2 as b2

    old = b2.prefs.codegen.target
    b2.prefs.codegen.target = "numpy"
    yield
    b2.prefs.codegen.target = old


def run_brian2(model, params, protocol):
    """Spike times of every (sample, sweep) neuron simulated directly in Brian2."""
    import brian2 as b2
    batch = as_batch(params, model.space)
    n_s = int(batch.sizes.get("sample", 1))
    n_w = protocol.n_sweeps
    dt = protocol.dt * b2.second
    group = b2.NeuronGroup(n_s * n_w, model.equations, threshold=model.threshold, reset=model.reset,
                           refractory=model.refractory or False, method=model.method, dt=dt,
                           namespace={})
    for p in model.parameters:
        values = batch[p.name].values if p.name in batch else np.full(n_s, p.default)
        setattr(group, p.name, np.repeat(values, n_w) * parse_unit(p.unit))
    for var, expr in model.initial.items():
        setattr(group, var, expr)
    stim = b2.TimedArray(protocol.currents().T * b2.nA, dt=dt)
    # 'start' slot: the current of step k is in place before the state update of step k
    group.run_regularly(f"I_stim = stim(t, i % {n_w})", when="start", dt=dt)
    mon = b2.SpikeMonitor(group)
    net = b2.Network(group, mon)
    net.run(protocol.duration * b2.second, namespace={"stim": stim})
    trains = mon.spike_trains()
    return {(k // n_w, k % n_w): np.asarray(trains[k] / b2.second) for k in range(n_s * n_w)}


def assert_same_spikes(ds, ref, dt):
    for (s, w), times in ref.items():
        ours = schema.spike_times(ds, sample=s, sweep=w)
        assert ours.size == times.size, f"sample {s} sweep {w}: {ours.size} vs Brian2 {times.size} spikes"
        if times.size:
            assert np.max(np.abs(ours - times)) <= dt * 1.001, f"sample {s} sweep {w}: timing"


PROTOCOL = Protocol([[Step(0.35, 0.02, 0.17)], [Ramp(0.0, 1.0, 0.01, 0.19)], [Step(0.8, 0.05, 0.1)]],
                    duration=0.2, dt=1e-4, record=())


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_model_matches_brian2(name):
    model = BUILTIN[name]
    ds = NativeSimulator(target="c").simulate(model, {}, PROTOCOL)
    ref = run_brian2(model, {}, PROTOCOL)
    assert sum(t.size for t in ref.values()) > 0, "the protocol should make the model fire"
    assert_same_spikes(ds, ref, PROTOCOL.dt)


def test_hh_batch_matches_brian2():
    proto = Protocol([[Step(0.2, 0.0, 0.05)], [Step(0.6, 0.0, 0.05)]], duration=0.05, dt=2.5e-5, record=())
    params = {"g_Na": [15000.0, 20000.0, 30000.0, 20000.0], "g_K": [6000.0, 5000.0, 6000.0, 9000.0],
              "V_T": [-63.0, -60.0, -65.0, -63.0]}
    ds = NativeSimulator(target="c", threads=2).simulate(HH, params, proto)
    ref = run_brian2(HH, params, proto)
    assert sum(t.size for t in ref.values()) > 10
    assert_same_spikes(ds, ref, proto.dt)
