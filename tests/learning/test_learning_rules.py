"""Rule math of the NumPy reference against hand-written single updates, and C against NumPy."""

import numpy as np
import pytest

from neurokit.learning import kernels, rules, train
from neurokit.learning.data import load_digits


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def _one(W, x, eta):
    return W[None].copy(), x[None], np.array([eta])


def test_oja_single_update_matches_formula():
    rng = np.random.default_rng(0)
    W, x = rng.normal(size=(3, 5)), rng.normal(size=5)
    Wb, xb, eta = _one(W, x, 0.1)
    rules.step("oja", Wb, xb, eta, {}, {})
    y = W @ x
    assert np.allclose(Wb[0], W + 0.1 * np.outer(y, x - W.T @ y))


def test_sanger_single_update_matches_formula():
    rng = np.random.default_rng(1)
    W, x = rng.normal(size=(3, 5)), rng.normal(size=5)
    Wb, xb, eta = _one(W, x, 0.1)
    rules.step("sanger", Wb, xb, eta, {}, {})
    y = W @ x
    expect = W + 0.1 * (np.outer(y, x) - np.tril(np.outer(y, y)) @ W)
    assert np.allclose(Wb[0], expect)


def test_wta_moves_only_the_winner_and_keeps_unit_norm():
    rng = np.random.default_rng(2)
    W = np.abs(rng.normal(size=(4, 6)))
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    x = np.abs(rng.normal(size=6))
    Wb, xb, eta = _one(W, x, 0.2)
    rules.step("wta", Wb, xb, eta, {}, {})
    win = np.argmax(W @ x)
    row = W[win] + 0.2 * x
    assert np.allclose(Wb[0, win], row / np.linalg.norm(row))
    assert np.allclose(np.delete(Wb[0], win, 0), np.delete(W, win, 0))


def test_bcm_update_and_threshold():
    rng = np.random.default_rng(3)
    W, x = np.abs(rng.normal(size=(2, 4))), rng.random(4)
    theta = np.array([[0.5, 0.1]])
    Wb, xb, eta = _one(W, x, 0.1)
    rules.step("bcm", Wb, xb, eta, {"tau_theta": np.array([10.0])}, {"theta": theta})
    y = np.maximum(W @ x, 0)
    raw = W + 0.1 * (y * (y - np.array([0.5, 0.1])))[:, None] * x
    assert np.allclose(Wb[0], raw / np.linalg.norm(raw, axis=1, keepdims=True))
    assert np.allclose(theta[0], [0.5, 0.1] + (y ** 2 - [0.5, 0.1]) / 10)


def test_krotov_minibatch_matches_paper_code():
    """Krotov & Hopfield's published NumPy loop body, for one minibatch."""
    rng = np.random.default_rng(4)
    U, I, B, p, k, delta, eps = 6, 5, 4, 3.0, 2, 0.4, 0.05
    W, X = rng.normal(size=(U, I)), rng.random((B, I))
    inputs = X.T
    tot = (np.sign(W) * np.abs(W) ** (p - 1)) @ inputs
    y = np.argsort(tot, axis=0)
    yl = np.zeros((U, B))
    yl[y[U - 1, :], np.arange(B)] = 1.0
    yl[y[U - k], np.arange(B)] = -delta
    xx = (yl * tot).sum(1)
    ds = yl @ inputs.T - xx[:, None] * W
    expect = W + eps * ds / max(np.abs(ds).max(), 1e-30)
    Wb = W[None].copy()
    rules.krotov_batch(Wb, X[None], np.array([eps]), {"p": np.array([p]), "k": np.array([float(k)]),
                                                     "delta": np.array([delta])})
    assert np.allclose(Wb[0], expect)


@pytest.mark.parametrize("rule,hyper", [
    ("oja", {"eta": [0.01, 0.03]}), ("sanger", {"eta": [0.01, 0.03]}), ("wta", {"eta": [0.05, 0.1]}),
    ("bcm", {"eta": [0.01, 0.02], "tau_theta": [20.0, 50.0]}),
    ("krotov", {"eta": [0.04, 0.02, 0.03], "k": [2, 3, 2], "p": [2.0, 3.5, 4.0], "delta": [0.4, 0.2, 0.3]}),
])
def test_c_matches_numpy_reference(digits, rule, hyper):
    x = digits.x_train[:40]
    a = train(rule, x, hyper, units=6, epochs=3, batch=5, seed=3)
    b = train(rule, x, hyper, units=6, epochs=3, batch=5, seed=3, engine="numpy")
    assert a.attrs["engine"] == "c" and b.attrs["engine"] == "numpy"
    np.testing.assert_allclose(a["weight"], b["weight"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(a["weight_change"], b["weight_change"], rtol=1e-9, atol=1e-12)
    assert not np.allclose(a["weight"][0], a["weight"][1])  # the two sets differ


def test_hyper_matrix_order_follows_rule():
    m = kernels.hyper_matrix("krotov", {"eta": 1.0, "p": 2.0, "k": 3.0, "delta": 4.0}, 2)
    assert m.tolist() == [[1.0, 2.0, 3.0, 4.0]] * 2
