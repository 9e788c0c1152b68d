"""Every format neo reads (Spike2, WinWCP, Intan, Axograph, Igor .pxp...) -> a recording Dataset.

neo (the ``neo`` extra) reads a file into blocks of segments of analog signals; here each
segment is a sweep, the channels whose units are a voltage give ``membrane_potential`` and
those in a current unit ``stimulus_current``. Units are converted with :mod:`neurokit.units`.

Readers that unpickle (neo's ``PickleIO``) are never used: a recording is data, and reading a
pickle runs code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np
import xarray as xr

from neurokit.errors import NeurokitError, RecordingError, UnitError
from neurokit.io._common import existing_path, recording_dataset, to_canonical
from neurokit.units import same_dimensions

# neo IOs never used: PickleIO unpickles (runs code from the file); ExampleIO makes up data.
REFUSED_IOS = frozenset({"PickleIO", "ExampleIO"})


@dataclass(frozen=True)
class Channel:
    """One analog channel of one segment, as neo gives it."""

    name: str
    unit: str
    interval_s: float
    values: np.ndarray

    @property
    def kind(self) -> str | None:
        """``"voltage"``, ``"current"`` or None (another quantity, or a unit we do not know)."""
        try:
            if same_dimensions(self.unit, "mV"):
                return "voltage"
            if same_dimensions(self.unit, "nA"):
                return "current"
        except UnitError:
            return None
        return None

    def describe(self) -> str:
        return f"{self.name!r} ({self.unit})"


def _neo_io():
    try:
        import neo.io
    except ImportError:
        raise RecordingError("reading this format needs neo: pip install 'neurokit[neo]'") from None
    return neo.io


def readable_ios() -> list[type]:
    """neo's reader classes that neurokit uses (all neo reads, less :data:`REFUSED_IOS`)."""
    return [cls for cls in _neo_io().iolist
            if getattr(cls, "is_readable", False) and cls.__name__ not in REFUSED_IOS]


def neo_suffixes() -> tuple[str, ...]:
    """File suffixes (``".smr"``, ``".wcp"``...) some neo reader claims, lower case."""
    return tuple(sorted({f".{ext.lower()}" for cls in readable_ios()
                         for ext in cls.extensions if ext}))


def _io_classes(path: Path, io: str | None) -> list[type]:
    if io is not None:
        if io in REFUSED_IOS:
            raise RecordingError(f"{path}: neo's {io} is refused: it unpickles, or makes up data")
        chosen = [cls for cls in readable_ios() if cls.__name__ == io]
        if not chosen:
            raise RecordingError(f"{path}: no neo reader named {io!r}; known: "
                                 + ", ".join(sorted({c.__name__ for c in readable_ios()})))
        return chosen[:1]
    suffix = path.suffix.lower().lstrip(".")
    chosen = [cls for cls in readable_ios() if suffix in {e.lower() for e in cls.extensions}]
    if not chosen:
        raise RecordingError(f"{path}: no neo reader for {path.suffix or '(no suffix)'!r}")
    return chosen


def _read_blocks(path: Path, io: str | None, io_options: Mapping) -> tuple[list, str]:
    """neo's blocks from the first reader that reads the file, and that reader's name."""
    failures = []
    for cls in _io_classes(path, io):
        try:
            return cls(str(path), **io_options).read(lazy=False), cls.__name__
        except NeurokitError:
            raise
        # neo's readers raise whatever their parsers raise on a damaged or foreign file (struct,
        # numpy, KeyError, OSError...); each is reported with the file, never as a traceback.
        except Exception as exc:  # noqa: BLE001
            text = str(exc)
            text = text if len(text) <= 200 else text[:197] + "..."  # neo may quote a whole header
            failures.append(f"{cls.__name__}: {type(exc).__name__}: {text!r}")
    raise RecordingError(f"{path}: neo cannot read it ({'; '.join(failures)})")


def _channels(segment) -> list[Channel]:
    out = []
    for sig in segment.analogsignals:
        unit = sig.units.dimensionality.string
        unit = "1" if unit == "dimensionless" else unit
        names = sig.array_annotations.get("channel_names") if sig.array_annotations else None
        interval = float(sig.sampling_period.rescale("s").magnitude)
        values = np.asarray(sig.magnitude, dtype=float).reshape(sig.shape[0], -1)
        for j in range(values.shape[1]):
            if names is not None and j < len(names) and str(names[j]):
                name = str(names[j])
            else:
                name = str(sig.name or "signal") + (f"[{j}]" if values.shape[1] > 1 else "")
            out.append(Channel(name, unit, interval, values[:, j]))
    return out


def _pick(channels: list[Channel], want: str | int | None, kind: str, path: Path) -> int | None:
    """Index of the channel of ``kind`` named or numbered by ``want`` (default: the first)."""
    listing = ", ".join(c.describe() for c in channels) or "none"
    if want is None:
        found = [k for k, c in enumerate(channels) if c.kind == kind]
        return found[0] if found else None
    if isinstance(want, int) and not isinstance(want, bool):
        k = want if 0 <= want < len(channels) else None
    else:
        names = [c.name for c in channels]
        k = names.index(str(want)) if str(want) in names else None
    if k is None:
        raise RecordingError(f"{path}: no channel {want!r}; channels: {listing}")
    if channels[k].kind != kind:
        raise RecordingError(f"{path}: channel {channels[k].describe()} is not a {kind}")
    return k


def read_neo(
    path: str | os.PathLike,
    *,
    io: str | None = None,
    io_options: Mapping | None = None,
    voltage: str | int | None = None,
    current: str | int | bool | None = None,
    block: int = 0,
) -> xr.Dataset:
    """Read a recording through neo into a Dataset of neurokit's format.

    Parameters
    ----------
    path : path
        A file (or folder, for neo's folder formats) neo reads.
    io : str, optional
        Name of the neo reader (``"WinWcpIO"``, ``"Spike2IO"``, ``"NWBIO"``...); default:
        the readers claiming the suffix, tried in neo's order.
    io_options : mapping, optional
        Keyword arguments of the reader's constructor (``sampling_rate=`` for raw binary...).
    voltage : str or int, optional
        The voltage channel, by name or by index in the segment's channel list; default: the
        first channel in a voltage unit.
    current : str, int or bool, optional
        The current channel likewise; default: the first channel in a current unit, which must
        exist. ``False``: the caller needs no current (none is read).
    block : int
        Which of the file's blocks to read.

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV), ``stimulus_current`` (nA) unless ``current=False``, over
        (``sweep``, ``time``), a sweep per neo segment; time in s from each segment's start
        (``sweep_start_s`` holds the starts). Attrs ``neo_io``, ``voltage_channel``,
        ``current_channel`` and ``units_as_read`` say what was read.

    Raises
    ------
    RecordingError
        Naming the file: neo cannot read it, no segments, no voltage channel, no current
        channel (listing the channels found) unless ``current=False``, segments of different
        lengths or sampling rates.
    """
    path = existing_path(path)
    blocks, io_name = _read_blocks(path, io, dict(io_options or {}))
    if not 0 <= block < len(blocks):
        raise RecordingError(f"{path}: block {block} asked for, neo found {len(blocks)}")
    segments = [seg for seg in blocks[block].segments if seg.analogsignals]
    if not segments:
        raise RecordingError(f"{path}: neo ({io_name}) found no segment with analog signals")
    first = _channels(segments[0])
    listing = ", ".join(c.describe() for c in first) or "none"
    iv = _pick(first, voltage, "voltage", path)
    if iv is None:
        raise RecordingError(f"{path}: neo ({io_name}) found no voltage channel; channels: {listing}")
    ic = None
    if current is not False:
        ic = _pick(first, None if current is True else current, "current", path)
        if ic is None:
            raise RecordingError(f"{path}: neo ({io_name}) found no current channel; channels: "
                                 f"{listing}. Pass current=False if the recording needs none")
    volts, amps, starts = [], [], []
    for k, seg in enumerate(segments):
        chans = _channels(seg) if k else first
        if len(chans) != len(first):
            raise RecordingError(f"{path}: segment {k} has {len(chans)} channels, "
                                 f"segment 0 has {len(first)}")
        for idx, out in ((iv, volts), (ic, amps)):
            if idx is None:
                continue
            ch = chans[idx]
            if ch.values.size != first[iv].values.size or not np.isclose(
                    ch.interval_s, first[iv].interval_s, rtol=1e-6):
                raise RecordingError(
                    f"{path}: segment {k} channel {ch.describe()} has {ch.values.size} samples "
                    f"every {ch.interval_s} s; segment 0 voltage has {first[iv].values.size} "
                    f"every {first[iv].interval_s} s")
            canonical = "mV" if idx == iv else "nA"
            out.append(to_canonical(ch.values, ch.unit, canonical, source=path,
                                    what=f"segment {k} channel {ch.describe()}"))
        starts.append(float(seg.t_start.rescale("s").magnitude))
    chosen = [first[iv]] + ([first[ic]] if ic is not None else [])
    return recording_dataset(
        np.stack(volts), first[iv].interval_s, source_file=path, format="neo",
        current_nA=np.stack(amps) if amps else None, neo_io=io_name,
        voltage_channel=first[iv].name,
        current_channel=first[ic].name if ic is not None else None,
        units_as_read="; ".join(c.describe() for c in chosen),
        sweep_start_s=starts if any(starts) else None)
