"""The offline data sets: fixed stratified digits split, patches (centred, optionally whitened)."""

import numpy as np
import pytest

from neurokit.errors import NeurokitError
from neurokit.learning.data import load, load_digits, load_patches


def test_digits_split_is_fixed_stratified_and_disjoint():
    a, b = load_digits(0), load_digits(0)
    assert (len(a.x_train), len(a.x_val), len(a.x_test)) == (1005, 252, 540)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert a.x_train.min() >= 0 and a.x_train.max() <= 1 and a.shape == (8, 8)
    assert np.bincount(a.y_test).min() >= 50  # every class in the test set
    rows = {r.tobytes() for r in a.x_test}
    x, y = a.fit_set(True)
    assert len(x) == len(y) == 1257
    assert not np.array_equal(load_digits(1).x_test, a.x_test)


def test_patches_centred_and_whitened():
    p = load_patches(n=2000)
    assert p.y_train is None and p.x_train.shape == (1600, 64)
    np.testing.assert_allclose(np.concatenate([p.x_train, p.x_val, p.x_test]).mean(0), 0, atol=1e-12)
    def mean_correlation(x):
        c = np.abs(np.corrcoef(x.T))
        return (c.sum() - 64) / (64 * 63)

    w = load_patches(n=2000, whiten=True).x_train
    assert mean_correlation(p.x_train) > 0.8  # neighbouring pixels of natural images
    assert mean_correlation(w) < 0.1  # whitened (small eigenvalues floored, so not exactly 0)
    assert np.abs(w).max() == pytest.approx(1.0)


def test_unknown_data_set_is_named():
    with pytest.raises(NeurokitError, match="unknown data set 'cifar'"):
        load("cifar")
