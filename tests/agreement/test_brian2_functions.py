"""Brian2 functions and resets that write parameters, through ``from_brian2``, against Brian2
itself (runtime, numpy target): a user ``Function`` with C code and the ``@implementation``
decorator form (same spikes), a reset that writes a per-neuron parameter (same spikes), and
``BinomialFunction`` draws (same mean and variance within the sampling error; C and NumPy
draw the same numbers)."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import (BinomialFunction, Network, NeuronGroup, SpikeMonitor, StateMonitor, mV, ms,
                    second, seed, volt)
from brian2_examples_helpers import brian2_numpy_target  # noqa: F401 - autouse fixture
from brian2_examples_helpers import TARGETS, assert_same_spikes, brian2_spikes, drive, native_spikes, usersin

from neurokit.backends.brian2 import Brian2Simulator
from neurokit.backends.native.point import PointSimulator
from neurokit.models.point import from_brian2
from neurokit.protocols import Protocol

pytestmark = pytest.mark.filterwarnings("ignore")
DT = 1e-4




def _run_native(model, params, duration, record=(), target="c", seed_=0):
    proto = Protocol([[]], duration, DT, record=tuple(record), seed=seed_)
    return PointSimulator(target=target).simulate(model, params, proto)


@pytest.mark.parametrize("target", (*TARGETS, "brian2"))
def test_user_functions_with_c_code_same_spikes(target):
    tau = 10 * ms  # noqa: F841 - found by from_brian2 in this frame, as Brian2 finds it
    eqs = """
dv/dt = (20*mV*(1 + usersin(2*pi*t/(5*ms))) - v)/tau + 0.01*drive(v) : volt
"""
    group = NeuronGroup(1, eqs, threshold="v > 15*mV", reset="v = 0*mV", method="euler")
    mon = SpikeMonitor(group)
    Network(group, mon).run(100 * ms)

    model = from_brian2(eqs, threshold="v > 15*mV", reset="v = 0*mV", name="user_functions")
    assert {f.name for f in model.functions} == {"usersin", "drive"}
    if target == "brian2":
        ds = Brian2Simulator(target="numpy").simulate(model, {}, Protocol([[]], 0.1, DT))
    else:
        ds = _run_native(model, {}, 0.1, target=target)
    assert_same_spikes(native_spikes(ds, 1), brian2_spikes(mon, 1), DT)


@pytest.mark.parametrize("target", (*TARGETS, "brian2"))
def test_reset_writing_a_parameter_same_spikes(target):
    tau = 10 * ms  # noqa: F841
    eqs = """
dv/dt = (v0 - v)/tau : volt
v0 : volt
vt : volt
"""
    reset = "v = 0*mV; vt += 2*mV"
    group = NeuronGroup(2, eqs, threshold="v > vt", reset=reset, method="exact")
    group.v0 = [30, 40] * mV
    group.vt = [10, 15] * mV
    mon = SpikeMonitor(group)
    Network(group, mon).run(200 * ms)

    model = from_brian2(eqs, threshold="v > vt", reset=reset, name="reset_writes_vt")
    params = {"v0": [0.03, 0.04], "vt": [0.01, 0.015]}  # the parameters' unit: volt
    proto = Protocol([[]], 0.2, DT, record=("vt",))
    if target == "brian2":
        ds = Brian2Simulator(target="numpy").simulate(model, params, proto)
    else:
        ds = PointSimulator(target=target).simulate(model, params, proto)
    assert_same_spikes(native_spikes(ds, 2), brian2_spikes(mon, 2), DT)
    # the threshold keeps what the resets wrote: +2 mV per spike
    n_spikes = [len(s) for s in brian2_spikes(mon, 2)]
    np.testing.assert_allclose(ds.vt.values[:, 0, -1], [10 + 2 * n_spikes[0], 15 + 2 * n_spikes[1]], atol=1e-9)
    np.testing.assert_allclose(np.asarray(group.vt_) * 1e3, ds.vt.values[:, 0, -1], atol=1e-9)


def _binomial_model():
    normal = BinomialFunction(100, 0.1)  # Brian2's normal approximation (n p > 5)
    exact = BinomialFunction(20, 0.1)  # inversion
    flipped = BinomialFunction(30, 0.8, approximate=False)  # inversion on 1 - p
    eqs = """
dv/dt = -v/(10*ms) : volt
a = normal() : 1 (constant over dt)
b = exact() : 1 (constant over dt)
c = flipped() : 1 (constant over dt)
"""
    return eqs, from_brian2(eqs, name="binomials"), {"normal": normal, "exact": exact, "flipped": flipped}


def test_binomial_statistics_match_brian2():
    eqs, model, namespace = _binomial_model()
    n_neurons, n_steps = 20, 500
    # one neuron per sweep, each with its own counter-based stream
    proto = Protocol([[]] * n_neurons, n_steps * DT, DT, record=("a", "b", "c"), seed=7)
    ds = {t: PointSimulator(target=t).simulate(model, {}, proto) for t in TARGETS}
    ds["brian2"] = Brian2Simulator(target="numpy").simulate(model, {}, proto)
    for v in "abc":  # C and NumPy draw the same numbers
        np.testing.assert_allclose(ds["c"][v].values, ds["numpy"][v].values, rtol=1e-12, atol=0)

    seed(11)
    group = NeuronGroup(n_neurons, eqs, method="euler", namespace=namespace)
    mon = StateMonitor(group, ["a", "b", "c"], record=True)
    Network(group, mon).run(n_steps * DT * second)
    for v, (mean, var) in {"a": (10.0, 9.0), "b": (2.0, 1.8), "c": (24.0, 4.8)}.items():
        x = ds["c"][v].values[0, :, 1:].ravel()  # the first record is the start value 0
        y = np.asarray(getattr(mon, v))[:, 1:].ravel()
        n_x, n_y = x.size, y.size
        assert n_x > 5000 and n_y > 5000
        assert np.unique(x).size > 5  # really drawn anew each step
        # 6 standard errors of the difference of the means and of the variances
        assert abs(x.mean() - y.mean()) < 6 * np.sqrt(var / n_x + var / n_y), (v, x.mean(), y.mean())
        assert abs(x.var() - y.var()) < 6 * np.sqrt(2 * var**2 / n_x + 2 * var**2 / n_y), (v, x.var(), y.var())
        assert abs(x.mean() - mean) < 6 * np.sqrt(var / n_x), (v, x.mean(), mean)
        z = ds["brian2"][v].values[0, :, 1:].ravel()  # neurokit's Brian2 backend
        assert abs(z.mean() - y.mean()) < 6 * np.sqrt(2 * var / n_y), (v, z.mean(), y.mean())
        if v != "a":  # exact draws are integers in [0, n]
            assert np.all(x == np.round(x)) and x.min() >= 0
