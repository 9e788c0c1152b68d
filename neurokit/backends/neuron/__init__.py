"""The NEURON backend: compartmental cells through NEURON, isolated per worker process.

Modules: :mod:`.mechanisms` (nrnivmodl builds), :mod:`.build` (a CellModel in NEURON),
:mod:`.runner` (samples of one built cell), :mod:`.pool` (worker processes),
:mod:`.simulator` (the backend's :class:`NeuronSimulator`).
"""

from neurokit.backends.neuron.simulator import NeuronSimulator

__all__ = ["NeuronSimulator"]
