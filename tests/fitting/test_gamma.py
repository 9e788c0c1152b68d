"""Gamma (Jolivet et al. 2008) against hand-computed cases, coincidences and spike timing."""

import numpy as np
import pytest

from neurokit.fitting.gamma import coincidences, gamma_factor, timing_error


def test_gamma_perfect_match_is_one():
    t = np.array([0.1, 0.3, 0.55])
    assert gamma_factor(t, t, duration=1.0) == pytest.approx(1.0)
    # shifts inside the 4 ms window still coincide
    assert gamma_factor(t, t + 0.0039, duration=1.0) == pytest.approx(1.0)


def test_gamma_hand_computed_partial_match():
    # 4 data spikes, 2 model spikes in 2 s; one coincidence (0.5 vs 0.503).
    data = np.array([0.2, 0.5, 1.0, 1.5])
    model = np.array([0.503, 1.3])
    rate = 2 / 2.0
    expected_coinc = 2 * rate * 0.004 * 4          # 0.032
    norm = 1 - 2 * rate * 0.004                     # 0.992
    hand = (1 - expected_coinc) / (0.5 * (4 + 2)) / norm
    assert coincidences(data, model, 0.004) == 1
    assert gamma_factor(data, model, 2.0) == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(0.32527, abs=1e-5)


def test_gamma_no_coincidence_is_slightly_negative_and_empty_cases():
    data = np.array([0.1, 0.2])
    model = np.array([0.15, 0.25])
    rate = 1.0  # 2 spikes in 2 s
    hand = (0 - 2 * rate * 0.004 * 2) / 2.0 / (1 - 2 * rate * 0.004)
    assert gamma_factor(data, model, 2.0) == pytest.approx(hand)
    assert gamma_factor([], [], 1.0) == 1.0
    assert gamma_factor(data, [], 1.0) == 0.0
    assert gamma_factor([], model, 1.0) == 0.0


def test_coincidences_are_one_to_one():
    # two model spikes near one data spike count once
    assert coincidences(np.array([0.100]), np.array([0.099, 0.101]), 0.004) == 1
    assert coincidences(np.array([0.100, 0.102]), np.array([0.101]), 0.004) == 1


def test_gamma_chance_level_is_near_zero():
    rng = np.random.default_rng(0)
    g = [gamma_factor(np.sort(rng.uniform(0, 10, 50)), np.sort(rng.uniform(0, 10, 50)), 10.0) for _ in range(200)]
    assert abs(np.mean(g)) < 0.03


def test_timing_error_pairs_kth_spikes():
    assert timing_error([0.1, 0.2], [0.105, 0.2]) == pytest.approx((0.5 + 0.0) / 2)
    assert timing_error([0.1, 0.2], [0.1]) == pytest.approx(0.5)       # one unpaired spike costs 1
    assert timing_error([0.1], [0.3]) == pytest.approx(1.0)            # capped at 1
    assert timing_error([], []) == 0.0
