"""The C target agrees with the NumPy reference on every built-in model and on noise.

Tolerance: max |dV| < 1e-6 mV over the run (both evaluate the same statements; the C code
is compiled with -ffast-math, so operations may be reassociated), and identical spike steps
(spike times within one step is the contract; in practice they are equal).
"""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.native import NativeSimulator
from neurokit.codegen.frontend import model_from_equations
from neurokit.models.point import BUILTIN
from neurokit.protocols import Protocol, Ramp, Step

TOL_MV = 1e-6


def _compare(model, params, proto):
    c = NativeSimulator(target="c", threads=2).simulate(model, params, proto)
    ref = NativeSimulator(target="numpy").simulate(model, params, proto)
    dv = np.nanmax(np.abs(c.membrane_potential.values - ref.membrane_potential.values))
    assert dv < TOL_MV, f"{model.name}: max |dV| {dv} mV"
    np.testing.assert_array_equal(np.isnan(c.membrane_potential.values), np.isnan(ref.membrane_potential.values))
    assert c.sizes["spike"] == ref.sizes["spike"]
    np.testing.assert_allclose(c.spike_time.values, ref.spike_time.values, atol=proto.dt * 1.01)
    np.testing.assert_array_equal(c.spike_sample.values, ref.spike_sample.values)
    np.testing.assert_array_equal(c.diverged.values, ref.diverged.values)
    return c, ref


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_models_c_matches_numpy(name):
    model = BUILTIN[name]
    proto = Protocol([[Step(0.4, 0.02, 0.12)], [Ramp(0.0, 0.9, 0.0, 0.15)]], duration=0.15, dt=1e-4,
                     sampling_interval=2e-4)
    space = model.space
    params = space.sample(4, seed=1)
    c, _ = _compare(model, params, proto)
    assert c.membrane_potential.shape == (4, 2, 750)


def test_noise_c_matches_numpy_and_is_chunk_independent():
    model = model_from_equations(
        "dv/dt = (-v + mu + sigma*sqrt(tau)*xi)/tau : volt\ntau : second\nsigma : volt\nmu : volt",
        threshold="v > 15*mV", reset="v = 0*mV", method="euler", name="ou_lif")
    proto = Protocol([[]], duration=0.1, dt=1e-4, seed=7)
    params = {"tau": [0.01] * 4, "sigma": [0.004] * 4, "mu": [0.012] * 4}
    c, ref = _compare(model, params, proto)
    traces = c.membrane_potential.values[:, 0]
    assert not np.allclose(traces[0], traces[1])  # samples draw different noise
    part = {k: v[2:] for k, v in params.items()}
    import xarray as xr

    ds = xr.Dataset({k: ("sample", np.asarray(v)) for k, v in part.items()}).assign_coords(sample=[2, 3])
    sub = NativeSimulator(target="c").simulate(model, ds, proto)
    np.testing.assert_allclose(sub.membrane_potential.values, c.membrane_potential.values[2:], atol=1e-9)


@pytest.mark.parametrize("method", ["rk2", "rk4", "heun"])
def test_other_schemes_c_matches_numpy(method):
    model = BUILTIN["adex"].__class__(**{**BUILTIN["adex"].__dict__, "name": f"adex_{method}",
                                         "method": method})
    proto = Protocol([[Step(0.8, 0.01, 0.08)]], duration=0.1, dt=1e-4)
    c, _ = _compare(model, {"b": [20.0, 60.0]}, proto)
    assert c.sizes["spike"] > 0


def test_subexpressions_in_equations_threshold_and_reset():
    model = model_from_equations(
        "dv/dt = (E_L - v + R*I_stim)/tau : volt\nV_th = theta + 2*mV : volt\n"
        "dtheta/dt = (theta0 - theta)/tau_th : volt\n"
        "tau : second\nE_L : volt\nR : ohm\ntheta0 : volt\ntau_th : second\nI_stim : amp",
        threshold="v > V_th", reset="v = E_L; theta = V_th + 1*mV", method="euler",
        initial={"v": "E_L", "theta": "theta0"}, name="subexpr",
        defaults={"tau": 0.02, "E_L": -0.07, "R": 1e8, "theta0": -0.05, "tau_th": 0.05})
    proto = Protocol([[Step(0.4, 0.01, 0.2)]], duration=0.2, dt=1e-4)
    c, _ = _compare(model, {}, proto)
    assert c.sizes["spike"] > 2


def test_stochastic_stimulus_rows_per_sample():
    from neurokit.protocols import WhiteNoise

    proto = Protocol([[WhiteNoise(0.3, 0.2, 0.0, 0.1)], [Step(0.5, 0.0, 0.1)]], duration=0.1, dt=1e-4,
                     seed=11, record=("membrane_potential", "stimulus_current"))
    c, _ = _compare(BUILTIN["lif"], {"C": [200.0, 200.0]}, proto)
    v = c.membrane_potential.values
    assert not np.allclose(v[0, 0], v[1, 0])  # each sample gets its own noise realisation
    np.testing.assert_allclose(v[0, 1], v[1, 1])  # the deterministic sweep is shared
    assert c.stimulus_current.dims == ("sweep", "time")
