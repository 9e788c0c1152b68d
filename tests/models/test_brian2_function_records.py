"""Brian2 functions as model data: the numbers of a BinomialFunction, a user Function's C code
and Python implementation, and from_brian2 collecting them."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import BinomialFunction, Function, mV, ms, volt

from neurokit.errors import EquationError
from neurokit.models.brian2_functions import Binomial, UserFunction, function_spec
from neurokit.models.point import from_brian2

pytestmark = pytest.mark.filterwarnings("ignore")


def test_binomial_numbers():
    normal = function_spec("b", BinomialFunction(100, 0.1))
    assert normal.use_normal and normal.loc == pytest.approx(10.0) and normal.scale == pytest.approx(3.0)
    exact = function_spec("b", BinomialFunction(20, 0.1))
    assert (exact.n, exact.p, exact.use_normal) == (20, 0.1, False)
    assert exact == Binomial("b", n=20, p=0.1)  # the Brian2 object is not compared
    assert isinstance(Binomial("b", n=20, p=0.1).brian2(), BinomialFunction)


def test_user_function_record():
    fn = Function(lambda v: v * 2, arg_units=[volt], return_unit=volt)
    fn.implementations.add_implementation("cpp", {"support_code": "double twice(double v) { return 2*v; }"},
                                          name="twice", compiler_kwds={"headers": ["<math.h>"]})
    spec = function_spec("f", fn)
    assert isinstance(spec, UserFunction)
    assert spec.c_name == "twice" and spec.c_code.startswith("#include <math.h>\n")
    py = spec.python()
    np.testing.assert_allclose(py(np.array([0.01, 0.02])), [0.02, 0.04])
    assert "numpy" not in fn.implementations._implementations  # the user's Function is unchanged


def test_unsupported_compiler_options():
    fn = Function(lambda v: v, arg_units=[volt], return_unit=volt)
    fn.implementations.add_implementation("cpp", "double f(double v) { return v; }",
                                          compiler_kwds={"libraries": ["m"]})
    with pytest.raises(EquationError, match="libraries"):
        function_spec("f", fn)


def test_from_brian2_collects_functions_it_uses_only():
    used = BinomialFunction(10, 0.2)
    unused = BinomialFunction(10, 0.3)
    model = from_brian2("dv/dt = (used()*mV - v)/(10*ms) : volt\n",
                        namespace={"used": used, "unused": unused, "mV": mV, "ms": ms})
    assert [f.name for f in model.functions] == ["used"]
