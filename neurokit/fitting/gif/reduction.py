"""A fitted GIF mapped onto neurokit's point model ``gif`` (hard threshold, one exponential
adaptation current and one exponential threshold jump), e.g. as a CMA-ES starting point.

Each kernel is replaced by the single exponential ``A exp(-t / tau)`` closest to it in least
squares (tau on a log grid, A in closed form); the escape-rate threshold becomes the hard
threshold at which the rate reaches ``1 / tau_s`` (see
:func:`~neurokit.fitting.gif.simulate.hard_threshold_mV`).
"""

from __future__ import annotations

import numpy as np

from neurokit.fitting.gif.basis import RectBasis
from neurokit.fitting.gif.result import GIFResult
from neurokit.fitting.gif.simulate import hard_threshold_mV


def exponential_fit(basis: RectBasis, coefficients, dt_s: float = 1e-4, tau_min_s: float = 2e-3,
                    tau_max_s: float = 2.0, n_grid: int = 200) -> tuple[float, float]:
    """The exponential ``amplitude * exp(-t / tau)`` nearest a kernel (least squares on a
    ``dt_s`` grid): ``(amplitude, tau_s)``. A zero kernel gives ``(0, tau_min_s)``."""
    k = basis.sample(coefficients, dt_s)
    t = np.arange(1, k.size + 1) * dt_s
    best = (0.0, tau_min_s, float(k @ k))
    for tau in np.geomspace(tau_min_s, tau_max_s, n_grid):
        e = np.exp(-t / tau)
        amp = float(k @ e / (e @ e))
        err = float(np.sum((k - amp * e) ** 2))
        if err < best[2]:
            best = (amp, float(tau), err)
    return best[0], best[1]


def to_point_gif(result: GIFResult, tau_s: float = 1e-3) -> dict[str, tuple[float, str]]:
    """Parameters of neurokit's point model ``gif`` (``neurokit.models.point.GIF``) that
    approximate ``result``: ``{name: (value, unit)}`` in that model's units.

    Parameters
    ----------
    result : GIFResult
    tau_s : float
        Time scale of the hard threshold, s (fire where the escape rate reaches 1 / tau_s).
    """
    b_nA, tau_w = exponential_fit(result.eta_basis, result.eta_nA)
    dth, tau_th = exponential_fit(result.gamma_basis, result.gamma_mV)
    return {"C": (result.C_pF, "pF"), "g_L": (result.g_L_nS, "nS"), "E_L": (result.E_L_mV, "mV"),
            "V_T0": (hard_threshold_mV(result, tau_s), "mV"), "tau_w": (tau_w * 1e3, "ms"),
            "b": (b_nA * 1e3, "pA"), "tau_theta": (tau_th * 1e3, "ms"), "delta_theta": (dth, "mV"),
            "V_reset": (result.V_reset_mV, "mV"), "t_ref": (result.t_ref_s * 1e3, "ms")}
