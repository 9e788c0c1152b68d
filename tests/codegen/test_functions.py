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

    with pytest.raises(EquationError, match="gammaln"):
        CPrinter({}).doprint(sympy.Function("gammaln")(sympy.Symbol("x")))
    model = model_from_equations("dv/dt = gammaln(2)/second : 1", name="gam")
    with pytest.raises(EquationError, match="gammaln"):
        PointSimulator(target="numpy").simulate(model, {}, Protocol([[]], 1e-3, 1e-4, record=()))


def _poisson_draws(target: str, lam: float, n_steps: int = 400) -> np.ndarray:
    # With tau = dt, one Euler step sets y to the step's draw: y(t + dt) = poisson(lam).
    model = model_from_equations("dy/dt = (poisson(lam) - y)/(0.1*ms) : 1\nlam : 1 (constant)",
                                 method="euler", initial={"y": "0"}, name="pois_draw")
    proto = Protocol([[]], n_steps * 1e-4, 1e-4, record=("y",), seed=11)
    ds = PointSimulator(target=target).simulate(model, {"lam": [lam] * 4}, proto)
    return ds.y.values[:, 0, 1:].ravel()


@pytest.mark.parametrize("lam", [0.3, 4.0, 80.0])
def test_poisson_is_the_same_on_c_and_numpy_and_has_poisson_moments(lam):
    c, n = _poisson_draws("c", lam), _poisson_draws("numpy", lam)
    np.testing.assert_array_equal(c, n)
    assert (c == np.round(c)).all() and (c >= 0).all()
    se = np.sqrt(lam / c.size)
    assert abs(c.mean() - lam) < 5 * se
    assert abs(c.var() / lam - 1.0) < 0.15


def test_poisson_agrees_with_brian2_in_distribution():
    from scipy import stats

    import brian2 as b2

    lam = 3.0
    b2.start_scope()
    b2.seed(3)
    g = b2.NeuronGroup(4, "y : 1", namespace={}, codeobj_class=b2.NumpyCodeObject)
    g.run_regularly("y = poisson(3.0)", dt=0.1 * b2.ms)
    mon = b2.StateMonitor(g, "y", record=True, dt=0.1 * b2.ms, when="end")
    b2.run(40 * b2.ms)
    ours = _poisson_draws("c", lam)
    theirs = np.asarray(mon.y).ravel()
    assert abs(ours.mean() - theirs.mean()) < 5 * np.sqrt(lam * (1 / ours.size + 1 / theirs.size))
    assert stats.chisquare(*_counts(ours, theirs)).pvalue > 1e-4


def _counts(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observed counts of ``a`` per value 0..7+ and expected ones from ``b`` (same total)."""
    ca = np.bincount(np.minimum(a.astype(int), 7), minlength=8)
    cb = np.bincount(np.minimum(b.astype(int), 7), minlength=8)
    return ca, cb * ca.sum() / cb.sum()
