"""Building cells in NEURON (neurokit.backends.neuron.build): morphologies, regions, scaling,
d_lambda, locations and synapses."""

from __future__ import annotations

import math
import os

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
