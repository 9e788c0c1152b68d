"""Stimulus epochs and default windows (neurokit.features.epochs)."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit import features as fx
from neurokit.protocols import dual_step_protocol


@pytest.mark.parametrize("name, window", [
    ("171116sh_0018.abf", (0.14685, 0.64685)),  # first step of the dual layout, after 1/64 hold
    ("File_axon_5.abf", (0.2156, 0.7156)),
    ("B6", (0.700, 2.700)),                      # from the noisy recorded current
])
def test_default_window_is_the_first_step(shipped, name, window):
    assert fx.default_window(shipped[name]) == pytest.approx(window, abs=2e-3)


def test_dual_sweeps_have_three_epochs(shipped):
    epochs = fx.stimulus_epochs(shipped["2019_07_24_0055_fsi.abf"])
    np.testing.assert_allclose(epochs, [(0.14685, 0.64685), (1.14685, 1.64685), (1.64685, 2.14685)])


def test_window_from_the_protocol_when_no_current_is_stored(shipped):
    ds = shipped["171116sh_0018.abf"].drop_vars("stimulus_current")
    proto = dual_step_protocol([-0.1 + 0.025 * k for k in range(17)], duration=3.0, dt=5e-5)
    ds.attrs["protocol"] = proto.to_json(summary=True)
    assert fx.default_window(ds) == pytest.approx((0.147, 0.647))
