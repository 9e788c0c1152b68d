"""Cell descriptions (no NEURON): morphologies, regions, parameters, scaling rules, options."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from neurokit.errors import ExpressionError, ModelError, ParameterError
from neurokit.models.cell import CellModel, Region, ball_and_stick, single_compartment_hh
from neurokit.models.morphology import Morphology, SectionSpec
from neurokit.models.sites import VoltageClamp
from neurokit.params import Parameter

# -- the spec alone (no NEURON) -------------------------------------------------------------

def test_single_compartment_area_is_exact():
    morph = Morphology.single_compartment(20000.0)
    (soma,) = morph.sections
    assert math.pi * soma.diam * soma.length == pytest.approx(20000.0)


def test_morphology_checks_its_input(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        Morphology.from_file(tmp_path / "missing.swc")
    bad = tmp_path / "cell.txt"
    bad.write_text("1 1 0 0 0 5 -1\n")
    with pytest.raises(ModelError, match="unknown format"):
        Morphology.from_file(bad)
    with pytest.raises(ModelError, match="unknown parent"):
        Morphology.from_sections([SectionSpec("soma", "soma", 10, 10),
                                  SectionSpec("d", "basal", 10, 1, parent="nothing")])
    with pytest.raises(ModelError, match="region"):
        SectionSpec("d", "dendrite", 10, 1)


def test_parameters_must_name_known_regions_and_synapses():
    morph = Morphology.ball_and_stick()
    with pytest.raises(ModelError, match="region 'basal'"):
        CellModel("c", morph, regions=(Region("soma", ("nk_leak",)),),
                  parameters=(Parameter("g_nk_leak.basal", "S/cm2", default=1e-4),))
    with pytest.raises(ModelError, match="names no synapse"):
        CellModel("c", morph, regions=(Region("soma"),),
                  parameters=(Parameter("weight.ampa", "uS", default=1e-3),))
    with pytest.raises(ParameterError, match="needs a default"):
        CellModel("c", morph, regions=(Region("soma"),), parameters=(Parameter("cm.soma", "uF/cm2"),))


def test_scaling_expression_names_are_checked():
    morph = Morphology.ball_and_stick()
    with pytest.raises(ModelError, match="unknown name"):
        CellModel("c", morph, regions=(Region("apical", ("nk_ih",)),),
                  scaling={"gbar_nk_ih.apical": "exp(d / length)"})
    ok = CellModel("c", morph, regions=(Region("apical", ("nk_ih",)),),
                   parameters=(Parameter("length", "um", (50, 500), 300.0),),
                   scaling={"gbar_nk_ih.apical": "exp(d / length)"})
    assert ok.scaling["gbar_nk_ih.apical"] == "exp(d / length)"


def test_voltage_clamp_levels_follow_the_pieces():
    vc = VoltageClamp(sweeps=(((0.01, -70.0), (0.02, -20.0)),))
    t = np.arange(0, 0.05, 0.001)
    levels = vc.levels(0, t)
    assert np.all(levels[t < 0.01] == -70.0)
    assert np.all(levels[(t >= 0.01) & (t < 0.03)] == -20.0)
    assert np.all(levels[t >= 0.03] == -20.0)  # the last level holds


def test_model_key_changes_with_structure_not_identity():
    a, b = ball_and_stick(), ball_and_stick()
    assert a.key() == b.key()
    assert a.key() != ball_and_stick(celsius=20.0).key()


def test_scaling_is_data_not_python(tmp_path):
    """The old name check missed names inside a lambda, so this reached os.system."""
    marker = tmp_path / "pwned"
    exploit = ("(lambda: [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "
               f"'catch_warnings'][0]()._module.__builtins__['__import__']('os').system('touch {marker}'))() * 0 + 1")
    with pytest.raises(ExpressionError):
        CellModel("c", Morphology.ball_and_stick(), regions=(Region("apical", ("nk_ih",)),),
                  scaling={"gbar_nk_ih.apical": exploit})
    for text in ("().__class__", "__import__('os')", "[d for d in d]", "d.real"):
        with pytest.raises(ExpressionError):
            CellModel("c", Morphology.ball_and_stick(), regions=(Region("apical", ("nk_ih",)),),
                      scaling={"gbar_nk_ih.apical": text})
    assert not marker.exists()


def test_scaling_rules_are_checked_where_they_apply():
    morph = Morphology.ball_and_stick()
    ok = CellModel("c", morph, regions=(Region("apical", ("nk_ih",)),),
                   scaling={"gbar_nk_ih.apical": "where(distance > 100, 2, 1) * exp(-d / 1e3)"})
    assert set(ok.scaling) == {"gbar_nk_ih.apical"}
    with pytest.raises(ModelError, match="Ra is set per section"):
        CellModel("c", morph, regions=(Region("all"),), scaling={"Ra.all": "1 + d"})
    with pytest.raises(ModelError, match="'<variable>.<region>'"):
        CellModel("c", morph, regions=(Region("all"),), scaling={"celsius": "1 + d"})


def test_regions_name_their_mechanisms_properly():
    with pytest.raises(ModelError, match=r"region 'soma'.*the string 'nk_leak'"):
        Region("soma", "nk_leak")
    with pytest.raises(ModelError, match="'nk_na.soma' is not a mechanism name"):
        Region("soma", ("nk_na.soma",))
    with pytest.raises(ModelError, match="value of 'cm'"):
        Region("soma", ("nk_leak",), {"cm": "one"})
    with pytest.raises(ModelError, match="regions must be Region entries"):
        CellModel("c", Morphology.single_compartment(), regions=({"soma": ["nk_leak"]},))
    with pytest.raises(ModelError, match="regions must be a sequence"):
        CellModel("c", Morphology.single_compartment(), regions={"soma": ["nk_leak"]})
    with pytest.raises(ParameterError, match="'g nk.soma'"):
        CellModel("c", Morphology.single_compartment(), regions=(Region("soma"),),
                  parameters=(Parameter("g nk.soma", "S/cm2", default=1e-4),))


@pytest.mark.parametrize("build", [
    lambda: single_compartment_hh(area=-5),
    lambda: single_compartment_hh(area=0.0),
    lambda: single_compartment_hh(area=float("nan")),
    lambda: Morphology.ball_and_stick(dend_length=-1.0),
    lambda: Morphology.ball_and_stick(n_dends=0),
    lambda: SectionSpec("d", "basal", 10.0, 0.0),
    lambda: SectionSpec("d", "basal", 10.0, 1.0, nseg=0),
    lambda: single_compartment_hh(d_lambda=-0.1),
], ids=["area-5", "area0", "area-nan", "dend_length", "n_dends", "diam0", "nseg0", "d_lambda"])
def test_non_positive_geometry_is_a_model_error(build):
    with pytest.raises(ModelError, match="area|length|n_dends|diam|nseg|d_lambda"):
        build()


def test_builder_options_are_checked_by_name():
    """Builders take a fit or sweep file's ``[model] options``: a misspelt one is named."""
    assert ball_and_stick(celsius=20.0).celsius == 20.0
    assert single_compartment_hh(area=10000.0).morphology.sections[0].diam < 60.0
    with pytest.raises(ModelError, match=r"unknown option\(s\) \['celcius'\]"):
        ball_and_stick(celcius=20.0)
    with pytest.raises(ModelError, match="'area'"):
        ball_and_stick(area=100.0)  # only the one-compartment cell has an area
    with pytest.raises(ModelError, match="unknown option"):
        ball_and_stick().replace(nseg=3)


def test_describing_a_cell_does_not_load_neuron():
    code = ("import sys, neurokit.models.cell, neurokit.models.morphology, neurokit.models.sites; "
            "neurokit.models.cell.ball_and_stick(); sys.exit(1 if 'neuron' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
