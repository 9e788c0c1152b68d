"""Brian2's constants and functions on the C and NumPy targets, and typed errors for the rest."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.native.point import PointSimulator
from neurokit.codegen.frontend import model_from_equations
from neurokit.codegen.targets.c_printer import CPrinter
from neurokit.errors import EquationError
from neurokit.protocols import Protocol

EXPRS = {
    "pi_e": "pi + e", "inf_clip": "clip(x, -inf, 2)", "mod": "(-7.5) % 2 + x*0", "sign": "sign(x - 3)",
    "int": "int(x*1.7)", "floor_ceil": "floor(x*1.5) + ceil(x*1.5)", "abs": "abs(-x)",
    "exprel": "exprel(x - 1)", "log10": "log10(x)", "hyper": "sinh(x) + cosh(x) - tanh(x)",
    "trig": "sin(x) + cos(x) + tan(x/4)", "sqrt": "sqrt(x)", "exp_log": "exp(x/3) + log(x)",
}


@pytest.mark.parametrize("key", sorted(EXPRS))
def test_function_values_agree_on_c_and_numpy(key):
    # y follows f(x) in one exact step: y(dt) = f(x) where x is a fixed start value of 1
    model = model_from_equations(f"dy/dt = ({EXPRS[key]} - y)/(1*second) : 1\ndx/dt = 0/second : 1",
                                 method="euler", initial={"x": "1", "y": "0"}, name=f"fn_{key}")
    proto = Protocol([[]], 2e-3, 1e-3, record=("y",))
    got = [PointSimulator(target=t).simulate(model, {}, proto).y.values[0, 0, 1] for t in ("c", "numpy")]
    np.testing.assert_allclose(got[0], got[1], rtol=1e-12)
    assert np.isfinite(got[0])


def test_constant_over_dt_subexpression_is_computed_once_per_step():
    model = model_from_equations("dv/dt = x/(10*ms) : 1\nx = 1 - v : 1 (constant over dt)",
                                 method="euler", initial={"v": "0"}, name="cod")
    proto = Protocol([[]], 0.02, 1e-4, record=("v", "x"))
    for target in ("c", "numpy"):
        ds = PointSimulator(target=target).simulate(model, {}, proto)
        assert ds.v.values[0, 0, -1] == pytest.approx(1 - (1 - 0.01) ** 199, rel=1e-9)


def test_unsupported_function_is_a_typed_error_naming_it():
    import sympy

    with pytest.raises(EquationError, match="poisson"):
        CPrinter({}).doprint(sympy.Function("poisson")(sympy.Symbol("x")))
    model = model_from_equations("dv/dt = poisson(2)/second : 1", name="pois")
    with pytest.raises(EquationError, match="poisson"):
        PointSimulator(target="numpy").simulate(model, {}, Protocol([[]], 1e-3, 1e-4, record=()))
