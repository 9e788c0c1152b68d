"""Tsodyks-Markram synapses in the network loop: generated C against its NumPy twin (same
spikes, same synaptic traces), with and without facilitation, delays, scalar and
per-synapse weights, a gated delta receptor, and combined with pair STDP."""

from __future__ import annotations

import numpy as np

from neurokit.backends.native.network import build
from neurokit.codegen.templates.network_numpy import run_numpy
from neurokit.codegen.templates.network_run import run_c
from neurokit.codegen.templates.network_stp import ShortTerm
from neurokit.models.network import Network, Population, SpikeSource
from neurokit.models.point import LIF
from neurokit.models.synapses import STDP, Delta, ExpCurrent, Probability, Projection, TsodyksMarkram
from neurokit.protocols import step_protocol

DT = 1e-4


def _net() -> Network:
    k = np.arange(80)
    pre = SpikeSource("pre", 8, k % 8, 0.003 + (k // 8) * 0.008 + (k % 8) * 0.0011)
    post = Population("post", LIF, 4, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                      receptors={"e": ExpCurrent(5.0), "d": Delta()}, initial={"v": "-60*mV"},
                      stimulated=True)
    projs = [Projection("fac", "pre", "post", "e", Probability(0.7), 250.0, delay=1.2,
                        short_term=TsodyksMarkram(U=0.1, tau_d=40.0, tau_f=150.0)),
             Projection("dep", "pre", "post", "d", Probability(0.5), 3.0, weight_init="rand()*weight",
                        short_term=TsodyksMarkram(U=0.5, tau_d=200.0)),
             Projection("both", "pre", "post", "e", Probability(0.5), 100.0, delay=0.5,
                        plasticity=STDP(w_max=200.0, A_pre=0.05, A_post=-0.06),
                        short_term=TsodyksMarkram(U=0.3, tau_d=80.0, tau_f=20.0))]
    return Network([pre, post], projs, record={"post": [0, 1, 2, 3]}, name="stp_c_numpy")


def test_c_loop_matches_the_numpy_twin():
    proto = step_protocol([0.05, 0.12], 0.0, 0.1, 0.1, DT, record=("membrane_potential", "I_e"), seed=3)
    spec, arr, _ = build(_net(), {"post.V_th": [-50.0, -52.0]}, proto)
    assert [p.stp is not None for p in spec.projections] == [True, True, True]
    rec_c, spk_c, w_c = run_c(spec, arr, threads=2)
    rec_n, spk_n, w_n = run_numpy(spec, arr)
    assert sum(s.shape[0] for s in spk_c) > 20
    for a, b in zip(spk_c, spk_n):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(rec_c, rec_n, rtol=1e-12, atol=1e-20)
    assert sorted(w_c) == sorted(w_n) == [2]
    np.testing.assert_allclose(w_c[2], w_n[2], rtol=1e-12, atol=1e-24)


def test_release_follows_the_tsodyks_markram_recursion():
    # Two spikes 10 ms apart at one synapse, U = 0.2, tau_d = 100 ms, tau_f = 50 ms.
    tm = ShortTerm(1, (0.2, 0.1, 0.05))
    ks = np.array([0])
    r1 = tm.release(ks, 0, 1e-4)
    u1, x1 = 0.2, 1.0
    assert r1[0] == u1 * x1
    r2 = tm.release(ks, 100, 1e-4)
    u2 = u1 * np.exp(-0.01 / 0.05)
    u2 += 0.2 * (1 - u2)
    x2 = 1 - (1 - (x1 - u1 * x1)) * np.exp(-0.01 / 0.1)
    np.testing.assert_allclose(r2, [u2 * x2], rtol=1e-14)
