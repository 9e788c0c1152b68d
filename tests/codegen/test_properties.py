"""Property-based: random and malformed equations either compile and match the NumPy
reference, or raise a neurokit error; they never crash the process."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from neurokit.backends.native import NativeSimulator
from neurokit.codegen.frontend import build_ir, model_from_equations
from neurokit.errors import NeurokitError
from neurokit.protocols import Protocol

# Terms of volt dimension in v (volt), E (volt); a few of them wrong on purpose.
TERMS = ["-v", "E", "-v*v/E", "E*exp(v/E)", "E*sin(v/E)", "E*exprel(v/E)", "-abs(v)",
         "clip(v, -E, E)", "E*tanh(v/E)", "sqrt(abs(v)*E)", "-v*int(v > E)", "E*cos(2*pi*t/tau)",
         "log(1 + abs(v)/E)*E", "E*sign(v)", "-v**3/E**2"]
BAD_TERMS = ["v*second", "exp(v)", "v/E", "undefined_name", "v +* E", "sqrt(v"]
METHODS = ["euler", "rk2", "rk4", "heun", "exponential_euler", "exact", "milstein", "nonsense"]


@st.composite
def equations(draw):
    terms = draw(st.lists(st.sampled_from(TERMS + BAD_TERMS), min_size=1, max_size=4))
    signs = draw(st.lists(st.sampled_from(["+", "-"]), min_size=len(terms), max_size=len(terms)))
    rhs = " ".join(f"{s} {t}" for s, t in zip(signs, terms))
    noise = draw(st.booleans())
    eq = f"dv/dt = ({rhs} + I_stim*R{' + E*sqrt(tau)*xi' if noise else ''})/tau : volt"
    eq += "\ntau : second\nE : volt\nR : ohm\nI_stim : amp"
    threshold = draw(st.sampled_from([None, "v > 3*E", "v > 3*second"]))
    method = draw(st.sampled_from(METHODS))
    return eq, threshold, method


@st.composite
def garbage(draw):
    base, threshold, method = draw(equations())
    cut = draw(st.integers(0, len(base)))
    junk = draw(st.text(alphabet="dv/t=()*+-:;,xyz0123456789 \n", max_size=12))
    return base[:cut] + junk + base[cut:], threshold, method


def _model(eq, threshold, method, name):
    return model_from_equations(eq, threshold=threshold, reset="v = 0*volt" if threshold else None,
                                method=method, initial={"v": "E/2"}, name=name,
                                defaults={"tau": 0.01, "E": 0.01, "R": 1e8})


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(garbage())
def test_malformed_equations_raise_neurokit_errors(case):
    eq, threshold, method = case
    try:
        build_ir(_model(eq, threshold, method, "garbage"))
    except NeurokitError:
        pass  # a typed error naming the model is the expected outcome of bad text


# A linear coefficient that is zero below E: Brian2's exponential Euler divides by it (B/A);
# NumPy raised TypeError on -int(bool) and C marked both samples diverged (issue 17).
ZERO_COEFFICIENT = ("dv/dt = (E - v*int(v > E) + I_stim*R)/tau : volt\ntau : second\nE : volt\n"
                    "R : ohm\nI_stim : amp", None, "exponential_euler")


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(equations())
@example(ZERO_COEFFICIENT)
def test_random_equations_compile_and_match_reference(case):
    eq, threshold, method = case
    proto = Protocol([[]], duration=0.02, dt=1e-4, seed=3)
    try:
        model = _model(eq, threshold, method, "random")
        c = NativeSimulator(target="c", threads=1).simulate(model, {"E": [0.01, 0.02]}, proto)
    except NeurokitError:
        return
    ref = NativeSimulator(target="numpy").simulate(model, {"E": [0.01, 0.02]}, proto)
    a, b = c.membrane_potential.values, ref.membrane_potential.values
    both = np.isfinite(a) & np.isfinite(b)
    assert np.allclose(a[both], b[both], rtol=1e-6, atol=1e-6)
    if not (c.diverged.any() or ref.diverged.any()):
        assert c.sizes["spike"] == ref.sizes["spike"]
        np.testing.assert_allclose(c.spike_time.values, ref.spike_time.values, atol=1.01e-4)


def test_zero_linear_coefficient_stays_finite_and_targets_agree():
    proto = Protocol([[]], duration=0.02, dt=1e-4, seed=3)
    model = _model(*ZERO_COEFFICIENT, "zero_coefficient")
    c = NativeSimulator(target="c", threads=1).simulate(model, {"E": [0.01, 0.02]}, proto)
    ref = NativeSimulator(target="numpy").simulate(model, {"E": [0.01, 0.02]}, proto)
    assert not c.diverged.any() and not ref.diverged.any()
    np.testing.assert_allclose(c.membrane_potential.values, ref.membrane_potential.values, rtol=1e-9)
    # below E, dv/dt = E/tau: v rises from E/2 at E/tau and then settles at E
    v = c.membrane_potential.values[:, 0, :]
    np.testing.assert_allclose(v[:, 1] - v[:, 0], [0.01 * 1e-4 / 0.01 * 1e3, 0.02 * 1e-4 / 0.01 * 1e3], rtol=1e-6)
    np.testing.assert_allclose(v[:, -1], [10.0, 20.0], rtol=1e-6)
