"""The neuron blocks of the spiking-network loop: which states the step stores, and the
blocked step against the NumPy twin where gated delta synapses read the fired flags."""

from __future__ import annotations

import dataclasses

import numpy as np

from neurokit.backends.native.network import build
from neurokit.codegen.templates.network import source
from neurokit.codegen.templates.network_neurons import refractory_plan, stored_states
from neurokit.codegen.templates.network_numpy import run_numpy
from neurokit.codegen.templates.network_run import run_c
from neurokit.models.benchmark_networks import cuba
from neurokit.models.network import Network, Population
from neurokit.models.point import LIF
from neurokit.models.synapses import Delta, ExpCurrent, Probability, Projection
from neurokit.protocols import step_protocol

DT = 1e-4


def _gated(record=None, delta=True) -> Network:
    """67 cells (a partial last block) driven by a step current, with delta synapses onto
    the refractory LIF (gated by ``not_refractory`` and the fired flags) and a current."""
    pop = Population("P", LIF, 67, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                     receptors={"d": Delta(), "e": ExpCurrent(5.0)} if delta else {"e": ExpCurrent(5.0)},
                     initial={"v": "V_reset + rand()*(V_th - V_reset)"}, stimulated=True)
    projections = [Projection("pd", "P", "P", "d", Probability(0.3), 2.0)] if delta else []
    projections.append(Projection("pe", "P", "P", "e", Probability(0.2), 30.0, delay=0.5))
    return Network([pop], projections, [], record=record or {}, name="gated")


def _protocol(duration=0.1, record=()):
    return step_protocol([0.3], 0.0, duration, duration, DT, record=record, seed=2)


def test_not_refractory_is_stored_only_where_something_reads_it():
    spec, _, _ = build(cuba(200), None, _protocol(0.01))
    assert {"I_e", "I_i", "v"} <= stored_states(0, spec) and "not_refractory" not in stored_states(0, spec)
    src = source(spec)
    step = src[src.index("groups and thresholds"):src.index("/* projection 0")]
    assert "a_v[j] =" in step and "a_not_refractory[j] =" not in step
    spec, _, _ = build(_gated(), None, _protocol(0.01))
    assert "not_refractory" in stored_states(0, spec)  # the delta synapses gate on it


def test_recorded_states_are_stored():
    spec, _, _ = build(_gated(delta=False), None, _protocol(0.01))
    assert "not_refractory" not in stored_states(0, spec)
    spec, _, _ = build(_gated({"P": 2}, delta=False), None, _protocol(0.01, record=("not_refractory",)))
    assert "not_refractory" in stored_states(0, spec)
    assert "v" in stored_states(0, spec)


def test_blocked_step_with_gated_synapses_gives_the_numpy_reference_spikes():
    spec, arr, _ = build(_gated(), None, _protocol())
    _, spk_c, _ = run_c(spec, arr, threads=1)
    _, spk_n, _ = run_numpy(spec, arr)
    assert spk_c[0].shape[0] > 30
    np.testing.assert_array_equal(spk_c[0], spk_n[0])


def test_noise_draws_keep_their_cell_counters_across_blocks():
    """``xi`` draws are numbered by the cell's index in its population, not in its block."""
    eq = LIF.equations.replace("dv/dt = (g_L*(E_L - v) + I_stim)/C : volt (unless refractory)",
                               "dv/dt = (g_L*(E_L - v) + I_stim)/C + 3*mV*xi/sqrt(ms) : volt (unless refractory)")
    noisy = dataclasses.replace(LIF, equations=eq, method="euler", name="noisy_lif")
    pop = Population("P", noisy, 67, params=dict(E_L=-55.0), receptors={"e": ExpCurrent(5.0)}, stimulated=True)
    net = Network([pop], [Projection("pe", "P", "P", "e", Probability(0.2), 30.0)], [], name="noisy")
    spec, arr, _ = build(net, None, _protocol())
    assert spec.pops[0].ir.n_rand_step == 1
    _, spk_c, _ = run_c(spec, arr, threads=1)
    _, spk_n, _ = run_numpy(spec, arr)
    assert spk_c[0].shape[0] > 100
    np.testing.assert_array_equal(spk_c[0], spk_n[0])


def _step_loop(src: str) -> str:
    return src[src.index("#pragma omp simd"):src.index("/* projection 0")]


def test_refractory_test_runs_only_for_cells_that_fired_recently():
    """CUBA's duration form: the vector loop reads one byte per cell, not ``lastspike``."""
    spec, _, _ = build(cuba(200), None, _protocol(0.01))
    assert refractory_plan(spec.pops[0]) is not None
    loop = _step_loop(source(spec))
    assert "RB0[j0 + j]" in loop and "a_lastspike[j]" not in loop.split("resets")[0]
    assert "RQ0[" in source(spec, "float32")


def test_refractory_condition_keeps_the_per_step_test():
    """A boolean refractory condition is no countdown: evaluated at every step, as before."""
    cond = dataclasses.replace(LIF, refractory="v > E_L", name="lif_cond")
    pop = Population("P", cond, 67, params=dict(E_L=-60.0, V_reset=-65.0), receptors={"e": ExpCurrent(5.0)},
                     initial={"v": "V_reset + rand()*(V_th - V_reset)"}, stimulated=True)
    net = Network([pop], [Projection("pe", "P", "P", "e", Probability(0.2), 30.0)], [], name="cond")
    spec, arr, _ = build(net, None, _protocol())
    assert refractory_plan(spec.pops[0]) is None and "RB0" not in source(spec)
    _, spk_c, _ = run_c(spec, arr, threads=1)
    _, spk_n, _ = run_numpy(spec, arr)
    assert spk_c[0].shape[0] > 30
    np.testing.assert_array_equal(spk_c[0], spk_n[0])


def test_refractory_lists_give_the_numpy_reference_spikes_and_records():
    """Spikes, ``lastspike`` and ``not_refractory`` recorded as the NumPy twin has them, with a
    refractory period of many steps (cells fire while others are still refractory)."""
    pop = Population("P", LIF, 67, params=dict(E_L=-50.0, V_reset=-65.0, t_ref=4.3),
                     receptors={"e": ExpCurrent(5.0)}, initial={"v": "V_reset + rand()*(V_th - V_reset)"},
                     stimulated=True)
    net = Network([pop], [Projection("pe", "P", "P", "e", Probability(0.2), 30.0)], [],
                  record={"P": 5}, name="reflists")
    spec, arr, _ = build(net, None, _protocol(record=("v", "lastspike", "not_refractory")))
    assert refractory_plan(spec.pops[0]) is not None
    rec_c, spk_c, _ = run_c(spec, arr, threads=1)
    rec_n, spk_n, _ = run_numpy(spec, arr)
    assert spk_c[0].shape[0] > 100
    np.testing.assert_array_equal(spk_c[0], spk_n[0])
    np.testing.assert_array_equal(rec_c[0, 5:], rec_n[0, 5:])  # lastspike, not_refractory
    np.testing.assert_allclose(rec_c[0, :5], rec_n[0, :5], rtol=1e-12)  # v: C and NumPy round apart
    nr = rec_c[0, 10:]  # series: 5 cells of v, then of lastspike, then of not_refractory
    assert (nr == 0).any() and (nr == 1).any() and (rec_c[0, 5:10] > 0).any()
