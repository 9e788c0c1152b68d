"""Rate networks against theory: linear steady state, self-consistent fixed points, and what
each learning rule learns (Oja, BCM, Hebbian with and without normalisation, bounds)."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.base import get_backend
from neurokit.errors import ModelError, ProtocolError
from neurokit.models.rate_networks import GaussianInput, PatternInput, Plasticity, RateNetwork
from neurokit.protocols import Protocol


def simulate(model, params, protocol, target="c"):
    """The user's path: the native backend."""
    return get_backend("native", target=target).simulate(model, params, protocol)


# --------------------------------------------------------------------------- rate networks
def test_linear_network_steady_state_solves_its_linear_system():
    rng = np.random.default_rng(0)
    W = rng.normal(0, 0.25, (8, 8))
    np.fill_diagonal(W, 0)
    W *= 0.8 / max(abs(np.linalg.eigvals(W)))
    bias = rng.normal(0, 1, 8)
    net = RateNetwork(W, bias=bias, unit="Hz")
    prot = Protocol([[]], duration=0.4, dt=1e-4, record=("activity",))
    ds = simulate(net, {"tau": 10.0, "w_scale": [1.0, 0.5]}, prot)
    for k, scale in enumerate([1.0, 0.5]):
        expected = np.linalg.solve(np.eye(8) - scale * W, bias)
        np.testing.assert_allclose(ds.activity[k, 0, -1].values, expected, atol=1e-7)
    np.testing.assert_allclose(net.steady_state_linear({"w_scale": 0.5}), np.linalg.solve(np.eye(8) - 0.5 * W, bias))
    assert ds.activity.attrs["units"] == "Hz"


@pytest.mark.parametrize("transfer", ["threshold_linear", "sigmoid"])
def test_nonlinear_network_reaches_a_self_consistent_fixed_point(transfer):
    rng = np.random.default_rng(1)
    W = rng.normal(0, 0.2, (6, 6))
    bias = rng.normal(0.5, 1.0, 6)
    net = RateNetwork(W, transfer=transfer, bias=bias)
    prot = Protocol([[]], duration=0.3, dt=1e-4, record=("activity",))
    r = simulate(net, {"theta": 0.2}, prot).activity[0, 0, -1].values
    h = bias + W @ r
    f = np.maximum(h - 0.2, 0) if transfer == "threshold_linear" else 1 / (1 + np.exp(-(h - 0.2)))
    np.testing.assert_allclose(r, f, atol=1e-8)


# --------------------------------------------------------------------------- learning rules
def _single_unit(rule, source, **kw):
    return RateNetwork(np.zeros((1, 1)), source=source, plasticity=Plasticity(rule, **kw), instantaneous=True)


def test_oja_finds_the_first_principal_component_for_20_seeds():
    cov = np.array([[3.0, 1.2], [1.2, 1.0]])
    pc1 = np.linalg.eigh(cov)[1][:, -1]
    net = _single_unit("oja", GaussianInput([0.0, 0.0], cov, 1e-3))
    prot = Protocol([[]], duration=40.0, dt=1e-3, record=("weight",), sampling_interval=1.0, seed=11)
    ds = simulate(net, {"eta": np.full(20, 0.5)}, prot)
    assert ds.weight.dims == ("sample", "sweep", "time", "post", "pre")
    w = ds.weight[:, 0, -1, 0].values  # (sample, pre)
    norm = np.linalg.norm(w, axis=1)
    cos = np.abs(w @ pc1) / norm
    assert cos.min() > 0.999
    np.testing.assert_allclose(norm, 1.0, atol=0.02)
    assert len({tuple(np.round(row, 12)) for row in w}) == 20  # 20 different noise streams


def test_bcm_becomes_selective_to_one_of_two_patterns():
    patterns = np.array([[1.0, 0.2], [0.2, 1.0]])
    net = RateNetwork(np.zeros((1, 1)), transfer="threshold_linear", source=PatternInput(patterns, 1e-3),
                      plasticity=Plasticity("bcm"), instantaneous=True, input_weights=[[0.3, 0.3]])
    prot = Protocol([[]], duration=10.0, dt=1e-3, record=("weight", "bcm_threshold"),
                    sampling_interval=0.5, seed=4)
    ds = simulate(net, {"eta": np.full(12, 5.0), "tau_theta": 0.05, "y0": 1.0}, prot)
    w = ds.weight[:, 0, -1, 0].values
    resp = np.maximum(w @ patterns.T, 0)  # response to each pattern
    selectivity = 1 - resp.min(axis=1) / resp.max(axis=1)
    assert selectivity.min() > 0.95
    winners = resp.argmax(axis=1)
    assert set(winners) == {0, 1}  # which pattern wins depends on the noise
    # initially unselective: both patterns evoke the same response
    w0 = ds.weight[:, 0, 0, 0].values
    assert np.allclose(w0 @ patterns[0], w0 @ patterns[1])
    assert float(ds.bcm_threshold[:, 0, -1].min()) > 0.5  # the threshold slid up with the activity


def test_plain_hebbian_grows_without_bound_unless_normalised():
    cov = np.array([[3.0, 1.2], [1.2, 1.0]])
    src = GaussianInput([0.0, 0.0], cov, 1e-3)
    prot = Protocol([[]], duration=2.0, dt=1e-3, record=("weight",), sampling_interval=0.5, seed=3)
    plain = simulate(_single_unit("hebbian", src), {"eta": np.full(5, 2.0)}, prot)
    norm = np.linalg.norm(plain.weight[:, 0, :, 0].values, axis=-1)  # (sample, time)
    assert np.all(np.diff(norm, axis=1) > 0)  # keeps growing
    assert np.all(norm[:, -1] > 1e3 * norm[:, 0])
    normed = simulate(_single_unit("hebbian", src, normalise="l2"), {"eta": np.full(5, 2.0)}, prot)
    w = normed.weight[:, 0, -1, 0].values
    np.testing.assert_allclose(np.linalg.norm(w, axis=1), 1.0, rtol=1e-12)
    pc1 = np.linalg.eigh(cov)[1][:, -1]
    assert (np.abs(w @ pc1)).min() > 0.99  # normalised Hebb also finds the principal direction


def test_weight_bounds_clip_learning():
    src = GaussianInput([1.0, 1.0], np.eye(2) * 0.1, 1e-3)
    prot = Protocol([[]], duration=1.0, dt=1e-3, record=("weight",), sampling_interval=0.1)
    ds = simulate(_single_unit("hebbian", src, bounds=(0.0, 0.5)), {"eta": 5.0}, prot)
    w = ds.weight.values
    assert w.max() <= 0.5 and w.min() >= 0.0
    np.testing.assert_allclose(w[0, 0, -1, 0], 0.5)


def test_bad_rate_network_input_raises_typed_errors_naming_the_culprit():
    prot = Protocol([[]], duration=0.01, dt=1e-4, record=("activity",))
    with pytest.raises(ModelError, match="learning rule"):
        Plasticity("anti-hebb")
    with pytest.raises(ModelError, match="positive definite"):
        GaussianInput([0, 0], [[1, 2], [2, 1]], 1e-3)
    with pytest.raises(ModelError, match="input source"):
        RateNetwork(np.zeros((1, 1)), plasticity=Plasticity("oja"))
    with pytest.raises(ProtocolError, match="interval"):
        simulate(_single_unit("oja", GaussianInput([0, 0], np.eye(2), 1.5e-4)), {}, prot)
