"""Gamma against hand-computed cases, and the other objective terms on small spike trains."""

import numpy as np
import pytest

from neurokit.fitting.objectives import (BatchResponse, SpikeCountError, Target, TimingError, TraceError,
                                         coincidences, gamma_factor, timing_error)


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


def _target():
    t = np.arange(0, 1.0, 1e-3)
    cur = np.where((t >= 0.2) & (t < 0.7), 0.2, 0.0)
    v = np.full((2, t.size), -65.0)
    return Target([0, 1], t, v, np.stack([cur, 0 * cur]), [np.array([0.3, 0.4]), np.empty(0)], 1.0)


def test_segments_and_count_and_trace_terms():
    tgt = _target()
    assert tgt.segments[0] == [(pytest.approx(0.2), pytest.approx(0.7), pytest.approx(0.2))]
    assert tgt.segments[1] == []
    v = np.full((2, 2, tgt.time.size), -65.0)
    v[1] += 2.0  # second sample 2 mV off everywhere
    resp = BatchResponse(v, [[np.array([0.3, 0.4]), np.empty(0)], [np.array([0.3]), np.array([0.5])]],
                         np.zeros(2, bool))
    count = SpikeCountError()(tgt, resp)
    assert count == pytest.approx([0.0, 2 / 3])  # |2-1| + |0-1| over max(2,1)+max(0,1)
    rms = TraceError(scale=1.0)(tgt, resp)
    assert rms == pytest.approx([0.0, 2.0])
    sub = TraceError(sweeps="subthreshold", mask_spikes=(-2e-3, 10e-3))(tgt, resp)
    assert sub == pytest.approx([0.0, 2.0])
    timing = TimingError()(tgt, resp)
    assert timing[0] == 0.0 and timing[1] > 0.5
