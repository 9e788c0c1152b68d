"""The one spike detector (neurokit.features.spikes): counts against the shipped README,
re-arming, ragged spikes, and the derivative and relative rules for spikes below 0 mV."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import find_peaks

from neurokit import features as fx
from neurokit.errors import ParameterError

from .conftest import FILES


def test_readme_lists_every_recording(readme_counts):
    assert sorted(readme_counts) == sorted(FILES)
    assert [len(readme_counts[k]) for k in sorted(FILES)] == [17, 17, 5, 9, 1]


@pytest.mark.parametrize("name", sorted(FILES))
def test_spike_counts_equal_the_readme(shipped, readme_counts, name):
    counts = fx.spike_count(shipped[name])
    assert counts.dims == ("sweep",)
    assert counts.values.tolist() == readme_counts[name]


def test_detect_spikes_rearms_below_minus_10_mV():
    t = np.arange(12) * 1e-3
    # up through 0 at 2, dips to -5 (not re-armed), up again at 5, down to -20 (re-armed),
    # up at 9: two spikes, not three.
    v = np.array([-60, -30, 10, 20, -5, 5, 10, -20, -40, 5, 30, -60], dtype=float)
    spikes = fx.detect_spikes(v, t)
    np.testing.assert_allclose(spikes, [1e-3 + 0.75e-3, 8e-3 + (40 / 45) * 1e-3])
    assert fx.detect_spikes(np.full(12, np.nan), t).size == 0
    with pytest.raises(ParameterError, match="rearm"):
        fx.detect_spikes(v, t, fx.SpikeDetector(threshold=0.0, rearm=5.0))


def test_spikes_dataset_is_ragged_and_matches_counts(shipped):
    from neurokit import schema

    ds = shipped["File_axon_5.abf"]
    sp = fx.spikes(ds)
    assert sp.sizes["spike"] == 7 and sp["spike_time"].attrs["units"] == "s"
    t8 = schema.spike_times(sp, sweep=8)
    np.testing.assert_allclose(t8, fx.detect_spikes(ds["membrane_potential"].values[8], ds["time"].values))
    assert np.all((t8 > 0.216) & (t8 < 0.716))


def test_ragged_spikes_in_the_dataset_are_used(shipped, readme_counts):
    """Integrate-and-fire backends reset before the voltage reaches 0 mV and store the spikes
    as ragged spike_time: those must be counted, not the (absent) 0 mV crossings."""
    ds = shipped["File_axon_5.abf"]
    sp = fx.spikes(ds)
    reset_like = ds.assign(membrane_potential=ds["membrane_potential"].clip(max=-40.0))
    reset_like = reset_like.assign(spike_time=sp["spike_time"])
    assert fx.spike_count(reset_like).values.tolist() == readme_counts["File_axon_5.abf"]
    f = fx.compute_features(reset_like, ["spike_count", "first_spike_latency"])
    assert f.attrs["spike_source"] == "dataset spike_time"
    assert f["spike_count"].values.tolist() == [0] * 6 + [2, 2, 3]
    assert fx.spike_count(reset_like.drop_vars(["spike_time", "spike_sweep"])).sum() == 0


# --- spikes that stay below 0 mV ------------------------------------------------------------

DT = 5e-5  # s, 20 kHz
ONSETS = np.array([0.21, 0.29, 0.36, 0.45, 0.52, 0.61])  # s, peaks 1 ms later


def low_spikes(seed=0):
    """(t s, v mV): rest -65 mV, a 10 mV step from 0.2 to 0.7 s (tau 10 ms), six spikes of
    1 ms rise peaking at -10 mV and decaying back (tau 0.7 ms), 0.2 mV noise."""
    t = np.arange(int(0.9 / DT)) * DT
    on = (t >= 0.2) & (t < 0.7)
    v = -65.0 + 10.0 * np.where(on, 1 - np.exp(-(t - 0.2) / 0.01), 0.0)
    v[t >= 0.7] = -65.0 + 10.0 * np.exp(-(t[t >= 0.7] - 0.7) / 0.01)
    for t0 in ONSETS:
        rise = (t >= t0) & (t < t0 + 1e-3)
        fall = (t >= t0 + 1e-3) & (t < t0 + 8e-3)
        base = v[rise | fall]
        v[rise] = base[:rise.sum()] + (-10.0 - base[:rise.sum()]) * np.sin(0.5 * np.pi * (t[rise] - t0) / 1e-3) ** 2
        v[fall] = base[rise.sum():] + (-10.0 - base[rise.sum():]) * np.exp(-(t[fall] - t0 - 1e-3) / 7e-4)
    return t, v + np.random.default_rng(seed).normal(0.0, 0.2, t.size)


def test_spikes_below_0_mV_are_found_by_derivative_and_relative_only():
    t, v = low_spikes()
    assert fx.detect_spikes(v, t).size == 0  # 0 mV misses all of them
    deriv = fx.detect_spikes(v, t, fx.SpikeDetector("derivative"))
    rel = fx.detect_spikes(v, t, fx.SpikeDetector("relative"))
    assert deriv.size == rel.size == ONSETS.size
    # the derivative rule times each spike at its onset, the relative one half-way up
    np.testing.assert_allclose(deriv, ONSETS, atol=0.4e-3)
    np.testing.assert_allclose(rel, ONSETS + 0.5e-3, atol=0.3e-3)
    # a level below the peaks, the fixed-threshold rule counts them too
    assert fx.detect_spikes(v, t, fx.SpikeDetector(threshold=-30.0)).size == ONSETS.size


def test_step_edges_and_noise_are_not_spikes():
    t, v = low_spikes(seed=1)
    quiet = v.copy()
    for t0 in ONSETS:  # the same trace without its spikes: a 10 mV step with noise
        cut = (t >= t0) & (t < t0 + 8e-3)
        quiet[cut] = v[np.searchsorted(t, t0) - 1]
    for det in (fx.SpikeDetector("derivative"), fx.SpikeDetector("relative"),
                fx.SpikeDetector("relative", min_height=5.0)):
        assert fx.detect_spikes(quiet, t, det).size == 0, det
    # a 40 mV hyperpolarising step: its edges are large but slow, and do not come back
    step = -65.0 - 40.0 * ((t >= 0.2) & (t < 0.7))
    assert fx.detect_spikes(step, t, fx.SpikeDetector("relative")).size == 0


def test_detector_settings_are_checked():
    with pytest.raises(ParameterError, match="method 'peaks'"):
        fx.SpikeDetector("peaks")
    with pytest.raises(ParameterError, match="fraction"):
        fx.SpikeDetector("relative", threshold=1.5)
    with pytest.raises(ParameterError, match="rearm is not used"):
        fx.SpikeDetector("derivative", rearm=-10.0)
    with pytest.raises(ParameterError, match="min_height"):
        fx.SpikeDetector("derivative", min_height=-1.0)
    assert fx.SpikeDetector(threshold=-20.0).rearm == -30.0
    assert fx.as_detector(-20.0) == fx.SpikeDetector("threshold", -20.0)


def reference_counts(ds, rate=20.0):
    """Per sweep: voltage peaks (10 mV prominence) whose rise reached ``rate`` mV/ms in the
    2 ms before them. An independent count for the detectors to agree with."""
    v = ds["membrane_potential"].transpose("sweep", "time").values
    dt_ms = float(ds["time"][1] - ds["time"][0]) * 1e3
    out = []
    for row in v:
        dvdt = np.diff(row) / dt_ms
        peaks, _ = find_peaks(row, prominence=10.0)
        back = int(round(2.0 / dt_ms))
        out.append(sum(dvdt[max(p - back, 0):p].max() > rate for p in peaks))
    return out


def test_b6_derivative_detector_counts_every_spike(shipped, readme_counts):
    """B6's spikes shrink along each train (to peaks of about +1 mV in sweep 185). An
    uncorrected offset of -20 mV (a junction potential, say) puts them all below 0 mV: the
    0 mV rule misses them, the dV/dt and relative rules do not."""
    ds = shipped["B6"]
    derivative = fx.SpikeDetector("derivative")
    expected = reference_counts(ds)
    assert expected == readme_counts["B6"]  # 26 50 68 82 89
    assert fx.spike_count(ds, detector=derivative).values.tolist() == expected
    shifted = ds.assign(membrane_potential=ds["membrane_potential"] - 20.0)
    at_0mV = fx.spike_count(shifted).values
    by_dvdt = fx.spike_count(shifted, detector=derivative).values
    assert by_dvdt.tolist() == reference_counts(shifted) == expected
    assert np.all(at_0mV < by_dvdt)
    relative = fx.spike_count(shifted, detector=fx.SpikeDetector("relative")).values
    assert relative.tolist() == expected
    # the same spikes: each onset comes shortly before a 0 mV crossing of the original
    t = ds["time"].values
    for k in range(ds.sizes["sweep"]):
        onsets = fx.detect_spikes(shifted["membrane_potential"].values[k], t, derivative)
        crossings = fx.detect_spikes(ds["membrane_potential"].values[k], t)
        lead = crossings - onsets
        assert np.all((lead > 0) & (lead < 2e-3)), k


def test_features_follow_the_detector(shipped):
    """Spike-shape features of the shifted B6 come out as for the original (shifted by the
    offset where they are voltages): eFEL sees the spikes the detector found."""
    ds = shipped["B6"].isel(sweep=[0, 4])
    shifted = ds.assign(membrane_potential=ds["membrane_potential"] - 20.0)
    names = ["spike_count", "ap_amplitude", "ap_width", "ap_threshold"]
    ref = fx.compute_features(ds, names)
    got = fx.compute_features(shifted, names, detector=fx.SpikeDetector("derivative"))
    np.testing.assert_array_equal(got["spike_count"], ref["spike_count"])
    np.testing.assert_allclose(got["ap_amplitude"], ref["ap_amplitude"], rtol=0.05)
    np.testing.assert_allclose(got["ap_width"], ref["ap_width"], rtol=0.05)
    np.testing.assert_allclose(got["ap_threshold"], ref["ap_threshold"] - 20.0, atol=1.0)
    assert '"method": "derivative"' in got.attrs["spike_detector"]
    assert got.attrs["spike_source"].startswith("dV/dt crossings of 20.0 mV/ms")
