"""The IR cache: a warm start needs neither Brian2 nor sympy, and a damaged entry (or unit
table) is rebuilt, never trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from neurokit.codegen.cache import entry_path, model_ir, model_key, model_spec
from neurokit.models.point import PointModel

EQS = """
dv/dt = (g_L*(E_L - v) + I_stim)/C : volt (unless refractory)
I_stim : amp
C : farad
g_L : siemens
E_L : volt
"""

RUN = """
import json, sys
from neurokit.backends.native import NativeSimulator
from neurokit.models.point import PointModel
from neurokit.params import Parameter
from neurokit.protocols import step_protocol

model = PointModel(name="cachetest", equations={eqs!r}, threshold="v > -50*mV", reset="v = E_L",
                   refractory="2*ms", initial={{"v": "E_L"}},
                   parameters=(Parameter("C", "pF", (20.0, 500.0), 200.0),
                               Parameter("g_L", "nS", (1.0, 50.0), 10.0),
                               Parameter("E_L", "mV", (-80.0, -50.0), -70.0)))
proto = step_protocol([0.4, 0.8], start=0.01, stop=0.09, duration=0.1, dt=1e-4)
ds = NativeSimulator(target="c", threads=1, dtype="{dtype}").simulate(model, {{"C": [150.0, 250.0]}}, proto)
print(json.dumps({{"spikes": int(ds.spike_time.size), "v_end": float(ds.membrane_potential[0, 1, -1]),
                  "loaded": sorted(m for m in ("brian2", "sympy") if m in sys.modules)}}))
"""


def _run(cache, dtype="float64") -> dict:
    env = {**os.environ, "NEUROKIT_CACHE_DIR": str(cache)}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(RUN.format(eqs=EQS, dtype=dtype))],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_warm_cache_loads_the_model_without_brian2_or_sympy(tmp_path, dtype):
    cold = _run(tmp_path, dtype)
    assert "brian2" in cold["loaded"]  # the first run builds the IR through Brian2
    warm = _run(tmp_path, dtype)
    assert warm["loaded"] == [], sorted(p.name for p in (tmp_path / "ir").iterdir())
    assert warm["spikes"] == cold["spikes"] > 0 and warm["v_end"] == cold["v_end"]
    entries = list((tmp_path / "ir").glob("cachetest_*.json"))
    assert len(entries) == 1 and json.loads(entries[0].read_text())["payload"]["c"].keys() == {dtype}


def _model(**changes) -> PointModel:
    from neurokit.params import Parameter

    fields = dict(name="cachetest2", equations=EQS, threshold="v > -50*mV", reset="v = E_L",
                  refractory="2*ms", initial={"v": "E_L"},
                  parameters=(Parameter("C", "pF", None, 200.0), Parameter("g_L", "nS", None, 10.0),
                              Parameter("E_L", "mV", None, -70.0)))
    return PointModel(**{**fields, **changes})


@pytest.mark.parametrize("damage", ["truncate", "edit", "garbage", "delete"])
def test_a_corrupted_ir_entry_is_rebuilt(tmp_path, monkeypatch, damage):
    from neurokit.codegen import cache

    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    model = _model()
    first = model_ir(model)
    path = entry_path(model_spec(model), first.key)
    text = path.read_text()
    if damage == "truncate":
        path.write_text(text[: len(text) // 2])
    elif damage == "edit":  # valid JSON, hash no longer matches
        path.write_text(text.replace('"E_L"', '"E_X"', 1))
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not json")
    else:
        path.unlink()
    cache._model_ir.cache_clear()  # as a fresh process would
    again = model_ir(model)
    assert again.parameter_names == first.parameter_names == ["C", "E_L", "g_L"]
    assert again.initial == first.initial and again.states == first.states
    doc = json.loads(path.read_text())  # rewritten whole and intact
    assert doc["payload"]["key"] == first.key


def test_the_key_follows_what_shapes_the_code():
    base = model_spec(_model())
    assert model_key(base) == model_key(model_spec(_model()))
    for change in ({"reset": "v = E_L - 1*mV"}, {"threshold": "v > -40*mV"}, {"refractory": "3*ms"},
                   {"method": "rk2"}, {"equations": EQS + "\n"}, {"initial": {"v": "E_L + 1*mV"}}):
        assert model_key(model_spec(_model(**change))) != model_key(base), change


def test_initial_values_from_the_cache_match_the_printed_ir(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    model = _model(name="cachetest3", initial={"v": "E_L + 0.5*(E_L - -60*mV)"})
    ir = model_ir(model)
    assert ir.initial is not None
    params = {"C": np.array([2e-10, 3e-10]), "g_L": np.array([1e-8, 1e-8]), "E_L": np.array([-0.07, -0.065])}
    np.testing.assert_allclose(ir.initial_values(params, 2, {})["v"], [-0.075, -0.0675])


def test_a_corrupted_unit_table_is_rebuilt(tmp_path):
    code = """
    import sys
    from neurokit.units import conversion_factor
    print(conversion_factor("20 * pA", "nA"), "brian2" in sys.modules)
    """
    env = {**os.environ, "NEUROKIT_CACHE_DIR": str(tmp_path)}

    def run():
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        factor, imported = proc.stdout.split()
        assert float(factor) == pytest.approx(0.02)
        return imported == "True"

    assert run()  # built from Brian2
    assert not run()  # read back as data
    table, = (tmp_path / "units").glob("*.json")
    table.write_text(table.read_text().replace("1e-12", "2e-12", 1))
    assert run()  # the edited table failed its hash: rebuilt from Brian2
    assert not run()


def test_an_initial_value_beyond_plain_arithmetic_is_computed_from_the_full_ir(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    ir = model_ir(_model(name="cachetest4", initial={"v": "E_L + 1*mV*exprel(g_L/nS)"}))
    assert ir.initial is None  # exprel is not in the safe evaluator's functions
    params = {"C": np.array([2e-10]), "g_L": np.array([1e-8]), "E_L": np.array([-0.07])}
    init = ir.initial_values(params, 1, {"not_refractory": 1.0})
    np.testing.assert_allclose(init["v"], -0.07 + 1e-3 * np.expm1(10.0) / 10.0)
    assert init["not_refractory"][0] == 1.0
