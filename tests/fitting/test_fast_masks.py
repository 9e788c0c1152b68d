"""The batch spike masks equal the one-train reference, edge cases included."""

import numpy as np
import pytest

from neurokit.fitting.fast_masks import spike_masks
from neurokit.fitting.gamma import spike_mask


@pytest.mark.parametrize("window", [(-3e-3, 15e-3), (0.0, 0.0), (-1e-3, 1e-3)])
def test_batch_masks_equal_the_reference(window):
    rng = np.random.default_rng(3)
    time = np.arange(2200) * 1e-3
    trains = [np.sort(rng.uniform(-0.01, 2.21, size=rng.integers(0, 30))) for _ in range(40)]
    trains += [np.array([]), np.array([0.0, 2.199]), np.array([0.5, 0.5005, 0.501]), np.array([2.3])]
    got = spike_masks(time, trains, window)
    assert got.shape == (len(trains), time.size) and got.dtype == bool
    for row, train in zip(got, trains):
        np.testing.assert_array_equal(row, spike_mask(time, train, window))


def test_no_spikes_at_all():
    assert not spike_masks(np.arange(10) * 1e-3, [np.array([])] * 3, (-1e-3, 1e-3)).any()
