"""Fit files with the fitting package's vocabulary: objective kinds, optimisers, and the
objective options with units (the file format itself is :mod:`neurokit.config.fit`)."""

from __future__ import annotations

from neurokit.config.fit import FitConfig
from neurokit.config.fit import load_fit_config as _load
from neurokit.fitting.objectives import OBJECTIVES, WeightedSum
from neurokit.fitting.optimisers import OPTIMISERS


def load_fit_config(path, *, budget: int | None = None, seed: int | None = None,
                    backend: str | None = None, trust: bool = False, recording=None) -> FitConfig:
    """Read and check a fit file (:func:`neurokit.config.fit.load_fit_config`) with the
    objectives and optimisers of this package; command-line values override the file's.

    Raises
    ------
    FitConfigError
        Naming the file and line of the culprit.
    """
    return _load(path, objectives=tuple(OBJECTIVES), optimisers=OPTIMISERS + ("gif-mle",), budget=budget, seed=seed,
                 backend=backend, trust=trust, recording=recording)


def build_objective(config: FitConfig) -> WeightedSum:
    """The weighted sum of the fit file's objectives, with units turned into numbers (delta
    and timing scale in s, trace scale in mV)."""
    r = config.reader
    terms = []
    seen: dict[str, int] = {}
    for spec in config.objectives:
        opts = dict(spec.options)
        try:
            if spec.kind == "gamma" and "delta" in opts:
                opts["delta"] = r.quantity(opts["delta"], "s", spec.where + ("delta",), "delta")
            if spec.kind == "timing" and "scale" in opts:
                opts["scale"] = r.quantity(opts["scale"], "s", spec.where + ("scale",), "scale")
            if spec.kind == "trace":
                if "scale" in opts:
                    opts["scale"] = r.quantity(opts["scale"], "mV", spec.where + ("scale",), "scale")
                if "mask_spikes" in opts:
                    opts["mask_spikes"] = r.bounds(opts["mask_spikes"], "s", spec.where + ("mask_spikes",),
                                                   "mask_spikes")
            obj = OBJECTIVES[spec.kind](**opts)
        except TypeError as exc:
            raise r.error(spec.where, f"objective {spec.kind!r}: {exc}") from None
        n = seen.get(obj.name, 0)
        seen[obj.name] = n + 1
        if n:
            obj.name = f"{obj.name}{n + 1}"
        terms.append((obj, spec.weight))
    return WeightedSum(terms)
