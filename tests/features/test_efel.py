"""The eFEL adapter (neurokit.features.efel): settings per call that never leak."""

from __future__ import annotations

import efel
import numpy as np
import pytest
import xarray as xr

from neurokit import features as fx
from neurokit.errors import ParameterError


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


def test_efel_feature_names_pass_through(shipped):
    f = fx.compute_features(shipped["File_axon_5.abf"], ["mean_frequency", "voltage_base"])
    rate = f["mean_frequency"].values
    assert np.all(np.isnan(rate[:6])) and np.all(rate[6:] > 10)  # eFEL's own definition, Hz
    assert "units" not in f["voltage_base"].attrs and "efel_units" in f["voltage_base"].attrs
    assert np.all((f["voltage_base"] > -80) & (f["voltage_base"] < -60))
