import numpy as np
import pytest

from neurokit.errors import ProtocolError
from neurokit.protocols import (OUNoise, Protocol, Ramp, Replay, Step, WhiteNoise, dual_step_protocol,
                                step_protocol)


def test_step_covers_half_open_window():
    p = step_protocol([0.2], start=0.1, stop=0.6, duration=1.0, dt=1e-4)
    cur = p.current(0)
    assert cur.size == 10000
    assert np.count_nonzero(cur) == 5000 and cur[1000] == 0.2 and cur[999] == 0.0


def test_dual_layout_matches_the_abf_protocol():
    p = dual_step_protocol([-0.1 + 0.025 * k for k in range(17)])
    cur = p.currents()
    assert cur.shape == (17, 30000)
    # X at 0.147-0.647 s, -100 pA at 1.147-1.647 s, X again 1.647-2.147 s
    assert cur[16, 1470] == pytest.approx(0.3) and cur[16, 11470] == pytest.approx(-0.1)
    assert cur[16, 16470] == pytest.approx(0.3) and cur[16, 21470] == 0.0


def test_ramp_and_replay():
    p = Protocol([[Ramp(0.0, 1.0, 0.0, 1.0)], [Replay([0.0, 1.0, 2.0], dt=0.25)]], 1.0, 0.125)
    np.testing.assert_allclose(p.current(0)[:3], [0, 0.125, 0.25])
    np.testing.assert_allclose(p.current(1), [0, 0, 1, 1, 2, 2, 0, 0])


@pytest.mark.parametrize("stim", [WhiteNoise(0.1, 0.05), OUNoise(0.1, 0.05, 0.01)])
def test_noise_is_seeded_per_sample_and_sweep(stim):
    p = Protocol([[stim], [stim]], 0.05, 1e-4, seed=11)
    a, b = p.current(0, sample=3), p.current(0, sample=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, p.current(0, sample=4))
    assert not np.array_equal(a, p.current(1, sample=3))
    assert p.currents([2, 3]).shape == (2, 2, 500)
    np.testing.assert_array_equal(p.currents([2, 3])[1, 0], a)


def test_ou_noise_has_its_stationary_sd():
    p = Protocol([[OUNoise(0.0, 0.05, 0.005)]], 20.0, 1e-4, seed=1)
    assert p.current(0).std() == pytest.approx(0.05, rel=0.1)


def test_json_round_trip():
    p = dual_step_protocol([0.1, 0.2], record=("membrane_potential", "w"), seed=4)
    q = Protocol.from_json(p.to_json())
    np.testing.assert_array_equal(q.currents(), p.currents())
    assert q.record == p.record and q.seed == 4


@pytest.mark.parametrize("kwargs, culprit", [
    (dict(duration=1.0, dt=0.0), "dt"),
    (dict(duration=1.0, dt=-1e-4), "dt"),
    (dict(duration=0.0, dt=1e-4), "duration"),
    (dict(duration=1.0, dt=1e-4, sampling_interval=1.5e-4), "sampling_interval"),
])
def test_bad_protocols_name_the_culprit(kwargs, culprit):
    with pytest.raises(ProtocolError, match=culprit):
        Protocol([[]], **kwargs)


def test_bad_stimuli():
    with pytest.raises(ProtocolError, match="stop"):
        Step(0.1, 0.5, 0.2)
    with pytest.raises(ProtocolError, match="NaN"):
        Replay([0.0, np.nan], dt=1e-4)
    with pytest.raises(ProtocolError, match="sweep 3"):
        step_protocol([0.1], 0.1, 0.2, 1.0, 1e-4).current(3)


def test_from_recording_replays_the_current():
    import xarray as xr

    from neurokit.schema import attrs_for

    t = np.arange(100) * 1e-3
    cur = np.where((t >= 0.02) & (t < 0.05), 0.3, 0.0)
    ds = xr.Dataset({"stimulus_current": (("sweep", "time"), cur[None], attrs_for("stimulus_current"))},
                    coords={"time": ("time", t, attrs_for("time"))})
    p = Protocol.from_recording(ds, dt=1e-4)
    assert p.n_sweeps == 1 and p.duration == pytest.approx(0.1)
    got = p.current(0)
    assert got[200] == pytest.approx(0.3) and got[199] == 0.0 and got[500] == 0.0
