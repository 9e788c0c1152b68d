"""The record of a fit: every evaluated sample as a dataset, and the parameter correlations
among the best samples."""

from __future__ import annotations

import numpy as np
import xarray as xr


def history_dataset(cfg, hist: list[dict]) -> xr.Dataset:
    """Every evaluated sample over (``iteration``, ``sample``): parameters (with units),
    objective terms, restart label and phase."""
    from neurokit.schema import provenance_attrs

    space = cfg.space
    n_iter = len(hist)
    width = max(h["z"].shape[0] for h in hist)

    def pad(rows):
        out = np.full((n_iter, width), np.nan)
        for i, r in enumerate(rows):
            out[i, : len(r)] = r
        return out

    data = {"objective": (("iteration", "sample"), pad([h["total"] for h in hist]),
                          {"units": "1", "long_name": "weighted objective (lower is better)"})}
    for name in hist[0]["components"]:
        data[f"objective_{name}"] = (("iteration", "sample"), pad([h["components"][name] for h in hist]),
                                     {"units": "1", "long_name": f"objective term {name}"})
    for j, p in enumerate(space.parameters):
        data[p.name] = (("iteration", "sample"), pad([p.inverse(h["z"][:, j]) for h in hist]),
                        {"units": p.unit, "long_name": p.description or p.name})
    data["restart"] = (("iteration", "sample"),
                       pad([np.asarray(h.get("island", np.zeros(len(h["total"]))), float) for h in hist]),
                       {"units": "1", "long_name": "restart (CMA-ES island, then local refinements)"})
    phase = np.array([0 if h["phase"] == "main" else 1 for h in hist], dtype=np.int8)
    data["phase"] = ("iteration", phase, {"units": "1", "long_name": "phase (0 main, 1 local refinement)"})
    return xr.Dataset(data, coords={"iteration": np.arange(n_iter), "sample": np.arange(width)},
                      attrs=provenance_attrs(fit=cfg.name, model=cfg.model_name, backend=cfg.backend,
                                             optimiser=cfg.method, seed=cfg.seed, budget=cfg.budget,
                                             fit_file=str(cfg.path)))


def elite_correlations(z: np.ndarray, f: np.ndarray, d: int) -> np.ndarray:
    """Correlation matrix of the parameters (unbounded coordinates) among the best 10 % of
    samples (at least 2d + 2): which parameters trade off against each other."""
    n = max(2 * d + 2, int(0.1 * len(f)))
    elite = z[np.argsort(f, kind="stable")[: min(n, len(f))]]
    if elite.shape[0] < 3:
        return np.eye(d)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.corrcoef(elite, rowvar=False)
    return np.where(np.isfinite(c), c, 0.0)
