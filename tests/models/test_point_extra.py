"""gif_block (neurokit.models.point_extra) on the native backend: it fires at a moderate step
and stops firing during a strong one (depolarisation block); with g_q = 0 it keeps firing."""

import numpy as np
import xarray as xr

from neurokit.backends.base import get_backend
from neurokit.models.registry import get_model
from neurokit.protocols import step_protocol

VALUES = {"C": 200.0, "g_L": 5.0, "E_L": -65.0, "V_T0": -50.0, "a": 2.0, "b": 20.0, "tau_w": 100.0,
          "V_q": -45.0, "g_q": 4.0, "tau_q": 50.0}


def _spikes(model, **changes):
    values = {p.name: p.default for p in model.parameters} | VALUES | changes
    params = xr.Dataset({k: ("sample", [float(v)], {"units": next(p.unit for p in model.parameters if p.name == k)})
                         for k, v in values.items()})
    # steps of 0.2 and 0.8 nA from 0.1 to 1.1 s
    result = get_backend("native").simulate(model, params, step_protocol([0.2, 0.8], 0.1, 1.1, 1.2, 1e-4))
    t, sweep = result["spike_time"].values, result["spike_sweep"].values
    return [t[sweep == k] for k in range(2)]


def test_block_model_stops_firing_at_high_current():
    model = get_model("gif_block")
    weak, strong = _spikes(model)
    assert weak.size >= 10 and weak.max() > 0.9  # fires through a moderate step
    assert strong.size >= 5 and strong.max() < 0.6  # fires at onset, then blocked for > 0.5 s
    _, unblocked = _spikes(model, g_q=0.0)
    assert unblocked.max() > 1.0 and unblocked.size > strong.size
