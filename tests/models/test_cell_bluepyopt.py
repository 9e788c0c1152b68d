"""Reading BluePyOpt cells (neurokit.models.bluepyopt, neurokit.models.cell.from_bluepyopt)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from neurokit.errors import ModelError
from neurokit.models.bluepyopt import distribution_factor, neurokit_name, recordings_from_bluepyopt
from neurokit.models.cell import from_bluepyopt
from neurokit.models.morphology import Morphology
from neurokit.models.sites import Location

MECHANISMS = {"all": ["nk_leak"], "somatic": ["nk_na", "nk_kdr"], "axonal": ["nk_na"],
              "apical": ["nk_ih"], "basal": ["nk_ih"]}
EXP = "(-0.8696 + 2.087*math.exp(({distance})*0.0031))*{value}"
SIGMOID = "{value} * (1 + 2 / (1 + math.exp((300 - {distance}) / 50)))"
CUSTOM = "{value} * math.exp(-{distance} / {lam})"
PARAMETERS = [
    {"param_name": "celsius", "type": "global", "value": 34},
    {"param_name": "v_init", "type": "global", "value": -70},
    {"param_name": "lam", "type": "global", "bounds": [50, 500]},
    {"param_name": "g_nk_leak", "sectionlist": "all", "type": "range", "dist_type": "uniform", "value": 3e-5},
    {"param_name": "cm", "sectionlist": "all", "type": "section", "dist_type": "uniform", "value": 1},
    {"param_name": "Ra", "sectionlist": "all", "type": "section", "dist_type": "uniform", "value": 100},
    {"param_name": "cm", "sectionlist": "basal", "type": "section", "dist_type": "uniform", "value": 2},
    {"param_name": "gbar_nk_na", "sectionlist": "somatic", "type": "range", "dist_type": "uniform",
     "bounds": [0, 0.5]},
    {"param_name": "gbar_nk_na", "sectionlist": "axonal", "type": "range", "dist_type": "uniform",
     "bounds": [0, 4]},
    {"param_name": "gbar_nk_kdr", "sectionlist": "somatic", "type": "range", "dist_type": "uniform",
     "value": 0.05},
    {"param_name": "gbar_nk_ih", "sectionlist": "apical", "type": "range", "dist_type": "exp",
     "dist": EXP, "value": 8e-5},
    {"param_name": "gbar_nk_ih", "sectionlist": "basal", "type": "range", "dist_type": "sigmoid",
     "dist": SIGMOID, "value": 1e-4},
    {"param_name": "e_nk_leak", "sectionlist": "all", "type": "range", "dist_type": "custom",
     "dist": "{value} + 0 * {distance}", "value": -70},
    {"param_name": "g_nk_leak", "sectionlist": "apical", "type": "range", "dist_type": "custom",
     "dist": CUSTOM, "bounds": [1e-5, 1e-4]},
]


def _files(tmp_path, parameters=None, mechanisms=None):
    m, p = tmp_path / "mechanisms.json", tmp_path / "parameters.json"
    m.write_text(json.dumps(MECHANISMS if mechanisms is None else mechanisms))
    p.write_text(json.dumps(PARAMETERS if parameters is None else parameters))
    return m, p


def _model(tmp_path, **kw):
    m, p = _files(tmp_path)
    kw.setdefault("values", {"gbar_nk_na.somatic": 0.2})
    return from_bluepyopt(Morphology.y_cell(), m, p, **kw)


def test_regions_parameters_and_distributions(tmp_path):
    model = _model(tmp_path)
    regions = {r.name: r for r in model.regions}
    assert set(regions) == {"all", "soma", "axon", "apical", "basal"}
    assert regions["soma"].mechanisms == ("nk_na", "nk_kdr")
    assert regions["all"].values == {"g_nk_leak": 3e-5, "cm": 1.0, "Ra": 100.0, "e_nk_leak": -70.0}
    assert regions["basal"].values == {"cm": 2.0, "gbar_nk_ih": 1e-4}
    assert model.celsius == 34.0 and model.v_init == -70.0
    params = {p.name: p for p in model.parameters}
    assert set(params) == {"lam", "gbar_nk_na.soma", "gbar_nk_na.axon", "g_nk_leak.apical"}
    assert params["gbar_nk_na.soma"].default == 0.2  # from values=, by BluePyOpt's name
    assert params["gbar_nk_na.axon"].default == 2.0  # middle of the bounds
    assert params["gbar_nk_na.axon"].bounds == (0.0, 4.0) and params["gbar_nk_na.axon"].unit == "S/cm2"
    assert set(model.scaling) == {"gbar_nk_ih.apical", "gbar_nk_ih.basal", "e_nk_leak.all", "g_nk_leak.apical"}
    assert model.morphology.nseg == Morphology.y_cell().nseg  # a ready Morphology is kept as given


def test_distribution_factor_is_the_value_free_part():
    d = np.array([0.0, 100.0, 700.0])
    expr = distribution_factor(EXP, "t")
    from neurokit.expressions import evaluate

    assert evaluate(expr, {"d": d}, "t") == pytest.approx(-0.8696 + 2.087 * np.exp(d * 0.0031))
    with pytest.raises(ModelError, match="not proportional"):
        distribution_factor("{value} + {distance}", "t")
    with pytest.raises(ModelError, match="not proportional"):
        distribution_factor("{value} ** 2", "t")


def test_file_expressions_never_reach_python(tmp_path):
    bad = [dict(PARAMETERS[10], dist="__import__('os').system('true') * {value}")]
    m, p = _files(tmp_path, parameters=bad)
    with pytest.raises(ModelError, match="distribution"):
        from_bluepyopt(Morphology.y_cell(), m, p)


@pytest.mark.parametrize("entry,culprit", [
    ({"param_name": "x", "type": "range", "sectionlist": "myelinated", "value": 1}, "myelinated"),
    ({"param_name": "x", "type": "range", "sectionlist": "all"}, "either 'value'"),
    ({"param_name": "x", "type": "range", "sectionlist": "all", "value": 1, "bounds": [0, 1]}, "either 'value'"),
    ({"param_name": "x", "type": "pointprocess", "value": 1}, "type"),
    ({"param_name": "x", "type": "range", "sectionlist": "all", "bounds": [0]}, "bounds"),
    ({"param_name": "x", "type": "range", "sectionlist": "all", "value": "1"}, "not a number"),
    ({"param_name": "x", "type": "range", "sectionlist": "all", "dist_type": "exp", "value": 1}, "'dist'"),
    ({"param_name": "ena", "type": "global", "value": 50}, "globals"),
    ({"param_name": "x.y", "type": "global", "value": 50}, "identifier"),
])
def test_bad_entries_name_the_culprit(tmp_path, entry, culprit):
    m, p = _files(tmp_path, parameters=[entry])
    with pytest.raises(ModelError, match=culprit):
        from_bluepyopt(Morphology.y_cell(), m, p)


def test_values_for_unknown_names_and_bad_files(tmp_path):
    m, p = _files(tmp_path)
    with pytest.raises(ModelError, match="gbar_nk_na.basal"):
        from_bluepyopt(Morphology.y_cell(), m, p, values={"gbar_nk_na.basal": 1.0})
    p.write_text("{not json")
    with pytest.raises(ModelError, match="not JSON"):
        from_bluepyopt(Morphology.y_cell(), m, p)
    m2, p2 = _files(tmp_path, mechanisms={"somatic": "nk_na"})
    with pytest.raises(ModelError, match="must list mechanism names"):
        from_bluepyopt(Morphology.y_cell(), m2, p2)


def test_names_and_recordings():
    assert neurokit_name("gNaTs2_tbar_NaTs2_t.somatic") == "gNaTs2_tbar_NaTs2_t.soma"
    assert neurokit_name("celsius") == "celsius"
    rec = recordings_from_bluepyopt({"bAP": {"stimuli": [], "extra_recordings": [
        {"var": "v", "somadistance": 660, "type": "somadistance", "name": "dend1", "seclist_name": "apical"}]}})
    assert rec["bAP"] == (Location("soma"), Location("apical", distance=660.0))


def test_built_cell_has_the_distributions_at_known_distances(tmp_path):
    pytest.importorskip("neuron", reason="NEURON is not installed")
    from neurokit.backends.neuron import inspect_cell

    path = tmp_path / "y.swc"
    # soma (two points), apical trunk 400 um, basal 200 um: SWC types 1, 4, 3.
    path.write_text("1 1 0 0 0 10 -1\n2 1 0 10 0 10 1\n3 4 0 20 0 1 2\n4 4 0 420 0 1 3\n"
                    "5 3 0 -10 0 1 1\n6 3 0 -210 0 1 5\n")
    m, p = _files(tmp_path)
    model = from_bluepyopt(path, m, p, values={"gbar_nk_na.somatic": 0.2, "lam": 200.0})
    assert model.morphology.replace_axon == "bluepyopt" and model.morphology.nseg == "bluepyopt"
    out = inspect_cell(model)
    secs = {s["name"]: s for s in out["sections"]}
    assert all(s["nseg"] == 1 + 2 * int(s["L"] / 40) for s in out["sections"] if s["region"] != "axon")
    assert [s["L"] for s in out["sections"] if s["region"] == "axon"] == [30.0, 30.0]
    seg = out["segments"]
    d = seg.path_distance.values
    ap, bas = seg.region.values == "apical", seg.region.values == "basal"
    assert seg.gbar_nk_ih.values[ap] == pytest.approx(8e-5 * (-0.8696 + 2.087 * np.exp(d[ap] * 0.0031)))
    assert seg.gbar_nk_ih.values[bas] == pytest.approx(1e-4 * (1 + 2 / (1 + np.exp((300 - d[bas]) / 50))))
    g_mid = 0.5 * (1e-5 + 1e-4)
    assert seg.g_nk_leak.values[ap] == pytest.approx(g_mid * np.exp(-d[ap] / 200.0))
    assert seg.g_nk_leak.values[seg.region.values == "soma"] == pytest.approx(3e-5)
    assert set(seg.cm.values[bas]) == {2.0} and set(seg.cm.values[ap]) == {1.0}
    assert seg.gbar_nk_na.values[seg.region.values == "axon"] == pytest.approx([2.0, 2.0])
    assert math.isnan(seg.gbar_nk_kdr.values[ap][0])
    assert len(secs) == out["n_sections"]
