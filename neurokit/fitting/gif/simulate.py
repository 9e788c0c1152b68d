"""NumPy simulation of a GIF model: stochastic escape noise, or a deterministic reduction.

One forward-Euler loop over time, vectorised over (repeat, sweep). Escape noise is drawn by
time rescaling: a repeat fires when the integrated intensity since its last spike reaches an
Exp(1) draw, which is exactly a per-step Bernoulli draw with ``p = 1 - exp(-lambda dt)`` but
needs one random number per spike. Repeat ``r`` draws from
``neurokit.params.sample_rng(seed, r)`` (one spawned child stream per sweep), so a repeat's
spike train does not depend on how many repeats or sweeps are simulated alongside.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from neurokit.errors import ParameterError
from neurokit.fitting.gif.data import check_current
from neurokit.fitting.gif.result import GIFResult
from neurokit.fitting.gif.subthreshold import MV_PER_S, PA_PER_NA

SPIKE_PEAK_MV = 30.0  # painted at each spike sample so the one spike detector finds it


def simulate_gif(result: GIFResult, current_nA, dt_s: float, seed: int = 0, n_repeats: int = 1, *,
                 v0_mV: float | None = None, record_voltage: bool = True) -> xr.Dataset:
    """Simulate a GIF with escape noise.

    Parameters
    ----------
    result : GIFResult
        Model parameters (fitted or given).
    current_nA : array-like, shape (time,) or (sweep, time)
        Injected current, nA, one row per sweep.
    dt_s : float
        Integration step and sampling interval, s.
    seed : int
        Batch seed; repeat ``r`` uses ``neurokit.params.sample_rng(seed, r)``.
    n_repeats : int
        Independent trials per sweep (the ``sample`` dim).
    v0_mV : float, optional
        Initial voltage, mV (default E_L).
    record_voltage : bool
        Keep the voltage traces (``sample x sweep x time`` floats); spikes are always kept.

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (sample, sweep, time) mV with each spike painted as a
        ``SPIKE_PEAK_MV`` sample, ``stimulus_current`` (sweep, time) nA, and ragged
        ``spike_time`` (s) with ``spike_sample`` and ``spike_sweep`` owners.
    """
    from neurokit.params import sample_rng

    if int(n_repeats) < 1:
        raise ParameterError(f"simulate_gif: n_repeats must be >= 1, got {n_repeats}")
    cur = check_current(current_nA, dt_s)
    n_sw = cur.shape[0]
    streams = [child for r in range(int(n_repeats)) for child in sample_rng(int(seed), r).spawn(n_sw)]
    return _simulate(result, cur, float(dt_s), int(n_repeats), streams, None, v0_mV, record_voltage,
                     {"seed": int(seed), "noise": "escape"})


def simulate_gif_deterministic(result: GIFResult, current_nA, dt_s: float, tau_s: float = 1e-3, *,
                               v0_mV: float | None = None, record_voltage: bool = True) -> xr.Dataset:
    """The GIF reduced to a hard threshold: fire when ``lambda >= 1 / tau_s``.

    That is ``V >= V_T + sum gamma + DeltaV * log(1 / (lambda0 tau_s))``: the voltage at
    which the escape rate would fire within about ``tau_s``. No randomness; same output
    dataset as :func:`simulate_gif` with one sample.
    """
    if not tau_s > 0:
        raise ParameterError(f"simulate_gif_deterministic: tau_s must be positive, got {tau_s}")
    cur = check_current(current_nA, dt_s)
    return _simulate(result, cur, float(dt_s), 1, None, float(tau_s), v0_mV, record_voltage,
                     {"noise": "hard threshold", "tau_s": float(tau_s)})


def hard_threshold_mV(result: GIFResult, tau_s: float) -> float:
    """Threshold at rest of the deterministic reduction, mV."""
    return float(result.V_T_mV + result.DeltaV_mV * np.log(1.0 / (result.lambda0_Hz * tau_s)))


def _simulate(res: GIFResult, cur: np.ndarray, dt: float, n_rep: int, streams, tau_hard,
              v0_mV, record_voltage: bool, extra: dict) -> xr.Dataset:
    from neurokit.schema import attrs_for, provenance_attrs, spikes_dataset, time_coord

    n_sw, n_t = cur.shape
    B = n_rep * n_sw  # row b = repeat b // n_sw, sweep b % n_sw
    k_m = MV_PER_S * dt / res.C_pF
    a = 1.0 - k_m * res.g_L_nS
    u_all = np.tile(k_m * (PA_PER_NA * cur + res.g_L_nS * res.E_L_mV), (n_rep, 1))
    c_eta = k_m * PA_PER_NA
    eta_k = res.eta_basis.sample(res.eta_nA, dt)
    gam_k = res.gamma_basis.sample(res.gamma_mV, dt)
    ring = max(eta_k.size, gam_k.size) + 1
    acc_eta = np.zeros((B, ring))
    acc_gam = np.zeros((B, ring))
    lag_eta = np.arange(1, eta_k.size + 1)
    lag_gam = np.arange(1, gam_k.size + 1)
    n_ref = max(int(round(res.t_ref_s / dt)), 1)
    v = np.full(B, res.E_L_mV if v0_mV is None else float(v0_mV))
    ref = np.zeros(B, dtype=np.int64)
    hazard = np.zeros(B)
    if tau_hard is None:
        target = np.array([s.exponential() for s in streams])
    else:
        target = np.ones(B)
    rec = np.empty((B, n_t)) if record_voltage else None
    inv_dv = 1.0 / res.DeltaV_mV
    lam_scale = res.lambda0_Hz * (dt if tau_hard is None else tau_hard)
    spk_b: list[int] = []
    spk_k: list[int] = []
    for k in range(n_t):
        col = k % ring
        e_now = acc_eta[:, col].copy()
        g_now = acc_gam[:, col].copy()
        acc_eta[:, col] = 0.0
        acc_gam[:, col] = 0.0
        free = ref == 0
        with np.errstate(over="ignore"):
            lam = lam_scale * np.exp((v - res.V_T_mV - g_now) * inv_dv)
        if tau_hard is None:
            hazard = np.where(free, hazard + lam, hazard)
        else:
            hazard = lam
        spk = free & (hazard >= target)
        if rec is not None:
            rec[:, k] = v
        v_next = a * v + u_all[:, k] - c_eta * e_now
        if spk.any():
            for b in np.flatnonzero(spk):
                spk_b.append(int(b))
                spk_k.append(k)
                acc_eta[b, (k + lag_eta) % ring] += eta_k
                acc_gam[b, (k + lag_gam) % ring] += gam_k
                if tau_hard is None:
                    hazard[b] = 0.0
                    target[b] = streams[b].exponential()
                if rec is not None:
                    rec[b, k] = SPIKE_PEAK_MV
        v = np.where(spk | (ref > 0), res.V_reset_mV, v_next)
        ref = np.where(spk, n_ref - 1, np.maximum(ref - 1, 0))
    time = time_coord(n_t, dt)
    spk_b_arr = np.asarray(spk_b, dtype=np.int64)
    spikes = spikes_dataset(np.asarray(spk_k, dtype=float) * dt,
                            sample=spk_b_arr // n_sw, sweep=spk_b_arr % n_sw)
    data = {"stimulus_current": (("sweep", "time"), cur, attrs_for("stimulus_current"))}
    if rec is not None:
        data["membrane_potential"] = (("sample", "sweep", "time"), rec.reshape(n_rep, n_sw, n_t),
                                      attrs_for("membrane_potential"))
    ds = xr.Dataset(data, coords={"time": time, "sample": np.arange(n_rep), "sweep": np.arange(n_sw)})
    ds = xr.merge([ds, spikes])
    ds.attrs = provenance_attrs(model="gif (escape noise)", backend="numpy", dt_s=dt,
                                sampling_interval_s=dt, **extra)
    return ds


def spike_trains(ds: xr.Dataset) -> list[list[np.ndarray]]:
    """Spike times (s) of a :func:`simulate_gif` result as ``[sample][sweep]`` arrays."""
    n_rep, n_sw = ds.sizes["sample"], ds.sizes["sweep"]
    t = ds["spike_time"].values
    smp = ds["spike_sample"].values if "spike_sample" in ds.coords else np.zeros(t.size, int)
    swp = ds["spike_sweep"].values if "spike_sweep" in ds.coords else np.zeros(t.size, int)
    return [[np.sort(t[(smp == r) & (swp == s)]) for s in range(n_sw)] for r in range(n_rep)]
