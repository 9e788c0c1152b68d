"""Neurodata Without Borders intracellular (icephys) current-clamp recordings, via pynwb.

Each sweep is a ``CurrentClampSeries`` (the response) paired with a
``CurrentClampStimulusSeries`` (the injected current) in the file's intracellular-recordings
table, or, in files without that table, by ``sweep_number``. :func:`write_nwb` writes a
recording Dataset in that layout.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.errors import RecordingError, UnitError
from neurokit.io._common import existing_path, recording_dataset, to_canonical
from neurokit.units import parse_unit


def _si_unit(text: str) -> str:
    # NWB writes SI unit names in the plural ('volts', 'amperes'); Brian2 knows the singular.
    try:
        parse_unit(text)
        return text
    except UnitError:
        if text.endswith("s"):
            return text[:-1]
        raise


def _values(series, canonical: str, path, what: str) -> np.ndarray:
    try:
        unit = _si_unit(str(series.unit))
    except UnitError:
        unit = str(series.unit)
    # One factor (NWB's conversion times the unit change) so that values stored in mV with
    # conversion 1e-3 come back exactly.
    factor = float(series.conversion) * float(to_canonical(1.0, unit, canonical,
                                                           what=f"{what} {series.name}", source=path))
    offset = float(getattr(series, "offset", 0.0) or 0.0)
    out = np.asarray(series.data[:], dtype=float) * factor
    if offset:
        out += float(to_canonical(offset, unit, canonical, what=f"{what} offset", source=path))
    return out


def _timing(series, path) -> tuple[float, float, np.ndarray | None]:
    """(sampling interval s, start s, timestamps s or None where the series has a rate)."""
    if series.rate is not None:
        return 1.0 / float(series.rate), float(series.starting_time or 0.0), None
    t = np.asarray(series.timestamps[:], dtype=float)
    dt = np.diff(t)
    if t.size < 2 or np.max(np.abs(dt - np.median(dt))) > 1e-3 * np.median(dt):
        raise RecordingError(f"{path}: {series.name} is not evenly sampled")
    return float(np.median(dt)), float(t[0]), t


def _pairs(nwb, path) -> list[tuple[object, object | None]]:
    """(response, stimulus) series per sweep, in order."""
    from pynwb.icephys import CurrentClampSeries, CurrentClampStimulusSeries

    table = getattr(nwb, "intracellular_recordings", None)
    pairs = []
    if table is not None and len(table) > 0:
        responses = table["responses"]["response"]
        stimuli = table["stimuli"]["stimulus"]
        for i in range(len(table)):
            response = responses[i][2]
            stimulus = stimuli[i][2] if stimuli[i][2] is not None else None
            if isinstance(response, CurrentClampSeries):
                pairs.append((response, stimulus))
        return pairs
    responses = [s for s in nwb.acquisition.values() if isinstance(s, CurrentClampSeries)]
    stimuli = {s.sweep_number: s for s in nwb.stimulus.values()
               if isinstance(s, CurrentClampStimulusSeries)}
    for r in responses:
        if stimuli and r.sweep_number not in stimuli:
            raise RecordingError(f"{path}: sweep {r.sweep_number}: response {r.name} has no stimulus")
        pairs.append((r, stimuli.get(r.sweep_number)))
    return pairs


def read_nwb(path: str | os.PathLike) -> xr.Dataset:
    """Read the current-clamp sweeps of an NWB file into a recording Dataset.

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV) and, where the file has stimulus series,
        ``stimulus_current`` (nA) over (``sweep``, ``time``); time in s from each sweep's start.

    Raises
    ------
    RecordingError
        If the file cannot be read, holds no current-clamp series, or its sweeps differ in
        length or sampling.
    """
    from pynwb import NWBHDF5IO

    path = existing_path(path)
    try:
        with NWBHDF5IO(str(path), "r") as nwbio:
            nwb = nwbio.read()
            pairs = _pairs(nwb, path)
            if not pairs:
                raise RecordingError(f"{path}: no CurrentClampSeries in the file")
            volts, amps, numbers, timing = [], [], [], None
            for response, stimulus in pairs:
                numbers.append(int(response.sweep_number) if response.sweep_number is not None
                               else len(numbers))
                this = _timing(response, path)
                timing = timing or this
                v = _values(response, "mV", path, "response")
                if volts and (v.size != volts[0].size or not np.isclose(this[0], timing[0])):
                    raise RecordingError(f"{path}: sweep {numbers[-1]} ({response.name}) differs "
                                         "in length or sampling from the first sweep")
                volts.append(v)
                if stimulus is not None:
                    c = _values(stimulus, "nA", path, "stimulus")
                    if c.size != v.size:
                        raise RecordingError(f"{path}: sweep {numbers[-1]}: stimulus "
                                             f"{stimulus.name} has {c.size} samples, response {v.size}")
                    amps.append(c)
            if amps and len(amps) != len(volts):
                raise RecordingError(f"{path}: some sweeps have a stimulus series and some do not")
            description = str(pairs[0][0].stimulus_description or "")
            first_r, first_s = pairs[0]
            units_read = f"membrane_potential: {first_r.unit} x {first_r.conversion}" + (
                f"; stimulus_current: {first_s.unit} x {first_s.conversion}" if first_s is not None else "")
            identifier, start = str(nwb.identifier), str(nwb.session_start_time)
    except RecordingError:
        raise
    except Exception as exc:  # h5py/hdmf raise OSError, KeyError, ValueError... on bad files
        raise RecordingError(f"{path}: cannot read NWB file ({type(exc).__name__}: {exc})") from None
    return recording_dataset(
        np.stack(volts), timing[0], start_s=timing[1], time_s=timing[2], source_file=path,
        format="nwb",
        current_nA=np.stack(amps) if amps else None, source_sweeps=numbers,
        protocol_name=description, nwb_identifier=identifier, recording_start=start,
        units_as_read=units_read,
        stimulus_source="CurrentClampStimulusSeries" if amps else None)


def write_nwb(ds: xr.Dataset, path: str | os.PathLike, *, description: str = "") -> Path:
    """Write a recording Dataset as an NWB icephys file (one current-clamp sweep per sweep).

    Values are stored in the dataset's units (mV, nA) with NWB's ``conversion`` factors to the
    SI units NWB requires, so nothing is rounded. The file is written to a temporary name and
    renamed, so a failure leaves no partial file.

    Parameters
    ----------
    ds : xarray.Dataset
        Recording with ``membrane_potential`` (mV) over (``sweep``, ``time``) and optionally
        ``stimulus_current`` (nA).
    path : path
        Output ``.nwb`` file.
    """
    from pynwb import NWBHDF5IO, NWBFile
    from pynwb.icephys import CurrentClampSeries, CurrentClampStimulusSeries

    from neurokit import schema
    from neurokit.files import atomic_path

    schema.assert_conforms(ds)
    path = Path(path)
    v = ds["membrane_potential"].transpose("sweep", "time")
    c = ds["stimulus_current"].transpose("sweep", "time") if "stimulus_current" in ds else None
    t = ds["time"].values
    interval = float(ds.attrs.get("sampling_interval_s", (t[-1] - t[0]) / max(t.size - 1, 1)))
    # A rate where the time coord is a regular grid; the times themselves where it is not
    # (text files list their own, slightly uneven, times).
    regular = np.allclose(t, t[0] + interval * np.arange(t.size), rtol=0, atol=1e-9)
    timing = ({"rate": 1.0 / interval, "starting_time": float(t[0])} if regular
              else {"timestamps": t})
    to_volt = float(parse_unit(v.attrs["units"]) / parse_unit("volt"))
    to_amp = float(parse_unit(c.attrs["units"]) / parse_unit("amp")) if c is not None else None
    nwb = NWBFile(session_description=description or str(ds.attrs.get("source_file", "neurokit")),
                  identifier=str(uuid.uuid4()), session_start_time=datetime.now(timezone.utc))
    device = nwb.create_device(name="amplifier")
    electrode = nwb.create_icephys_electrode(name="electrode", description="whole-cell",
                                             device=device)
    numbers = ds["source_sweep"].values if "source_sweep" in ds.coords else ds["sweep"].values
    for k in range(v.sizes["sweep"]):
        number = np.uint32(numbers[k])  # NWB stores sweep numbers as uint32
        response = CurrentClampSeries(
            name=f"response_{k:03d}", data=v.values[k], electrode=electrode, **timing,
            conversion=to_volt, sweep_number=number, stimulus_description=description or "N/A")
        stimulus = None
        if c is not None:
            stimulus = CurrentClampStimulusSeries(
                name=f"stimulus_{k:03d}", data=c.values[k], electrode=electrode, **timing,
                conversion=to_amp, sweep_number=number, stimulus_description=description or "N/A")
        nwb.add_intracellular_recording(electrode=electrode, response=response, stimulus=stimulus)
    with atomic_path(path) as tmp:
        with NWBHDF5IO(str(tmp), "w") as nwbio:
            nwbio.write(nwb)
    return path
