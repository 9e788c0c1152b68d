import numpy as np
import pytest
import xarray as xr

from neurokit.errors import ParameterError, UnitError
from neurokit.params import Parameter, ParameterSpace, as_batch, sample_rng, sample_seeds


@pytest.fixture
def space():
    return ParameterSpace([
        Parameter("g_L", "nS", (1.0, 20.0), 5.0),
        Parameter("tau", "ms", (1.0, 100.0), 10.0, transform="log"),
        Parameter("E_L", "mV", (-90.0, -40.0), -70.0),
    ])


@pytest.mark.parametrize("method", ["sobol", "lhs", "random", "grid"])
def test_samples_inside_bounds_and_seeded(space, method):
    a = space.sample(4, method, seed=3)
    b = space.sample(4, method, seed=3)
    xr.testing.assert_identical(a, b)
    n = 4 ** 3 if method == "grid" else 4
    assert a.sizes["sample"] == n
    for p in space.parameters:
        assert a[p.name].attrs["units"] == p.unit
        assert np.all((a[p.name] >= p.bounds[0]) & (a[p.name] <= p.bounds[1]))


def test_transforms_round_trip(space):
    batch = space.sample(16, "sobol", seed=1)
    z = space.to_unbounded(batch)
    back = space.from_unbounded(z)
    for name in space.names:
        np.testing.assert_allclose(back[name], batch[name], rtol=1e-9)
    # any unbounded point maps inside the bounds
    inside = space.from_unbounded(np.random.default_rng(0).normal(0, 30, (50, 3)))
    assert float(inside["g_L"].max()) <= 20.0 and float(inside["g_L"].min()) >= 1.0


def test_bad_parameters_name_the_culprit():
    with pytest.raises(ParameterError, match="'x'.*lower bound"):
        Parameter("x", "mV", (5, 1))
    with pytest.raises(UnitError, match="furlong"):
        Parameter("x", "furlong")
    with pytest.raises(ParameterError, match="'x'.*non-finite"):
        Parameter("x", "mV", (0, 1)).validate(np.nan)
    with pytest.raises(ParameterError, match="'x'.*outside bounds"):
        Parameter("x", "mV", (0, 1)).validate([0.5, 2.0])
    with pytest.raises(ParameterError, match="log"):
        Parameter("x", "mV", (-1, 1), transform="log")


def test_validate_converts_units_and_rejects_mismatch(space):
    batch = xr.Dataset({"g_L": ("sample", [0.005], {"units": "uS"})})
    out = space.validate(batch)
    assert out["g_L"].attrs["units"] == "nS" and float(out["g_L"][0]) == pytest.approx(5.0)
    with pytest.raises(UnitError, match="g_L"):
        space.validate(xr.Dataset({"g_L": ("sample", [5.0], {"units": "mV"})}))
    with pytest.raises(ParameterError, match="unknown parameter 'nope'"):
        space.validate(xr.Dataset({"nope": ("sample", [1.0])}))


def test_as_batch_accepts_mappings_and_quantities(space):
    from brian2 import nS

    ds = as_batch({"g_L": 0.01 * 1e3 * nS, "tau": [5.0, 6.0]}, space)
    assert ds.sizes["sample"] == 2 and float(ds["g_L"][0]) == pytest.approx(10.0)


def test_random_streams_are_keyed_on_seed_and_sample():
    # the stream of sample 7 does not depend on which other samples are drawn with it
    assert sample_rng(5, 7).random() == sample_rng(5, 7).random()
    assert sample_rng(5, 7).random() != sample_rng(5, 8).random()
    np.testing.assert_array_equal(sample_seeds(5, [7, 8])[0], sample_seeds(5, [3, 7])[1])
