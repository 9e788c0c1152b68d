"""Objective terms (count, trace, timing) on small spike trains; Gamma is in test_gamma.py."""

import numpy as np
import pytest

from neurokit.fitting.objectives import BatchResponse, SpikeCountError, Target, TimingError, TraceError


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
