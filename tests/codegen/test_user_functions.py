"""User Brian2 functions and BinomialFunction in generated code: typed errors that name the
function and the target, name collisions, the C/CUDA paste rules, binomial numbers."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import BinomialFunction, Function, check_units, implementation, mV, ms, volt

from neurokit.codegen.binomial import binomial_inv
from neurokit.codegen.cache import model_ir, model_key, model_spec
from neurokit.codegen.frontend import build_ir
from neurokit.codegen.targets.c import generate
from neurokit.codegen.targets.numpy import NumpyKernel
from neurokit.codegen.user_functions import c_support, cuda_support
from neurokit.errors import EquationError
from neurokit.models.point import from_brian2

pytestmark = pytest.mark.filterwarnings("ignore")
EQS = "dv/dt = (uf(v) - v)/tau : volt\n"


def _model(fn, name="uf_model"):
    return from_brian2(EQS, namespace={"uf": fn, "tau": 10 * ms}, name=name, threshold="v > 10*mV",
                       reset="v = 0*mV")


def _py_only():
    return Function(lambda v: v * 0 + 20 * mV, arg_units=[volt], return_unit=volt)


def test_function_without_cpp_code_is_refused_by_the_c_target_only():
    ir = build_ir(_model(_py_only(), "py_only"))
    with pytest.raises(EquationError, match=r"function 'uf' .*'cpp'.* C target"):
        generate(ir)
    with pytest.raises(EquationError, match=r"'uf' .*CUDA target"):
        cuda_support(ir)
    NumpyKernel(ir)  # the Python implementation serves the NumPy target


def test_function_without_python_code_is_refused_by_the_numpy_target():
    fn = _py_only()
    fn.pyfunc = None
    fn.implementations.add_implementation("cpp", "double uf(double v) { return 0.02; }")
    ir = build_ir(_model(fn, "cpp_only"))
    assert "double uf(double v)" in generate(ir)
    with pytest.raises(EquationError, match=r"'uf' has no Python implementation.*NumPy target"):
        NumpyKernel(ir)


@pytest.mark.parametrize("c_name", ["exp", "nk_uniform", "s_v", "t", "v"])
def test_c_name_collisions_are_refused(c_name):
    fn = _py_only()
    fn.implementations.add_implementation("cpp", f"double {c_name}(double v) {{ return 0.02; }}", name=c_name)
    with pytest.raises(EquationError, match="collides"):
        build_ir(_model(fn, f"collide_{c_name}"))


def test_decorator_form_and_paste_rules():
    @implementation("cpp", "#include <math.h>\ninline double usersin(double x) { return sin(x); }")
    @check_units(x=1, result=1)
    def usersin(x):
        return np.sin(x)

    model = from_brian2("dv/dt = (usersin(t/ms)*mV - v)/(10*ms) : volt\n", namespace={"usersin": usersin},
                        name="usersin_model")
    ir = build_ir(model)
    c = c_support(ir)
    assert "static inline double usersin" in c  # C99 inline needs an external definition otherwise
    cu = cuda_support(ir)
    assert "__device__ inline double usersin" in cu and "math.h" not in cu


def test_cache_key_follows_the_c_code():
    def make(code):
        fn = _py_only()
        fn.implementations.add_implementation("cpp", code)
        return _model(fn, "keyed")

    a, b = make("double uf(double v) { return 0.02; }"), make("double uf(double v) { return 0.03; }")
    assert model_key(model_spec(a)) != model_key(model_spec(b))
    assert model_key(model_spec(a)) == model_key(model_spec(make("double uf(double v) { return 0.02; }")))
    assert model_ir(a).full().functions[0].c_code.endswith("0.02; }")


def test_stateful_function_is_refused():
    fn = Function(lambda: 1.0, arg_units=[], return_unit=1, stateless=False)
    with pytest.raises(EquationError, match="stateful"):
        from_brian2("dv/dt = (f()*mV - v)/(10*ms) : volt\n", namespace={"f": fn})


def test_binomial_inversion_matches_the_binomial_distribution():
    from scipy import stats

    u = (np.arange(200000) + 0.5) / 200000  # quasi-uniform: the CDF inverse on a fine grid
    for n, p in [(20, 0.1), (30, 0.8), (7, 0.5), (1, 0.3)]:
        x = binomial_inv(u, n, p)
        assert x.min() >= 0 and x.max() <= n
        counts = np.bincount(x.astype(int), minlength=n + 1) / u.size
        np.testing.assert_allclose(counts, stats.binom.pmf(np.arange(n + 1), n, p), atol=2e-5)


def test_binomial_calls_become_draws():
    model = from_brian2("x = b() : 1 (constant over dt)\ny = c() : 1 (constant over dt)\n",
                        namespace={"b": BinomialFunction(100, 0.1), "c": BinomialFunction(10, 0.2)},
                        name="binomial_calls")
    ir = build_ir(model)
    text = " ".join(str(a.expr) for a in ir.step)
    assert "binomial_inv(_rand_1, 10.0, 0.2)" in text and "_randn_0" in text
    assert ir.n_rand_step == 2


@pytest.mark.skipif(__import__("neurokit.codegen.targets.cuda", fromlist=["find_nvcc"]).find_nvcc() is None,
                    reason="nvcc not installed")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_user_function_and_binomial_compile_to_ptx(dtype):
    from neurokit.codegen.targets.cuda import compile_ptx, generate as cuda_generate

    @implementation("cpp", "#include <math.h>\ninline double usersin(double x) { return sin(x); }")
    @check_units(x=1, result=1)
    def usersin(x):
        return np.sin(x)

    model = from_brian2("dv/dt = (usersin(t/ms)*mV + k*mV - v)/(10*ms) : volt\nk = b() : 1 (constant over dt)\n",
                        namespace={"usersin": usersin, "b": BinomialFunction(10, 0.2)}, name="cuda_functions",
                        threshold="v > 5*mV", reset="v = 0*mV")
    ptx = compile_ptx(cuda_generate(build_ir(model), dtype), name=f"cuda_functions_{dtype}").read_text()
    assert "nk_run" in ptx
