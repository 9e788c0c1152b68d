"""Node-network rate models against theory: Wilson-Cowan fixed points and Hopf frequency,
Jansen-Rit alpha, OU variance, delays, input, batching, format, errors (rate networks:
test_rate_networks.py)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from scipy.optimize import brentq

from neurokit import schema
from neurokit.backends.base import get_backend
from neurokit.errors import BackendError, ModelError, ParameterError, ProtocolError
from neurokit.models.rate import JansenRit, WilsonCowan
from neurokit.models.rate_networks import RateNetwork
from neurokit.models.rate_nodes import synthetic_connectome, with_parameters
from neurokit.protocols import Protocol, Step


def simulate(model, params, protocol, target="c"):
    """The user's path: the native backend, which dispatches rate models to its rate runners."""
    return get_backend("native", target=target).simulate(model, params, protocol)


def _crossing_times(t, x):
    """Times of upward zero crossings of x (linear interpolation)."""
    k = np.nonzero((x[:-1] < 0) & (x[1:] >= 0))[0]
    return t[k] - x[k] * (t[k + 1] - t[k]) / (x[k + 1] - x[k])


# --------------------------------------------------------------------------- Wilson-Cowan
@pytest.mark.parametrize("drive", [0.3, 2.9])
def test_wilson_cowan_settles_on_its_fixed_point(drive):
    wc = WilsonCowan()
    (E, I), = wc.fixed_points(drive=drive)
    assert np.all(np.linalg.eigvals(wc.jacobian(E, I, drive=drive)).real < 0)
    prot = Protocol([[]], duration=0.3, dt=1e-5, record=("E", "I"), sampling_interval=1e-3)
    ds = simulate(wc, {"exc_ext": drive, "signal_speed": 0.0}, prot)
    assert float(ds["E"][0, 0, -1, 0]) == pytest.approx(E, abs=1e-6)
    assert float(ds["I"][0, 0, -1, 0]) == pytest.approx(I, abs=1e-6)


def _hopf_drive(wc):
    def re(drive):
        (E, I), = wc.fixed_points(drive=drive)
        return np.linalg.eigvals(wc.jacobian(E, I, drive=drive)).real.max()

    return brentq(re, 0.6, 1.0, xtol=1e-10)


def test_wilson_cowan_frequency_near_hopf_matches_linearisation():
    wc = WilsonCowan()
    hopf = _hopf_drive(wc)
    below, above = hopf - 0.02, hopf + 0.01
    # Below the Hopf point: a perturbation rings down at the linearised frequency.
    (E, I), = wc.fixed_points(drive=below)
    lam = np.linalg.eigvals(wc.jacobian(E, I, drive=below))
    f_lin = abs(lam[0].imag) / (2 * np.pi) * 1e3  # 1/ms -> Hz
    model = WilsonCowan(initial={"E": E + 0.002, "I": I})
    prot = Protocol([[]], duration=0.25, dt=1e-5, record=("E",), sampling_interval=1e-4)
    ds = simulate(model, {"exc_ext": [below, above], "signal_speed": 0.0}, prot)
    t = ds["time"].values
    ring = ds["E"][0, 0, :, 0].values - E
    f_sim = 1.0 / np.diff(_crossing_times(t, ring)).mean()
    assert f_sim == pytest.approx(f_lin, rel=0.005)
    assert abs(ring[-500:]).max() < 0.2 * abs(ring[:500]).max()  # and it decays
    # Just above it: a small limit cycle near the critical frequency.
    (Ec, Ic), = wc.fixed_points(drive=hopf)
    f_crit = abs(np.linalg.eigvals(wc.jacobian(Ec, Ic, drive=hopf))[0].imag) / (2 * np.pi) * 1e3
    cycle = ds["E"][1, 0, :, 0].values
    tail = cycle[t > 0.15] - cycle[t > 0.15].mean()
    f_cycle = 1.0 / np.diff(_crossing_times(t[t > 0.15], tail)).mean()
    assert np.ptp(tail) > 0.01  # it oscillates rather than settling
    assert f_cycle == pytest.approx(f_crit, rel=0.05)
    assert 30 < f_crit < 60


def test_ou_noise_has_its_stationary_variance():
    prot = Protocol([[]], duration=2.0, dt=1e-4, record=("ou_E",), seed=5)
    ds = simulate(WilsonCowan(), {"sigma_ou": [0.05, 0.1], "tau_ou": 5.0}, prot)
    ou = ds["ou_E"][:, 0, 5000:, 0].values
    # dx = -x dt/tau + sigma sqrt(dt) z  =>  var = sigma^2 tau / 2 (tau, dt in ms)
    expected = np.array([0.05, 0.1]) ** 2 * 5.0 / 2
    assert ou.var(axis=1) == pytest.approx(expected, rel=0.25)


def test_delays_shift_the_arrival_of_a_pulse():
    cmat = np.array([[0.0, 0.0], [1.0, 0.0]])  # node 0 drives node 1
    dmat = np.array([[0.0, 0.0], [10.0, 0.0]])  # 10 mm
    model = WilsonCowan(cmat=cmat, dmat=dmat, input_nodes=[1.0, 0.0])
    prot = Protocol([[], [Step(2.0, 0.02, 0.04)]], duration=0.08, dt=1e-4, record=("E",))
    ds = simulate(model, {"signal_speed": [0.0, 1.0], "K_gl": 2.0}, prot)  # 1 m/s: 10 ms
    t = ds["time"].values
    response = (ds["E"][:, 1, :, 1] - ds["E"][:, 0, :, 1]).values  # node 1, stimulus minus none
    onset = [t[np.argmax(np.abs(row) > 1e-9)] for row in response]
    assert onset[0] == pytest.approx(0.02, abs=2.5e-4)
    assert onset[1] - onset[0] == pytest.approx(0.010, abs=1.5e-4)
    e0 = ds["E"][:, 1, :, 0].values
    np.testing.assert_allclose(e0[0], e0[1], atol=1e-12)  # node 0 does not depend on the delay


def test_protocol_input_reaches_only_the_chosen_nodes():
    cmat, dmat = synthetic_connectome(4, seed=2)
    model = WilsonCowan(cmat=cmat, dmat=dmat, input_nodes=[1, 0, 0, 0])
    prot = Protocol([[], [Step(1.0, 0.01, 0.05)]], duration=0.05, dt=1e-4, record=("activity",))
    ds = simulate(model, {"K_gl": 0.0}, prot)
    diff = np.abs(ds.activity[0, 1] - ds.activity[0, 0]).max("time").values
    assert diff[0] > 0.05 and np.all(diff[1:] == 0)
    assert ds.sizes["sweep"] == 2


# --------------------------------------------------------------------------- Jansen-Rit
def test_jansen_rit_standard_parameters_give_alpha():
    prot = Protocol([[]], duration=4.0, dt=1e-4, record=("activity",), sampling_interval=1e-3, seed=1)
    ds = simulate(JansenRit(), {"sigma_p": [0.0, 30.0, 60.0]}, prot)
    assert ds.activity.attrs["units"] == "mV"
    x = ds.activity[:, 0, 1000:, 0].values
    x = x - x.mean(axis=1, keepdims=True)
    freqs = np.fft.rfftfreq(x.shape[1], 1e-3)
    peak = freqs[np.abs(np.fft.rfft(x, axis=1)).argmax(axis=1)]
    assert np.all((peak >= 8) & (peak <= 12)), peak
    assert np.all(np.ptp(x, axis=1) > 1.0)  # mV-scale oscillation, not a fixed point


def test_jansen_rit_network_with_delays_runs_and_stays_finite():
    cmat, dmat = synthetic_connectome(5, seed=3)
    prot = Protocol([[]], duration=0.5, dt=1e-4, record=("activity", "y0"), sampling_interval=1e-3, seed=2)
    ds = simulate(JansenRit(cmat=cmat, dmat=dmat), {"K_gl": [0.0, 5.0], "sigma_p": 20.0}, prot)
    assert not ds.diverged.any()
    assert ds.y0.attrs["units"] == "mV"
    assert float(np.abs(ds.activity[1] - ds.activity[0]).max()) > 0.1  # coupling matters


# --------------------------------------------------------------------------- batches and format
def test_output_conforms_and_round_trips(tmp_path):
    cmat, dmat = synthetic_connectome(3, seed=0)
    prot = Protocol([[Step(0.2, 0.005, 0.01)]], duration=0.02, dt=1e-4, record=("activity", "I"),
                    sampling_interval=5e-4, seed=9)
    ds = simulate(WilsonCowan(cmat=cmat, dmat=dmat), {"sigma_ou": [0.0, 0.02]}, prot)
    schema.assert_conforms(ds)
    assert ds.activity.dims == ("sample", "sweep", "time", "node")
    assert ds.activity.attrs["units"] == "1"
    assert ds.sizes["time"] == 40 and ds.attrs["dt_s"] == 1e-4 and ds.attrs["sampling_interval_s"] == 5e-4
    assert list(ds.param_sigma_ou.values) == [0.0, 0.02]
    back = schema.load(schema.save(ds, tmp_path / "wc.nc"))
    xr.testing.assert_identical(back, ds)


def test_chunks_of_a_batch_give_the_same_results():
    cmat, dmat = synthetic_connectome(4, seed=1)
    model = WilsonCowan(cmat=cmat, dmat=dmat)
    space = model.space
    batch = space.batch({"sigma_ou": [0.02, 0.04, 0.06, 0.08], "exc_ext": [0.5, 0.6, 0.7, 0.8]})
    prot = Protocol([[]], duration=0.05, dt=1e-4, record=("activity",), seed=21)
    whole = simulate(model, batch, prot)
    part = simulate(model, batch.isel(sample=[2, 3]), prot)
    xr.testing.assert_equal(whole.activity.sel(sample=[2, 3]), part.activity)
    other_seed = simulate(model, batch, prot.replace(seed=22))
    assert not np.allclose(other_seed.activity, whole.activity)


def test_backend_simulates_rate_models_whatever_the_thread_count():
    prot = Protocol([[]], duration=0.02, dt=1e-4, record=("activity",), seed=1)
    one = get_backend("native", target="c", threads=1).simulate(JansenRit(), {"sigma_p": [10.0, 20.0]}, prot)
    two = get_backend("native", target="c", threads=2).simulate(JansenRit(), {"sigma_p": [10.0, 20.0]}, prot)
    xr.testing.assert_identical(one.activity, two.activity)
    assert one.attrs["backend"] == "native" and one.activity.attrs["units"] == "mV"
    assert get_backend("native").supports(WilsonCowan()) and get_backend("native").supports(RateNetwork(np.eye(1)))
    assert not hasattr(WilsonCowan(), "run_native")


def test_with_parameters_changes_defaults():
    wc = with_parameters(WilsonCowan(), exc_ext=0.7, K_gl=(0.0, 2.0))
    assert wc.defaults()["exc_ext"] == 0.7
    assert wc.space["K_gl"].bounds == (0.0, 2.0)
    with pytest.raises(ParameterError, match="no parameter"):
        with_parameters(WilsonCowan(), nope=1.0)


def test_bad_input_raises_typed_errors_naming_the_culprit():
    prot = Protocol([[]], duration=0.01, dt=1e-4, record=("activity",))
    with pytest.raises(ParameterError, match="tau_bogus"):
        simulate(WilsonCowan(), {"tau_bogus": 1.0}, prot)
    with pytest.raises(ParameterError, match="tau_exc"):
        simulate(WilsonCowan(), {"tau_exc": -1.0}, prot)
    with pytest.raises(ProtocolError, match="voltage"):
        simulate(WilsonCowan(), {}, prot.replace(record=("voltage",)))
    with pytest.raises(ModelError, match="square"):
        WilsonCowan(cmat=np.ones((2, 3)))
    with pytest.raises(ModelError, match="dmat"):
        WilsonCowan(cmat=np.ones((2, 2)), dmat=np.ones((3, 3)))
    with pytest.raises(BackendError, match="fortran"):
        simulate(WilsonCowan(), {}, prot, target="fortran")
