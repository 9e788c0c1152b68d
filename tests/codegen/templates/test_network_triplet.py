"""Triplet STDP in the network loop: generated C against its NumPy twin (same spikes, same
final weights), with and without delay, for several samples and threads."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.native.network import build
from neurokit.codegen.templates.network_numpy import run_numpy
from neurokit.codegen.templates.network_run import run_c
from neurokit.codegen.templates.network_triplet import TripletTraces
from neurokit.models.network import Network, Population, SpikeSource
from neurokit.models.point import LIF
from neurokit.models.synapses import AlphaCurrent, Probability, Projection, TripletSTDP
from neurokit.protocols import step_protocol

DT = 1e-4


def _net(delay: float) -> Network:
    k = np.arange(60)
    pre = SpikeSource("pre", 6, k % 6, 0.004 + (k // 6) * 0.009 + (k % 6) * 0.0013)
    post = Population("post", LIF, 3, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                      receptors={"a": AlphaCurrent(3.0)}, initial={"v": "-60*mV"}, stimulated=True)
    rule = TripletSTDP(w_max=300.0, A2_plus=0.01, A3_plus=0.01, A2_minus=0.02, A3_minus=0.005)
    proj = Projection("tri", "pre", "post", "a", Probability(0.8), 150.0, delay=delay, plasticity=rule,
                      weight_init="weight*(0.5 + rand())")
    return Network([pre, post], [proj], name="triplet_c_numpy")


@pytest.mark.parametrize("delay", [0.0, 1.0], ids=["no_delay", "delay"])
def test_c_loop_matches_the_numpy_twin(delay):
    proto = step_protocol([0.05, 0.15], 0.0, 0.1, 0.1, DT, seed=5)
    spec, arr, _ = build(_net(delay), {"post.V_th": [-50.0, -51.0]}, proto)
    w0 = arr.weights[0].copy()
    _, spk_c, w_c = run_c(spec, arr, threads=2)
    _, spk_n, w_n = run_numpy(spec, arr)
    np.testing.assert_array_equal(arr.weights[0], w0)  # start weights kept
    assert sum(s.shape[0] for s in spk_c) > 40
    for a, b in zip(spk_c, spk_n):
        np.testing.assert_array_equal(a, b)
    assert (w_c[0] > w0 * 1.01).any() and (w_c[0] < w0 * 0.99).any()
    np.testing.assert_allclose(w_c[0], w_n[0], rtol=1e-12, atol=1e-24)


def test_triplet_terms_use_the_traces_from_before_the_spike():
    # w_max 1, only the triplet amplitudes: a lone pre spike leaves w alone (o1 = 0), a post
    # spike 1 step later potentiates by r1*A3p*o2 = 1*A3p*0 (o2 jumps after), a second post
    # spike then gains A3p*r1*o2 with both traces decayed.
    tri = TripletTraces(1, (1.0, 0.0, 0.5, 0.0, 0.5, 0.02, 0.03, 0.1, 0.12))
    w, ks = np.array([0.5]), np.array([0])
    tri.on_pre(w, ks, 0, 1e-3)
    assert w[0] == 0.5
    tri.on_post(w, ks, 1, 1e-3)
    assert w[0] == 0.5
    tri.on_post(w, ks, 11, 1e-3)
    expected = 0.5 + 0.5 * np.exp(-0.011 / 0.02) * np.exp(-0.01 / 0.12)
    np.testing.assert_allclose(w, [expected], rtol=1e-14)
