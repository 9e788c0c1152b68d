"""Unconnected neurons give the same spikes through the brian2 and native backends.

Both backends take the same equations (neurokit.models.point) and the same protocol
currents, and integrate with the same method, so spike times agree to the step and membrane
potentials to rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

from neurokit import schema
from neurokit.models.point import ADEX, GIF, HH, IZHIKEVICH, LIF
from neurokit.protocols import step_protocol

try:
    from neurokit.backends.native import NativeSimulator
except ImportError as exc:  # the native engine is a separate piece of work
    NativeSimulator = None
    _REASON = f"native backend cannot be imported: {exc}"
else:
    _REASON = ""

pytestmark = pytest.mark.skipif(NativeSimulator is None, reason=_REASON)

DT = 1e-4
CASES = [(LIF, {"g_L": [10.0, 15.0]}), (ADEX, {"b": [50.0, 100.0]}), (IZHIKEVICH, {"d": [50.0, 100.0]}),
         (GIF, {"b": [10.0, 40.0]}), (HH, {"g_L": [10.0, 20.0]})]


@pytest.mark.parametrize("model, params", CASES, ids=[m.name for m, _ in CASES])
def test_same_spikes_and_voltage(model, params):
    from neurokit.backends.brian2 import Brian2Simulator

    proto = step_protocol([0.3, 0.6, 1.0], 0.02, 0.22, 0.25, DT)
    a = Brian2Simulator("numpy").simulate(model, params, proto)
    b = NativeSimulator().simulate(model, params, proto)
    total = 0
    for s in range(2):
        for k in range(proto.n_sweeps):
            ta = schema.spike_times(a, sample=s, sweep=k)
            tb = schema.spike_times(b, sample=s, sweep=k)
            assert ta.size == tb.size, f"{model.name} sample {s} sweep {k}: {ta.size} vs {tb.size} spikes"
            np.testing.assert_allclose(ta, tb, atol=0.5 * DT)
            total += ta.size
    assert total > 10  # the protocol makes every model fire
    np.testing.assert_allclose(a.membrane_potential.values, b.membrane_potential.values, atol=1e-5)
    np.testing.assert_array_equal(a.diverged.values, b.diverged.values)
