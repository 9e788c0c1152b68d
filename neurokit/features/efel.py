"""The eFEL adapter: eFEL features of neurokit traces, with settings given per call.

eFEL keeps its settings in one process-wide object. neurokit never leaves settings there:
:func:`efel_settings` sets them for one block and restores whatever was there before, and
:func:`efel_means` (what :func:`neurokit.features.compute_features` calls) runs every eFEL
call inside it, so no call sees another's settings.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Sequence

import numpy as np

from neurokit.errors import ParameterError
from neurokit.features.spikes import SPIKE_THRESHOLD_MV

# Settings neurokit gives eFEL on every call (on top of eFEL's defaults): the same 0 mV
# threshold as the default spike detector; only spikes inside the window (the "dual" sweeps
# hold several steps); every ISI counts, the first one included.
DEFAULT_EFEL_SETTINGS = {"Threshold": SPIKE_THRESHOLD_MV, "strict_stiminterval": True,
                         "ignore_first_ISI": False}

# Keeps two threads from interleaving set-compute-restore sequences. The only module-level
# state, and it exists because eFEL's settings are global.
_EFEL_LOCK = threading.RLock()


@contextmanager
def efel_settings(**settings) -> Iterator[object]:
    """Run eFEL with ``settings`` (over eFEL's defaults and :data:`DEFAULT_EFEL_SETTINGS`),
    then put back whatever settings eFEL had before.

    Inside the block eFEL starts from its own defaults, so settings another caller left in the
    process do not leak in; after it, the previous settings are restored, so these do not leak
    out. Thread-safe (a lock serialises eFEL use).

    Raises
    ------
    ParameterError
        For a setting eFEL does not know or a value of the wrong type.

    Examples
    --------
    >>> import efel
    >>> with efel_settings(Threshold=-20.0):
    ...     efel.get_settings().Threshold
    -20.0
    """
    import efel

    known = set(vars(efel.Settings()))
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ParameterError(f"unknown eFEL setting(s) {unknown}; eFEL knows {sorted(known)}")
    with _EFEL_LOCK:
        current = efel.get_settings()
        saved = dict(vars(current))
        try:
            for name in set(vars(current)) - known:  # settings added by other callers
                delattr(current, name)
            current.reset_to_default()
            for name, value in {**DEFAULT_EFEL_SETTINGS, **settings}.items():
                try:
                    current.set_setting(name, value)
                except (TypeError, ValueError) as exc:
                    raise ParameterError(f"eFEL setting {name}={value!r}: {exc}") from None
            yield current
        finally:
            # efel.reset() inside the block would have replaced the settings object: restore
            # both the object we changed and the one eFEL now uses.
            for obj in {id(current): current, id(efel.get_settings()): efel.get_settings()}.values():
                for name in list(vars(obj)):
                    delattr(obj, name)
                for name, value in saved.items():
                    setattr(obj, name, value)


def check_names(names: Sequence[str]) -> None:
    """Raise :class:`ParameterError` naming any of ``names`` that eFEL does not compute."""
    import efel

    unknown = sorted(set(names) - set(efel.get_feature_names()))
    if unknown:
        raise ParameterError(f"unknown eFEL feature(s) {unknown}; see efel.get_feature_names()")


def efel_means(t_s: np.ndarray, rows: np.ndarray, window: tuple[float, float],
               amplitude_nA: np.ndarray, names: Sequence[str], settings: dict,
               thresholds_mV: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Mean of each eFEL feature over its values, per trace, in eFEL's units.

    Parameters
    ----------
    t_s : ndarray (time,)
        Sample times, s.
    rows : ndarray (trace, time)
        Membrane potential, mV; every row finite.
    window : (float, float)
        eFEL's stimulus interval, s.
    amplitude_nA : ndarray (trace,)
        Step amplitude per trace, nA (NaN: not given to eFEL).
    names : sequence of str
        eFEL feature names.
    settings : dict
        eFEL settings for these calls (see :func:`efel_settings`).
    thresholds_mV : ndarray (trace,), optional
        eFEL ``Threshold`` per trace (traces sharing one go to eFEL together); default the
        ``Threshold`` of ``settings``.

    Returns
    -------
    dict of str to ndarray (trace,)
        NaN where eFEL gives no finite value.
    """
    import efel

    start, end = window
    t_ms = t_s * 1e3
    out = {n: np.full(rows.shape[0], np.nan) for n in names}
    if thresholds_mV is None:
        thresholds_mV = np.full(rows.shape[0], float(settings.get("Threshold", SPIKE_THRESHOLD_MV)))
    groups: dict[float, list[int]] = {}
    for k, level in enumerate(np.asarray(thresholds_mV, dtype=float)):
        # a trace without a level has no spikes; any threshold serves
        groups.setdefault(round(float(level), 3) if np.isfinite(level) else SPIKE_THRESHOLD_MV,
                          []).append(k)
    for level, ks in groups.items():
        traces = []
        for k in ks:
            trace = {"T": t_ms, "V": rows[k], "stim_start": [start * 1e3], "stim_end": [end * 1e3]}
            if np.isfinite(amplitude_nA[k]):
                trace["stimulus_current"] = [float(amplitude_nA[k])]
            traces.append(trace)
        with efel_settings(**{**settings, "Threshold": level}):
            results = efel.get_feature_values(traces, list(names), raise_warnings=False)
        for k, res in zip(ks, results):
            for n in names:
                val = res.get(n)
                val = np.asarray([] if val is None else val, dtype=float)
                if np.isfinite(val).any():
                    out[n][k] = float(np.nanmean(val))
    return out
