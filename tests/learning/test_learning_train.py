"""train(): batches over samples equal separate runs; the dataset's layout and units."""

import numpy as np
import pytest
import xarray as xr

from neurokit.errors import NeurokitError, ParameterError
from neurokit.learning import train
from neurokit.learning.data import load_digits


@pytest.fixture(scope="module")
def x():
    return load_digits().x_train[:60]


@pytest.mark.parametrize("rule", ["krotov", "wta", "stdp"])
def test_batch_equals_separate_runs(x, rule):
    hyper = xr.Dataset({"eta": ("sample", [0.02, 0.05, 0.08])}, coords={"sample": [0, 1, 2]})
    kw = dict(units=4, epochs=2, batch=10, seed=5, steps=10)
    together = train(rule, x, hyper, **kw)
    for s in range(3):
        alone = train(rule, x, hyper.isel(sample=[s]), **kw)
        assert int(alone["sample"][0]) == s
        np.testing.assert_array_equal(alone["weight"][0], together["weight"][s])
        np.testing.assert_array_equal(alone["weight_change"][0], together["weight_change"][s])


def test_dataset_layout_and_units(x):
    ds = train("bcm", x, {"eta": [0.01, 0.02]}, units=3, epochs=2, input_shape=(8, 8))
    assert ds["weight"].dims == ("sample", "unit", "input")
    assert ds["weight_change"].dims == ("sample", "epoch")
    assert ds["epoch"].values.tolist() == [1, 2]
    for name in ("weight", "weight_change", "theta", "eta", "tau_theta"):
        assert "units" in ds[name].attrs
    assert ds["tau_theta"].values.tolist() == [100.0, 100.0]  # default filled in
    assert ds.attrs["rule"] == "bcm" and ds.attrs["flops"] > 0 and ds.attrs["input_shape"] == [8, 8]
    np.testing.assert_allclose(np.linalg.norm(ds["weight"].values, axis=2), 1.0)


def test_seed_changes_initial_weights(x):
    a = train("oja", x, None, units=2, epochs=1, seed=1)
    b = train("oja", x, None, units=2, epochs=1, seed=2)
    assert not np.allclose(a["weight"], b["weight"])


def test_bad_arguments_name_the_culprit(x):
    with pytest.raises(NeurokitError, match="unknown learning rule 'hebb'"):
        train("hebb", x, None, units=2, epochs=1)
    with pytest.raises(ParameterError, match="krotov: k must be"):
        train("krotov", x, {"k": 5}, units=3, epochs=1, batch=5)
    with pytest.raises(NeurokitError, match="unknown engine"):
        train("oja", x, None, units=2, epochs=1, engine="fortran")
