"""Axon Text Files (ATF 1.0, as Clampfit exports them) -> a recording Dataset.

The layout::

    ATF	1.0
    3	3                                   <- header records, data columns
    "AcquisitionMode=Episodic Stimulation"
    "Protocol=C:\\pclamp\\steps.pro"
    "SweepStartTimesMS=0.000,1000.000"
    "Time (s)"	"Trace #1 (mV)"	"Trace #2 (mV)"
    0	-65.1	-64.9
    ...

Fields are separated by tabs (commas and spaces are accepted too). Each column title ends in
its unit in brackets; a column is time, voltage or current by the dimension of that unit.
Voltage columns are sweeps, paired in order with the current columns; further time columns
must repeat the first; columns of other quantities are skipped (``columns_skipped`` says).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.errors import RecordingError, UnitError
from neurokit.io._common import even_interval, existing_path, recording_dataset, to_canonical
from neurokit.units import same_dimensions

_QUOTED = re.compile(r'"([^"]*)"')
_FIELDS = re.compile(r"[\t,]+|\s+")
_TITLE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_CANONICAL = {"time": "s", "voltage": "mV", "current": "nA"}


def is_atf(path: str | os.PathLike) -> bool:
    """True if the file starts with the ATF signature (``ATF`` then a version)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf").lstrip().upper().startswith(b"ATF")


def _fields(line: str) -> list[str]:
    return [f for f in _FIELDS.split(line.strip()) if f]


def _titles(line: str) -> list[str]:
    quoted = _QUOTED.findall(line)
    return quoted if quoted else [f.strip() for f in line.strip().split("\t") if f.strip()]


def _role(unit: str, where: str) -> str | None:
    try:
        for role, canonical in _CANONICAL.items():
            if same_dimensions(unit, canonical):
                return role
    except UnitError as exc:
        raise RecordingError(f"{where}: {exc}") from None
    return None


def _header(lines: list[str], path: Path) -> tuple[int, int, dict[str, str]]:
    """(number of header records, number of columns, the records as key -> value)."""
    if len(lines) < 3:
        raise RecordingError(f"{path}: an ATF file needs a signature, a counts line and titles")
    sig = _fields(lines[0].lstrip("\ufeff"))
    if not sig or sig[0].strip('"').upper() != "ATF":
        raise RecordingError(f"{path}, line 1: not an ATF file (expected 'ATF 1.0', "
                             f"found {lines[0][:40]!r})")
    counts = _fields(lines[1])
    try:
        n_records, n_columns = int(counts[0]), int(counts[1])
    except (IndexError, ValueError):
        raise RecordingError(f"{path}, line 2: expected two counts (header records, columns), "
                             f"found {lines[1]!r}") from None
    if n_records < 0 or n_columns < 2:
        raise RecordingError(f"{path}, line 2: {n_records} header records and {n_columns} "
                             "columns; an ATF recording needs at least time and one trace")
    if len(lines) < 3 + n_records:
        raise RecordingError(f"{path}: line 2 announces {n_records} header records but the "
                             f"file ends at line {len(lines)}")
    records = {}
    for line in lines[2:2 + n_records]:
        key, _, value = line.strip().strip('"').partition("=")
        records[key.strip()] = value.strip()
    return n_records, n_columns, records


def read_atf(path: str | os.PathLike) -> xr.Dataset:
    """Read an Axon Text File (ATF 1.0) into a recording Dataset.

    Parameters
    ----------
    path : path
        ``.atf`` file (or a text file starting with ``ATF``).

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV) over (``sweep``, ``time``), one sweep per voltage column;
        ``stimulus_current`` (nA) when the file has current columns; time in s. Attrs
        ``units_as_read`` and ``atf_header`` (the header records) keep what the file said.

    Raises
    ------
    RecordingError
        Naming the file, line and column, for a bad signature or counts line, a title without
        a known unit, a wrong number of fields, a field that is not a number, no voltage
        column, unpaired current columns or uneven time.
    """
    path = existing_path(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise RecordingError(f"{path}: cannot read: {exc}") from None
    n_records, n_columns, records = _header(lines, path)
    title_line = 3 + n_records  # 1-based line number of the column titles
    titles = _titles(lines[title_line - 1])
    if len(titles) != n_columns:
        raise RecordingError(f"{path}, line {title_line}: {len(titles)} column titles, "
                             f"line 2 announces {n_columns}")
    units, roles = [], []
    for col, title in enumerate(titles, 1):
        where = f"{path}, line {title_line}, column {col} ({title!r})"
        m = _TITLE.match(title)
        if not m:
            raise RecordingError(f"{where}: no unit in brackets, as in 'Trace #1 (mV)'")
        unit = m.group(2).strip().replace("\u00b5", "u")
        units.append(unit)
        roles.append(_role(unit, where))
    rows = []
    for lineno in range(title_line + 1, len(lines) + 1):
        fields = _fields(lines[lineno - 1])
        if not fields:
            continue
        if len(fields) != n_columns:
            raise RecordingError(f"{path}, line {lineno}: {len(fields)} fields, "
                                 f"expected {n_columns}")
        row = []
        for col, field in enumerate(fields, 1):
            try:
                row.append(float(field))
            except ValueError:
                raise RecordingError(f"{path}, line {lineno}, column {col}: not a number "
                                     f"{field!r}") from None
        rows.append(row)
    if len(rows) < 2:
        raise RecordingError(f"{path}: fewer than two rows of numbers")
    data = np.asarray(rows)
    it = [i for i, r in enumerate(roles) if r == "time"]
    iv = [i for i, r in enumerate(roles) if r == "voltage"]
    ic = [i for i, r in enumerate(roles) if r == "current"]
    if not it:
        raise RecordingError(f"{path}, line {title_line}: no time column among {titles}")
    if not iv:
        raise RecordingError(f"{path}, line {title_line}: no voltage column among {titles}")
    if ic and len(ic) != len(iv):
        raise RecordingError(f"{path}, line {title_line}: {len(iv)} voltage columns but "
                             f"{len(ic)} current columns")

    def column(i: int, canonical: str) -> np.ndarray:
        return to_canonical(data[:, i], units[i], canonical, source=path,
                            what=f"column {i + 1} ({titles[i]!r})")

    t = column(it[0], "s")
    for i in it[1:]:
        if not np.allclose(column(i, "s"), t, rtol=1e-9, atol=1e-12):
            raise RecordingError(f"{path}: column {i + 1} ({titles[i]!r}) differs from the "
                                 f"first time column")
    interval = even_interval(t, path, what=f"column {it[0] + 1} ({titles[it[0]]!r})")
    volts = np.stack([column(i, "mV") for i in iv])
    amps = np.stack([column(i, "nA") for i in ic]) if ic else None
    skipped = [titles[i] for i, r in enumerate(roles) if r is None]
    return recording_dataset(
        volts, interval, time_s=t, source_file=path, format="atf", current_nA=amps,
        protocol_name=records.get("Protocol") or None,
        units_as_read="; ".join(f"{titles[i]}: {units[i]}" for i in it[:1] + iv + ic),
        columns_skipped=skipped or None, atf_header=records or None)
