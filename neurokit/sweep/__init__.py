"""Parameter sweeps: a TOML file names a model, axes and a protocol; results are one dataset."""

from neurokit.sweep.spec import Axis, SweepSpec, load, run_sweep, write

__all__ = ["Axis", "SweepSpec", "load", "run_sweep", "write"]
