"""Subthreshold GIF dynamics by linear regression on dV/dt (Pozzorini et al. 2015).

    C dV/dt = -g_L (V - E_L) + I(t) - sum_spikes eta(t - t_spike)

Far from spikes, forward-Euler dV/dt is linear in ``(V, I, 1, S_j)`` where ``S_j`` are the
rectangular-basis spike regressors of eta, so ordinary least squares gives C, g_L, E_L and the
kernel in one solve. Units: V mV, I and eta nA, C pF, g_L nS, t s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from neurokit.errors import FitConfigError
from neurokit.fitting.gif.basis import RectBasis
from neurokit.fitting.gif.data import Sweep

# g[nS] * V[mV] = pA and pA / pF = V/s = 1e3 mV/s; I[nA] = 1e3 pA.
MV_PER_S = 1e3
PA_PER_NA = 1e3


@dataclass(frozen=True)
class Subthreshold:
    """Fitted subthreshold parameters.

    Attributes
    ----------
    C_pF, g_L_nS, E_L_mV, V_reset_mV : float
    eta_nA : ndarray
        Coefficient of each basis function of the adaptation current, nA.
    """

    C_pF: float
    g_L_nS: float
    E_L_mV: float
    V_reset_mV: float
    eta_nA: np.ndarray

    def step(self, dt_s: float) -> tuple[float, float, float]:
        """Forward-Euler map ``V' = a V + b_i (I - eta) + c`` (mV, nA): ``(a, b_i, c)``."""
        k = MV_PER_S * dt_s / self.C_pF
        return 1.0 - k * self.g_L_nS, k * PA_PER_NA, k * self.g_L_nS * self.E_L_mV


def fit_mask(sw: Sweep, n_ref: int, n_before: int) -> np.ndarray:
    """Samples usable in the regression on ``V[k+1] - V[k]``: not from ``n_before`` samples
    before a spike to ``n_ref`` samples after it, and not the last sample."""
    keep = np.ones(sw.n, dtype=bool)
    keep[-1] = False
    for s in sw.spike_idx:
        keep[max(s - n_before, 0):min(s + n_ref, sw.n)] = False
    return keep


def reset_voltage(sweeps: list[Sweep], n_ref: int) -> float:
    """Mean recorded voltage ``n_ref`` samples after each spike, mV (the reset of the model)."""
    vals = [sw.v_mV[s + n_ref] for sw in sweeps for s in sw.spike_idx if s + n_ref < sw.n]
    if not vals:
        raise FitConfigError("GIF fit: no spikes in the training sweeps (the reset and threshold need spikes)")
    return float(np.mean(vals))


def fit_subthreshold(sweeps: list[Sweep], basis: RectBasis, n_ref: int, n_before: int) -> Subthreshold:
    """Least-squares fit of C, g_L, E_L and eta on dV/dt far from spikes.

    Parameters
    ----------
    sweeps : list of Sweep
        Training sweeps (same sampling interval).
    basis : RectBasis
        Basis of the adaptation kernel eta.
    n_ref : int
        Refractory period in samples (excluded after each spike; the reset is read there).
    n_before : int
        Samples excluded before each spike (the upstroke is not subthreshold).

    Raises
    ------
    FitConfigError
        Too few usable samples, or a fit without a positive capacitance and leak.
    """
    dt = sweeps[0].dt_s
    rows_x, rows_y = [], []
    for sw in sweeps:
        keep = fit_mask(sw, n_ref, n_before)
        feats = basis.features(sw.spike_idx, sw.n, dt)
        dvdt = np.diff(sw.v_mV, append=sw.v_mV[-1]) / dt
        x = np.column_stack([sw.v_mV, sw.i_nA, np.ones(sw.n), feats])
        rows_x.append(x[keep])
        rows_y.append(dvdt[keep])
    X = np.concatenate(rows_x)
    y = np.concatenate(rows_y)
    if X.shape[0] < 10 * X.shape[1]:
        raise FitConfigError(
            f"GIF fit: {X.shape[0]} usable samples for {X.shape[1]} subthreshold coefficients; "
            "give longer or more sweeps")
    if np.ptp(X[:, 1]) == 0:
        raise FitConfigError("GIF fit: the injected current is constant; C and g_L are not identifiable")
    # Scale columns so lstsq's rank cutoff is not fooled by units; columns that are all zero
    # (bins no spike reaches) get coefficient 0 through the minimum-norm solution.
    scale = np.sqrt(np.mean(X * X, axis=0))
    scale[scale == 0] = 1.0
    beta, *_ = np.linalg.lstsq(X / scale, y, rcond=None)
    beta = beta / scale
    if not (beta[1] > 0 and beta[0] < 0):
        raise FitConfigError(
            f"GIF fit: subthreshold regression gave dV/dt slope {beta[0]:.4g} /s on V and "
            f"{beta[1]:.4g} mV/s/nA on I; need a leak and a positive capacitance")
    C = MV_PER_S * PA_PER_NA / beta[1]
    g_L = -beta[0] * C / MV_PER_S
    E_L = -beta[2] / beta[0]
    eta = -beta[3:] * C / (MV_PER_S * PA_PER_NA)
    return Subthreshold(float(C), float(g_L), float(E_L), reset_voltage(sweeps, n_ref), eta)


def eta_trace(sub: Subthreshold, basis: RectBasis, sw: Sweep) -> np.ndarray:
    """Summed adaptation current of the recorded spikes, nA, shape (time,)."""
    return basis.features(sw.spike_idx, sw.n, sw.dt_s) @ sub.eta_nA


def forced_voltage(sub: Subthreshold, basis: RectBasis, sw: Sweep, n_ref: int) -> np.ndarray:
    """The model's voltage with spikes forced at the recorded times, mV.

    Forward Euler from the recorded first sample; after each spike at ``s`` the voltage is
    held at the reset for samples ``s+1 .. s+n_ref`` and evolves freely from ``s+n_ref`` on
    (the same convention as :func:`neurokit.fitting.gif.simulate.simulate_gif`).
    """
    a, b_i, c = sub.step(sw.dt_s)
    u = b_i * (sw.i_nA - eta_trace(sub, basis, sw)) + c
    v = np.empty(sw.n)
    v[0] = sw.v_mV[0]
    starts = [0] + [s + n_ref for s in sw.spike_idx]
    stops = list(sw.spike_idx) + [sw.n - 1]
    for k0, k1, s in zip(starts, stops, [None] + list(sw.spike_idx)):
        if s is not None:
            v[s + 1:min(s + n_ref + 1, sw.n)] = sub.V_reset_mV
        if k0 >= sw.n - 1 or k1 <= k0:
            continue
        # y[m] = a y[m-1] + u[k0+m], y[-1] = v[k0]: the Euler steps k0 -> k0+1 .. k1.
        y, _ = lfilter([1.0], [1.0, -a], u[k0:k1], zi=[a * v[k0]])
        v[k0 + 1:k1 + 1] = y
    return v


def subthreshold_rms(v_model: np.ndarray, sw: Sweep, n_ref: int, n_before: int) -> tuple[float, int]:
    """Sum of squared errors (mV^2) and sample count outside the spike windows."""
    keep = fit_mask(sw, n_ref, n_before)
    d = v_model[keep] - sw.v_mV[keep]
    return float(d @ d), int(keep.sum())
