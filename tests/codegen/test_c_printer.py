"""The C printer: names that reach generated code are validated, free text is escaped."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from neurokit.codegen.frontend import build_ir, model_from_equations
from neurokit.codegen.ir import ParamVar, StateVar
from neurokit.codegen.targets import c, cuda
from neurokit.codegen.targets.c_printer import comment_text, step_body
from neurokit.codegen.targets.numpy import NumpyKernel
from neurokit.errors import ExpressionError
from neurokit.models.point import HH, LIF

EVIL = 'x */ int nk_run(void) { return 1; } /* "'


def test_comment_text_cannot_close_a_comment_or_string():
    text = comment_text(EVIL)
    assert "*/" not in text and "/*" not in text and '"' not in text and "\n" not in text


@pytest.mark.parametrize("generate", [c.generate, cuda.generate], ids=["c", "cuda"])
def test_model_name_does_not_reach_code(generate):
    model = model_from_equations("dv/dt = -v/tau : volt\ntau : second", name=EVIL,
                                 defaults={"tau": 0.01})
    src = generate(build_ir(model))
    assert "return 1;" not in src
    for line in src.splitlines():
        if "IR digest" in line:
            assert line.count("*/") == 1 and line.rstrip().endswith("*/")


@pytest.mark.parametrize("field,value", [
    ("states", (StateVar("v; exit(1)", "V"),)),
    ("parameters", (ParamVar("tau */", "s"),)),
    ("stimulus", "I-stim"),
])
@pytest.mark.parametrize("generate", [c.generate, cuda.generate, NumpyKernel], ids=["c", "cuda", "numpy"])
def test_names_that_are_not_identifiers_are_refused(field, value, generate):
    ir = dataclasses.replace(build_ir(LIF), **{field: value})
    with pytest.raises(ExpressionError, match="not a valid identifier"):
        generate(ir)


def test_float32_prints_float_literals_and_functions():
    body = "\n".join(step_body(build_ir(HH), ctype="float"))
    assert "double" not in body and "expf(" in body
    assert not any(tok.endswith(".0") for tok in body.replace("(", " ").replace(")", " ").split())


def test_float32_kernel_matches_float64_spike_counts():
    # The float32 C kernel is offered where it is accurate enough: same spikes as float64.
    from neurokit.codegen.runtime import BatchInputs

    ir = build_ir(HH)
    n, n_steps = 64, 2000  # 50 ms at 25 us
    params = dict(zip(ir.parameter_names, _si_defaults(ir)))
    params["g_L"] = np.linspace(5e-9, 20e-9, n)
    params = {k: np.broadcast_to(v, (n,)).astype(float) for k, v in params.items()}
    currents = np.zeros((2, n_steps))
    currents[0, 200:1800], currents[1, 200:1800] = 0.3e-9, 0.6e-9
    inputs = BatchInputs(n=n, dt=2.5e-5, n_steps=n_steps, n_settle=0, every=n_steps, params=params,
                         init={"v": np.full(n, -0.065), "not_refractory": np.ones(n)},
                         currents=currents, stim_rows=(np.arange(n) % 2).astype(np.int32),
                         keys=np.zeros(n, np.uint64), record=["v"], scales=[1.0])
    counts = [c.CKernel(ir, dtype).run(inputs).spike_counts for dtype in ("float64", "float32")]
    assert counts[0].min() > 0
    np.testing.assert_array_equal(counts[0], counts[1])


def _si_defaults(ir):
    # HH's defaults in SI units: C 200 pF, g_L 10 nS, g_Na 20 uS, g_K 6 uS, E_L/E_Na/E_K, V_T.
    table = {"C": 200e-12, "g_L": 10e-9, "g_Na": 20e-6, "g_K": 6e-6, "E_L": -0.065,
             "E_Na": 0.05, "E_K": -0.09, "V_T": -0.063}
    return [table[p] for p in ir.parameter_names]
