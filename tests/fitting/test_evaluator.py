"""The evaluator boundary: recording parameters applied to a simulated batch."""

import numpy as np
import pytest
import xarray as xr

from neurokit.features import detect_spikes
from neurokit.fitting.evaluator import Evaluator, with_holding_current
from neurokit.fitting.objectives import Target, WeightedSum
from neurokit.models.point import GIF
from neurokit.params import Parameter, ParameterSpace


def test_holding_current_enters_the_membrane_equation_only():
    m = with_holding_current(GIF)
    dv = next(line for line in m.equations.splitlines() if line.strip().startswith("dv/dt"))
    assert "(I_stim + I_hold)" in dv
    assert "I_hold : amp" in m.equations
    assert m.space["I_hold"].unit == "pA"


def test_offset_series_resistance_and_spike_delay_are_applied():
    t = np.arange(0, 0.1, 1e-3)
    cur = np.where(t >= 0.05, 0.2, 0.0)[None, :]           # nA
    target = Target([0], t, np.zeros((1, t.size)), cur, [np.array([0.06])], 0.1)
    space = ParameterSpace([Parameter("offset", "mV", (-5, 5), 0.0),
                            Parameter("series_resistance", "Mohm", (0, 20), 0.0),
                            Parameter("spike_delay", "ms", (0, 4), 0.0)])
    ev = Evaluator(GIF, "native", None, target, WeightedSum([]), space, {},
                   ["offset", "series_resistance", "spike_delay"])
    values = space.batch({"offset": [2.0], "series_resistance": [10.0], "spike_delay": [1.5]})
    result = xr.Dataset({"membrane_potential": (("sample", "sweep", "time"), np.full((1, 1, t.size), -60.0)),
                         "spike_time": ("spike", [0.0585])},
                        coords={"sample": [0], "spike_sample": ("spike", [0]), "spike_sweep": ("spike", [0])})
    resp = ev.response(result, values)
    # -60 mV + 2 mV offset + 10 Mohm * 0.2 nA = 2 mV bridge error once the step is on
    assert resp.voltage[0, 0, 10] == pytest.approx(-58.0)
    assert resp.voltage[0, 0, 60] == pytest.approx(-56.0)
    assert resp.spikes[0][0] == pytest.approx([0.06])


def test_detect_crossings_rearms_below_minus_10_mV():
    t = np.arange(8) * 1e-3
    v = np.array([-60, 10, -5, 10, -20, 10, -60, -60.0])
    # 0 mV crossings at samples 1, 3, 5; the one at 3 comes before re-arming below -10 mV
    got = detect_spikes(v, t)
    assert got.size == 2
    assert got[0] == pytest.approx(6 / 7 * 1e-3)


def test_targets_and_responses_use_the_configured_spike_detector():
    """Spikes that peak at -10 mV: missed at 0 mV, found by the dV/dt rule, in the target and
    in a simulated batch that reports no ragged spikes alike."""
    from neurokit.features import SpikeDetector
    from neurokit.fitting.evaluator import _ragged

    t = np.arange(0, 0.2, 5e-5)
    v = np.full(t.size, -65.0)
    for t0 in (0.05, 0.1, 0.15):
        on = (t >= t0) & (t < t0 + 2e-3)
        v[on] = -65.0 + 55.0 * np.sin(np.pi * (t[on] - t0) / 2e-3)
    batch = xr.Dataset({"membrane_potential": (("sample", "sweep", "time"), v[None, None, :])})
    derivative = SpikeDetector("derivative")
    assert _ragged(batch, 1, 1, t, v[None, None, :], 0.0)[0][0].size == 0
    found = _ragged(batch, 1, 1, t, v[None, None, :], derivative)[0][0]
    np.testing.assert_allclose(found, [0.05, 0.1, 0.15], atol=2e-4)
