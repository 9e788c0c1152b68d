"""The Brian2 backend: point-neuron populations and networks through Brian2.

Modules: :mod:`~neurokit.backends.brian2.session` (Brian2's preferences and device, held for
one call; standalone builds), :mod:`~neurokit.backends.brian2.point` (point-model batches),
:mod:`~neurokit.backends.brian2.network` and :mod:`~neurokit.backends.brian2.builder`
(networks), :mod:`~neurokit.backends.brian2.simulator` (the simulator). Brian2 is imported
when a simulation runs, not with this package.
"""

from neurokit.backends.brian2.simulator import Brian2Simulator

__all__ = ["Brian2Simulator"]
