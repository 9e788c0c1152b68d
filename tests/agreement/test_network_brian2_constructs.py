"""Brian2 constructs of ``from_brian2`` models inside network populations: the native engine
(C loop and its NumPy twin) against the Brian2 backend on small deterministic networks.

Cases: a population driven by a 2-D TimedArray ``ta(t, i)`` (``i``: the cell index within the
population, as Brian2's NeuronGroup ``i``) projecting onto a LIF population, with a settle time;
a population calling user ``brian2.Function`` objects with C code; a population whose reset
writes a parameter (adaptive threshold) and whose drive depends on ``i``, over two samples;
``BinomialFunction`` thresholds (C == NumPy exactly, spike counts as Brian2's); typed errors
before any compile.
"""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import BinomialFunction, Function, Mohm, TimedArray, mV, ms, nA, second, volt

from brian2_examples_helpers import drive, usersin  # noqa: F401 - resolved from this namespace

from neurokit.backends.brian2 import Brian2Simulator
from neurokit.backends.native import NativeSimulator
from neurokit.errors import ModelError
from neurokit.models.network import Network, Population
from neurokit.models.point import LIF, from_brian2
from neurokit.models.synapses import ExpCurrent, Probability, Projection
from neurokit.protocols import Protocol

pytestmark = pytest.mark.filterwarnings("ignore")
DT = 1e-4




def _keys(ds):
    return sorted(zip(ds.spike_time.values.round(7), ds.spike_population.values, ds.spike_cell.values))


def _onto_lif(pop: Population, name: str, weight: float = 400.0, **net) -> Network:
    target = Population("B", LIF, 3, receptors={"e": ExpCurrent(5.0)}, initial={"v": "-60*mV"})
    proj = Projection("AB", pop.name, "B", "e", Probability(1.0), weight, delay=0.5)
    return Network([pop, target], [proj], name=name, **net)


def _all_targets(net, proto, params=None):
    out = {t: NativeSimulator(t).simulate(net, params, proto) for t in ("c", "numpy")}
    out["brian2"] = Brian2Simulator("numpy").simulate(net, params, proto)
    return out


def _same_spikes(out, minimum):
    assert out["c"].sizes["spike"] > minimum
    assert _keys(out["c"]) == _keys(out["numpy"]) == _keys(out["brian2"])


def test_timedarray_2d_per_cell_drives_a_population():
    tau, R = 10 * ms, 50 * Mohm  # noqa: F841 - read by from_brian2 from this frame
    # rows of 5 ms; column k drives cell k of the population
    ta = TimedArray(np.abs(np.sin(np.arange(80).reshape(20, 4) / 3.0)) * 0.8 * nA, dt=5 * ms)  # noqa: F841
    eqs = """
dv/dt = (-v + R*(ta(t, i) + I_stim))/tau : volt (unless refractory)
I_stim : amp
"""
    model = from_brian2(eqs, threshold="v > 15*mV", reset="v = 0*mV", refractory=2 * ms, method="exact",
                        name="ta_driven")
    net = _onto_lif(Population("A", model, 4), "ta_net")
    out = _all_targets(net, Protocol([[]], duration=0.1, dt=DT, seed=1, settle=0.01))
    _same_spikes(out, 40)
    a = out["c"].spike_population.values == "A"
    firsts = [out["c"].spike_time.values[a & (out["c"].spike_cell.values == k)].min() for k in range(4)]
    assert len(set(np.round(firsts, 7))) == 4  # each cell reads its own column
    assert (out["c"].spike_population.values == "B").sum() > 5


def test_user_functions_in_a_population():
    tau = 10 * ms  # noqa: F841
    eqs = """
dv/dt = (v0 - v)/tau + drive(v) + 0.2*usersin(v/mV)*mV/ms : volt
v0 : volt
I_stim : amp
"""
    model = from_brian2(eqs, threshold="v > 15*mV", reset="v = 0*mV", name="user_fn")
    assert {f.name for f in model.functions} == {"usersin", "drive"}
    pop = Population("A", model, 2, params={"v0": 0.012})
    out = _all_targets(_onto_lif(pop, "fn_net"), Protocol([[]], duration=0.2, dt=DT, seed=1))
    _same_spikes(out, 20)


def test_reset_writing_a_parameter_and_cell_index():
    tau = 10 * ms  # noqa: F841
    eqs = """
dv/dt = (v0*(1 + 0.25*i) - v)/tau : volt
v0 : volt
vt : volt
I_stim : amp
"""
    model = from_brian2(eqs, threshold="v > vt", reset="v = 0*mV; vt += 2*mV", method="exact",
                        name="adaptive")
    pop = Population("A", model, 3, params={"v0": 0.03, "vt": 0.01})
    net = _onto_lif(pop, "adapt_net", weight=300.0, record={"A": 3})
    proto = Protocol([[]], duration=0.2, dt=DT, seed=1, record=("vt",))
    params = {"A.v0": [0.03, 0.04], "A.vt": [0.010, 0.012]}  # the parameters' unit (volt), two samples
    out = _all_targets(net, proto, params)
    _same_spikes(out, 40)
    ds = out["c"]
    for s_pos, (s, vt0) in enumerate(zip(ds.sample.values, (10.0, 12.0))):
        for k in range(3):  # the threshold keeps what the resets wrote: +2 mV per spike
            n = ((ds.spike_sample.values == s) & (ds.spike_population.values == "A")
                 & (ds.spike_cell.values == k)).sum()
            assert n > 3
            np.testing.assert_allclose(ds.vt.values[s_pos, 0, k, -1], vt0 + 2.0 * n, atol=2.0 + 1e-9)
    for t in ("numpy", "brian2"):
        np.testing.assert_allclose(out[t].vt.values, ds.vt.values, atol=1e-9)


def test_binomial_thresholds_c_equals_numpy_and_counts_match_brian2():
    exact = BinomialFunction(10, 0.5, approximate=False)  # noqa: F841
    approx = BinomialFunction(100, 0.3)  # noqa: F841 - normal approximation (n p > 5)
    eqs = """
dv/dt = -v/(10*ms) : volt
I_stim : amp
"""
    pops = [Population("E", from_brian2(eqs, threshold="exact() > 7", name="binom_exact"), 50),
            Population("N", from_brian2(eqs, threshold="approx() > 35", name="binom_normal"), 50)]
    net = Network(pops, name="binomial_net")
    proto = Protocol([[]], duration=0.1, dt=DT, seed=3)
    c = NativeSimulator("c").simulate(net, None, proto)
    assert _keys(c) == _keys(NativeSimulator("numpy").simulate(net, None, proto))
    b = Brian2Simulator("numpy").simulate(net, None, proto)
    trials = 50 * 1000
    from scipy.stats import norm

    for name, p in (("E", (45 + 10 + 1) / 1024), ("N", norm.sf(5.0 / np.sqrt(21.0)))):
        sd = np.sqrt(trials * p * (1 - p))
        n_c = (c.spike_population.values == name).sum()
        n_b = (b.spike_population.values == name).sum()
        assert abs(n_c - trials * p) < 6 * sd, (name, n_c, trials * p)
        assert abs(n_c - n_b) < 6 * np.sqrt(2) * sd, (name, n_c, n_b)


def test_typed_errors_before_compile():
    eqs = """
dv/dt = (ta(t) - v)/(10*ms) : volt
I_stim : amp
"""
    ta = TimedArray([0.0, 20.0] * mV, dt=10 * ms)
    m1 = from_brian2(eqs, threshold="v > 15*mV", reset="v = 0*mV", name="one")
    ta = TimedArray([0.0, 30.0] * mV, dt=10 * ms)  # noqa: F841 - another table, the same name
    m2 = from_brian2(eqs, threshold="v > 15*mV", reset="v = 0*mV", name="two")
    net = Network([Population("A", m1, 2), Population("B", m2, 2)], name="clash")
    with pytest.raises(ModelError, match=r"'A' and 'B'.*TimedArray.*'ta'.*native c"):
        NativeSimulator("c").simulate(net, None, Protocol([[]], duration=0.01, dt=DT))

    py_only = Function(lambda v: v / ms, arg_units=[volt], return_unit=volt / second)  # noqa: F841
    m3 = from_brian2("dv/dt = -py_only(v) : volt\nI_stim : amp", threshold="v > 15*mV", name="py_only")
    net = Network([Population("P", m3, 2)], name="no_cpp")
    with pytest.raises(ModelError, match=r"population 'P'.*'py_only'.*native c"):
        NativeSimulator("c").simulate(net, None, Protocol([[]], duration=0.01, dt=DT))
    ds = NativeSimulator("numpy").simulate(net, None, Protocol([[]], duration=0.01, dt=DT))
    assert ds.sizes["spike"] == 0
