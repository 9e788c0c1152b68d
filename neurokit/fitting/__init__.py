"""Fitting: one engine for every granularity (see docs/fitting.md).

``load_fit_config`` reads a TOML fit file, :class:`Fitter` runs it (ask/tell optimisers, one
batch per ``simulate`` call, checkpoints every generation), :func:`write_report` writes the
results under ``fits/results/NAME/``.
"""

from neurokit.fitting.config import FitConfig, load_fit_config
from neurokit.fitting.fitter import Fitter, Progress
from neurokit.fitting.gamma import gamma_factor
from neurokit.fitting.report import write_report

__all__ = ["FitConfig", "Fitter", "Progress", "gamma_factor", "load_fit_config", "write_report"]
