"""Parameter sweeps: a TOML file (:mod:`neurokit.config.sweep`) names a model, axes and a
protocol; :func:`run_sweep` runs it and returns one dataset."""

from neurokit.config.sweep import Axis, SweepSpec
from neurokit.sweep.run import load, run_sweep, write

__all__ = ["Axis", "SweepSpec", "load", "run_sweep", "write"]
