"""The deterministic GIF fit (:mod:`neurokit.fitting.gif`) inside a fit file.

``[optimiser] method = "gif-mle"`` fits the training sweeps by regression and convex maximum
likelihood and maps the result onto the fit file's point model (``gif`` and models with its
parameter names); ``start = "gif-mle"`` uses that point as CMA-ES's first start. Either way the
values are moved 2 % of the range inside the file's bounds (an unbounded transform needs interior
points), and parameters the GIF fit does not give (``a``, ``spike_delay``...) take their start.

The GIF fit's result (the point-model values) is kept as data in the cache folder, keyed by the
recording's contents, the sweeps, the settings and the code of :mod:`neurokit.fitting.gif`, so a
warm start neither imports scipy.signal nor fits again (1-2 s saved).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

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
    from neurokit.units import convert

    opts = {**GIF_SETTINGS, **(options or {})}
    tau_s = float(opts.pop("tau_s", HARD_THRESHOLD_TAU_S))
    mapped = point_gif(recording, [int(k) for k in sweeps], float(config.spike_threshold), opts, tau_s)
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


def point_gif(recording: xr.Dataset, sweeps: list[int], threshold_mV: float, options: dict,
              tau_s: float) -> dict[str, tuple[float, str]]:
    """``to_point_gif(fit_gif(...))`` for these sweeps and settings, from the cache folder when
    an earlier run stored it (:func:`neurokit.data_cache.read_entry`: a verified JSON entry)."""
    from neurokit.data_cache import cache_dir, read_entry, write_entry

    key = _key(recording, sweeps, threshold_mV, options, tau_s)
    path = cache_dir("gif-start") / f"{key[:32]}.json"
    entry = read_entry(path)
    if entry is not None and entry.get("key") == key:
        return {name: (float(value), str(unit)) for name, (value, unit) in entry["values"].items()}
    from neurokit.fitting.gif import fit_gif, to_point_gif

    result = fit_gif(recording, sweeps, spike_threshold_mV=threshold_mV, **options)
    mapped = {name: (float(value), str(unit)) for name, (value, unit) in to_point_gif(result, tau_s=tau_s).items()}
    if all(np.isfinite(v) for v, _ in mapped.values()):  # entries are strict JSON (no NaN)
        write_entry(path, {"key": key, "values": {k: list(v) for k, v in mapped.items()}})
    return mapped


def _key(recording: xr.Dataset, sweeps: list[int], threshold_mV: float, options: dict, tau_s: float) -> str:
    """SHA-256 of what decides the GIF fit: the recording's time, voltage and current, the
    sweeps, the settings and the source of :mod:`neurokit.fitting.gif` (a code change refits)."""
    h = hashlib.sha256()
    h.update(json.dumps({"sweeps": sweeps, "threshold_mV": threshold_mV, "tau_s": tau_s,
                         "options": {k: options[k] for k in sorted(options)}}, sort_keys=True).encode())
    for name in ("time", "membrane_potential", "stimulus_current"):
        if name in recording.variables:
            da = recording[name]
            if da.ndim == 2:
                da = da.transpose("sweep", "time")
            h.update(name.encode() + str(da.attrs.get("units", "")).encode())
            h.update(np.ascontiguousarray(da.values, dtype=float).tobytes())
    for src in sorted((Path(__file__).parent / "gif").glob("*.py")):
        h.update(src.read_bytes())
    return h.hexdigest()


def clip_inside(value: float, bounds: tuple[float, float], inside: float = INSIDE) -> float:
    """``value`` moved into ``[lo + inside * range, hi - inside * range]``."""
    lo, hi = bounds
    margin = inside * (hi - lo)
    return float(np.clip(value, lo + margin, hi - margin))
