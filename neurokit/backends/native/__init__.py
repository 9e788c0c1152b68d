"""The native backend: neurokit's own generated C, CUDA and NumPy code."""

from neurokit.backends.native.simulator import NativeSimulator

__all__ = ["NativeSimulator"]
