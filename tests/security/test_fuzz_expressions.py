"""Fuzzing the one safe evaluator (neurokit.expressions): random strings and random
expression trees give a number (or an array of numbers) or an ExpressionError, never another
exception, never an object that is not a number, never a hang. Sizes are bounded (the
evaluator caps length, terms and exponents; the strategies stay inside a few hundred nodes).
Derandomised in CI (tests/conftest.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from neurokit.errors import ExpressionError
from neurokit.expressions import FUNCTIONS, evaluate

NAMES = {"d": np.linspace(0.0, 500.0, 7), "x": 2.5, "n": 3}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def _check(text: str) -> None:
    try:
        value = evaluate(text, NAMES, where="fuzz")
    except ExpressionError:
        return
    arr = np.asarray(value)
    assert arr.dtype.kind in "biuf", (text, value)  # a number, a boolean or an array of them


NUMBERS = st.one_of(st.integers(-10**6, 10**6).map(str),
                    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False, width=32).map(repr))
ALLOWED = st.one_of(NUMBERS, st.sampled_from(["d", "x", "n", "pi", "e", "inf"]))
REFUSED = st.sampled_from(["y", "__x", "True", "None", "'s'", "b'b'", "[]", "()", "{}", "...",
                           "__import__", "os", "open", "print", "sys"])
UNARY = st.sampled_from(["-", "+", "not "])
BINARY = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<", "<=", "==", "!=", ">", ">=", " and ",
                          " or ", " if 1 else "])
ODD_BINARY = st.sampled_from(["&", "|", "^", "<<", ">>", "@", " in ", " is "])
CALLS = st.sampled_from(sorted(FUNCTIONS))
ODD_CALLS = st.sampled_from(["eval", "exec", "getattr", "type", "vars"])


def _allowed(inner):
    """Expressions the evaluator accepts (any function with 0 to 3 arguments)."""
    return st.one_of(
        st.tuples(UNARY, inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(CALLS, st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"))


def _anything(inner):
    """The above, and constructs the evaluator refuses (attributes, subscripts, lambdas...)."""
    return st.one_of(
        _allowed(inner),
        st.tuples(inner, ODD_BINARY, inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(ODD_CALLS, st.lists(inner, max_size=2)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(inner, st.sampled_from(["__class__", "real", "__globals__", "T"])).map(lambda t: f"({t[0]}).{t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]})[{t[1]}]"),
        inner.map(lambda s: f"lambda: {s}"),
        inner.map(lambda s: f"[{s} for _ in d]"),
        inner.map(lambda s: f"(y := {s})"))


VALID_TREES = st.recursive(ALLOWED, _allowed, max_leaves=40)
TREES = st.recursive(st.one_of(ALLOWED, REFUSED), _anything, max_leaves=40)


@FUZZ
@given(st.text(max_size=200))
@example("().__class__.__base__.__subclasses__()")
@example("9**9**9**9")
@example("-55*10**10**10")
@example("(" * 200 + ")" * 200)
@example("1" * 3000)
@example("d" + "*d" * 600)
def test_random_strings(text):
    _check(text)


@FUZZ
@given(st.text(alphabet=st.sampled_from("0123456789dxn.+-*/%()<>=!,e "), max_size=120))
def test_random_arithmetic_strings(text):
    _check(text)


@FUZZ
@given(VALID_TREES)
@example("exp(d, d)")  # a ufunc's `out` argument: would write into the caller's array
@example("where(d > 1, d)")
def test_random_arithmetic_trees(text):
    before = NAMES["d"].copy()
    _check(text)
    np.testing.assert_array_equal(NAMES["d"], before)  # the caller's values are never written


@FUZZ
@given(TREES)
def test_random_expression_trees(text):
    _check(text)
