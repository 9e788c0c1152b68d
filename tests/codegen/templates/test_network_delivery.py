"""Synaptic delivery in the network loop: alpha receptors fed by projections and Poisson
inputs, generated C against its NumPy twin (same spikes, same traces)."""

from __future__ import annotations

import numpy as np

from neurokit.backends.native.network import build
from neurokit.codegen.templates.network_numpy import run_numpy
from neurokit.codegen.templates.network_run import run_c
from neurokit.models.network import Network, PoissonPopulation, Population
from neurokit.models.point import LIF
from neurokit.models.synapses import AlphaConductance, AlphaCurrent, PoissonInput, Probability, Projection
from neurokit.protocols import Protocol

DT = 1e-4


def _net() -> Network:
    drive = PoissonPopulation("drive", 20, 80.0)
    post = Population("post", LIF, 5, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                      receptors={"a": AlphaCurrent(2.0), "g": AlphaConductance(5.0, -80.0)},
                      initial={"v": "-60*mV"})
    projs = [Projection("pa", "drive", "post", "a", Probability(0.5), 60.0, delay=0.7),
             Projection("pg", "drive", "post", "g", Probability(0.3), 0.5)]
    ext = PoissonInput("ext", "post", "a", 50, 20.0, 80.0)
    return Network([drive, post], projs, [ext], record={"post": [0, 4]}, name="alpha_c_numpy")


def test_alpha_receptors_c_loop_matches_the_numpy_twin():
    proto = Protocol([[]], duration=0.08, dt=DT, record=("membrane_potential", "I_a", "x_a", "g_g"), seed=6)
    spec, arr, _ = build(_net(), {"ext.rate": [20.0, 30.0]}, proto)
    names = spec.pops[1].ir.state_names  # spikes jump the alpha kernels' x, not I or g
    assert [names[p.state] for p in (*spec.projections, *spec.inputs)] == ["x_a", "x_g", "x_a"]
    rec_c, spk_c, _ = run_c(spec, arr, threads=2)
    rec_n, spk_n, _ = run_numpy(spec, arr)
    assert sum(s.shape[0] for s in spk_c) > 5
    for a, b in zip(spk_c, spk_n):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(rec_c, rec_n, rtol=1e-12, atol=1e-20)
    assert np.abs(rec_c).max(axis=-1).min() > 0  # every recorded trace moved
