"""TimedArray tables as model data: content equality and hashing, the Brian2 object rebuilt,
settle padding, and what from_brian2 makes of a TimedArray in the namespace."""

import numpy as np
import pytest
from brian2 import TimedArray, ms, mV, nA

from neurokit.codegen.cache import model_key, model_spec
from neurokit.errors import EquationError
from neurokit.models.brian2_tables import TimedTable, brian2_namespace
from neurokit.models.point import from_brian2


def test_table_from_brian2_keeps_si_values_dt_and_unit():
    ta = TimedArray([1.0, 2.0, 3.0] * nA, dt=0.5 * ms)
    table = TimedTable.from_brian2("ta", ta)
    assert table.shape == (3,) and table.dt == pytest.approx(5e-4) and table.unit == "amp"
    np.testing.assert_array_equal(table.array, np.asarray(ta.values))  # SI, as Brian2 stores them
    np.testing.assert_allclose(table.array, [1e-9, 2e-9, 3e-9], rtol=1e-15)
    back = table.brian2_object()
    np.testing.assert_array_equal(np.asarray(back.values), np.asarray(ta.values))
    assert back.dim == ta.dim and float(back.dt) == float(ta.dt)


def test_equality_and_repr_go_by_content():
    a = TimedTable.from_array("ta", [1.0, 2.0], 1e-3, "volt")
    b = TimedTable.from_array("ta", [1.0, 2.0], 1e-3, "volt")
    c = TimedTable.from_array("ta", [1.0, 2.5], 1e-3, "volt")
    assert a == b and hash(a) == hash(b) and repr(a) == repr(b)
    assert a != c and repr(a) != repr(c)  # cache keys hash the repr (json default=str)


@pytest.mark.parametrize("values, dt", [(np.zeros((2, 2, 2)), 1e-3), (np.zeros(0), 1e-3), ([1.0], 0.0)])
def test_bad_tables_are_typed_errors(values, dt):
    with pytest.raises(EquationError, match="TimedArray 'x'"):
        TimedTable.from_array("x", values, dt)


def test_settle_pads_the_first_row_or_refuses_a_shift():
    table = TimedTable.from_array("ta", [[1.0, 2.0], [3.0, 4.0]], 1e-3)
    ns = brian2_namespace((table,), settle=3e-3)
    np.testing.assert_array_equal(np.asarray(ns["ta"].values)[:, 0], [1.0, 1.0, 1.0, 1.0, 3.0])
    with pytest.raises(EquationError, match="settle time"):
        brian2_namespace((table,), settle=2.5e-4)


def test_from_brian2_collects_tables_and_the_key_follows_the_values():
    tau = 10 * ms
    eqs = 'dv/dt = (ta(t) - v)/tau : volt'
    ta = TimedArray([1.0, 2.0] * mV, dt=1 * ms)
    first = from_brian2(eqs, method='exact')
    ta = TimedArray([1.0, 3.0] * mV, dt=1 * ms)
    second_ = from_brian2(eqs, method='exact')
    assert [t.name for t in first.tables] == ["ta"] and first.tables[0].unit == "volt"
    assert "ta" not in {p.name for p in first.parameters}
    assert model_key(model_spec(first)) != model_key(model_spec(second_))
