import numpy as np
import pytest

from neurokit.errors import ParameterError
from neurokit.fitting.gif.basis import RectBasis, log_spaced_basis


def test_log_spaced_widths_grow_and_cover_length():
    b = log_spaced_basis(0.5, 2e-3, 0.1, 7.0)
    w = np.diff(b.edges_s)
    assert b.edges_s[0] == 0.0 and b.length_s >= 0.5
    assert np.all(np.diff(w) >= -1e-15) and w.max() <= 0.1 + 1e-12


def test_features_count_spikes_by_lag():
    b = RectBasis((0.0, 0.002, 0.005))  # lags 1-1 and 2-4 samples at 1 ms... widened
    dt = 1e-3
    f = b.features(np.array([2, 3]), 10, dt)
    lag = b.lags(dt)
    assert list(lag) == [1, 2, 5]
    # sample 4: spike 3 at lag 1 (bin 0), spike 2 at lag 2 (bin 1)
    assert f[4].tolist() == [1.0, 1.0]
    assert f[2].tolist() == [0.0, 0.0]  # a spike never acts on its own sample
    assert f[8].tolist() == [0.0, 0.0]  # lags 6 and 5: outside
    assert f[7].tolist() == [0.0, 1.0]
    assert b.sample([2.0, 3.0], dt).tolist() == [2.0, 3.0, 3.0, 3.0]


def test_bad_bases_raise():
    with pytest.raises(ParameterError):
        RectBasis((0.1, 0.2))
    with pytest.raises(ParameterError):
        log_spaced_basis(-1.0)
    with pytest.raises(ParameterError):
        RectBasis((0.0, 0.01)).sample([1.0, 2.0], 1e-3)
