"""Oja and Sanger on natural-image patches recover the leading principal components."""

import numpy as np
import pytest

from neurokit.learning import train
from neurokit.learning.data import load_patches


@pytest.fixture(scope="module")
def patches():
    x = load_patches(n=3000).x_train
    ev, vec = np.linalg.eigh(x.T @ x / len(x))
    return x, vec[:, ::-1]


def _cos(w, v):
    return abs(w @ v) / np.linalg.norm(w)


def test_oja_recovers_first_principal_component(patches):
    x, pcs = patches
    ds = train("oja", x, {"eta": [0.005, 0.01]}, units=1, epochs=10, seed=2)
    for s in range(2):
        w = ds["weight"].values[s, 0]
        assert _cos(w, pcs[:, 0]) > 0.99
        assert abs(np.linalg.norm(w) - 1.0) < 0.01  # Oja's rule normalises


def test_sanger_recovers_leading_components_in_order(patches):
    x, pcs = patches
    ds = train("sanger", x, {"eta": 0.02}, units=3, epochs=10, seed=2)
    W = ds["weight"].values[0]
    for u in range(3):
        assert _cos(W[u], pcs[:, u]) > 0.99
