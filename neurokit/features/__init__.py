"""Features of recordings and simulations: spikes, stimulus epochs, eFEL features, tables.

- :mod:`~neurokit.features.spikes`: the one spike detector (:class:`SpikeDetector`,
  :func:`detect_spikes`, :func:`spikes`, :func:`spike_count`).
- :mod:`~neurokit.features.epochs`: stimulus epochs, the default window, step amplitudes.
- :mod:`~neurokit.features.efel`: the eFEL adapter (settings per call, restored after).
- :mod:`~neurokit.features.table`: feature tables (:data:`FEATURES`), F-I curves, rheobase.
"""

from neurokit.features.efel import DEFAULT_EFEL_SETTINGS, efel_settings
from neurokit.features.epochs import default_window, step_amplitude, stimulus_epochs
from neurokit.features.spikes import (METHODS, REARM_MV, SPIKE_THRESHOLD_MV, SpikeDetector,
                                      as_detector, detect_spikes, spike_count, spike_level, spikes)
from neurokit.features.table import (FEATURES, SPIKE_TAIL_S, Feature, compute_features, fi_curve,
                                     rheobase)

__all__ = [
    "DEFAULT_EFEL_SETTINGS", "FEATURES", "Feature", "METHODS", "REARM_MV", "SPIKE_TAIL_S",
    "SPIKE_THRESHOLD_MV", "SpikeDetector", "as_detector", "compute_features", "default_window",
    "detect_spikes", "efel_settings", "fi_curve", "rheobase", "spike_count", "spike_level",
    "spikes", "step_amplitude", "stimulus_epochs",
]
