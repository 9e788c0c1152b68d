"""Brian2 ``TimedArray`` inputs through :func:`neurokit.models.point.from_brian2` give Brian2's
results: the native backend (C and NumPy targets) and the Brian2 backend against Brian2 itself
(runtime, numpy target), same method and dt.

Cases: a 1-D table as the input current (a subexpression ``I = ta(t)``), a 2-D table read per
neuron (``ta(t, i)``, ``i`` = the sample label) integrated with RK4 (which calls the table at
``t + dt/2``), and tables inside the equations, the threshold and the reset at once.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from brian2 import NeuronGroup, Network, SpikeMonitor, StateMonitor, TimedArray, Mohm, mV, ms, nA
from brian2_examples_helpers import brian2_numpy_target  # noqa: F401 - autouse fixture
from brian2_examples_helpers import (TARGETS, assert_same_spikes, assert_same_trace, brian2_spikes, native,
                                     native_spikes)

from neurokit.backends.brian2 import Brian2Simulator
from neurokit.models.point import from_brian2
from neurokit.protocols import Protocol

pytestmark = pytest.mark.filterwarnings("ignore")
ALL = (*TARGETS, "brian2")


def _run(model, params, duration, dt, target, record=()):
    if target == "brian2":
        proto = Protocol([[]], duration, dt, record=tuple(record))
        return Brian2Simulator("numpy").simulate(model, params, proto)
    return native(model, params, duration, dt, record=record, target=target)


@pytest.mark.parametrize("target", ALL)
def test_1d_input_current(target):
    n = 3
    tau = 10*ms
    R = 50*Mohm
    # steps of 2.5 ms on a 0.1 ms grid: rows change between grid points (Brian2's rounding)
    ta = TimedArray(np.abs(np.sin(np.arange(40) / 3.0)) * 0.6*nA, dt=2.5*ms)
    eqs = '''
dv/dt = (-v + R*I*gain)/tau : volt (unless refractory)
I = ta(t) : amp
gain : 1
'''
    group = NeuronGroup(n, eqs, threshold='v > 15*mV', reset='v = 0*mV', refractory=2*ms, method='exact')
    group.gain = [0.8, 1.0, 1.3]
    mon = SpikeMonitor(group)
    Network(group, mon).run(120*ms)

    model = from_brian2(eqs, threshold='v > 15*mV', reset='v = 0*mV', refractory=2*ms, method='exact')
    ds = _run(model, {'gain': [0.8, 1.0, 1.3]}, 0.12, 1e-4, target)
    assert_same_spikes(native_spikes(ds, n), brian2_spikes(mon, n), 1e-4)


@pytest.mark.parametrize("target", ALL)
def test_2d_per_neuron_rk4(target):
    n = 4
    tau = 5*ms
    rng = np.random.default_rng(3)
    values = rng.uniform(-20, 20, size=(30, n)) * mV
    drive = TimedArray(values, dt=1*ms)
    eqs = '''
dv/dt = (drive(t, i) - v)/tau + sin(2*pi*t/(7*ms))*mV/ms : volt
'''
    group = NeuronGroup(n, eqs, method='rk4')
    mon = StateMonitor(group, 'v', record=True)
    Network(group, mon).run(40*ms)  # past the table's end: its last row holds

    model = from_brian2(eqs, method='rk4')
    ds = _run(model, xr.Dataset(coords={"sample": np.arange(n)}), 0.04, 1e-4, target, record=('membrane_potential',))
    got = ds.membrane_potential.values[:, 0, :]
    assert got.shape[0] == n
    assert_same_trace(got, np.asarray(mon.v_) * 1e3, rtol=1e-6)


@pytest.mark.parametrize("target", ALL)
def test_tables_in_equations_threshold_and_reset(target):
    n = 3
    tau = 8*ms
    E = TimedArray([-60, -40, -45, -30, -55, -35] * mV, dt=10*ms)
    theta = TimedArray([-50, -45, -52, -48] * mV, dt=15*ms)
    jump = TimedArray([[0.0, 1.0, 2.0], [2.0, 0.0, 1.0]] * mV, dt=30*ms)
    eqs = '''
dv/dt = (E(t) + k*mV - v)/tau : volt
k : 1
'''
    reset = 'v = E(t)*0.2 - 53*mV + jump(t, i)'
    group = NeuronGroup(n, eqs, threshold='v > theta(t)', reset=reset, method='euler')
    group.v = -60*mV
    group.k = [1.0, 1.5, 2.0]
    mon = SpikeMonitor(group)
    Network(group, mon).run(80*ms)
    assert 10 < mon.num_spikes < 100  # a few spikes per neuron, in several rows of each table

    model = from_brian2(eqs, threshold='v > theta(t)', reset=reset, method='euler', initial={'v': -60*mV})
    assert {t.name for t in model.tables} == {"E", "theta", "jump"}
    ds = _run(model, {'k': [1.0, 1.5, 2.0]}, 0.08, 1e-4, target)
    assert_same_spikes(native_spikes(ds, n), brian2_spikes(mon, n), 1e-4)


def test_new_values_are_not_a_stale_library():
    """Same equations, other table values: another IR key and other spikes."""
    tau = 10*ms
    eqs = 'dv/dt = (ta(t) - v)/tau : volt'
    results = []
    for level in (20, 30):
        ta = TimedArray([level] * 5 * mV, dt=10*ms)
        model = from_brian2(eqs, threshold='v > 15*mV', reset='v = 0*mV', method='exact')
        ds = native(model, {}, 0.05, 1e-4, target="c")
        results.append(ds.spike_time.values)
    assert len(results[0]) != len(results[1])


def test_brian2_backend_settle_shifts_the_table():
    """The Brian2 backend runs the settle time before t = 0: the table is padded so that both
    backends read the same row at the same protocol time."""
    tau = 5*ms
    ta = TimedArray([0, 40, 10] * mV, dt=10*ms)
    model = from_brian2('dv/dt = (ta(t) - v)/tau : volt', method='exact')
    proto = Protocol([[]], 0.03, 1e-4, record=("membrane_potential",), settle=0.02)
    a = Brian2Simulator("numpy").simulate(model, {}, proto).membrane_potential.values
    from neurokit.backends.native import NativeSimulator

    b = NativeSimulator(target="c").simulate(model, {}, proto).membrane_potential.values
    assert_same_trace(b, a, rtol=1e-6)


def test_docs_example_gives_brian2s_spikes():
    import re
    from pathlib import Path

    from neurokit.backends.native import NativeSimulator

    text = (Path(__file__).resolve().parents[2] / "docs" / "brian2.md").read_text()
    section = text.split("### TimedArray", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    ns = {"from_brian2": from_brian2, "NativeSimulator": NativeSimulator, "Protocol": Protocol}
    exec(compile(code, "docs/brian2.md", "exec"), ns)  # noqa: S102 - our own docs
    group = NeuronGroup(3, ns["eqs"], threshold='v > 15*mV', reset='v = 0*mV', refractory=2*ms, method='exact',
                        namespace={k: ns[k] for k in ("tau", "R", "ta", "drive")})
    group.gain = [0.8, 1.0, 1.2]
    mon = SpikeMonitor(group)
    Network(group, mon).run(100*ms)
    assert_same_spikes(native_spikes(ns["ds"], 3), brian2_spikes(mon, 3), 1e-4)


@pytest.mark.parametrize("target", TARGETS)
def test_index_is_the_sample_label_whatever_the_chunking(target):
    tau = 5*ms
    drive = TimedArray(np.arange(12.0).reshape(3, 4) * mV, dt=2*ms)
    model = from_brian2('dv/dt = (drive(t, i) - v)/tau : volt', method='exact')
    whole = _run(model, xr.Dataset(coords={"sample": np.arange(4)}), 0.01, 1e-4, target,
                 record=('membrane_potential',))
    part = _run(model, xr.Dataset(coords={"sample": [2, 3]}), 0.01, 1e-4, target, record=('membrane_potential',))
    np.testing.assert_array_equal(part.membrane_potential.values, whole.membrane_potential.values[2:])
    assert not np.array_equal(whole.membrane_potential.values[0], whole.membrane_potential.values[1])
