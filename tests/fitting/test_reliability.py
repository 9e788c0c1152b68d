"""The cell's reliability weighted by spike count, over repeated steps, and the model measured
on the same spikes."""

import numpy as np
import pytest

from neurokit.fitting.gamma import gamma_factor
from neurokit.fitting.reliability import reliability_figures, repeated_steps

DUAL = [(0.1, 0.6, 0.2), (1.1, 1.6, 0.2)]  # two identical 0.5-s steps in a sweep
DUAL2 = [(0.1, 0.6, 0.3), (1.1, 1.6, 0.3)]  # the same at another amplitude


def test_repeats_within_and_across_sweeps():
    segs = [DUAL, [(0.1, 0.6, 0.3)], [(0.1, 0.6, 0.3), (1.1, 1.6, -0.1)]]
    assert repeated_steps(segs) == [((0, 0), (0, 1)), ((1, 0), (2, 0))]


def test_weighted_by_spike_count_and_model_on_same_spikes():
    sparse = np.array([0.2, 1.25])  # 1 spike per step, not aligned: Gamma < 0
    dense_first = np.arange(0.12, 0.6, 0.05)
    dense = np.concatenate([dense_first, dense_first + 1.0 + 0.001])  # 10 + 10 spikes, aligned
    rel_sparse = gamma_factor([0.1], [0.15], 0.5)
    rel_dense = gamma_factor(dense_first - 0.1, dense_first + 0.001 - 0.1, 0.5)
    model = [np.array([0.2]), dense]  # perfect on the first step of sweep 0, nothing on its second
    got = reliability_figures([sparse, dense], model, [DUAL, DUAL2])
    assert got["pairs"] == 2 and got["spikes"] == 22
    assert got["reliability"] == pytest.approx((2 * rel_sparse + 20 * rel_dense) / 22)
    assert got["reliability_unweighted"] == pytest.approx((rel_sparse + rel_dense) / 2)
    m_sparse = 0.5 * (1.0 + 0.0)
    m_dense = 0.5 * (1.0 + gamma_factor(dense_first + 0.001 - 0.1, dense_first + 0.001 - 0.1, 0.5))
    assert got["model_gamma_same_spikes"] == pytest.approx((2 * m_sparse + 20 * m_dense) / 22)
    assert got["gamma_relative_to_reliability"] == pytest.approx(got["model_gamma_same_spikes"] / got["reliability"])


def test_no_repeat_gives_no_ratio():
    got = reliability_figures([np.array([0.2])], [np.array([0.2])], [[(0.1, 0.6, 0.2)]])
    assert got["reliability"] is None and got["gamma_relative_to_reliability"] is None
