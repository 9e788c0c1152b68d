"""Axon Binary Format (ABF1/ABF2) current-clamp recordings, read with pyabf.

The membrane potential is an ADC channel in mV; the stimulus current is the protocol's command
waveform (``abf.sweepC``, pA), which includes the pre-sweep holding period of 1/64 of the
sweep, so epoch times come from the data rather than from hard-coded numbers.
"""

from __future__ import annotations

import os

import numpy as np
import xarray as xr

from neurokit.errors import RecordingError, UnitError
from neurokit.io._common import existing_path, recording_dataset, to_canonical
from neurokit.units import same_dimensions

# First bytes of ABF2 and ABF1 files.
_SIGNATURES = (b"ABF2", b"ABF ")


def _open(path):
    """An opened pyabf.ABF, or RecordingError naming the file."""
    import pyabf

    with open(path, "rb") as fh:
        head = fh.read(4)
    if head not in _SIGNATURES:
        raise RecordingError(f"{path}: not an ABF file (starts with {head!r}, expected 'ABF2')")
    try:
        # Header first: pyabf reads the samples with np.fromfile, which returns a short array
        # for a file cut inside its data block, and then fails with a bare reshape error.
        header = pyabf.ABF(str(path), loadData=False)
        expected = header.dataByteStart + header.dataPointCount * header.dataPointByteSize
        size = os.path.getsize(path)
        if size < expected:
            raise RecordingError(f"{path}: truncated ABF file: {size} bytes, header promises {expected}")
        abf = pyabf.ABF(str(path))
    except RecordingError:
        raise
    except Exception as exc:  # pyabf raises struct.error, ValueError, IndexError... on bad files
        raise RecordingError(
            f"{path}: cannot read ABF file, truncated or corrupt ({type(exc).__name__}: {exc})"
        ) from None
    return abf


def _voltage_channel(abf, path, channel: int | None) -> int:
    units = list(abf.adcUnits)
    if channel is not None:
        if not 0 <= channel < abf.channelCount:
            raise RecordingError(f"{path}: channel {channel} out of range (file has {abf.channelCount})")
        return channel
    for ch, unit in enumerate(units):
        try:
            if same_dimensions(unit, "mV"):
                return ch
        except UnitError:
            continue
    raise RecordingError(
        f"{path}: no membrane-potential channel (ADC units {units}); voltage-clamp files are not "
        "supported, or pass channel=")


def read_abf(path: str | os.PathLike, channel: int | None = None) -> xr.Dataset:
    """Read a current-clamp ABF file into a recording Dataset.

    Parameters
    ----------
    path : path
        ``.abf`` file.
    channel : int, optional
        ADC channel holding the membrane potential. Default: the first channel in volt units.

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV) and ``stimulus_current`` (nA, the command waveform
        ``abf.sweepC``) over (``sweep``, ``time``); time in s from the start of each sweep.

    Raises
    ------
    RecordingNotFoundError
        If ``path`` does not exist.
    RecordingError
        If the file is not an ABF file, is truncated or corrupt, or has no voltage channel.
    """
    path = existing_path(path)
    abf = _open(path)
    ch = _voltage_channel(abf, path, channel)
    volts, amps = [], []
    try:
        for k in range(abf.sweepCount):
            abf.setSweep(k, channel=ch)
            # sweepY is a view into pyabf's data block that setSweep rebinds: copy it.
            volts.append(np.array(abf.sweepY, dtype=float))
            amps.append(np.array(abf.sweepC, dtype=float))
        unit_v, unit_c = abf.sweepUnitsY, abf.sweepUnitsC
    except Exception as exc:  # corrupt sweep tables surface only when a sweep is selected
        raise RecordingError(f"{path}: cannot read sweep {len(volts)}: {type(exc).__name__}: {exc}") from None
    lengths = {v.size for v in volts}
    if len(lengths) != 1:
        raise RecordingError(f"{path}: sweeps differ in length ({sorted(lengths)} samples); "
                             "variable-length (gap-free/event) ABF files are not supported")
    voltage = to_canonical(np.stack(volts), unit_v, "mV", what="membrane potential", source=path)
    current = to_canonical(np.stack(amps), unit_c, "nA", what="command current", source=path)
    return recording_dataset(
        voltage, 1.0 / abf.dataRate, source_file=path, format="abf", current_nA=current,
        source_sweeps=np.arange(abf.sweepCount),
        protocol_name=str(abf.protocol), abf_version=str(abf.abfVersionString),
        recording_start=str(abf.abfDateTime), channel=str(abf.adcNames[ch]),
        units_as_read=f"membrane_potential: {unit_v}; stimulus_current: {unit_c}",
        stimulus_source="command waveform (pyabf sweepC), including the holding period",
    )
