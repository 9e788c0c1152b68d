"""Alpha synapses, Tsodyks-Markram short-term plasticity and triplet STDP through the native
and brian2 backends.

Everything here is deterministic (spike-source drive, fixed start values, connectivity drawn
by the network), so both engines must give the very same spikes, synaptic traces within
1e-6 relative and, for triplet STDP, the same final weights.
"""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.brian2 import Brian2Simulator
from neurokit.backends.native import NativeSimulator
from neurokit.models.network import Network, Population, SpikeSource
from neurokit.models.point import LIF
from neurokit.models.synapses import (STDP, AlphaConductance, AlphaCurrent, ExpCurrent, Probability,
                                      Projection, TripletSTDP, TsodyksMarkram)
from neurokit.protocols import Protocol, step_protocol

DT = 1e-4


def _keys(ds):
    return sorted(zip(ds.spike_time.values.round(7), ds.spike_population.values, ds.spike_cell.values))


def _both(net, proto):
    native = NativeSimulator("c").simulate(net, None, proto)
    return native, Brian2Simulator("numpy").simulate(net, None, proto)


def _source(n: int = 6, count: int = 60) -> SpikeSource:
    k = np.arange(count)
    return SpikeSource("pre", n, k % n, 0.004 + (k // n) * 0.009 + (k % n) * 0.0013)


def _post(receptors: dict, size: int = 3) -> Population:
    return Population("post", LIF, size, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                      receptors=receptors, initial={"v": "-60*mV"}, stimulated=True)


def _close(a, b, name):
    x, y = a[name].values, b[name].values
    scale = np.abs(y).max()
    assert scale > 0
    np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-6 * scale, err_msg=name)


def test_alpha_peak_is_the_weight_one_tau_after_the_spike():
    net = Network([SpikeSource("pre", 1, [0], [0.01]),
                   Population("post", LIF, 1, params=dict(V_th=-20.0), receptors={"a": AlphaCurrent(3.0)})],
                  [Projection("p", "pre", "post", "a", Probability(1.0), 40.0)], record={"post": [0]},
                  name="alpha1")
    proto = Protocol([[]], duration=0.04, dt=DT, record=("I_a",), seed=1)
    for ds in _both(net, proto):
        assert ds.I_a.attrs["units"] == "nA"
        trace = ds.I_a.values[0, 0, 0]
        assert trace.max() == pytest.approx(0.04, rel=1e-3)  # the weight, 40 pA
        # Delivered in the step of the spike, so the kernel starts one step later.
        assert ds.time.values[trace.argmax()] == pytest.approx(0.01 + DT + 0.003, abs=1.5 * DT)


def test_alpha_synapses_same_spikes_and_traces():
    post = _post({"a": AlphaCurrent(3.0), "c": AlphaConductance(4.0, 0.0), "i": AlphaConductance(6.0, -80.0)})
    projs = [Projection("pa", "pre", "post", "a", Probability(0.7), 120.0, delay=1.0),
             Projection("pc", "pre", "post", "c", Probability(0.5), 4.0, delay=0.5),
             Projection("pi", "pre", "post", "i", Probability(0.3), 3.0)]
    net = Network([_source(), post], projs, record={"post": [0, 1, 2]}, name="alpha")
    proto = step_protocol([0.05, 0.1], 0.0, 0.1, 0.1, DT, record=("membrane_potential", "I_a", "g_c", "x_i"),
                          seed=2)
    a, b = _both(net, proto)
    assert a.sizes["spike"] > 10
    assert _keys(a) == _keys(b)
    for name in ("membrane_potential", "I_a", "g_c", "x_i"):
        _close(a, b, name)


@pytest.mark.parametrize("delay", [0.0, 1.5], ids=["no_delay", "delay"])
def test_tsodyks_markram_same_spikes_and_traces(delay):
    post = _post({"f": ExpCurrent(5.0), "d": AlphaCurrent(3.0)})
    projs = [Projection("fac", "pre", "post", "f", Probability(0.8), 200.0, delay=delay,
                        short_term=TsodyksMarkram(U=0.15, tau_d=50.0, tau_f=200.0)),
             Projection("dep", "pre", "post", "d", Probability(0.6), 150.0, delay=delay,
                        weight_init="0.8*weight", short_term=TsodyksMarkram(U=0.6, tau_d=120.0))]
    net = Network([_source(), post], projs, record={"post": [0, 1, 2]}, name="tm")
    proto = Protocol([[]], duration=0.12, dt=DT, record=("membrane_potential", "I_f", "I_d"), seed=4)
    a, b = _both(net, proto)
    assert a.sizes["spike"] > 10
    assert _keys(a) == _keys(b)
    for name in ("membrane_potential", "I_f", "I_d"):
        _close(a, b, name)
    # Short-term plasticity did something: the same weight gives different jumps.
    no_stp = Network([_source(), post], [Projection(p.name, p.source, p.target, p.receptor, p.rule, p.weight,
                                                    weight_init=p.weight_init, delay=p.delay) for p in projs],
                     record={"post": [0, 1, 2]}, name="no_tm")
    c = NativeSimulator("c").simulate(no_stp, None, proto)
    assert np.abs(c.I_f.values - a.I_f.values).max() > 0.01  # nA


def _weights_equal(a, b):
    for name in ("weight_initial", "weight"):
        np.testing.assert_array_equal(a.pre.values, b.pre.values)
        np.testing.assert_array_equal(a.post.values, b.post.values)
        np.testing.assert_allclose(a[name].values, b[name].values, rtol=1e-9, atol=1e-9)
    moved = a.weight.values - a.weight_initial.values
    assert (moved > 1.0).any() and (moved < -1.0).any()


@pytest.mark.parametrize("delay", [0.0, 1.0], ids=["no_delay", "delay"])
def test_triplet_stdp_same_spikes_and_weights(delay):
    rule = TripletSTDP(w_max=300.0, A2_plus=0.01, A3_plus=0.01, A2_minus=0.02, A3_minus=0.005)
    net = Network([_source(), _post({"e": ExpCurrent(5.0)})],
                  [Projection("tri", "pre", "post", "e", Probability(0.8), 150.0, delay=delay,
                              plasticity=rule)],
                  name="triplet")
    a, b = _both(net, step_protocol([0.05, 0.15], 0.0, 0.1, 0.1, DT, seed=2))
    assert a.sizes["spike"] > 40
    assert _keys(a) == _keys(b)
    _weights_equal(a, b)


def test_short_term_and_pair_stdp_on_one_projection():
    rule = STDP(w_max=300.0, A_pre=0.05, A_post=-0.06)
    net = Network([_source(), _post({"e": ExpCurrent(5.0)})],
                  [Projection("both", "pre", "post", "e", Probability(0.8), 250.0, delay=0.5, plasticity=rule,
                              short_term=TsodyksMarkram(U=0.3, tau_d=60.0, tau_f=30.0))],
                  name="stp_stdp")
    a, b = _both(net, step_protocol([0.08, 0.16], 0.0, 0.1, 0.1, DT, seed=3))
    assert a.sizes["spike"] > 20
    assert _keys(a) == _keys(b)
    _weights_equal(a, b)
