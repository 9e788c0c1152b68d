"""A network population's IR (neurokit.backends.native.network_population): Brian2's ``i`` is
a per-cell state (the cell index), never a per-run invariant; a parameter the reset writes is a
per-cell state starting at the population's value."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import ms

from neurokit.backends.native.network import build
from neurokit.backends.native.network_population import population_ir
from neurokit.models.network import Network, Population
from neurokit.models.point import from_brian2
from neurokit.protocols import Protocol

pytestmark = pytest.mark.filterwarnings("ignore")


def _pop():
    tau = 10 * ms  # noqa: F841 - read by from_brian2 from this frame
    eqs = "dv/dt = (v0*(1 + 0.25*i) - v)/tau : volt\nv0 : volt\nvt : volt\nI_stim : amp"
    model = from_brian2(eqs, threshold="v > vt", reset="v = 0*mV; vt += 2*mV", method="exact", name="m")
    return Population("A", model, 5, params={"v0": 0.03, "vt": 0.01})


def test_index_and_written_parameter_are_per_cell_states():
    ir = population_ir(_pop())
    assert {"i", "vt"} <= set(ir.state_names) and not {"i", "vt"} & set(ir.parameter_names)
    assert not any("i" in {s.name for s in a.expr.free_symbols} for a in ir.invariants)


def test_start_values_are_the_cell_index_and_the_parameter():
    net = Network([_pop()], name="idx")
    spec, arr, _ = build(net, {"A.vt": [0.01, 0.02]}, Protocol([[]], duration=0.001, dt=1e-4))
    ir = spec.pops[0].ir
    x = arr.init.reshape(2, len(ir.state_names), 5)
    np.testing.assert_array_equal(x[:, ir.state_names.index("i")], [np.arange(5.0)] * 2)
    np.testing.assert_array_equal(x[:, ir.state_names.index("vt")], [[0.01] * 5, [0.02] * 5])
