"""Network structure: validation, parameters, connectivity rules, ready-made networks."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.errors import ModelError, ParameterError
from neurokit.models.benchmark_networks import brunel, coba, cobahh, cuba, song_stdp
from neurokit.models.network import Network, PoissonPopulation, Population
from neurokit.models.synapses import (STDP, AllToAll, Delta, ExpConductance, ExpCurrent, FixedInDegree,
                                      OneToOne, Pairs, PoissonInput, Probability, Projection)
from neurokit.models.point import HH, LIF


def _two_pops():
    e = Population("E", LIF, 40, receptors={"e": ExpConductance(5.0, 0.0), "i": ExpCurrent(10.0)})
    i = Population("I", LIF, 10, receptors={"e": ExpConductance(5.0, 0.0)})
    return e, i


def test_parameters_named_by_owner_with_units_and_defaults():
    e, i = _two_pops()
    net = Network([e, i], [Projection("EI", "E", "I", "e", Probability(0.2), 2.0)],
                  [PoissonInput("ext", "E", "i", 100, 5.0, 20.0)])
    space = net.parameters()
    assert space["E.g_L"].unit == "nS" and space["E.g_L"].default == 10.0
    assert space["E.tau_e"].unit == "ms" and space["E.tau_e"].default == 5.0
    assert space["E.E_e"].unit == "mV" and "E.E_i" not in space.names  # current receptor: no reversal
    assert space["EI.weight"].unit == "nS" and space["EI.weight"].default == 2.0
    assert space["ext.rate"].unit == "Hz" and space["ext.weight"].unit == "pA"


def test_population_parameter_overrides_are_validated():
    pop = Population("E", LIF, 5, params={"g_L": 20.0})
    assert pop.resolved_model.defaults()["g_L"] == 20.0
    with pytest.raises(ParameterError, match="'E'.*g_L"):
        Population("E", LIF, 5, params={"g_L": -1.0})
    with pytest.raises(ParameterError, match="no parameter"):
        Population("E", LIF, 5, params={"bogus": 1.0})


@pytest.mark.parametrize("kwargs, match", [
    (dict(name="2bad"), "identifier"),
    (dict(size=0), "size"),
    (dict(receptors={"L": ExpConductance()}), "g_L"),  # clashes with the leak conductance
    (dict(parts={"A": 3, "B": 3}), "sum to its size"),
])
def test_population_rejects_bad_structure(kwargs, match):
    args = dict(name="E", model=LIF, size=5)
    args.update(kwargs)
    with pytest.raises(ModelError, match=match):
        Population(**args)


def test_network_names_the_missing_target_and_receptor():
    e, i = _two_pops()
    with pytest.raises(ModelError, match="no population or part 'X'"):
        Network([e, i], [Projection("p", "E", "X", "e", AllToAll(), 1.0)])
    with pytest.raises(ModelError, match="no receptor 'i'.*has: e"):
        Network([e, i], [Projection("p", "E", "I", "i", AllToAll(), 1.0)])
    with pytest.raises(ModelError, match="used twice"):
        Network([e, Population("E", LIF, 3)])
    src = PoissonPopulation("src", 5, 10.0)
    with pytest.raises(ModelError, match="spike source"):
        Network([src, e], [Projection("p", "E", "src", "e", AllToAll(), 1.0)])


def test_parts_act_as_sites_and_record_counts_resolve():
    pop = Population("P", LIF, 10, receptors={"d": Delta()}, parts={"A": 7, "B": 3})
    net = Network([pop], [Projection("ab", "A", "B", "d", AllToAll(), 0.5)], record={"B": 2, "A": [6]})
    assert [s.name for s in net.report_sites()] == ["A", "B"]
    assert (net.sites["B"].start, net.sites["B"].stop) == (7, 10)
    assert net.record == {"B": (0, 1), "A": (6,)}
    i, j = net.connectivity(0)["ab"]
    assert i.size == 21 and i.max() == 6 and j.max() == 2  # indices within the parts
    with pytest.raises(ModelError, match=r"\[0, 3\)"):
        Network([pop], record={"B": [3]})


def test_probability_rule_matches_p_and_is_seeded():
    rng = np.random.default_rng(1)
    i, j = Probability(0.1).draw(400, 300, False, rng)
    n = 400 * 300
    assert abs(i.size - 0.1 * n) < 4 * np.sqrt(n * 0.1 * 0.9)
    assert len(set(zip(i.tolist(), j.tolist()))) == i.size  # no duplicate pairs
    e, _ = _two_pops()
    net = Network([e], [Projection("EE", "E", "E", "e", Probability(0.3, autapses=False), 1.0)])
    a, b = net.connectivity(5)["EE"], net.connectivity(5)["EE"]
    c = net.connectivity(6)["EE"]
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not (np.array_equal(a[0], c[0]) and np.array_equal(a[1], c[1]))
    assert np.all(a[0] != a[1])


def test_fixed_in_degree_gives_exactly_k_distinct_sources():
    i, j = FixedInDegree(7, autapses=False).draw(20, 20, True, np.random.default_rng(0))
    assert np.all(np.bincount(j, minlength=20) == 7)
    assert np.all(i != j)
    for post in range(20):
        assert np.unique(i[j == post]).size == 7
    with pytest.raises(ModelError, match="in-degree"):
        FixedInDegree(21).draw(20, 5, False, np.random.default_rng(0))


def test_explicit_rules():
    i, j = Pairs([0, 2], [1, 1]).draw(3, 2, False, None)
    assert i.tolist() == [0, 2] and j.tolist() == [1, 1]
    with pytest.raises(ModelError, match="out of range"):
        Pairs([3], [0]).draw(3, 2, False, None)
    i, j = AllToAll(autapses=False).draw(4, 4, True, None)
    assert i.size == 12 and np.all(i != j)
    with pytest.raises(ModelError, match="one-to-one"):
        OneToOne().draw(3, 4, False, None)


def test_brunel_full_size_has_nest_example_numbers():
    net = brunel(1.0)
    pop = net.populations[0]
    assert pop.size == 12500 and dict(pop.parts) == {"E": 10000, "I": 2500}
    exc, inh = net.projections
    assert exc.rule.k == 1000 and inh.rule.k == 250
    assert exc.weight == pytest.approx(0.1) and inh.weight == pytest.approx(-0.5)
    assert exc.delay == 1.5
    ext = net.inputs[0]
    # nu_thr = theta/(J*C_E*tau_m) = 10 Hz; eta = 2 -> 20 Hz per source, C_E sources.
    assert ext.n == 1000 and ext.rate == pytest.approx(20.0)
    m = pop.resolved_model.defaults()
    assert m["C"] / m["g_L"] == pytest.approx(20.0)  # tau_m in ms
    assert (m["E_L"], m["V_th"], m["V_reset"], m["t_ref"]) == (0.0, 20.0, 0.0, 2.0)
    small = brunel(0.1)
    assert small.projections[0].rule.k == 100 and small.projections[0].weight == pytest.approx(1.0)
    assert small.inputs[0].rate == pytest.approx(20.0)  # J*C_E kept: same nu_thr


def test_benchmark_networks_keep_in_degree_when_scaled():
    for build in (cuba, coba, cobahh):
        full, half = build(4000), build(2000)
        assert full.projections[0].rule.p == pytest.approx(0.02)
        assert half.projections[0].rule.p == pytest.approx(0.04)
        assert dict(full.populations[0].parts) == {"E": 3200, "I": 800}
    assert cobahh(100).populations[0].model.threshold == "v > -20*mV"
    assert cobahh(100).populations[0].model.equations == HH.equations
    net = song_stdp(n_inputs=50)
    assert isinstance(net.projections[0].plasticity, STDP)
    assert net.projections[0].records_weights
