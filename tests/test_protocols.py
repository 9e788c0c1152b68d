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


BPO_PROTOCOLS = {
    "Step1": {"stimuli": [{"delay": 700, "amp": 0.458, "duration": 2000, "totduration": 3000},
                          {"delay": 0, "amp": -0.126, "duration": 3000, "totduration": 3000}]},
    "bAP": {"stimuli": [{"delay": 295, "amp": 1.9, "duration": 5, "totduration": 600}],
            "extra_recordings": [{"var": "v", "somadistance": 660, "type": "somadistance", "name": "dend1",
                                  "seclist_name": "apical"}]},
    "Ramp": {"stimuli": [{"type": "RampPulse", "delay": 100, "amp": 0.0, "amp_end": 0.5, "duration": 200,
                          "totduration": 400}]},
    "EModel": {"holding": {"delay": 0, "amp": -0.05, "duration": 500, "totduration": 500},
               "step": {"delay": 100, "amp": 0.3, "duration": 300, "totduration": 500}},
}


def test_from_bluepyopt_reads_steps_holding_and_ramps(tmp_path):
    import json

    from neurokit.protocols import from_bluepyopt

    path = tmp_path / "protocols.json"
    path.write_text(json.dumps(BPO_PROTOCOLS))
    protos = from_bluepyopt(path)
    assert set(protos) == set(BPO_PROTOCOLS)
    step1 = protos["Step1"]
    assert step1.duration == 3.0 and step1.n_sweeps == 1 and step1.settle == 0.0
    assert step1.sweeps[0] == [Step(0.458, 0.7, 2.7), Step(-0.126, 0.0, 3.0)]
    t = step1.time()
    cur = step1.current(0)
    assert cur[t < 0.7] == pytest.approx(-0.126) and cur[(t >= 0.7) & (t < 2.7)] == pytest.approx(0.332)
    assert protos["bAP"].duration == 0.6 and protos["bAP"].sweeps[0] == [Step(1.9, 0.295, 0.3)]
    assert protos["Ramp"].sweeps[0] == [Ramp(0.0, 0.5, 0.1, 0.3)]
    assert protos["EModel"].sweeps[0] == [Step(-0.05, 0.0, 0.5), Step(0.3, 0.1, 0.4)]
    only = from_bluepyopt(BPO_PROTOCOLS, names=["bAP"], dt=1e-4, sampling_interval=2e-4)
    assert list(only) == ["bAP"] and only["bAP"].dt == 1e-4 and only["bAP"].sampling_interval == 2e-4


@pytest.mark.parametrize("spec,culprit", [
    ({"P": {"stimuli": []}}, "non-empty"),
    ({"P": {"stimuli": [{"amp": 1, "delay": 0, "duration": 10}]}}, "totduration"),
    ({"P": {"stimuli": [{"amp": "x", "delay": 0, "duration": 10, "totduration": 10}]}}, "'amp'"),
    ({"P": {"stimuli": [{"type": "Noise", "amp": 1, "delay": 0, "duration": 10, "totduration": 10}]}}, "Noise"),
    ({"P": {"stimuli": [{"location": "dend", "amp": 1, "delay": 0, "duration": 10, "totduration": 10}]}}, "dend"),
])
def test_from_bluepyopt_names_the_culprit(spec, culprit):
    from neurokit.protocols import from_bluepyopt

    with pytest.raises(ProtocolError, match=culprit):
        from_bluepyopt(spec)
    with pytest.raises(ProtocolError, match="not found"):
        from_bluepyopt(BPO_PROTOCOLS, names=["Step9"])


def test_recording_sites_and_feature_objectives():
    from neurokit.protocols_bluepyopt import objectives_from_bluepyopt, recording_sites

    sites = recording_sites(BPO_PROTOCOLS)
    assert sites["Step1"] == [{"name": "soma", "region": "soma", "distance": None}]
    assert sites["bAP"][1] == {"name": "dend1", "region": "apical", "distance": 660.0}
    feats = {"Step1": {"soma": {"Spikecount": [14, 2.0], "AP_height": [25.0, 5.0]}},
             "bAP": {"dend1": {"AP_amplitude_from_voltagebase": [45, 10]}}}
    specs = objectives_from_bluepyopt(feats, weight=0.5)
    assert specs[0] == {"kind": "features", "weight": 0.5, "features": ["Spikecount", "AP_height"],
                        "sd": {"Spikecount": 2.0, "AP_height": 5.0}, "protocol": "Step1", "recording": "soma",
                        "mean": {"Spikecount": 14.0, "AP_height": 25.0}}
    assert specs[1]["recording"] == "dend1"
    # The objective options are exactly what the fitting layer's "features" objective takes.
    from neurokit.fitting.objectives import FeatureError

    obj = FeatureError(**{k: v for k, v in specs[0].items() if k in ("features", "sd")})
    assert obj.sd == {"Spikecount": 2.0, "AP_height": 5.0}
    with pytest.raises(ProtocolError, match="std"):
        objectives_from_bluepyopt({"P": {"soma": {"Spikecount": [1.0, 0.0]}}})
    with pytest.raises(ProtocolError, match=r"\[mean, std\]"):
        objectives_from_bluepyopt({"P": {"soma": {"Spikecount": 1.0}}})
