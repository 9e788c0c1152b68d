"""Features of recordings and simulations: spikes, stimulus epochs, eFEL features, tables."""

from neurokit.features.core import *  # noqa: F401,F403  (split into spikes/epochs/efel/table next)
