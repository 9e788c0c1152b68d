"""Deterministic GIF fitting (Mensi et al. 2012; Pozzorini et al. 2015).

- :func:`fit_gif`: regression for C, g_L, E_L and the adaptation current eta; convex maximum
  likelihood for the escape-rate threshold V_T, DeltaV and its movement gamma.
- :func:`simulate_gif`: escape-noise simulation for prediction (per-repeat random streams);
  :func:`simulate_gif_deterministic`: the hard-threshold reduction.
- :func:`to_point_gif`: the fit mapped onto the point model ``gif`` (a CMA-ES start).
"""

from neurokit.fitting.gif.basis import RectBasis, log_spaced_basis
from neurokit.fitting.gif.fit import evaluate_gif, fit_gif
from neurokit.fitting.gif.reduction import exponential_fit, to_point_gif
from neurokit.fitting.gif.result import GIFResult
from neurokit.fitting.gif.simulate import (hard_threshold_mV, simulate_gif, simulate_gif_deterministic,
                                           spike_trains)

__all__ = ["GIFResult", "RectBasis", "evaluate_gif", "exponential_fit", "fit_gif", "hard_threshold_mV",
           "log_spaced_basis", "simulate_gif", "simulate_gif_deterministic", "spike_trains",
           "to_point_gif"]
