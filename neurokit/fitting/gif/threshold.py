"""Escape-rate threshold of the GIF by convex maximum likelihood (Mensi et al. 2012).

    lambda(t) = lambda0 * exp((V(t) - V_T - sum_spikes gamma(t - t_spike)) / DeltaV)

With ``theta = (1/DeltaV, -V_T/DeltaV, -gamma_j/DeltaV)`` and regressors ``x = (V, 1, S_j)``
the Poisson point-process log-likelihood

    L(theta) = sum_spikes log lambda - dt * sum_samples lambda

is concave in ``theta``; Newton's method with the analytic gradient and Hessian and a
backtracking line search finds its maximum deterministically. ``V`` is the model's voltage
with spikes forced at the recorded times, as in the GIF toolbox. A small ridge penalty on the
gamma coefficients keeps bins that no spike constrains finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurokit.errors import FitConfigError
from neurokit.fitting.gif.basis import RectBasis


@dataclass(frozen=True)
class Threshold:
    """Fitted escape-rate threshold.

    Attributes
    ----------
    V_T_mV, DeltaV_mV : float
        Threshold at rest and its softness, mV.
    gamma_mV : ndarray
        Coefficient of each basis function of the threshold movement, mV.
    lambda0_Hz : float
        Firing intensity at threshold, Hz (fixed, not fitted).
    log_likelihood : float
        Training log-likelihood, nats (lambda in Hz, time in s).
    iterations : int
        Newton iterations run.
    """

    V_T_mV: float
    DeltaV_mV: float
    gamma_mV: np.ndarray
    lambda0_Hz: float
    log_likelihood: float
    iterations: int


@dataclass(frozen=True)
class Design:
    """Stacked regressors of the likelihood: all usable rows and the spike rows."""

    X: np.ndarray
    spikes: np.ndarray  # row indices of X that hold a spike
    dt_s: float
    duration_s: float


def design(v_models: list[np.ndarray], spike_idx: list[np.ndarray], basis: RectBasis, dt_s: float,
           n_ref: int) -> Design:
    """Regressors ``(V, 1, S_j)`` of every sample outside the refractory periods.

    Samples ``s+1 .. s+n_ref-1`` after a spike at ``s`` are left out (the model cannot fire
    there); the spike sample itself is a row that holds a spike.
    """
    xs, spk_rows, offset, total = [], [], 0, 0.0
    for v, spk in zip(v_models, spike_idx):
        n = v.size
        keep = np.ones(n, dtype=bool)
        for s in spk:
            keep[s + 1:min(s + n_ref, n)] = False
        x = np.column_stack([v, np.ones(n), basis.features(spk, n, dt_s)])[keep]
        row_of = np.cumsum(keep) - 1
        spk_rows.append(offset + row_of[np.asarray(spk, dtype=np.int64)])
        xs.append(x)
        offset += x.shape[0]
        total += keep.sum() * dt_s
    return Design(np.concatenate(xs), np.concatenate(spk_rows).astype(np.int64), dt_s, total)


def _objective(theta, X, xs_sum, n_spk, w, penalty):
    """Penalised log-likelihood (minus the constant ``n log lambda0``), gradient, Hessian."""
    eta = X @ theta
    with np.errstate(over="ignore"):
        lam = w * np.exp(eta)
    value = float(xs_sum @ theta - lam.sum() - 0.5 * theta @ (penalty * theta))
    if not np.isfinite(value):  # an overflowing trial step: the line search backs off
        return value, None, None
    grad = xs_sum - X.T @ lam - penalty * theta
    hess = -(X.T * lam) @ X - np.diag(penalty)
    return value, grad, hess


def fit_threshold(d: Design, lambda0_Hz: float = 1.0, ridge: float = 1e-2, max_iter: int = 200,
                  tol: float = 1e-9) -> Threshold:
    """Maximum-likelihood V_T, DeltaV and gamma.

    Parameters
    ----------
    d : Design
        Regressors from :func:`design`.
    lambda0_Hz : float
        Firing intensity at threshold, Hz (sets the meaning of V_T).
    ridge : float
        L2 penalty on the gamma coefficients ``-gamma_j / DeltaV`` (dimensionless).
    max_iter, tol : int, float
        Newton iterations at most; stop when the Newton decrement falls below ``tol``.

    Raises
    ------
    FitConfigError
        No spikes, or a likelihood without a finite maximum (DeltaV not positive).
    """
    n_spk = d.spikes.size
    if n_spk == 0:
        raise FitConfigError("GIF fit: no spikes in the training sweeps; the threshold needs spikes")
    X = d.X
    w = d.dt_s * lambda0_Hz
    xs_sum = X[d.spikes].sum(axis=0)
    penalty = np.zeros(X.shape[1])
    penalty[2:] = ridge
    # Start: DeltaV 2 mV, intercept so that the expected count equals the observed one.
    theta = np.zeros(X.shape[1])
    theta[0] = 0.5
    z = X[:, 0] * theta[0]
    theta[1] = np.log(n_spk / w) - (np.log(np.sum(np.exp(z - z.max()))) + z.max())
    value, grad, hess = _objective(theta, X, xs_sum, n_spk, w, penalty)
    it = 0
    for it in range(1, max_iter + 1):
        try:
            step = np.linalg.solve(-hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(-hess, grad, rcond=None)[0]
        decrement = float(grad @ step)
        if decrement < tol:
            break
        t = 1.0
        while True:  # backtracking (Armijo) line search on the concave objective
            trial = theta + t * step
            v_new, g_new, h_new = _objective(trial, X, xs_sum, n_spk, w, penalty)
            if np.isfinite(v_new) and v_new >= value + 1e-4 * t * decrement:
                break
            t *= 0.5
            if t < 1e-12:
                raise FitConfigError("GIF fit: the threshold likelihood did not improve (line search failed)")
        theta, value, grad, hess = trial, v_new, g_new, h_new
    if not theta[0] > 0:
        raise FitConfigError(
            f"GIF fit: the threshold fit gave 1/DeltaV = {theta[0]:.4g} /mV; firing does not rise with V")
    dv = 1.0 / theta[0]
    ll = log_likelihood(theta, d, lambda0_Hz)
    return Threshold(float(-theta[1] * dv), float(dv), -theta[2:] * dv, float(lambda0_Hz), ll, it)


def theta_of(th: Threshold) -> np.ndarray:
    """The linear parameters ``(1/DeltaV, -V_T/DeltaV, -gamma_j/DeltaV)`` of a threshold."""
    return np.concatenate([[1.0 / th.DeltaV_mV, -th.V_T_mV / th.DeltaV_mV], -th.gamma_mV / th.DeltaV_mV])


def log_likelihood(theta: np.ndarray, d: Design, lambda0_Hz: float) -> float:
    """Point-process log-likelihood, nats: ``sum log lambda(t_spike) - integral lambda dt``."""
    eta = d.X @ theta
    with np.errstate(over="ignore"):
        integral = float(d.dt_s * lambda0_Hz * np.exp(eta).sum())
    return float(d.spikes.size * np.log(lambda0_Hz) + eta[d.spikes].sum() - integral)


def bits_per_spike(ll: float, d: Design) -> float:
    """Log-likelihood gain over a homogeneous Poisson process of the same rate, bits/spike."""
    n = d.spikes.size
    if n == 0:
        return float("nan")
    rate = n / d.duration_s
    ll_poisson = n * np.log(rate) - n
    return float((ll - ll_poisson) / (n * np.log(2.0)))
