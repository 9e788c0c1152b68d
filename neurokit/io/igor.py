"""Igor Pro binary waves (``.ibw``), read with igor2: one wave per channel per sweep.

A recording is either a folder of waves or explicit lists of voltage and current files. Files
of one channel share a name apart from the sweep number, the last number in the name:
``B6_Ch3_IDRest_181.ibw`` is sweep 181 of channel ``B6_Ch3_IDRest_``. Voltage and current
waves are matched by sweep number.

Many acquisition programs leave the waves' unit fields empty. Units then default to mV for
voltage, pA for current and s for the x scaling (the layout of the shipped BluePyEfe waves),
override them with ``voltage_unit=``/``current_unit=``; the dataset's ``units_assumed`` attr
says which were assumed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import xarray as xr

from neurokit.errors import RecordingError, UnitError
from neurokit.io._common import existing_path, recording_dataset, to_canonical
from neurokit.units import same_dimensions

_LAST_NUMBER = re.compile(r"(\d+)(?!.*\d)")
DEFAULT_UNITS = {"voltage": "mV", "current": "pA", "time": "s"}


@dataclass(frozen=True)
class Wave:
    """One loaded wave: samples, x step and units as stored (``""`` where the file has none)."""

    path: Path
    data: np.ndarray
    step: float
    offset: float
    data_unit: str
    x_unit: str


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1").strip("\x00 ").strip()
    if isinstance(value, np.ndarray):
        return "".join(_text(v) for v in value.ravel())
    return str(value or "").strip()


def load_wave(path: str | os.PathLike) -> Wave:
    """Load one ``.ibw`` wave with igor2; :class:`RecordingError` naming the file if it fails."""
    from igor2 import binarywave

    path = existing_path(path)
    try:
        wave = binarywave.load(str(path))["wave"]
        header = wave["wave_header"]
        data = np.asarray(wave["wData"], dtype=float)
        step = float(header["sfA"][0]) if "sfA" in header else float(header["hsA"])
        offset = float(header["sfB"][0]) if "sfB" in header else float(header["hsB"])
        # Version 5 waves keep units in data_units/dimension_units (long form) or in the header
        # (short form); version 2 waves in dataUnits/xUnits.
        data_unit = _text(wave.get("data_units")) or _text(header.get("dataUnits", b""))
        x_unit = _text(wave.get("dimension_units"))
        if not x_unit and "dimUnits" in header:
            x_unit = _text(np.asarray(header["dimUnits"])[0])
        x_unit = x_unit or _text(header.get("xUnits", b""))
    except Exception as exc:  # igor2 raises struct.error, ValueError, KeyError... on bad files
        raise RecordingError(f"{path}: cannot read Igor wave ({type(exc).__name__}: {exc})") from None
    if data.ndim != 1:
        raise RecordingError(f"{path}: expected a 1-D wave, got shape {data.shape}")
    if not step > 0:
        raise RecordingError(f"{path}: x step {step!r} is not positive")
    return Wave(path, data, step, offset, data_unit, x_unit)


def sweep_number(path: str | os.PathLike) -> int:
    """The sweep number of a wave file: the last number in its name."""
    match = _LAST_NUMBER.search(Path(path).stem)
    if match is None:
        raise RecordingError(f"{path}: no sweep number in the file name")
    return int(match.group(1))


def _channel_label(path: Path) -> str:
    stem = path.stem
    match = _LAST_NUMBER.search(stem)
    return stem[: match.start()] + stem[match.end():] if match else stem


def _by_sweep(files: Sequence, what: str) -> dict[int, Path]:
    out: dict[int, Path] = {}
    for f in files:
        f = existing_path(f)
        k = sweep_number(f)
        if k in out:
            raise RecordingError(f"sweep {k}: two {what} files, {out[k]} and {f}")
        out[k] = f
    if not out:
        raise RecordingError(f"no {what} files given")
    return out


def _unit(wave: Wave, given: str | None, kind: str, assumed: set, read: set) -> str:
    if given:
        unit = given
    elif wave.data_unit:
        unit = wave.data_unit
    else:
        unit = DEFAULT_UNITS[kind]
        assumed.add(f"{kind}: {unit}")
    read.add(f"{kind}: {unit}")
    return unit


def read_igor(
    voltage: Sequence[str | os.PathLike],
    current: Sequence[str | os.PathLike] | None = None,
    *,
    voltage_unit: str | None = None,
    current_unit: str | None = None,
    time_unit: str | None = None,
    source: str | os.PathLike | None = None,
) -> xr.Dataset:
    """Read per-sweep voltage (and current) waves into a recording Dataset.

    Parameters
    ----------
    voltage : sequence of path
        One membrane-potential wave per sweep.
    current : sequence of path, optional
        One injected-current wave per sweep (the recorded current), matched by sweep number.
    voltage_unit, current_unit, time_unit : str, optional
        Units of the waves' values and x scaling where the files do not state them (default mV,
        pA and s).
    source : path, optional
        What to name as ``source_file`` (default: the first voltage file's folder).

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV) and, with ``current``, ``stimulus_current`` (nA) over
        (``sweep``, ``time``), in order of sweep number (the ``source_sweep`` coord).

    Raises
    ------
    RecordingError
        If a sweep has a voltage wave but no current wave (or the reverse), if waves of one
        sweep differ in length or step, or if sweeps differ in length or step.
    """
    v_files = _by_sweep(voltage, "voltage")
    c_files = _by_sweep(current, "current") if current is not None else None
    if c_files is not None:
        for k in sorted(set(v_files) ^ set(c_files)):
            have, lack = ("voltage", "current") if k in v_files else ("current", "voltage")
            f = v_files.get(k) or c_files.get(k)
            raise RecordingError(f"sweep {k}: {have} wave {f} has no matching {lack} wave")
    sweeps = sorted(v_files)
    assumed: set[str] = set()
    read_units: set[str] = set()
    volts, amps, first = [], [], None
    for k in sweeps:
        wv = load_wave(v_files[k])
        first = first or wv
        if wv.data.size != first.data.size or not np.isclose(wv.step, first.step, rtol=1e-9):
            raise RecordingError(f"sweep {k}: {wv.path} has {wv.data.size} samples every {wv.step}, "
                                 f"sweep {sweeps[0]} {first.data.size} every {first.step}")
        volts.append(to_canonical(wv.data, _unit(wv, voltage_unit, "voltage", assumed, read_units), "mV",
                                  what=f"sweep {k} membrane potential", source=wv.path))
        if c_files is not None:
            wc = load_wave(c_files[k])
            if wc.data.size != wv.data.size or not np.isclose(wc.step, wv.step, rtol=1e-9):
                raise RecordingError(
                    f"sweep {k}: current wave {wc.path} ({wc.data.size} samples every {wc.step}) "
                    f"does not match voltage wave {wv.path} ({wv.data.size} every {wv.step})")
            amps.append(to_canonical(wc.data, _unit(wc, current_unit, "current", assumed, read_units), "nA",
                                     what=f"sweep {k} current", source=wc.path))
    t_unit = time_unit or first.x_unit
    if not t_unit:
        assumed.add(f"time: {DEFAULT_UNITS['time']}")
        t_unit = DEFAULT_UNITS["time"]
    read_units.add(f"time: {t_unit}")
    step_s = float(to_canonical(first.step, t_unit, "s", what="x scaling", source=first.path))
    start_s = float(to_canonical(first.offset, t_unit, "s", what="x offset", source=first.path))
    labels = sorted({_channel_label(p) for p in v_files.values()})
    attrs = {"voltage_waves": ", ".join(labels), "units_as_read": "; ".join(sorted(read_units))}
    if c_files is not None:
        attrs["current_waves"] = ", ".join(sorted({_channel_label(p) for p in c_files.values()}))
        attrs["stimulus_source"] = "recorded current channel"
    return recording_dataset(
        np.stack(volts), step_s, start_s=start_s, source_file=source or first.path.parent,
        format="igor", current_nA=np.stack(amps) if amps else None, source_sweeps=sweeps,
        units_assumed="; ".join(sorted(assumed)) or None, **attrs)


def _looks_like_membrane_potential(waves: Sequence[Path]) -> bool:
    # A resting cell sits between -100 and -20 mV; a current channel in pA (or a voltage in V)
    # has its median elsewhere. Used only when the files carry no units and the caller named
    # no channel.
    med = np.median(np.concatenate([load_wave(p).data for p in waves]))
    return bool(-100.0 <= med <= -20.0)


def read_igor_folder(
    folder: str | os.PathLike,
    *,
    voltage: str | None = None,
    current: str | None = None,
    **options,
) -> xr.Dataset:
    """Read a folder of per-sweep ``.ibw`` waves (one voltage and optionally one current channel).

    Parameters
    ----------
    folder : path
        Folder holding the waves.
    voltage, current : str, optional
        Text that the voltage (current) files' names contain, e.g. ``"_Ch3_"`` and ``"_Ch0_"``.
        Default: from the waves' units; failing that, with two channels, the channel whose
        values have a median between -100 and -20 (a resting potential in mV) is the voltage.
    **options
        ``voltage_unit``, ``current_unit``, ``time_unit``: see :func:`read_igor`.

    Raises
    ------
    RecordingError
        If the folder holds no waves, or the channels cannot be told apart.
    """
    folder = existing_path(folder)
    files = sorted(folder.glob("*.ibw"))
    if not files:
        raise RecordingError(f"{folder}: no .ibw files")
    if voltage is not None or current is not None:
        v = [f for f in files if voltage and voltage in f.name] if voltage else None
        c = [f for f in files if current and current in f.name] if current else None
        if voltage and not v:
            raise RecordingError(f"{folder}: no .ibw file name contains {voltage!r}")
        if current and not c:
            raise RecordingError(f"{folder}: no .ibw file name contains {current!r}")
        if v is None:
            v = [f for f in files if f not in set(c)]
        return read_igor(v, c, source=folder, **options)
    channels: dict[str, list[Path]] = {}
    for f in files:
        channels.setdefault(_channel_label(f), []).append(f)
    if len(channels) == 1:
        return read_igor(files, None, source=folder, **options)
    if len(channels) != 2:
        raise RecordingError(f"{folder}: {len(channels)} channels ({', '.join(channels)}); "
                             "pass voltage= and current= (text in the file names)")
    labels = list(channels)
    by_unit = []
    for label in labels:
        unit = load_wave(channels[label][0]).data_unit
        try:
            by_unit.append(bool(unit) and same_dimensions(unit, "mV"))
        except UnitError:
            by_unit.append(False)
    is_voltage = by_unit if sum(by_unit) == 1 else [_looks_like_membrane_potential(channels[lb])
                                                    for lb in labels]
    if sum(is_voltage) != 1:
        raise RecordingError(f"{folder}: cannot tell which of {labels} is the membrane potential; "
                             "pass voltage= and current= (text in the file names)")
    iv = is_voltage.index(True)
    ds = read_igor(channels[labels[iv]], channels[labels[1 - iv]], source=folder, **options)
    ds.attrs["channel_assignment"] = "by wave units" if sum(by_unit) == 1 else "by value range"
    return ds
