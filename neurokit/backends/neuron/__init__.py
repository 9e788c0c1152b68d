"""The NEURON backend: compartmental cells through NEURON, isolated per worker process."""

from neurokit.backends.neuron.runner import NeuronSimulator

__all__ = ["NeuronSimulator"]
