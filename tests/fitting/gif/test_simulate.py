import numpy as np
import pytest

from neurokit.errors import ParameterError
from neurokit.fitting.gif import simulate_gif, simulate_gif_deterministic, spike_trains

from gif_synthetic import DT, ou_current


@pytest.fixture(scope="module")
def current():
    return ou_current(int(0.5 / DT), 0.2, 0.08, 3e-3, 7)


def test_repeats_are_reproducible_and_independent_of_batch(true_gif, current):
    a = spike_trains(simulate_gif(true_gif, current, DT, seed=5, n_repeats=3, record_voltage=False))
    b = spike_trains(simulate_gif(true_gif, current, DT, seed=5, n_repeats=1, record_voltage=False))
    c = spike_trains(simulate_gif(true_gif, current, DT, seed=6, n_repeats=1, record_voltage=False))
    assert np.array_equal(a[0][0], b[0][0])
    assert a[0][0].size > 0
    assert not all(np.array_equal(a[0][0], x[0]) for x in (a[1], a[2], c[0]))


def test_schema_and_deterministic_reduction(true_gif, current):
    from neurokit.schema import problems

    ds = simulate_gif_deterministic(true_gif, current, DT, tau_s=1e-3)
    again = simulate_gif_deterministic(true_gif, current, DT, tau_s=1e-3)
    assert problems(ds) == []
    assert ds["membrane_potential"].dims == ("sample", "sweep", "time")
    assert np.array_equal(ds["spike_time"].values, again["spike_time"].values)
    assert ds.sizes["spike"] > 0
    # a later hard threshold (smaller tau) fires no more
    late = simulate_gif_deterministic(true_gif, current, DT, tau_s=1e-5)
    assert late.sizes["spike"] <= ds.sizes["spike"]


def test_bad_inputs(true_gif):
    with pytest.raises(ParameterError):
        simulate_gif(true_gif, np.zeros((2, 2, 2)), DT)
    with pytest.raises(ParameterError):
        simulate_gif(true_gif, np.zeros(10), DT, n_repeats=0)
    with pytest.raises(ParameterError):
        simulate_gif(true_gif, np.zeros(10), -1.0)
