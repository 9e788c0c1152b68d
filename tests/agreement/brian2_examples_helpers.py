"""Shared runner of the Brian2-example agreement tests: the same neuron through Brian2 itself
(runtime, numpy target) and through the native backend (C and NumPy targets)."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.native.point import PointSimulator
from neurokit.protocols import Protocol, Step

TARGETS = ("c", "numpy")


@pytest.fixture(autouse=True)
def brian2_numpy_target():
    """Brian2 itself on its numpy target for the test (restored after), imported by each
    agreement module that compares against Brian2's runtime mode."""
    from brian2 import prefs

    saved = prefs.codegen.target
    prefs.codegen.target = "numpy"
    yield
    prefs.codegen.target = saved


def native(model, params, duration, dt, record=(), steps=(), target="c"):
    """Run ``model`` natively: one sample per neuron; ``steps``: (amplitude, start, stop) of the
    input in the protocol's units. Returns the dataset."""
    proto = Protocol([[Step(a, s, e) for a, s, e in steps]], duration, dt, record=tuple(record))
    return PointSimulator(target=target).simulate(model, params, proto)


def native_spikes(ds, n):
    out = []
    for k in range(n):
        out.append(np.sort(ds.spike_time.values[ds.spike_sample.values == k]))
    return out


def brian2_spikes(mon, n):
    i, t = np.asarray(mon.i[:]), np.asarray(mon.t_[:])
    return [np.sort(t[i == k]) for k in range(n)]


def assert_same_spikes(got, expected, dt):
    assert sum(len(e) for e in expected) > 0, "the reference fires no spike: the test checks nothing"
    for k, (g, e) in enumerate(zip(got, expected)):
        assert len(g) == len(e), f"neuron {k}: {len(g)} spikes, Brian2 {len(e)}"
        np.testing.assert_allclose(g, e, atol=dt / 2, rtol=0, err_msg=f"neuron {k}")


def assert_same_trace(got, expected, rtol=1e-6, scale=None):
    """Within ``rtol`` of the trace's range (relative to its magnitude)."""
    got, expected = np.asarray(got, float), np.asarray(expected, float)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    ref = scale if scale is not None else np.max(np.abs(expected))
    np.testing.assert_allclose(got, expected, rtol=0, atol=rtol * ref)


def _user_functions():
    """Two user functions as Brian2 users write them: the decorator form (``usersin``) and a
    ``Function`` with a named cpp implementation (``drive``), shared by the agreement tests."""
    from brian2 import Function, check_units, implementation, mV, ms, second, volt

    @implementation("cpp", """
    #include <math.h>
    inline double usersin(double x)
    {
        return sin(x);
    }
    """)
    @check_units(x=1, result=1)
    def usersin(x):
        return np.sin(x)

    def _drive_py(v):
        return 2.0 * np.tanh(v / (10 * mV)) * mV / ms

    drive = Function(_drive_py, arg_units=[volt], return_unit=volt / second)
    drive.implementations.add_implementation("cpp", "double drive_c(double v) { return 2.0*tanh(v/0.01); }",
                                             name="drive_c")
    return usersin, drive


usersin, drive = _user_functions()
