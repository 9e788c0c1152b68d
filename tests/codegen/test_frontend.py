"""Front end: Brian2 equations -> IR, with Brian2's schemes, unit checks and typed errors."""

from __future__ import annotations

import sympy
import pytest

from neurokit.codegen.targets.c import generate
from neurokit.codegen.targets.c_printer import step_body
from neurokit.codegen.frontend import build_ir, model_from_equations
from neurokit.errors import EquationError, ModelError
from neurokit.models.point import ADEX, BUILTIN, GIF, HH, LIF


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_models_translate(name):
    ir = build_ir(BUILTIN[name])
    assert ir.stimulus == "I_stim"
    assert "v" in ir.state_names
    assert ir.threshold == "l_cond"
    # every state variable integrated by the scheme gets a new value each step
    assert {o.state for o in ir.outputs} >= {"v"}


def test_refractory_duration_and_condition_follow_brian2():
    lif = build_ir(LIF)
    # duration: Brian2's timestep() comparison, lastspike/not_refractory as states
    assert {"not_refractory", "lastspike"} <= set(lif.state_names)
    assert [a.target for a in lif.on_spike][:2] == ["lastspike", "not_refractory"]
    text = " ".join(str(a.expr) for a in lif.step)
    assert "timestep" in text and "where_" in text  # (unless refractory): conditional write
    hh = build_ir(HH)
    nr = [a for a in hh.step if a.target.endswith("not_refractory")][0]
    assert "not_refractory" in str(nr.expr) and "0.04" in str(nr.expr)  # condition


def test_invariants_are_hoisted_out_of_the_step():
    ir = build_ir(HH)
    assert ir.invariants, "exp(V_T/...) per neuron should be computed once"
    step_syms = set().union(*(a.expr.free_symbols for a in ir.step))
    assert any(s.name.startswith("inv") for s in step_syms)


def test_reset_uses_brian2_statements():
    ir = build_ir(GIF)
    targets = [a.target for a in ir.on_spike]
    assert targets == ["lastspike", "not_refractory", "v", "w", "theta"]
    w = [a for a in ir.on_spike if a.target == "w"][0]
    assert w.expr == sympy.Symbol("w", real=True) + sympy.Symbol("b", real=True)


def test_unit_error_names_the_equation():
    bad = LIF.__class__(**{**LIF.__dict__, "name": "bad_units",
                          "equations": LIF.equations.replace("+ I_stim)/C", "+ I_stim/C)/C")})
    with pytest.raises(EquationError, match="bad_units.*units"):
        build_ir(bad)


def test_unknown_method_and_nonlinear_exact_are_equation_errors():
    with pytest.raises(EquationError, match="method"):
        build_ir(ADEX.__class__(**{**ADEX.__dict__, "name": "adex_exact", "method": "exact"}))
    with pytest.raises(EquationError):
        build_ir(ADEX.__class__(**{**ADEX.__dict__, "name": "adex_nope", "method": "no_such_method"}))


def test_bad_threshold_and_reset_are_equation_errors():
    with pytest.raises(EquationError, match="threshold"):
        build_ir(LIF.__class__(**{**LIF.__dict__, "name": "t1", "threshold": "v + V_th"}))
    with pytest.raises(EquationError, match="reset"):
        build_ir(LIF.__class__(**{**LIF.__dict__, "name": "t2", "reset": "v = 3*second"}))


def test_non_point_model_is_a_model_error():
    with pytest.raises(ModelError, match="PointModel"):
        build_ir(object())


def test_plain_equations_with_noise_and_time():
    model = model_from_equations(
        "dv/dt = (-v + sigma*sqrt(tau)*xi + A*sin(2*pi*f*t))/tau : volt\n"
        "tau : second\nsigma : volt\nA : volt\nf : hertz",
        threshold="v > 10*mV", reset="v = 0*mV", method="heun")
    ir = build_ir(model)
    assert ir.uses_t and ir.n_rand_step == 1 and ir.stimulus is None
    assert {p.name: p.unit for p in model.parameters} == {"A": "V", "f": "Hz", "sigma": "V", "tau": "s"}


def test_step_body_is_scaffolding_free():
    body = "\n".join(step_body(build_ir(HH)))
    assert "for (" not in body and "#pragma" not in body and "k_l_cond" in body
    src = generate(build_ir(HH))
    assert "#pragma omp simd" in src and "#pragma omp parallel for" in src


def test_initial_values_are_unit_checked():
    bad = LIF.__class__(**{**LIF.__dict__, "name": "bad_init", "initial": {"v": "3*second"}})
    with pytest.raises(EquationError, match="initial value '3\\*second' of 'v'"):
        build_ir(bad)
    with pytest.raises(EquationError, match="not a state variable"):
        build_ir(LIF.__class__(**{**LIF.__dict__, "name": "bad_init2", "initial": {"g_L": "1*nS"}}))
