import os

import numpy as np
import pytest
import xarray as xr

from neurokit import schema
from neurokit.errors import RecordingNotFoundError, SchemaError


def _simulated():
    t = schema.time_coord(50, 1e-4)
    v = np.random.default_rng(0).normal(-65, 1, (2, 3, 50))
    ds = xr.Dataset(
        {"membrane_potential": (("sample", "sweep", "time"), v, schema.attrs_for("membrane_potential")),
         "diverged": ("sample", np.array([False, True]), {"units": "1", "long_name": "diverged"})},
        coords={"time": t, "sample": [0, 1], "sweep": [0, 1, 2]},
        attrs=schema.provenance_attrs(model="lif", backend="native", protocol={"dt": 1e-4}, dt_s=1e-4, seed=3),
    )
    spikes = schema.spikes_dataset([0.001, 0.002, 0.004], sample=[0, 1, 1], sweep=[2, 0, 0])
    return xr.merge([ds, spikes], combine_attrs="override")


def test_simulated_dataset_conforms_and_round_trips(tmp_path):
    ds = schema.assert_conforms(_simulated())
    path = schema.save(ds, tmp_path / "out.nc")
    back = schema.load(path)
    xr.testing.assert_identical(back, ds)
    assert back["diverged"].dtype == bool
    assert schema.protocol_of(back) == {"dt": 1e-4}
    np.testing.assert_allclose(schema.spike_times(back, sample=1, sweep=0), [0.002, 0.004])


@pytest.mark.parametrize("breakage, message", [
    (lambda ds: ds.assign(membrane_potential=ds.membrane_potential.assign_attrs(units="V")),
     "membrane_potential: units 'V', expected canonical 'mV'"),
    (lambda ds: ds.assign(membrane_potential=ds.membrane_potential.assign_attrs(units="volts")),
     "unknown unit 'volts'"),
    (lambda ds: ds.assign(foo=(("sample",), [1.0, 2.0])), "foo: no 'units' attr"),
    (lambda ds: ds.rename_dims(sweep="trial"), "dimension 'trial'"),
    (lambda ds: ds.assign_coords(time=ds.time[::-1].values), "not strictly increasing"),
    (lambda ds: ds.drop_attrs(), "neurokit_version"),
])
def test_assert_conforms_says_what_is_wrong(breakage, message):
    bad = breakage(_simulated())
    with pytest.raises(SchemaError) as err:
        schema.assert_conforms(bad)
    assert message in str(err.value)


def test_failed_save_leaves_nothing(tmp_path):
    ds = _simulated()
    ds["bad"] = ("sample", np.array([object(), object()]), {"units": "1", "long_name": "bad"})
    with pytest.raises(Exception):
        schema.save(ds, tmp_path / "out.nc")
    assert os.listdir(tmp_path) == []


def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(RecordingNotFoundError, match="nope.nc"):
        schema.load(tmp_path / "nope.nc")


def test_spike_owner_validation():
    with pytest.raises(SchemaError, match="owner 'colour'"):
        schema.spikes_dataset([0.1], colour=[1])
    with pytest.raises(SchemaError, match="2 entries for 1 spikes"):
        schema.spikes_dataset([0.1], sample=[0, 1])


def test_saved_file_follows_the_umask(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    path = schema.save(_simulated(), tmp_path / "out.nc")
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
