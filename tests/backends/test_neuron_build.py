"""Building cells in NEURON (neurokit.backends.neuron.build): morphologies, regions, scaling,
d_lambda, locations and synapses."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from neurokit.backends.neuron.build import instantiate
from neurokit.errors import ModelError
from neurokit.models.cell import CellModel, Region, ball_and_stick, single_compartment_hh
from neurokit.models.morphology import Morphology, SectionSpec
from neurokit.models.sites import Location, Synapse
from neurokit.params import Parameter

# The only reason to skip: NEURON cannot be imported.
pytest.importorskip("neuron", reason="NEURON is not installed")

ASC = """("CellBody"
 (Color Red)
 (CellBody)
 ( 0 10 0 0)
 ( 10 0 0 0)
 ( 0 -10 0 0)
 ( -10 0 0 0)
)

( (Color Yellow)
  (Dendrite)
  ( 0 10 0 2)
  ( 0 60 0 2)
  ( 0 110 0 2)
  (
    ( 0 110 0 1.5)
    ( 30 150 0 1.5)
  |
    ( 0 110 0 1.5)
    ( -30 150 0 1.5)
  )
)
"""


@pytest.mark.parametrize("name,n_soma", [("ca1_n120.swc", 2), ("allen_485574832.swc", 1)])
def test_real_morphologies_build_with_regions(data_dir, name, n_soma):
    model = CellModel(name, Morphology.from_file(os.path.join(data_dir, "morphologies", name)),
                      regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 100.0}),))
    cell = instantiate(model)
    try:
        regions = [r for _, r, _ in cell.sections]
        assert regions.count("soma") == n_soma
        assert regions.count("basal") > 10 and regions.count("apical") > 10
        comps = cell.compartments()
        assert all(sec.nseg % 2 == 1 for _, _, sec in cell.sections)
        assert max(d for *_, d in comps) > 200.0  # um from the soma: a real dendritic tree
    finally:
        cell.close()


def test_neurolucida_asc_builds(tmp_path):
    path = tmp_path / "cell.asc"
    path.write_text(ASC)
    model = CellModel("asc", Morphology.from_file(path), regions=(Region("all", ("nk_leak",)),))
    cell = instantiate(model)
    try:
        regions = sorted({r for _, r, _ in cell.sections})
        assert regions == ["basal", "soma"]
        assert len(cell.sections) == 4  # soma, trunk and two branches
    finally:
        cell.close()


def test_d_lambda_rule_sets_odd_segment_counts():
    long_thin = Morphology.from_sections([SectionSpec("soma", "soma", 20, 20),
                                          SectionSpec("d", "apical", 2000, 0.5, "soma")])
    model = CellModel("c", long_thin, regions=(Region("all", ("nk_leak",), {"Ra": 150.0, "cm": 1.0}),),
                      d_lambda=0.1, d_lambda_freq=100.0)
    cell = instantiate(model)
    try:
        dend = cell.sections[1][2]
        lam = 1e5 * math.sqrt(0.5 / (4 * math.pi * 100.0 * 150.0 * 1.0))
        expected = int((2000 / (0.1 * lam) + 0.9) / 2) * 2 + 1
        assert dend.nseg == expected and expected > 20
        assert cell.sections[0][2].nseg == 1
    finally:
        cell.close()


def test_distance_scaling_and_region_override():
    model = CellModel(
        "y", Morphology.y_cell(),
        regions=(Region("all", ("nk_leak",), {"g_nk_leak": 1e-5}),
                 Region("soma", (), {"g_nk_leak": 7e-5}),
                 Region("apical", ("nk_ih",))),
        parameters=(Parameter("gbar_nk_ih.apical", "S/cm2", (1e-6, 1e-2), 1e-4),
                    Parameter("length", "um", (10, 1000), 100.0)),
        scaling={"gbar_nk_ih.apical": "exp(d / length)"})
    cell = instantiate(model)
    try:
        assert cell.soma(0.5).g_nk_leak == pytest.approx(7e-5)
        basal = cell.sections_in("basal")[0]
        assert basal(0.5).g_nk_leak == pytest.approx(1e-5)
        from neuron import h

        cell.apply({"length": 200.0, "gbar_nk_ih.apical": 2e-4})
        for sec in cell.sections_in("apical"):
            for seg in sec:
                d = h.distance(cell.origin, seg)
                assert seg.gbar_nk_ih == pytest.approx(2e-4 * math.exp(d / 200.0))
    finally:
        cell.close()


def test_unknown_mechanism_and_location_are_named():
    with pytest.raises(ModelError, match="nk_nonexistent"):
        instantiate(CellModel("c", Morphology.single_compartment(),
                              regions=(Region("soma", ("nk_nonexistent",)),)))
    with pytest.raises(ModelError, match="does not have"):
        instantiate(CellModel("c", Morphology.single_compartment(),
                              regions=(Region("soma", ("nk_leak",)), Region("axon", ("nk_leak",))),
                              parameters=(Parameter("g_nk_leak.axon", "S/cm2", default=1e-4),)))
    with pytest.raises(ModelError, match="no section named 'dend7'"):
        instantiate(CellModel("c", Morphology.single_compartment(), regions=(Region("soma", ("nk_leak",)),),
                              recordings=(Location("dend7"),)))


def test_locations_by_distance_and_synapses():
    model = ball_and_stick(synapses=(Synapse("ampa", Location("apical", distance=300.0), (0.01,)),))
    cell = instantiate(model)
    try:
        sec, x, name, region, d = cell.locate(Location("apical", distance=300.0))
        assert region == "apical" and abs(d - 300.0) < 500.0 / sec.nseg
        (syn, obj), = cell.synapses
        assert obj.hname().startswith("Exp2Syn") and obj.get_segment().x == pytest.approx(x)
        assert single_compartment_hh().spike_threshold == -40.0
    finally:
        cell.close()


def test_scaling_by_distance_name_and_global_parameter():
    model = CellModel(
        "y", Morphology.y_cell(),
        regions=(Region("all", ("nk_leak",), {"g_nk_leak": 1e-5}), Region("apical", ("nk_ih",))),
        parameters=(Parameter("gbar_nk_ih.apical", "S/cm2", (1e-6, 1e-2), 1e-4),
                    Parameter("cut", "um", (10, 1000), 150.0)),
        scaling={"gbar_nk_ih.apical": "where(distance > cut, 3, 1)",
                 "g_nk_leak.all": "1 + d / 100"})
    cell = instantiate(model)
    try:
        from neuron import h

        for cut in (150.0, 250.0):
            cell.apply({"cut": cut})
            for _, region, sec in cell.sections:
                for seg in sec:
                    d = h.distance(cell.origin, seg)
                    assert seg.g_nk_leak == pytest.approx(1e-5 * (1 + d / 100), rel=1e-12)
                    if region == "apical":
                        assert seg.gbar_nk_ih == pytest.approx(1e-4 * (3 if d > cut else 1), rel=1e-12)
    finally:
        cell.close()


# A soma contour with an axon: a 30 um trunk (2 um) splitting into a long branch (1 um, its
# centre > 60 um from the soma centre) and a short one (0.5 um), plus one dendrite.
ASC_AXON = ASC + """
( (Color Green)
  (Axon)
  ( 0 -10 0 2)
  ( 0 -40 0 2)
  (
    ( 0 -40 0 1)
    ( 0 -140 0 1)
  |
    ( 0 -40 0 0.5)
    ( 10 -50 0 0.5)
  )
)
"""


def _axon_file(tmp_path):
    path = tmp_path / "axon.asc"
    path.write_text(ASC_AXON)
    return path


def test_bluepyopt_axon_stub_replaces_the_axon(tmp_path):
    from neurokit.backends.neuron import inspect_cell

    path = _axon_file(tmp_path)
    regions = (Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 100.0}),)
    kept = inspect_cell(CellModel("kept", Morphology.from_file(path), regions=regions))
    assert [s["region"] for s in kept["sections"]].count("axon") == 3
    stub = inspect_cell(CellModel("stub", Morphology.from_file(path, replace_axon="bluepyopt"), regions=regions))
    axon = [s for s in stub["sections"] if s["region"] == "axon"]
    assert [s["name"] for s in axon] == ["axon[0]", "axon[1]"]
    assert [s["L"] for s in axon] == [30.0, 30.0]
    assert [s["nseg"] for s in axon] == [1, 1]  # 1 + 2*int(30/40)
    # Diameters: the trunk's, then the first axonal section centred over 60 um from the soma.
    assert axon[0]["diam"] == pytest.approx(2.0) and axon[1]["diam"] == pytest.approx(1.0)
    soma = next(s["name"] for s in stub["sections"] if s["region"] == "soma")
    assert axon[0]["parent"] == soma and axon[1]["parent"] == "axon[0]"
    assert stub["n_sections"] == kept["n_sections"] - 1
    seg = stub["segments"]
    d = seg.path_distance.values[seg.section.values == "axon[1]"]
    assert d == pytest.approx([45.0 + _soma_half(seg)])  # soma(0.5) -> soma(1) -> 30 um -> 15 um


def _soma_half(seg) -> float:
    # Path distance from the soma centre to its end: the first axon segment sits 15 um beyond it.
    return float(seg.path_distance.values[seg.section.values == "axon[0]"][0]) - 15.0


def test_stub_length_in_um_and_cell_without_axon(tmp_path):
    from neurokit.backends.neuron import inspect_cell

    regions = (Region("all", ("nk_leak",)),)
    out = inspect_cell(CellModel("s", Morphology.from_file(_axon_file(tmp_path), replace_axon=100.0), regions=regions))
    axon = [s for s in out["sections"] if s["region"] == "axon"]
    assert [(s["L"], s["nseg"]) for s in axon] == [(50.0, 3), (50.0, 3)]
    bare = tmp_path / "bare.asc"
    bare.write_text(ASC)
    out = inspect_cell(CellModel("b", Morphology.from_file(bare, replace_axon="bluepyopt"), regions=regions))
    assert [s["diam"] for s in out["sections"] if s["region"] == "axon"] == [1.0, 1.0]


@pytest.mark.parametrize("rule,expected", [
    ("length:40", lambda L, d: 1 + 2 * int(L / 40)),
    ("bluepyopt", lambda L, d: 1 + 2 * int(L / 40)),
    ("length:7.5", lambda L, d: 1 + 2 * int(L / 7.5)),
    ("d_lambda", None),
])
def test_segment_rules(rule, expected):
    from neurokit.backends.neuron import inspect_cell

    morph = Morphology.y_cell()
    model = CellModel("y", Morphology.from_sections(morph.sections, nseg=rule),
                      regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 100.0}),), d_lambda=None)
    out = inspect_cell(model)
    for s in out["sections"]:
        if expected is None:  # the d_lambda rule at 0.1 even though the cell says d_lambda=None
            lam = 1e5 * math.sqrt(s["diam"] / (4 * math.pi * 100.0 * 100.0 * 1.0))
            assert s["nseg"] == int((s["L"] / (0.1 * lam) + 0.9) / 2) * 2 + 1
        else:
            assert s["nseg"] == expected(s["L"], s["diam"])
    assert out["n_segments"] == sum(s["nseg"] for s in out["sections"]) == out["segments"].sizes["compartment"]


def test_bad_morphology_options_are_named():
    sections = Morphology.y_cell().sections
    for bad in ("length:", "length:-3", "lambda", 40):
        with pytest.raises(ModelError, match="segment rule"):
            Morphology.from_sections(sections, nseg=bad)
    for bad in ("neuron", -5.0, True):
        with pytest.raises(ModelError, match="replace_axon"):
            Morphology.from_sections(sections, replace_axon=bad)


def test_inspect_cell_reports_values_and_leaves_nothing_behind():
    from neuron import h

    from neurokit.backends.neuron import inspect_cell

    before = sum(1 for _ in h.allsec())
    model = ball_and_stick(scaling={"g_nk_leak.all": "1 + d / 100"})
    out = inspect_cell(model, {"gbar_nk_na.soma": 0.3})
    seg = out["segments"]
    soma = seg.region.values == "soma"
    assert seg.gbar_nk_na.values[soma] == pytest.approx([0.3])
    assert np.isnan(seg.gbar_nk_na.values[~soma]).all()
    ap = seg.region.values == "apical"
    assert seg.g_nk_leak.values[ap] == pytest.approx(5e-5 * (1 + seg.path_distance.values[ap] / 100))
    assert sum(1 for _ in h.allsec()) == before


def test_worker_processes_rebuild_the_same_cell(tmp_path):
    # The morphology options are data in the model: a spawned worker builds the same stub and
    # segments, so its traces equal the in-process ones.
    from neurokit.backends.neuron import NeuronSimulator
    from neurokit.protocols import step_protocol

    model = ball_and_stick(morphology=Morphology.from_file(_axon_file(tmp_path), replace_axon="bluepyopt",
                                                           nseg="length:20"),
                           regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 150.0, "e_nk_leak": -70.0}),
                                    Region("soma", ("nk_na", "nk_kdr"), {"ena": 50.0, "ek": -85.0}),
                                    Region("apical", ())),
                           recordings=(Location("soma"), Location("axon[1]")))
    protocol = step_protocol([0.5], start=0.005, stop=0.02, duration=0.025, dt=2.5e-5)
    local = NeuronSimulator().simulate(model, {}, protocol)
    sim = NeuronSimulator(processes=True)
    try:
        remote = sim.simulate(model, {}, protocol)
    finally:
        sim.close()
    assert list(local.section.values) == ["soma[0]", "axon[1]"]
    np.testing.assert_array_equal(local.membrane_potential.values, remote.membrane_potential.values)
