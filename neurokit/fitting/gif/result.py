"""The parameters of a GIF model (fitted or given), with units and kernels."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neurokit.errors import ParameterError
from neurokit.fitting.gif.basis import RectBasis

UNITS = {"C": "pF", "g_L": "nS", "E_L": "mV", "V_reset": "mV", "t_ref": "s", "V_T": "mV",
         "DeltaV": "mV", "lambda0": "Hz", "eta": "nA", "gamma": "mV"}


@dataclass(frozen=True, eq=False)
class GIFResult:
    """A generalised integrate-and-fire model with escape noise (Pozzorini et al. 2015).

    ``C dV/dt = -g_L (V - E_L) + I - sum eta(t - t_k)``; firing intensity
    ``lambda0 exp((V - V_T - sum gamma(t - t_k)) / DeltaV)``; after a spike V is held at
    ``V_reset`` for ``t_ref``.

    Attributes
    ----------
    C_pF, g_L_nS, E_L_mV, V_reset_mV, t_ref_s, V_T_mV, DeltaV_mV : float
        Capacitance (pF), leak conductance (nS), leak reversal, reset (mV), refractory period
        (s), threshold at rest and threshold softness (mV).
    eta_basis, gamma_basis : RectBasis
        Bases of the spike-triggered current (nA) and threshold movement (mV).
    eta_nA, gamma_mV : ndarray
        Kernel coefficients, one per basis function.
    lambda0_Hz : float
        Firing intensity at threshold, Hz.
    log_likelihood : float
        Training log-likelihood of the spike trains, nats (NaN if not fitted).
    bits_per_spike : float
        Training log-likelihood gain over a Poisson process of the same rate, bits/spike.
    n_spikes : int
        Training spikes.
    subthreshold_rms_mV : float
        Training RMS of the voltage with spikes forced at the recorded times, outside spike
        windows, mV.
    fit_time_s : float
        Wall time of the fit, s.
    dt_s : float
        Sampling interval of the training data, s.
    sweeps : tuple of int
        Training sweeps.
    settings : dict
        Options of the fit (kernel lengths, ridge...).
    """

    C_pF: float
    g_L_nS: float
    E_L_mV: float
    V_reset_mV: float
    t_ref_s: float
    V_T_mV: float
    DeltaV_mV: float
    eta_basis: RectBasis
    eta_nA: np.ndarray
    gamma_basis: RectBasis
    gamma_mV: np.ndarray
    lambda0_Hz: float = 1.0
    log_likelihood: float = float("nan")
    bits_per_spike: float = float("nan")
    n_spikes: int = 0
    subthreshold_rms_mV: float = float("nan")
    fit_time_s: float = float("nan")
    dt_s: float = float("nan")
    sweeps: tuple[int, ...] = ()
    settings: dict = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "eta_nA", np.asarray(self.eta_nA, dtype=float))
        object.__setattr__(self, "gamma_mV", np.asarray(self.gamma_mV, dtype=float))
        if self.eta_nA.shape != (self.eta_basis.size,) or self.gamma_mV.shape != (self.gamma_basis.size,):
            raise ParameterError(
                f"GIFResult: {self.eta_nA.size} eta and {self.gamma_mV.size} gamma coefficients for "
                f"bases of {self.eta_basis.size} and {self.gamma_basis.size} bins")
        bad = {k: v for k, v in (("C_pF", self.C_pF), ("g_L_nS", self.g_L_nS), ("DeltaV_mV", self.DeltaV_mV),
                                 ("lambda0_Hz", self.lambda0_Hz)) if not v > 0}
        if bad or not self.t_ref_s >= 0:
            raise ParameterError(f"GIFResult: need positive C, g_L, DeltaV, lambda0 and t_ref >= 0; got "
                                 f"{bad or {'t_ref_s': self.t_ref_s}}")

    @property
    def tau_m_s(self) -> float:
        """Membrane time constant C / g_L, s."""
        return self.C_pF / self.g_L_nS * 1e-3

    def parameters(self) -> dict[str, tuple[float, str]]:
        """Scalar parameters as ``{name: (value, unit)}``."""
        return {"C": (self.C_pF, "pF"), "g_L": (self.g_L_nS, "nS"), "E_L": (self.E_L_mV, "mV"),
                "V_reset": (self.V_reset_mV, "mV"), "t_ref": (self.t_ref_s, "s"),
                "V_T": (self.V_T_mV, "mV"), "DeltaV": (self.DeltaV_mV, "mV"),
                "lambda0": (self.lambda0_Hz, "Hz")}

    def kernels(self) -> dict[str, dict]:
        """Kernels as ``{"eta": {"start_s", "value", "unit"}, "gamma": ...}`` (step functions)."""
        out = {}
        for name, basis, coef, unit in (("eta", self.eta_basis, self.eta_nA, "nA"),
                                        ("gamma", self.gamma_basis, self.gamma_mV, "mV")):
            out[name] = {"edges_s": list(basis.edges_s), "value": coef.tolist(), "unit": unit}
        return out

    def to_dict(self) -> dict:
        """Plain JSON-ready summary: parameters, kernels and fit statistics."""
        return {"parameters": {k: {"value": v, "unit": u} for k, (v, u) in self.parameters().items()},
                "kernels": self.kernels(),
                "log_likelihood_nats": self.log_likelihood, "bits_per_spike": self.bits_per_spike,
                "n_spikes": self.n_spikes, "subthreshold_rms_mV": self.subthreshold_rms_mV,
                "fit_time_s": self.fit_time_s, "dt_s": self.dt_s, "sweeps": list(self.sweeps),
                "settings": dict(self.settings)}
