"""Local learning rules: their hyperparameters and the NumPy reference of their updates.

Every rule trains a layer of ``unit`` x ``input`` weights ``W`` on one input ``x`` at a time
(Krotov-Hopfield: on minibatches), for every hyperparameter set of a batch at once (leading
``sample`` axis). The learning rate of epoch ``e`` of ``E`` falls linearly, ``eta (1 - e/E)``.
The generated C of :mod:`neurokit.learning.kernels` does the same arithmetic in the same order;
this module is the reference it is tested against.

Rules (all quantities dimensionless):

- ``oja``: Oja's subspace rule, ``dW = eta y (x - W^T y)^T`` with ``y = W x`` (one unit: Oja
  1982, the leading principal component).
- ``sanger``: Sanger's generalised Hebbian algorithm, ``dW_u = eta y_u (x - sum_{v<=u} y_v W_v)``
  (the leading principal components in order).
- ``wta``: competitive Hebbian learning, winner take all: the unit with the largest ``W x``
  moves by ``eta x`` and is renormalised to unit length.
- ``bcm``: Bienenstock-Cooper-Munro, ``y = max(W x, 0)``, ``dW_u = eta x y_u (y_u - theta_u)``,
  ``theta_u += (y_u^2 - theta_u) / tau_theta`` (tau in presentations), rows renormalised.
- ``krotov``: Krotov & Hopfield (PNAS 2019): currents ``h = (sign(W)|W|^(p-1)) x``; ``g = 1``
  for the top unit, ``-delta`` for the ``k``-th ranked, 0 otherwise; per minibatch
  ``ds = sum_n g_n x_n^T - (sum_n g_n h_n) W``, ``W += eta ds / max|ds|``; the weights converge
  to unit Lebesgue ``p``-norm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter of a rule: name, default, unit, meaning."""

    name: str
    default: float
    unit: str
    description: str


@dataclass(frozen=True)
class Rule:
    """A learning rule: its name, code number in the C kernel, and hyperparameters."""

    name: str
    code: int
    hypers: tuple[Hyper, ...]
    description: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(h.name for h in self.hypers)


_ETA = Hyper("eta", 0.01, "1", "learning rate (falls linearly to 0 over the epochs)")
RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("oja", 0, (_ETA,), "Oja's subspace rule (PCA subspace)"),
    Rule("sanger", 1, (_ETA,), "Sanger's generalised Hebbian algorithm (ordered PCA)"),
    Rule("wta", 2, (_ETA,), "competitive Hebbian learning, winner take all, unit-norm rows"),
    Rule("bcm", 3, (_ETA, Hyper("tau_theta", 100.0, "1", "threshold time constant (presentations)")),
         "BCM with a sliding threshold, unit-norm rows"),
    Rule("krotov", 4, (Hyper("eta", 0.04, "1", "learning rate (falls linearly to 0)"),
                       Hyper("p", 3.0, "1", "Lebesgue norm of the weights"),
                       Hyper("k", 2.0, "1", "rank of the anti-Hebbian unit"),
                       Hyper("delta", 0.4, "1", "strength of the anti-Hebbian term")),
         "Krotov & Hopfield 2019 competing hidden units"),
)}


def epoch_rate(eta: np.ndarray, epoch: int, epochs: int) -> np.ndarray:
    """Learning rate of ``epoch`` (0-based) of ``epochs``: linear decay to 0."""
    return eta * (1.0 - epoch / epochs)


def _normalise_rows(W: np.ndarray) -> None:
    W /= np.sqrt((W * W).sum(axis=-1, keepdims=True))


def step(rule: str, W: np.ndarray, x: np.ndarray, eta: np.ndarray, h: dict, state: dict) -> None:
    """One presentation of one input per sample, in place (``W`` (S, U, I), ``x`` (S, I),
    ``eta`` (S,), ``h`` hyperparameters as (S,) arrays, ``state`` the rule's state)."""
    S = W.shape[0]
    y = np.einsum("sui,si->su", W, x)
    if rule == "oja":
        res = x - np.einsum("su,sui->si", y, W)
        W += (eta[:, None] * y)[:, :, None] * res[:, None, :]
    elif rule == "sanger":
        res = x[:, None, :] - np.cumsum(y[:, :, None] * W, axis=1)
        W += (eta[:, None] * y)[:, :, None] * res
    elif rule == "wta":
        win = np.argmax(y, axis=1)
        rows = W[np.arange(S), win] + eta[:, None] * x
        W[np.arange(S), win] = rows / np.sqrt((rows * rows).sum(axis=1, keepdims=True))
    elif rule == "bcm":
        y = np.maximum(y, 0.0)
        theta = state["theta"]
        W += (eta[:, None] * y * (y - theta))[:, :, None] * x[:, None, :]
        theta += (y * y - theta) / h["tau_theta"][:, None]
        _normalise_rows(W)
    else:
        raise ValueError(f"rule {rule!r} has no single-input step")


def krotov_batch(W: np.ndarray, xb: np.ndarray, eta: np.ndarray, h: dict) -> None:
    """One Krotov-Hopfield minibatch update in place (``xb`` (S, B, I))."""
    S, U, _ = W.shape
    Wp = np.sign(W) * np.abs(W) ** (h["p"][:, None, None] - 1.0)
    cur = np.einsum("sui,sbi->sbu", Wp, xb)
    order = np.argsort(-cur, axis=2, kind="stable")
    g = np.zeros_like(cur)
    s_idx, b_idx = np.meshgrid(np.arange(S), np.arange(xb.shape[1]), indexing="ij")
    g[s_idx, b_idx, order[:, :, 0]] = 1.0
    k = np.rint(h["k"]).astype(int) - 1
    g[s_idx, b_idx, order[s_idx, b_idx, k[:, None]]] = -h["delta"][:, None]
    xx = (g * cur).sum(axis=1)
    ds = np.einsum("sbu,sbi->sui", g, xb) - xx[:, :, None] * W
    nc = np.maximum(np.abs(ds).max(axis=(1, 2)), 1e-30)
    W += (eta / nc)[:, None, None] * ds


def train_reference(rule: str, X: np.ndarray, W0: np.ndarray, perm: np.ndarray, h: dict,
                    batch: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train with NumPy: the reference of the C kernel.

    Parameters
    ----------
    X : ndarray (N, I)
        Training inputs.
    W0 : ndarray (S, U, I)
        Initial weights.
    perm : ndarray of int (S, E, N)
        Presentation order of each sample in each epoch.
    h : dict of (S,) arrays
        The rule's hyperparameters (``eta`` included).
    batch : int
        Minibatch size (Krotov-Hopfield only).

    Returns
    -------
    W : ndarray (S, U, I)
    change : ndarray (S, E)
        Relative weight change per epoch, ``|W_e - W_(e-1)| / |W_(e-1)|`` (Frobenius norms).
    theta : ndarray (S, U)
        BCM thresholds (zeros for the other rules).
    """
    W = np.array(W0, dtype=float, copy=True)
    S, E, N = perm.shape
    state = {"theta": np.zeros(W.shape[:2])}
    change = np.zeros((S, E))
    for e in range(E):
        before = W.copy()
        eta = epoch_rate(h["eta"], e, E)
        if rule == "krotov":
            for start in range(0, N - batch + 1, batch):
                krotov_batch(W, X[perm[:, e, start:start + batch]], eta, h)
        else:
            for n in range(N):
                step(rule, W, X[perm[:, e, n]], eta, h, state)
        change[:, e] = (np.sqrt(((W - before) ** 2).sum(axis=(1, 2)))
                        / np.sqrt((before ** 2).sum(axis=(1, 2))))
    return W, change, state["theta"]


def flops_per_epoch(rule: str, n: int, units: int, inputs: int, batch: int = 1) -> float:
    """Estimated floating-point operations of one epoch of one sample (multiply-adds count 2;
    a power counts 20)."""
    ui = units * inputs
    if rule == "krotov":
        return n * (2 * ui + 4 * inputs + 2 * units) + (n // batch) * (24 * ui)
    if rule in ("oja", "sanger"):
        return n * 6 * ui
    if rule == "wta":
        return n * (2 * ui + 5 * inputs)
    return n * (6 * ui + 6 * units)  # bcm
