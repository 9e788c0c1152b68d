"""Features of real recordings: spike counts against the shipped README, windows, eFEL values,
per-sample batches, F-I curves, rheobase, and eFEL settings that never leak."""

from __future__ import annotations

import os
import re

import efel
import numpy as np
import pytest
import xarray as xr

from neurokit import features as fx
from neurokit.errors import ParameterError, ProtocolError
from neurokit.io import load_recording
from neurokit.protocols import dual_step_protocol

FILES = {
    "171116sh_0018.abf": "pyabf/171116sh_0018.abf",
    "2019_07_24_0055_fsi.abf": "pyabf/2019_07_24_0055_fsi.abf",
    "File_axon_5.abf": "pyabf/File_axon_5.abf",
    "B6": "bluepyefe/B6",
    "testdata.txt": "efel/testdata.txt",
}


@pytest.fixture(scope="session")
def shipped(data_dir):
    """Each shipped recording loaded once for this module's tests."""
    return {k: load_recording(os.path.join(data_dir, "recordings", rel)) for k, rel in FILES.items()}


@pytest.fixture(scope="session")
def readme_counts(data_dir):
    """Spike counts per sweep as data/recordings/README.md states them."""
    with open(os.path.join(data_dir, "recordings", "README.md")) as fh:
        text = fh.read()
    counts = {}
    for row in re.finditer(r"^\| (\S+\.abf) \|.*\| ([\d ]+) \|$", text, re.M):
        counts[row.group(1)] = [int(n) for n in row.group(2).split()]
    counts["B6"] = [int(n) for n in re.search(r"spikes ([\d, ]+\d)", text).group(1).split(",")]
    counts["testdata.txt"] = [int(re.search(r"(\d+) spikes\.", text).group(1))]
    return counts


@pytest.fixture(scope="session")
def features(shipped):
    """compute_features of every recording with a stimulus, computed once."""
    return {k: fx.compute_features(ds) for k, ds in shipped.items() if "stimulus_current" in ds}


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
        fx.detect_spikes(v, t, threshold=0.0, rearm=5.0)


def test_spikes_dataset_is_ragged_and_matches_counts(shipped):
    from neurokit import schema

    ds = shipped["File_axon_5.abf"]
    sp = fx.spikes(ds)
    assert sp.sizes["spike"] == 7 and sp["spike_time"].attrs["units"] == "s"
    t8 = schema.spike_times(sp, sweep=8)
    np.testing.assert_allclose(t8, fx.detect_spikes(ds["membrane_potential"].values[8], ds["time"].values))
    assert np.all((t8 > 0.216) & (t8 < 0.716))


@pytest.mark.parametrize("name, window", [
    ("171116sh_0018.abf", (0.14685, 0.64685)),  # first step of the dual layout, after 1/64 hold
    ("File_axon_5.abf", (0.2156, 0.7156)),
    ("B6", (0.700, 2.700)),                      # from the noisy recorded current
])
def test_default_window_is_the_first_step(shipped, name, window):
    assert fx.default_window(shipped[name]) == pytest.approx(window, abs=2e-3)


def test_dual_sweeps_have_three_epochs(shipped):
    epochs = fx.stimulus_epochs(shipped["2019_07_24_0055_fsi.abf"])
    np.testing.assert_allclose(epochs, [(0.14685, 0.64685), (1.14685, 1.64685), (1.64685, 2.14685)])


def test_window_from_the_protocol_when_no_current_is_stored(shipped):
    ds = shipped["171116sh_0018.abf"].drop_vars("stimulus_current")
    proto = dual_step_protocol([-0.1 + 0.025 * k for k in range(17)], duration=3.0, dt=5e-5)
    ds.attrs["protocol"] = proto.to_json(summary=True)
    assert fx.default_window(ds) == pytest.approx((0.147, 0.647))


def test_features_have_units_and_plausible_values(features, shipped):
    for name, feats in features.items():
        for var in ("spike_count", "ap_width", "resting_potential", "input_resistance"):
            assert feats[var].dims == ("sweep",)
            assert "units" in feats[var].attrs and "long_name" in feats[var].attrs
        spiking = feats["spike_count"] > 0
        # Half-widths of real APs are well under 3 ms (a spike cut at the window's end by eFEL's
        # strict interval once gave 480 ms).
        width = feats["ap_width"].where(spiking, drop=True)
        assert feats["ap_width"].attrs["units"] == "s"
        assert np.all((width > 2e-4) & (width < 3e-3)), name
        amp = feats["ap_amplitude"].where(spiking, drop=True)
        assert np.all((amp > 30) & (amp < 120)), name
        rin = feats["input_resistance"]
        assert rin.attrs["units"] == "Mohm"
        assert np.all(rin.where(np.isfinite(rin), drop=True) > 10)
    # README: Vrest about -62 mV (171116sh) and -72 mV (File_axon_5).
    assert float(features["171116sh_0018.abf"]["resting_potential"].median()) == pytest.approx(-62, abs=2)
    assert float(features["File_axon_5.abf"]["resting_potential"].median()) == pytest.approx(-72, abs=2)


def test_subthreshold_features_only_where_they_apply(features):
    f = features["File_axon_5.abf"]
    step = f["step_amplitude"].values
    np.testing.assert_allclose(step, np.arange(-0.1, 0.301, 0.05), atol=1e-9)
    negative = step < 0
    assert np.all(np.isfinite(f["sag_amplitude"].values[negative]))
    assert np.all(np.isnan(f["sag_amplitude"].values[~negative]))
    tau = f["membrane_time_constant"].values[negative]
    assert np.all((tau > 5e-3) & (tau < 0.3))
    assert np.isnan(f["input_resistance"].values[2])  # no step: no input resistance


def test_first_spike_latency_and_rate(features, shipped):
    f = features["File_axon_5.abf"]
    ds = shipped["File_axon_5.abf"]
    start, stop = f.attrs["window_start_s"], f.attrs["window_stop_s"]
    first = fx.detect_spikes(ds["membrane_potential"].values[8], ds["time"].values)[0]
    assert float(f["first_spike_latency"][8]) == pytest.approx(first - start)
    assert float(f["mean_rate"][8]) == pytest.approx(3 / (stop - start))
    assert np.isnan(f["first_spike_latency"][0])


def test_features_per_sample_of_a_batch(shipped, features):
    ds = shipped["File_axon_5.abf"]
    batch = xr.concat([ds, ds.assign(membrane_potential=ds["membrane_potential"] - 100.0)],
                      dim="sample")
    batch["stimulus_current"] = ds["stimulus_current"]  # the stimulus is shared by the samples
    names = ["spike_count", "resting_potential", "ap_amplitude"]
    f = fx.compute_features(batch, names)
    assert f["spike_count"].dims == ("sample", "sweep")
    xr.testing.assert_allclose(f.isel(sample=0, drop=True)[names],
                               features["File_axon_5.abf"][names])
    assert np.all(f["spike_count"].isel(sample=1) == 0)  # shifted 100 mV down: never crosses
    np.testing.assert_allclose(f["resting_potential"].isel(sample=1),
                               f["resting_potential"].isel(sample=0) - 100.0, atol=1e-9)
    counts = fx.spike_count(batch)
    assert counts.dims == ("sample", "sweep") and counts.sel(sample=0).values.tolist() == [0] * 6 + [2, 2, 3]
    rb = fx.rheobase(batch)
    assert rb.dims == ("sample",)
    assert float(rb[0]) == pytest.approx(0.2) and np.isnan(rb[1])


def test_fi_curve_and_rheobase(shipped):
    fi = fx.fi_curve(shipped["File_axon_5.abf"])
    assert fi["rate"].attrs["units"] == "Hz" and fi["step_amplitude"].attrs["units"] == "nA"
    np.testing.assert_allclose(fi["rate"].values, np.array([0] * 6 + [2, 2, 3]) / 0.5)
    assert float(fx.rheobase(shipped["File_axon_5.abf"])) == pytest.approx(0.2)
    assert float(fx.rheobase(shipped["171116sh_0018.abf"])) == pytest.approx(0.05)
    # B6: rheobase is the smallest recorded step, about 121 pA above holding.
    assert float(fx.rheobase(shipped["B6"])) == pytest.approx(0.121, abs=0.006)
    # Dual layout: a second window (the second X step) is a choice of the caller.
    late = fx.fi_curve(shipped["171116sh_0018.abf"], window=(1.64685, 2.14685))
    assert late["spike_count"].values[-1] > 0
    np.testing.assert_allclose(late["step_amplitude"].values[[0, 8, 16]], [-0.1, 0.1, 0.3], atol=1e-9)


def test_efel_settings_do_not_leak(shipped):
    ds = shipped["File_axon_5.abf"].isel(sweep=[1, 8])
    defaults = vars(efel.Settings()).copy()
    reference = fx.compute_features(ds, ["ap_threshold", "ap_width"])
    try:
        # Someone else changes eFEL's process-wide settings...
        efel.set_setting("DerivativeThreshold", 40.0)
        efel.set_setting("interp_step", 0.5)
        # ...which must not change our result,
        again = fx.compute_features(ds, ["ap_threshold", "ap_width"])
        xr.testing.assert_identical(again, reference)
        # a setting changed for one call applies to that call only,
        other = fx.compute_features(ds, ["ap_threshold"], efel_settings={"DerivativeThreshold": 40.0})
        assert float(other["ap_threshold"][1]) != float(reference["ap_threshold"][1])
        # and afterwards eFEL holds exactly what it held before.
        assert efel.get_settings().DerivativeThreshold == 40.0
        assert efel.get_settings().interp_step == 0.5
        assert efel.get_settings().Threshold == defaults["Threshold"]
    finally:
        efel.reset()
    assert vars(efel.get_settings()) == defaults


def test_efel_settings_restored_after_an_error():
    before = vars(efel.get_settings()).copy()
    with pytest.raises(RuntimeError):
        with fx.efel_settings(Threshold=-30.0):
            assert efel.get_settings().Threshold == -30.0
            raise RuntimeError("boom")
    assert vars(efel.get_settings()) == before
    with pytest.raises(ParameterError, match="unknown eFEL setting"):
        with fx.efel_settings(NoSuchSetting=1):
            pass


def test_bad_feature_requests(shipped):
    ds = shipped["File_axon_5.abf"]
    with pytest.raises(ParameterError, match="no_such_feature"):
        fx.compute_features(ds, ["no_such_feature"])
    with pytest.raises(ProtocolError, match="window"):
        fx.compute_features(shipped["testdata.txt"])  # no current: the caller gives the window
    with pytest.raises(ProtocolError, match="stop must be after start"):
        fx.compute_features(ds, window=(0.5, 0.2))
    with pytest.raises(ProtocolError, match="outside the recording"):
        fx.compute_features(ds, window=(5.0, 6.0))


def test_text_recording_features_with_a_given_window(shipped):
    f = fx.compute_features(shipped["testdata.txt"], window=(0.7, 2.7))
    assert int(f["spike_count"][0]) == 6
    assert np.isnan(f["step_amplitude"][0]) and np.isnan(f["input_resistance"][0])
    assert float(f["resting_potential"][0]) == pytest.approx(-75, abs=2)


def test_efel_feature_names_pass_through(shipped):
    f = fx.compute_features(shipped["File_axon_5.abf"], ["mean_frequency", "voltage_base"])
    rate = f["mean_frequency"].values
    assert np.all(np.isnan(rate[:6])) and np.all(rate[6:] > 10)  # eFEL's own definition, Hz
    assert "units" not in f["voltage_base"].attrs and "efel_units" in f["voltage_base"].attrs
    assert np.all((f["voltage_base"] > -80) & (f["voltage_base"] < -60))


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
