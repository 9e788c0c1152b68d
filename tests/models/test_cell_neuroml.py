"""Reading NeuroML2 cells (neurokit.models.neuroml, neurokit.models.cell.from_neuroml).

The cells are written in each test with libNeuroML's own writer, so the files are what
libNeuroML (and so jNeuroML / pyNeuroML users) produce.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

neuroml = pytest.importorskip("neuroml")
import neuroml.loaders  # noqa: E402,F401
from neuroml import (BiophysicalProperties, Cell, ChannelDensity, ChannelDensityNonUniform,  # noqa: E402
                     Include, InhomogeneousParameter, InhomogeneousValue, InitMembPotential,
                     ChannelPopulation, IntracellularProperties, IonChannelHH, Member, MembraneProperties, Morphology,
                     NeuroMLDocument, Point3DWithDiam, Resistivity, Segment, SegmentGroup, SegmentParent,
                     SpecificCapacitance, Species, SpikeThresh, VariableParameter)
from neuroml.writers import NeuroMLWriter  # noqa: E402

from neurokit.errors import ModelError  # noqa: E402
from neurokit.models.cell import CellModel, from_neuroml  # noqa: E402

SECTION = "sao864921383"


def _point(x, d):
    return Point3DWithDiam(x=x, y=0.0, z=0.0, diameter=d)


def _morphology(sphere=False):
    soma = (Segment(id=0, name="soma", proximal=_point(0, 20), distal=_point(0, 20)) if sphere else
            Segment(id=0, name="soma", proximal=_point(0, 20), distal=_point(20, 20)))
    segs = [soma,
            Segment(id=1, name="dend0", parent=SegmentParent(segments=0), proximal=_point(20, 3), distal=_point(170, 2)),
            Segment(id=2, name="dend1", parent=SegmentParent(segments=1), distal=_point(320, 1)),
            Segment(id=3, name="axon", parent=SegmentParent(segments=0, fraction_along=0.0),
                    proximal=_point(0, 1), distal=_point(-100, 1))]
    groups = [SegmentGroup(id="soma_group", neuro_lex_id=SECTION, members=[Member(segments=0)]),
              SegmentGroup(id="dend", neuro_lex_id=SECTION, members=[Member(segments=1), Member(segments=2)]),
              SegmentGroup(id="axon_group", neuro_lex_id=SECTION, members=[Member(segments=3)]),
              SegmentGroup(id="dendrite_group", includes=[Include(segment_groups="dend")],
                           inhomogeneous_parameters=[InhomogeneousParameter(
                               id="path_dend", variable="p", metric="Path Length from root")]),
              SegmentGroup(id="dend_start", members=[Member(segments=1)])]
    return Morphology(id="morph", segments=segs, segment_groups=groups)


def _densities():
    return [ChannelDensity(id="leak", ion_channel="nk_leak", cond_density="0.3 mS_per_cm2", erev="-75mV",
                           ion="non_specific"),
            ChannelDensity(id="na_soma", ion_channel="nk_na", cond_density="200 mS_per_cm2", erev="50mV", ion="na",
                           segment_groups="soma_group"),
            ChannelDensity(id="kdr_soma", ion_channel="nk_kdr", cond_density="1000 S_per_m2", erev="-85mV", ion="k",
                           segment_groups="soma_group"),
            ChannelDensity(id="na_axon", ion_channel="nk_na", cond_density="0.3 S_per_cm2", erev="50mV", ion="na",
                           segment_groups="axon_group")]


def _write(tmp_path, densities=None, nonuniform=(), species=(), extra_doc=None, sphere=False, name="cell.cell.nml"):
    mp = MembraneProperties(channel_densities=_densities() if densities is None else densities,
                            channel_density_non_uniforms=list(nonuniform),
                            specific_capacitances=[SpecificCapacitance(value="1.0 uF_per_cm2")],
                            init_memb_potentials=[InitMembPotential(value="-70mV")],
                            spike_threshes=[SpikeThresh(value="-20mV")])
    ip = IntracellularProperties(resistivities=[Resistivity(value="0.15 kohm_cm")], species=list(species))
    cell = Cell(id="bas", morphology=_morphology(sphere),
                biophysical_properties=BiophysicalProperties(id="bio", membrane_properties=mp, intracellular_properties=ip))
    doc = NeuroMLDocument(id="bas_doc", cells=[cell], **(extra_doc or {}))
    path = tmp_path / name
    NeuroMLWriter.write(doc, str(path))
    return path


def test_geometry_regions_and_values(tmp_path):
    model = from_neuroml(_write(tmp_path))
    assert isinstance(model, CellModel) and model.name == "bas"
    assert (model.v_init, model.spike_threshold) == (-70.0, -20.0)
    secs = {s.name: s for s in model.morphology.sections}
    assert set(secs) == {"soma_group", "dend", "axon_group"}
    assert (secs["soma_group"].region, secs["soma_group"].length, secs["soma_group"].diam) == ("soma", 20.0, 20.0)
    dend = secs["dend"]
    # Two frusta of 150 um (3->2 um and 2->1 um): lateral area kept by a 2 um cylinder of 300 um.
    assert (dend.region, dend.length, dend.diam, dend.parent, dend.parent_x) == ("basal", 300.0, 2.0, "soma_group", 1.0)
    assert (secs["axon_group"].region, secs["axon_group"].parent_x) == ("axon", 0.0)
    regions = {r.name: r for r in model.regions}
    assert set(regions["soma"].mechanisms) == {"nk_leak", "nk_na", "nk_kdr"}
    assert regions["basal"].mechanisms == ("nk_leak",)
    assert regions["soma"].values["gbar_nk_kdr"] == pytest.approx(0.1)  # 1000 S/m2
    assert regions["axon"].values["Ra"] == pytest.approx(150.0)  # 0.15 kohm cm


def test_built_cell_through_inspect(tmp_path):
    from neurokit.backends.neuron import inspect_cell

    info = inspect_cell(from_neuroml(_write(tmp_path)))
    assert info["n_sections"] == 3
    by_name = {s["name"]: s for s in info["sections"]}
    assert by_name["dend"]["L"] == pytest.approx(300.0) and by_name["dend"]["diam"] == pytest.approx(2.0)
    assert by_name["dend"]["parent"] == "soma_group" and by_name["axon_group"]["parent"] == "soma_group"
    seg = info["segments"]
    per_region = {r: seg.where(seg.region == r, drop=True) for r in ("soma", "basal", "axon")}
    np.testing.assert_allclose(per_region["soma"].gbar_nk_na, 0.2)
    np.testing.assert_allclose(per_region["axon"].gbar_nk_na, 0.3)
    assert np.all(np.isnan(per_region["basal"].gbar_nk_na))
    np.testing.assert_allclose(per_region["basal"].g_nk_leak, 3e-4)
    np.testing.assert_allclose(seg.cm, 1.0)
    np.testing.assert_allclose(seg.Ra, 150.0)
    np.testing.assert_allclose(per_region["soma"].ena, 50.0)


def test_fires_for_a_step_on_the_neuron_backend(tmp_path):
    from neurokit import schema
    from neurokit.backends import get_backend
    from neurokit.protocols import step_protocol

    model = from_neuroml(_write(tmp_path))
    proto = step_protocol([0.0, 0.5], start=0.01, stop=0.06, duration=0.07, dt=2.5e-5, sampling_interval=1e-4)
    ds = get_backend("neuron").simulate(model, {}, proto)
    assert len(schema.spike_times(ds, sample=0, sweep=0)) == 0
    assert len(schema.spike_times(ds, sample=0, sweep=1)) >= 2


def test_inhomogeneous_density_becomes_a_distance_rule(tmp_path):
    from neurokit.backends.neuron import inspect_cell

    nonuniform = [ChannelDensityNonUniform(
        id="na_dend", ion_channel="nk_na", erev="50mV", ion="na",
        variable_parameters=[VariableParameter(parameter="condDensity", segment_groups="dendrite_group",
                                               inhomogeneous_value=InhomogeneousValue(
                                                   inhomogeneous_parameters="path_dend", value="20 * exp(-p / 100)"))])]
    model = from_neuroml(_write(tmp_path, nonuniform=nonuniform))
    assert model.scaling == {"gbar_nk_na.basal": "20 * exp(-d / 100)"}
    seg = inspect_cell(model)["segments"]
    dend = seg.where(seg.region == "basal", drop=True)
    expected = 1e-4 * 20 * np.exp(-dend.path_distance.values / 100)  # S/m2 -> S/cm2
    np.testing.assert_allclose(dend.gbar_nk_na.values, expected, rtol=1e-9)


def test_spherical_soma_keeps_its_area(tmp_path):
    model = from_neuroml(_write(tmp_path, sphere=True))
    soma = next(s for s in model.morphology.sections if s.region == "soma")
    assert math.pi * soma.diam * soma.length == pytest.approx(math.pi * 20.0 ** 2)


def test_own_mod_folder_names_the_conductance(tmp_path):
    folder = tmp_path / "mods"
    folder.mkdir()
    from neurokit.models.neuroml import BUILTIN_MECHANISMS

    mod = (BUILTIN_MECHANISMS / "nk_leak.mod").read_text().replace("nk_leak", "my_leak").replace(" g,", " gmax,")
    (folder / "my_leak.mod").write_text(mod.replace("g = ", "gmax = ").replace("i = g *", "i = gmax *"))
    dens = [ChannelDensity(id="leak", ion_channel="my_leak", cond_density="0.1 mS_per_cm2", erev="-65mV",
                           ion="non_specific")]
    model = from_neuroml(_write(tmp_path, densities=dens), mod_folder=folder)
    soma = next(r for r in model.regions if r.name == "soma")
    assert soma.mechanisms == ("my_leak",)
    assert soma.values["gmax_my_leak"] == pytest.approx(1e-4) and soma.values["e_my_leak"] == -65.0
    assert model.mechanism_folders == (str(folder.resolve()),)


def test_malformed_and_missing_files_are_model_errors(tmp_path):
    bad = tmp_path / "bad.cell.nml"
    bad.write_text("<neuroml xmlns='http://www.neuroml.org/schema/neuroml2'><cell id='x'><morphology")
    with pytest.raises(ModelError, match="bad.cell.nml"):
        from_neuroml(bad)
    with pytest.raises(ModelError, match="does not exist"):
        from_neuroml(tmp_path / "absent.cell.nml")
    entity = tmp_path / "entity.nml"
    entity.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "/etc/hostname">]><neuroml/>')
    with pytest.raises(ModelError, match="document type"):
        from_neuroml(entity)
    empty = tmp_path / "empty.nml"
    NeuroMLWriter.write(NeuroMLDocument(id="empty"), str(empty))
    with pytest.raises(ModelError, match="no <cell>"):
        from_neuroml(empty)


def test_unknown_channel_is_named(tmp_path):
    dens = [*_densities(), ChannelDensity(id="mystery", ion_channel="mystery_chan", cond_density="1 mS_per_cm2",
                                          erev="0mV", ion="na", segment_groups="soma_group")]
    with pytest.raises(ModelError, match="unknown ion channel 'mystery_chan'"):
        from_neuroml(_write(tmp_path, densities=dens))


def test_lems_channel_needs_a_mod_file(tmp_path):
    chan = tmp_path / "naChan.channel.nml"
    NeuroMLWriter.write(NeuroMLDocument(id="chan", ion_channel_hhs=[IonChannelHH(id="naChan", conductance="10pS",
                                                                                  species="na")]), str(chan))
    dens = [ChannelDensity(id="na", ion_channel="naChan", cond_density="100 mS_per_cm2", erev="50mV", ion="na")]
    path = _write(tmp_path, densities=dens, extra_doc={"includes": [neuroml.IncludeType(href=chan.name)]})
    with pytest.raises(ModelError, match=r"'naChan'.*\.mod file.*mod_folder"):
        from_neuroml(path)
    chan.unlink()
    with pytest.raises(ModelError, match="naChan.channel.nml.*does not exist"):
        from_neuroml(path)


def test_unsupported_entities_are_named(tmp_path):
    part = [ChannelDensity(id="na_part", ion_channel="nk_na", cond_density="1 mS_per_cm2", erev="50mV", ion="na",
                           segment_groups="dend_start")]
    with pytest.raises(ModelError, match="'dend_start' is not a union of whole regions"):
        from_neuroml(_write(tmp_path, densities=part))
    ca = [Species(id="ca", concentration_model="caPool", ion="ca", initial_concentration="5e-5 mM",
                  initial_ext_concentration="2 mM")]
    with pytest.raises(ModelError, match="species 'ca'"):
        from_neuroml(_write(tmp_path, species=ca))
    bad_unit = [ChannelDensity(id="leak", ion_channel="nk_leak", cond_density="5 mV", erev="-70mV", ion="non_specific")]
    with pytest.raises(ModelError, match="condDensity"):
        from_neuroml(_write(tmp_path, densities=bad_unit))
    path = _write(tmp_path)
    doc = neuroml.loaders.read_neuroml2_file(str(path))
    doc.cells[0].biophysical_properties.membrane_properties.channel_populations.append(
        ChannelPopulation(id="pop1", ion_channel="nk_na", number=3, erev="50mV", ion="na"))
    NeuroMLWriter.write(doc, str(path))
    with pytest.raises(ModelError, match=r"cell.cell.nml.*<channelPopulation id='pop1'> is not supported"):
        from_neuroml(path)


def test_cell_id_picks_one_of_several(tmp_path):
    path = _write(tmp_path)
    doc = neuroml.loaders.read_neuroml2_file(str(path))
    other = Cell(id="other", morphology=_morphology(), biophysical_properties=doc.cells[0].biophysical_properties)
    doc.cells.append(other)
    NeuroMLWriter.write(doc, str(path))
    with pytest.raises(ModelError, match=r"give cell_id.*'bas', 'other'"):
        from_neuroml(path)
    assert from_neuroml(path, cell_id="other", name="mine", celsius=30.0).name == "mine"
    with pytest.raises(ModelError, match="no <cell id='nope'>"):
        from_neuroml(path, cell_id="nope")
