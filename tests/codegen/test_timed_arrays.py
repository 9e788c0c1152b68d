"""TimedArray lookups: the NumPy rule against Brian2's own TimedArray, the generated C (built with
the kernel's flags) against the NumPy rule, CUDA source compiled by nvcc, typed errors."""

import ctypes

import numpy as np
import pytest
import sympy

from neurokit.codegen.build import build, kernel_cflags
from neurokit.codegen.timed_arrays import PREFIX, c_support, lookup_calls, numpy_functions
from neurokit.errors import EquationError
from neurokit.models.brian2_tables import TimedTable

T1 = TimedTable.from_array("a", np.linspace(-1.0, 2.0, 17), dt=2.5e-4)
T2 = TimedTable.from_array("b", np.arange(30.0).reshape(10, 3), dt=1e-3)


def _times(dt, n=700):
    return np.concatenate([np.arange(-5, n) * dt, [1e3, -1e3]])


@pytest.mark.parametrize("dt", [1e-4, 2.5e-4, 0.05e-3, 1e-3])
def test_numpy_rule_is_brian2s(dt):
    import brian2 as b2

    saved = b2.defaultclock.dt
    b2.defaultclock.dt = dt * b2.second
    try:
        ta1 = b2.TimedArray(T1.array, dt=T1.dt * b2.second)
        ta2 = b2.TimedArray(T2.array, dt=T2.dt * b2.second)
        t = _times(dt)[:-2]  # Brian2 runs from t = 0 on its grid
        t = t[t >= 0]
        fns = numpy_functions((T1, T2))
        np.testing.assert_array_equal(fns[PREFIX + "a"](t, dt), np.asarray(ta1(t * b2.second)))
        for col in range(3):
            np.testing.assert_array_equal(fns[PREFIX + "b"](t, dt, np.full(t.size, float(col))),
                                          np.asarray(ta2(t * b2.second, col)))
    finally:
        b2.defaultclock.dt = saved


def test_numpy_rule_clips_time_and_gives_nan_outside_the_columns():
    fns = numpy_functions((T1, T2))
    np.testing.assert_array_equal(fns[PREFIX + "a"](np.array([-1.0, 1e9]), 1e-4), [-1.0, 2.0])
    out = fns[PREFIX + "b"](0.0, 1e-4, np.array([-1.0, -0.5, 2.9, 3.0]))
    assert np.isnan(out[0]) and np.isnan(out[3]) and out[1] == 0.0 and out[2] == 2.0


@pytest.mark.parametrize("dt", [1e-4, 2.5e-4, 0.05e-3])
def test_generated_c_matches_the_numpy_rule(dt):
    src = ("#include <math.h>\n#include <stdint.h>\n" + c_support((T1, T2)) + """
void eval1(int64_t n, const double *t, double dt, double *out) {
    for (int64_t k = 0; k < n; k++) out[k] = nk_ta_a(t[k], dt);
}
void eval2(int64_t n, const double *t, const double *i, double dt, double *out) {
    for (int64_t k = 0; k < n; k++) out[k] = nk_ta_b(t[k], dt, i[k]);
}
""")
    lib = build(src, name="test_timed_arrays", flags=kernel_cflags())
    t = _times(dt)
    cols = np.resize(np.array([-0.5, 0.0, 1.0, 2.0, 2.99]), t.size)
    out1, out2 = np.empty(t.size), np.empty(t.size)
    p = ctypes.c_void_p
    lib.eval1.argtypes = [ctypes.c_int64, p, ctypes.c_double, p]
    lib.eval2.argtypes = [ctypes.c_int64, p, p, ctypes.c_double, p]
    lib.eval1(t.size, t.ctypes.data, dt, out1.ctypes.data)
    lib.eval2(t.size, t.ctypes.data, cols.ctypes.data, dt, out2.ctypes.data)
    fns = numpy_functions((T1, T2))
    np.testing.assert_array_equal(out1, fns[PREFIX + "a"](t, dt))
    np.testing.assert_array_equal(out2, fns[PREFIX + "b"](t, dt, cols))


def test_cuda_source_compiles():
    from neurokit.codegen.frontend import build_ir
    from neurokit.codegen.targets.cuda import compile_ptx, find_nvcc, generate
    from neurokit.models.point import PointModel

    model = PointModel("ta_cuda", "dv/dt = (a(t) + b(t, i) - v)/(10*ms) : 1\n", (), tables=(T1, T2))
    src = generate(build_ir(model), "float64")
    assert "nk_tv_a[17]" in src and "nk_ta_b(t, dt, p_i)" in src
    if find_nvcc() is None:
        pytest.skip("nvcc not installed")
    assert ".entry nk_run" in compile_ptx(src, name="ta_cuda").read_text()


def _call(name, *args):
    return sympy.Function(name)(*args)


def test_lookup_calls_rewrites_and_checks_arity():
    t, i = sympy.Symbol("t", real=True), sympy.Symbol("i", real=True)
    tables = {"a": T1, "b": T2}
    e = lookup_calls(_call("a", t) + _call("b", t / 2, i), tables, "m", "update of 'v'")
    names = {type(f).__name__ for f in e.atoms(sympy.Function)}
    assert names == {PREFIX + "a", PREFIX + "b"}
    with pytest.raises(EquationError, match=r"TimedArray 'b'.*b\(t, i\)"):
        lookup_calls(_call("b", t), tables, "m", "update of 'v'")
    with pytest.raises(EquationError, match=r"TimedArray 'a'.*initial value.*native targets"):
        lookup_calls(_call("a", t), tables, "m", "initial value of 'v'")


@pytest.mark.parametrize("eqs, initial, match", [
    ("dv/dt = (b(t) - v)/(10*ms) : 1\n", {}, "'b' was called with 1"),
    ("dv/dt = (b(t, i) - v)/(10*ms) : 1\n", {"v": "a(t)"}, "TimedArray 'a' in the initial value"),
])
def test_bad_uses_are_equation_errors(eqs, initial, match):
    from neurokit.codegen.frontend import build_ir
    from neurokit.models.point import PointModel

    with pytest.raises(EquationError, match=match):
        build_ir(PointModel("ta_bad", eqs, (), method="euler", initial=initial, tables=(T1, T2)))
