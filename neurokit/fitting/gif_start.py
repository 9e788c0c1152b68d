"""The deterministic GIF fit (:mod:`neurokit.fitting.gif`) inside a fit file.

``[optimiser] method = "gif-mle"`` fits the training sweeps by regression and convex maximum
likelihood and maps the result onto the fit file's point model (``gif`` and models with its
parameter names); ``start = "gif-mle"`` uses that point as CMA-ES's first start. Either way the
values are moved 2 % of the range inside the file's bounds (an unbounded transform needs interior
points), and parameters the GIF fit does not give (``a``, ``spike_delay``...) take their start.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

# Settings chosen on a validation split of cell 171116sh (benchmarks/results/gif_mle.md):
# refractory period 4 ms, kernels 0.3 s, hard threshold where the escape rate reaches 1/(10 ms).
GIF_SETTINGS = {"t_ref_s": 4e-3, "eta_length_s": 0.3, "gamma_length_s": 0.3}
HARD_THRESHOLD_TAU_S = 10e-3
INSIDE = 0.02  # fraction of each range kept between a start value and the bounds


def gif_mle_values(config, recording: xr.Dataset, sweeps, options: dict | None = None) -> dict[str, float]:
    """Free-parameter values (each in its unit) of the deterministic GIF fit to ``sweeps``.

    Parameters
    ----------
    config : FitConfig
    recording : xarray.Dataset
        The prepared recording (mV, nA, time in s).
    sweeps : sequence of int
        Positions along ``sweep`` to fit.
    options : dict, optional
        Keyword arguments of :func:`neurokit.fitting.gif.fit_gif` replacing :data:`GIF_SETTINGS`
        (plus ``tau_s``, the hard-threshold time scale in s).

    Returns
    -------
    dict
        Every free parameter -> value, inside its bounds.
    """
    from neurokit.fitting.gif import fit_gif, to_point_gif
    from neurokit.units import convert

    opts = {**GIF_SETTINGS, **(options or {})}
    tau_s = float(opts.pop("tau_s", HARD_THRESHOLD_TAU_S))
    result = fit_gif(recording, list(sweeps), spike_threshold_mV=float(config.spike_threshold), **opts)
    mapped = to_point_gif(result, tau_s=tau_s)
    out = {}
    for p in config.space.parameters:
        if p.name in mapped:
            value, unit = mapped[p.name]
            value = float(convert(value, unit, p.unit)) if unit != p.unit else float(value)
        elif p.default is not None:
            value = float(p.default)
        else:
            value = 0.5 * (p.bounds[0] + p.bounds[1])
        out[p.name] = clip_inside(value, p.bounds)
    return out


def clip_inside(value: float, bounds: tuple[float, float], inside: float = INSIDE) -> float:
    """``value`` moved into ``[lo + inside * range, hi - inside * range]``."""
    lo, hi = bounds
    margin = inside * (hi - lo)
    return float(np.clip(value, lo + margin, hi - margin))
