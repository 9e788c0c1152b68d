"""Feature tables, F-I curves and rheobase (neurokit.features.table) of real recordings."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from neurokit import features as fx
from neurokit.errors import ParameterError, ProtocolError


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
