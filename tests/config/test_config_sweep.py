"""Sweep files: the fit-file syntax for model, fixed values and bounds; grid and Sobol
designs; bad files name the file, the line and the culprit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from neurokit.errors import FitConfigError
from neurokit.sweep import SweepSpec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "fits" / "sweeps").glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_sweep_files_parse(path):
    spec = SweepSpec.from_toml(path)
    design = spec.design()
    assert design.sizes["sample"] == spec.n_samples > 1
    for axis in spec.axes:
        lo, hi = axis.range
        assert design[axis.name].min() >= lo and design[axis.name].max() <= hi


def test_grid_design_units_log_axis_and_fixed_values(sweep_file):
    spec = SweepSpec.from_toml(sweep_file())
    design = spec.design()
    assert design.sizes["sample"] == 9
    # C given in nF, held in the model's pF; log-spaced axis: constant ratio
    np.testing.assert_allclose(np.unique(design["C"].values), [100.0, 200.0, 400.0])
    assert design["C"].attrs["units"] == "pF"
    np.testing.assert_array_equal(design["E_L"], -70.0)
    # grid order: the first parameter varies slowest
    np.testing.assert_allclose(design["g_L"].values[:3], 5.0)
    # protocol quantities in canonical units: currents in nA, times in s
    assert spec.protocol.sweeps[1][0].amplitude == pytest.approx(0.3)
    assert spec.protocol.sweeps[0][0].stop == pytest.approx(0.09) and spec.protocol.dt == pytest.approx(1e-4)


def test_explicit_values_and_per_axis_points(sweep_file):
    spec = SweepSpec.from_toml(sweep_file(replace={'g_L = ["5 nS", "20 nS"]': 'g_L = { values = ["5 nS", "10 nS"] }',
                                                   'transform = "log" }': 'transform = "log", n = 4 }'}))
    assert spec.n_samples == 8
    np.testing.assert_allclose(np.unique(spec.design()["g_L"]), [5.0, 10.0])


def test_sobol_design_is_seeded(sweep_file):
    a = SweepSpec.from_toml(sweep_file(method="sobol", n=8)).design()
    b = SweepSpec.from_toml(sweep_file(method="sobol", n=8)).design()
    xr.testing.assert_identical(a, b)
    assert np.unique(a["g_L"]).size == 8


@pytest.mark.parametrize("replace, needle, message", [
    ({"g_L =": "g_Leak ="}, "g_Leak", "no parameter 'g_Leak'"),
    ({'["5 nS", "20 nS"]': '["5 mV", "20 mV"]'}, "g_L =", "unit mismatch"),
    ({'name = "lif"': 'name = "lifx"'}, "lifx", "unknown model 'lifx'"),
    ({"[design]": "[desgin]"}, "[desgin]", "unknown key 'desgin'"),
    ({'["5 nS", "20 nS"]': '["20 nS", "5 nS"]'}, "g_L =", "reversed"),
    ({'["0.1 nF", "0.4 nF"]': '["-0.1 nF", "0.4 nF"]'}, "C =", "'log' needs a positive lower bound"),
    ({'dt = "0.1 ms"': 'dt = "-0.1 ms"'}, "[protocol]", "protocol"),
    ({"chunk_size = 4": "chunk_size = 0"}, "chunk_size", "chunk_size must be >= 1"),
    ({'E_L = "-70 mV"': 'E_L = "-70 mV"\nt_ref = "-2 ms"'}, "t_ref", "out of its physical range"),
    ({'E_L = "-70 mV"': 'E_L = "-70 mV"\nC = "100 pF"'}, "C = {", "both swept and fixed"),
])
def test_bad_specs_name_the_line_and_the_culprit(sweep_file, replace, needle, message):
    path = sweep_file(replace=replace)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if needle in text)
    with pytest.raises(FitConfigError) as info:
        SweepSpec.from_toml(path)
    assert str(info.value).startswith(f"{path}:{line}:"), str(info.value)
    assert message in str(info.value)


def test_duplicate_keys_are_a_toml_error(sweep_file):
    with pytest.raises(FitConfigError, match=r"small.toml: invalid TOML: .*line"):
        SweepSpec.from_toml(sweep_file(replace={"n = 3": "n = 3\nn = 4"}))


@pytest.mark.parametrize("replace, message", [
    ({'seed = 2\n\n[model]\nname = "lif"\nbackend = "native"\n\n[model.fixed]\nE_L = "-70 mV"\n':
      'seed = 2\nmodel = "lif"\nbackend = "native"\n'}, "name the model in a [model] table"),
    ({'g_L = ["5 nS", "20 nS"]': 'g_L = { range = [5.0, 20.0] }'}, "use bounds = [low, high]"),
    ({'g_L = ["5 nS", "20 nS"]': 'g_L = -65.0'}, "fixed values go in [model.fixed]"),
])
def test_the_old_sweep_syntax_is_refused_with_the_fit_syntax_named(sweep_file, replace, message):
    with pytest.raises(FitConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        SweepSpec.from_toml(sweep_file(replace=replace))


def test_model_by_import_path_needs_trust(sweep_file):
    path = sweep_file(replace={'name = "lif"': 'name = "neurokit.models.point:LIF"'})
    with pytest.raises(FitConfigError, match="needs trust"):
        SweepSpec.from_toml(path)
    assert SweepSpec.from_toml(path, trust=True).model_object.name == "lif"
