"""from_brian2: a PointModel from what a Brian2 user writes."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Equations, mV, ms, nA

from neurokit.backends.native.point import PointSimulator
from neurokit.errors import EquationError
from neurokit.models.point import PointModel, from_brian2
from neurokit.protocols import Protocol, Step


def test_constants_from_the_callers_frame_become_fixed_parameters():
    tau = 10*ms
    E = -60*mV
    model = from_brian2("dv/dt = (E - v)/tau : volt", threshold="v > -61*mV", reset="v = -70*mV",
                        initial={"v": -70*mV})
    params = {p.name: p for p in model.parameters}
    assert params["tau"].unit == "ms" and params["tau"].default == pytest.approx(10.0)
    assert params["E"].bounds is None
    promoted = model.with_parameters(tau=(5.0, 20.0))
    assert promoted.space["tau"].bounds == (5.0, 20.0)
    ds = PointSimulator(target="numpy").simulate(model, {"tau": [5.0, 20.0]}, Protocol([[]], 0.05, 1e-4))
    counts = np.bincount(ds.spike_sample.values, minlength=2)
    assert counts[0] > counts[1] > 0


def test_equations_object_quantity_refractory_and_explicit_namespace():
    eqs = Equations("dv/dt = (I - v)/tau : volt (unless refractory)\nI : volt")
    model = from_brian2(eqs, threshold="v > 10*mV", reset="v = 0*mV", refractory=5*ms,
                        namespace={"tau": 10*ms}, method="exact")
    assert model.refractory == "0.005*second"
    assert PointModel(**{**model.__dict__, "refractory": 2*ms}).refractory == "0.002*second"
    ds = PointSimulator(target="c").simulate(model, {"I": 0.02}, Protocol([[]], 0.1, 1e-4))
    assert np.all(np.diff(ds.spike_time.values) > 5e-3)


def test_initial_values_use_states_and_subexpressions_in_dependency_order():
    eqs = """
dv/dt = -v/(10*ms) : 1
du/dt = (n_inf - u)/(5*ms) : 1
n_inf = 0.5*(1 + tanh(v)) : 1
"""
    model = from_brian2(eqs, initial={"u": "n_inf", "v": 0.5}, namespace={})
    assert list(model.initial) == ["v", "u"]
    proto = Protocol([[]], 1e-3, 1e-4, record=("u",))
    for target in ("c", "numpy"):
        ds = PointSimulator(target=target).simulate(model, {}, proto)
        assert ds.u.values[0, 0, 0] == pytest.approx(0.5 * (1 + np.tanh(0.5)))


def test_input_of_another_name_and_unit():
    model = from_brian2("dv/dt = -v/(10*ms) + Iapp : volt\nIapp : volt/second", stimulus="Iapp", namespace={})
    assert model.stimulus_scale() == 1.0
    proto = Protocol([[Step(2.0, 0.0, 0.01)]], 0.01, 1e-4)  # 2 V/s
    ds = PointSimulator(target="numpy").simulate(model, {}, proto)
    assert ds.membrane_potential.values[0, 0, -1] > 10.0  # mV
    amp = from_brian2("dv/dt = I/(100*pF) : volt\nI : amp", stimulus="I", namespace={})
    assert amp.stimulus_scale() == 1e-9


def test_bad_constants_and_initial_values_are_typed_errors():
    with pytest.raises(EquationError, match="array"):
        from_brian2("dv/dt = -v/tau : volt", namespace={"tau": np.ones(3)*ms})
    with pytest.raises(EquationError, match="do not declare"):
        from_brian2("dv/dt = -v/(10*ms) : volt", initial={"w": 0}, namespace={})
    with pytest.raises(EquationError, match="cycle"):
        from_brian2("dv/dt = -v/(10*ms) : 1\ndw/dt = -w/(10*ms) : 1", initial={"v": "w", "w": "v"}, namespace={})
    with pytest.raises(EquationError):
        from_brian2(42)
    assert nA  # the unit import is used by Brian2's resolution in other tests
