"""The Brian2 backend: point-neuron populations and networks through Brian2."""

from neurokit.backends.brian2.point import Brian2Simulator

__all__ = ["Brian2Simulator"]
