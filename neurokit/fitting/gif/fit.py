"""Deterministic GIF fit: regression for the subthreshold part, convex MLE for the threshold.

Following Pozzorini et al. (2015) and Mensi et al. (2012): (1) C, g_L, E_L and the adaptation
current eta by least squares on dV/dt far from spikes; (2) the model's voltage with spikes
forced at the recorded times; (3) V_T, DeltaV and the threshold movement gamma by Newton's
method on the concave point-process likelihood of the recorded spikes. No random numbers: the
same data give the same parameters, in seconds.
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr

from neurokit.errors import FitConfigError
from neurokit.fitting.gif.basis import RectBasis, log_spaced_basis
from neurokit.fitting.gif.data import Sweep, load_sweeps
from neurokit.fitting.gif.result import GIFResult
from neurokit.fitting.gif.subthreshold import (Subthreshold, fit_subthreshold, forced_voltage,
                                               subthreshold_rms)
from neurokit.fitting.gif.threshold import (bits_per_spike, design, fit_threshold, log_likelihood,
                                            theta_of)


def fit_gif(recording: xr.Dataset, sweeps, *, t_ref_s: float = 4e-3, eta_length_s: float = 0.5,
            gamma_length_s: float = 0.5, min_width_s: float = 2e-3, max_width_s: float = 1.0,
            slope: float = 7.0, before_spike_s: float = 5e-3, lambda0_Hz: float = 1.0,
            ridge: float = 1e-2, spike_threshold_mV: float = 0.0) -> GIFResult:
    """Fit a GIF model with escape noise to recorded sweeps.

    Parameters
    ----------
    recording : xarray.Dataset
        ``membrane_potential`` (mV) and ``stimulus_current`` (nA) over (``sweep``, ``time``),
        time in s, as :func:`neurokit.io.load_recording` returns.
    sweeps : sequence of int
        Sweeps to train on (positions along ``sweep``).
    t_ref_s : float
        Refractory period, s: the voltage is held at the reset that long after a spike.
    eta_length_s, gamma_length_s : float
        Lengths of the adaptation-current and threshold-movement kernels, s.
    min_width_s, max_width_s, slope : float
        Log-spaced rectangular bins (see :func:`~neurokit.fitting.gif.basis.log_spaced_basis`).
    before_spike_s : float
        Stretch before each spike left out of the subthreshold regression, s.
    lambda0_Hz : float
        Firing intensity at V_T, Hz (fixed; it only shifts V_T).
    ridge : float
        L2 penalty on gamma / DeltaV (dimensionless), for bins few spikes constrain.
    spike_threshold_mV : float
        Spike detection threshold, mV.

    Returns
    -------
    GIFResult

    Raises
    ------
    FitConfigError
        Bad recording or sweep list, no spikes, too few samples, or an unphysical fit.
    """
    t0 = time.perf_counter()
    for name, value in (("t_ref_s", t_ref_s), ("eta_length_s", eta_length_s),
                        ("gamma_length_s", gamma_length_s), ("lambda0_Hz", lambda0_Hz)):
        if not value > 0:
            raise FitConfigError(f"fit_gif: {name} must be positive, got {value}")
    if not (before_spike_s >= 0 and ridge >= 0):
        raise FitConfigError(f"fit_gif: before_spike_s and ridge must be >= 0, got {before_spike_s}, {ridge}")
    data = load_sweeps(recording, sweeps, spike_threshold_mV)
    dt = data[0].dt_s
    n_ref = max(int(round(t_ref_s / dt)), 1)
    n_before = int(round(before_spike_s / dt))
    eta_basis = log_spaced_basis(eta_length_s, min_width_s, max_width_s, slope)
    gamma_basis = log_spaced_basis(gamma_length_s, min_width_s, max_width_s, slope)
    n_total = sum(sw.n for sw in data)
    if n_total < 20 * (3 + eta_basis.size + gamma_basis.size):
        raise FitConfigError(f"fit_gif: {n_total} samples in sweeps {list(sweeps)} are too few for "
                             f"{3 + eta_basis.size + gamma_basis.size} coefficients")
    if sum(sw.spike_idx.size for sw in data) == 0:
        raise FitConfigError(f"fit_gif: no spikes (upward crossings of {spike_threshold_mV} mV) in "
                             f"sweeps {list(sweeps)}; the threshold needs spikes")
    sub = fit_subthreshold(data, eta_basis, n_ref, n_before)
    v_models = [forced_voltage(sub, eta_basis, sw, n_ref) for sw in data]
    d = design(v_models, [sw.spike_idx for sw in data], gamma_basis, dt, n_ref)
    th = fit_threshold(d, lambda0_Hz=lambda0_Hz, ridge=ridge)
    sse, cnt = 0.0, 0
    for v, sw in zip(v_models, data):
        s, c = subthreshold_rms(v, sw, n_ref, n_before)
        sse, cnt = sse + s, cnt + c
    settings = {"t_ref_s": t_ref_s, "eta_length_s": eta_length_s, "gamma_length_s": gamma_length_s,
                "min_width_s": min_width_s, "max_width_s": max_width_s, "slope": slope,
                "before_spike_s": before_spike_s, "ridge": ridge, "spike_threshold_mV": spike_threshold_mV,
                "newton_iterations": th.iterations}
    return GIFResult(sub.C_pF, sub.g_L_nS, sub.E_L_mV, sub.V_reset_mV, n_ref * dt, th.V_T_mV,
                     th.DeltaV_mV, eta_basis, sub.eta_nA, gamma_basis, th.gamma_mV, lambda0_Hz,
                     th.log_likelihood, bits_per_spike(th.log_likelihood, d), int(d.spikes.size),
                     float(np.sqrt(sse / cnt)) if cnt else float("nan"), time.perf_counter() - t0, dt,
                     tuple(sw.index for sw in data), settings)


def evaluate_gif(result: GIFResult, recording: xr.Dataset, sweeps) -> dict:
    """Deterministic held-out scores of a GIF on recorded sweeps (spikes forced at the
    recorded times): log-likelihood (nats), bits per spike, subthreshold RMS (mV).

    The sweeps need the training sampling interval. Sweeps without spikes count in the
    likelihood (their integral of lambda) and in the RMS.
    """
    data = load_sweeps(recording, sweeps, result.settings.get("spike_threshold_mV", 0.0))
    return _scores(result, data)


def _scores(result: GIFResult, data: list[Sweep]) -> dict:
    dt = data[0].dt_s
    if not np.isclose(dt, result.dt_s):
        raise FitConfigError(f"evaluate_gif: sampling interval {dt} s differs from the fit's {result.dt_s} s")
    n_ref = max(int(round(result.t_ref_s / dt)), 1)
    n_before = int(round(result.settings.get("before_spike_s", 5e-3) / dt))
    sub = Subthreshold(result.C_pF, result.g_L_nS, result.E_L_mV, result.V_reset_mV, result.eta_nA)
    v_models = [forced_voltage(sub, result.eta_basis, sw, n_ref) for sw in data]
    d = design(v_models, [sw.spike_idx for sw in data], result.gamma_basis, dt, n_ref)
    th = _threshold_of(result)
    ll = log_likelihood(theta_of(th), d, result.lambda0_Hz)
    sse, cnt = 0.0, 0
    for v, sw in zip(v_models, data):
        s, c = subthreshold_rms(v, sw, n_ref, n_before)
        sse, cnt = sse + s, cnt + c
    return {"log_likelihood": ll, "bits_per_spike": bits_per_spike(ll, d), "n_spikes": int(d.spikes.size),
            "subthreshold_rms_mV": float(np.sqrt(sse / cnt)) if cnt else float("nan")}


def _threshold_of(result: GIFResult):
    from neurokit.fitting.gif.threshold import Threshold

    return Threshold(result.V_T_mV, result.DeltaV_mV, result.gamma_mV, result.lambda0_Hz,
                     result.log_likelihood, 0)


def basis_of(edges_s) -> RectBasis:
    """A :class:`RectBasis` from saved edges (s), e.g. from :meth:`GIFResult.kernels`."""
    return RectBasis(tuple(float(e) for e in edges_s))
