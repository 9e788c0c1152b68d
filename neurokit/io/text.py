"""Plain-text columns: time, then membrane potential (and optionally current) per sweep.

Columns are separated by whitespace, commas, semicolons or tabs; lines starting with ``#`` are
comments. Optional header lines before the numbers name the columns and their units, either
in one line (``time (ms)  voltage (mV)  current (pA)``, brackets ``[ms]`` work too) or in two
(``time voltage current`` then ``ms mV pA``). A column is time, voltage or current by its name
(``t``/``time``; ``v``/``vm``/``voltage``/``membrane_potential``; ``i``/``current``/
``stimulus_current``) or, failing a name, by the dimension of its unit. Several voltage columns
are several sweeps, paired in order with the current columns.

The QSNMC 2007 competition layout, one unit per header line (``"s"``, ``"pA"``, ``"mV"``,
quotes included) and then the columns in that order, is read by the units' dimensions.

Without a header: column 1 is time, 2 voltage, 3 (if any) current, in ms, mV and pA unless
``units=`` says otherwise (the eFEL test-data layout); ``units_assumed`` then records it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import xarray as xr

from neurokit.errors import RecordingError, UnitError
from neurokit.io._common import even_interval, existing_path, recording_dataset, to_canonical
from neurokit.units import parse_unit, same_dimensions

DEFAULT_UNITS = {"time": "ms", "voltage": "mV", "current": "pA"}
_CANONICAL = {"time": "s", "voltage": "mV", "current": "nA"}
_NAMES = {
    "time": {"t", "time", "times", "time_s", "time_ms"},
    "voltage": {"v", "vm", "voltage", "membrane_potential", "potential", "v_m"},
    "current": {"i", "current", "stimulus_current", "i_inj", "iinj", "stimulus", "command"},
}
_SPLIT = re.compile(r"[,;\t ]+")
_WITH_UNIT = re.compile(r"^\s*([^\(\[]*?)\s*[\(\[]\s*([^\)\]]*)\s*[\)\]]\s*$")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _split(line: str) -> list[str]:
    return [tok for tok in _SPLIT.split(line.strip()) if tok]


def _split_header(line: str) -> list[str]:
    # Split on separators but keep "time (ms)" together: the unit in brackets belongs to its name.
    line = re.sub(r"\s*([\(\[])\s*", r"\1", line.strip())
    return [tok for tok in (t.strip("\"'") for t in _split(line)) if tok]


def _units_per_line(lines: list[str], ncols: int) -> list[str] | None:
    """The units of a header with one unit per line (the QSNMC layout), else None."""
    if len(lines) < ncols:
        return None
    units = []
    for line in lines[-ncols:]:
        tokens = _split_header(line)
        if len(tokens) != 1:
            return None
        try:
            parse_unit(tokens[0])
        except UnitError:
            return None
        units.append(tokens[0])
    return units


def _role(name: str, unit: str | None) -> str | None:
    key = name.strip().lower()
    for role, names in _NAMES.items():
        if key in names or any(key.startswith(n + "_") for n in names if len(n) > 1):
            return role
    if unit:
        for role, canonical in _CANONICAL.items():
            try:
                if same_dimensions(unit, canonical):
                    return role
            except UnitError:
                return None
    return None


def _parse_header(lines: list[str], ncols: int, path: Path) -> list[tuple[str, str | None]]:
    """(name, unit) per column from the header lines."""
    per_line = _units_per_line(lines, ncols)
    if per_line is not None:
        return [("", unit) for unit in per_line]
    if len(lines) >= 2:
        names, units = _split_header(lines[-2]), _split_header(lines[-1])
        if len(names) == len(units) == ncols:
            try:
                for u in units:
                    parse_unit(u)
                return list(zip(names, units))
            except UnitError:
                pass
    tokens = _split_header(lines[-1])
    if len(tokens) != ncols:
        raise RecordingError(f"{path}: header line {lines[-1]!r} names {len(tokens)} columns, "
                             f"the data has {ncols}")
    out = []
    for tok in tokens:
        m = _WITH_UNIT.match(tok)
        out.append((m.group(1), m.group(2)) if m else (tok, None))
    return out


def read_text(
    path: str | os.PathLike,
    *,
    units: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> xr.Dataset:
    """Read a text file of columns into a recording Dataset.

    Parameters
    ----------
    path : path
        Text file.
    units : sequence of str, optional
        Unit of each column, overriding the header (e.g. ``("ms", "mV")``). Without a header
        the defaults are ms, mV, pA.
    columns : sequence of str, optional
        Role of each column, ``"time"``, ``"voltage"``, ``"current"`` or ``"skip"``, overriding
        the header.

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV) over (``sweep``, ``time``) and ``stimulus_current`` (nA)
        when the file has current columns; time in s. The time column must be evenly spaced.

    Raises
    ------
    RecordingError
        If the file has no numbers, ragged rows, no time or voltage column, or uneven time.
    """
    path = existing_path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise RecordingError(f"{path}: cannot read: {exc}") from None
    header: list[str] = []
    rows: list[list[float]] = []
    for lineno, line in enumerate(text, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        tokens = _split(stripped)
        bad = [k for k, t in enumerate(tokens, 1) if not _is_number(t)]
        if bad:
            if rows:
                raise RecordingError(f"{path}, line {lineno}: not a number in column {bad[0]} "
                                     f"({tokens[bad[0] - 1]!r} in {stripped!r})")
            header.append(stripped)
            continue
        if rows and len(tokens) != len(rows[0]):
            raise RecordingError(f"{path}, line {lineno}: {len(tokens)} columns, "
                                 f"expected {len(rows[0])}")
        rows.append([float(t) for t in tokens])
    if len(rows) < 2:
        raise RecordingError(f"{path}: fewer than two rows of numbers")
    data = np.asarray(rows)
    ncols = data.shape[1]
    assumed: list[str] = []
    if header:
        spec = _parse_header(header, ncols, path)
    else:
        spec = [("time", None), ("voltage", None)] + [("current", None)] * (ncols - 2)
        if ncols > 3 and columns is None:
            raise RecordingError(f"{path}: {ncols} columns and no header; pass columns=")
    roles = list(columns) if columns is not None else [_role(n, u) for n, u in spec]
    unit_list = list(units) if units is not None else [u for _, u in spec]
    if len(roles) != ncols or len(unit_list) != ncols:
        raise RecordingError(f"{path}: {ncols} columns, but {len(roles)} roles and "
                             f"{len(unit_list)} units given")
    for i, (role, unit) in enumerate(zip(roles, unit_list)):
        if role not in ("time", "voltage", "current", "skip"):
            name = " ".join(x for x in (spec[i][0], f"[{spec[i][1]}]" if spec[i][1] else "") if x)
            raise RecordingError(f"{path}: column {i + 1} ({name!r}) is neither time, voltage "
                                 "nor current; pass columns=")
        if role != "skip" and not unit:
            unit_list[i] = DEFAULT_UNITS[role]
            assumed.append(f"column {i + 1} ({role}): {unit_list[i]}")
    if roles.count("time") != 1:
        raise RecordingError(f"{path}: expected one time column, found {roles.count('time')}")
    iv = [i for i, r in enumerate(roles) if r == "voltage"]
    ic = [i for i, r in enumerate(roles) if r == "current"]
    if not iv:
        raise RecordingError(f"{path}: no voltage column")
    if ic and len(ic) != len(iv):
        raise RecordingError(f"{path}: {len(iv)} voltage columns but {len(ic)} current columns")
    it = roles.index("time")
    t = to_canonical(data[:, it], unit_list[it], "s", what="time column", source=path)
    interval = even_interval(t, path)
    volts = np.stack([to_canonical(data[:, i], unit_list[i], "mV", what=f"column {i + 1}",
                                   source=path) for i in iv])
    amps = (np.stack([to_canonical(data[:, i], unit_list[i], "nA", what=f"column {i + 1}",
                                   source=path) for i in ic]) if ic else None)
    return recording_dataset(
        volts, interval, time_s=t, source_file=path, format="text", current_nA=amps,
        units_as_read="; ".join(f"{r}: {u}" for r, u in zip(roles, unit_list) if r != "skip"),
        units_assumed="; ".join(assumed) or None)
