"""A parameter that a reset writes becomes a per-neuron state starting at its value."""

from __future__ import annotations

import pytest
from brian2 import ms

from neurokit.codegen.frontend import build_ir
from neurokit.codegen.reset_params import reset_targets
from neurokit.errors import EquationError
from neurokit.models.point import from_brian2

pytestmark = pytest.mark.filterwarnings("ignore")


def test_reset_targets():
    assert reset_targets("v = 0*mV; vt += 1*mV\nw -= b  # comment") == {"v", "vt", "w"}
    assert reset_targets(None) == set()


def test_written_parameter_is_a_state_with_its_own_start_value():
    eqs = "dv/dt = (v0 - v)/tau : volt\nv0 : volt\nvt : volt\n"
    ir = build_ir(from_brian2(eqs, threshold="v > vt", reset="v = 0*mV; vt += 1*mV",
                              namespace={"tau": 10 * ms}, name="written_vt"))
    assert "vt" in ir.state_names and "vt" not in ir.parameter_names
    assert any(a.target == "vt" and str(a.expr) == "vt" for a in ir.initial)
    assert not any("vt" in str(a.expr) for a in ir.invariants)  # never hoisted as a constant


@pytest.mark.parametrize("flag", ["constant", "shared"])
def test_written_constant_or_shared_parameter_is_refused(flag):
    eqs = f"dv/dt = -v/(10*ms) : volt\nvt : volt ({flag})\n"
    with pytest.raises(EquationError, match=f"writes 'vt'.*{flag}"):
        build_ir(from_brian2(eqs, threshold="v > vt", reset="vt += 1*mV", name=f"written_{flag}"))
