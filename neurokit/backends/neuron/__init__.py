"""The NEURON backend: compartmental cells through NEURON, isolated per worker process.

Modules: :mod:`.mechanisms` (nrnivmodl builds), :mod:`.build` (a CellModel in NEURON),
:mod:`.runner` (samples of one built cell), :mod:`.pool` (worker processes),
:mod:`.simulator` (the backend's :class:`NeuronSimulator`), :mod:`.geometry` (axon
replacement, segment rules), :mod:`.inspect` (:func:`inspect_cell`: the built cell as data).
"""

from neurokit.backends.neuron.inspect import inspect_cell
from neurokit.backends.neuron.simulator import NeuronSimulator

__all__ = ["NeuronSimulator", "inspect_cell"]
