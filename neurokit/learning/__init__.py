"""Unsupervised local learning on data, batched over hyperparameter sets (``sample``).

- :mod:`~neurokit.learning.rules`: Oja, Sanger, winner-take-all, BCM, Krotov-Hopfield (NumPy
  reference); :mod:`~neurokit.learning.kernels`: the same rules as generated C.
- :mod:`~neurokit.learning.stdp`: a spiking WTA network with STDP (Diehl & Cook 2015, simplified).
- :mod:`~neurokit.learning.train`: :func:`train` -> xarray dataset of weights and curves.
- :mod:`~neurokit.learning.data`: digits, natural-image patches, MNIST on request.
- :mod:`~neurokit.learning.readout`: learned features and a linear readout's accuracy.
- :mod:`~neurokit.learning.run`: a learn file from data to results folder.
"""

from neurokit.learning.data import LearnData, load
from neurokit.learning.train import ALL_RULES, train

__all__ = ["ALL_RULES", "LearnData", "load", "train"]
