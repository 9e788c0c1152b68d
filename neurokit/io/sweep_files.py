"""A folder of per-sweep text files (columns or ATF) -> one recording, a sweep per file.

Files are taken in natural order (``sweep2`` before ``sweep10``); the sweep number the file
names (its last number) becomes the ``source_sweep`` coord, and ``sweep_files`` lists the
files. Every file must hold one sweep with the same sample times, and either all files carry a
current or none.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.errors import RecordingError
from neurokit.io._common import TEXT_SUFFIXES, existing_path, natural_key, recording_dataset

SWEEP_FILE_SUFFIXES = TEXT_SUFFIXES + (".atf",)
_LAST_NUMBER = re.compile(r"(\d+)(?!.*\d)")


def sweep_files(folder: str | os.PathLike) -> list[Path]:
    """The text and ATF files of ``folder`` in natural order (hidden files left out)."""
    folder = Path(folder)
    return sorted((p for p in folder.iterdir()
                   if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() in SWEEP_FILE_SUFFIXES),
                  key=lambda p: natural_key(p.name))


def _read_one(path: Path, options: dict) -> xr.Dataset:
    from neurokit.io.atf import is_atf, read_atf
    from neurokit.io.text import read_text

    return read_atf(path) if is_atf(path) else read_text(path, **options)


def read_text_folder(folder: str | os.PathLike, **options) -> xr.Dataset:
    """Read a folder of per-sweep text files as one recording.

    Parameters
    ----------
    folder : path
        Folder of ``.txt``/``.dat``/``.csv``/``.tsv``/``.asc``/``.atf`` files, one sweep each.
    **options
        Passed to :func:`neurokit.io.text.read_text` for each column file (``units=``,
        ``columns=``).

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV) and, where the files have it, ``stimulus_current`` (nA)
        over (``sweep``, ``time``); time in s, from the first file.

    Raises
    ------
    RecordingError
        If the folder holds no such files, or a file holds several sweeps, other sample times
        than the first, or a current where the first has none (or the reverse); the message
        names the file.
    """
    folder = existing_path(folder)
    files = sweep_files(folder)
    if not files:
        raise RecordingError(f"{folder}: no per-sweep text files "
                             f"({', '.join(SWEEP_FILE_SUFFIXES)})")
    sweeps = [_read_one(f, options) for f in files]
    first = sweeps[0]
    t = first["time"].values
    has_current = "stimulus_current" in first
    for f, ds in zip(files, sweeps):
        if ds.sizes["sweep"] != 1:
            raise RecordingError(f"{f}: holds {ds.sizes['sweep']} sweeps; each file of a "
                                 "per-sweep folder must hold one")
        other = ds["time"].values
        if other.size != t.size or not np.allclose(other, t, rtol=1e-9, atol=1e-12):
            raise RecordingError(f"{f}: {other.size} samples over {other[0]}-{other[-1]} s, "
                                 f"but {files[0].name} has {t.size} over {t[0]}-{t[-1]} s")
        if ("stimulus_current" in ds) != has_current:
            raise RecordingError(f"{f}: {'has no' if has_current else 'has a'} current column, "
                                 f"unlike {files[0].name}")
    numbers = [_LAST_NUMBER.search(f.stem) for f in files]
    source = ([int(m.group(1)) for m in numbers] if all(numbers) else None)
    if source is not None and len(set(source)) != len(source):
        source = None  # numbers that do not tell the sweeps apart are not sweep numbers
    volts = np.concatenate([ds["membrane_potential"].values for ds in sweeps])
    amps = (np.concatenate([ds["stimulus_current"].values for ds in sweeps])
            if has_current else None)
    return recording_dataset(
        volts, first.attrs["sampling_interval_s"], time_s=t, source_file=folder,
        format=f"{first.attrs['format']}-folder", current_nA=amps, source_sweeps=source,
        sweep_files=[f.name for f in files], units_as_read=first.attrs.get("units_as_read"),
        units_assumed=first.attrs.get("units_assumed"))
