"""Readers that turn recordings into datasets of neurokit's format (:mod:`neurokit.schema`).

:func:`load_recording` picks the reader from the file type:

=========================  ================================================  ==================
path                       reader                                            stimulus_current
=========================  ================================================  ==================
``*.abf``                  :func:`neurokit.io.abf.read_abf`                  command waveform
``*.nwb``                  :func:`neurokit.io.nwb.read_nwb`                  stimulus series
folder of ``*.ibw``        :func:`neurokit.io.igor.read_igor_folder`         recorded channel
``*.ibw``                  :func:`neurokit.io.igor.read_igor`                ``current=`` files
``*.atf``, text "ATF"      :func:`neurokit.io.atf.read_atf`                  current columns
``*.txt|dat|csv|tsv|asc``  :func:`neurokit.io.text.read_text`                current columns
folder of text/ATF files   :func:`neurokit.io.sweep_files.read_text_folder`  current columns
``*.nc|h5|netcdf``         :func:`neurokit.schema.load`                      as saved
other suffixes of neo      :func:`neurokit.io.neo.read_neo`                  current channel
=========================  ================================================  ==================

Every reader returns ``membrane_potential`` (mV) over (``sweep``, ``time``), time in s, and
provenance attrs (``source_file``, ``format``, ``sampling_interval_s``...), and raises
:class:`~neurokit.errors.RecordingNotFoundError` for a missing path and
:class:`~neurokit.errors.RecordingError` naming the file for one it cannot read.
"""

from __future__ import annotations

import os
from pathlib import Path

import xarray as xr

from neurokit.errors import NeurokitError, RecordingError
from neurokit.io._common import NETCDF_SUFFIXES, TEXT_SUFFIXES, existing_path

SUFFIXES = (".abf", ".nwb", ".ibw", ".atf") + TEXT_SUFFIXES + NETCDF_SUFFIXES

__all__ = ["load_recording", "write_nwb", "SUFFIXES"]


def load_recording(path: str | os.PathLike, **options) -> xr.Dataset:
    """Load a recording (file or folder) into a Dataset of neurokit's format.

    Parameters
    ----------
    path : path
        An ``.abf``, ``.nwb``, ``.ibw``, ``.atf``, text (``.txt``, ``.dat``, ``.csv``,
        ``.tsv``, ``.asc``) or netCDF file, a folder of ``.ibw`` waves or of per-sweep text
        files, or a file of any other format neo reads (``.smr``, ``.wcp``, ``.rhd``...).
    **options
        Passed to the reader: ``channel=`` (ABF); ``current=`` (a current ``.ibw`` file or
        list, for a single voltage ``.ibw``), ``voltage=``/``current=`` (text in the file names
        of a folder's waves), ``voltage_unit=``, ``current_unit=``, ``time_unit=`` (Igor);
        ``units=``, ``columns=`` (text, and each file of a text folder); ``io=``,
        ``io_options=``, ``voltage=``, ``current=`` (a channel, or ``False`` when no current
        is needed), ``block=`` (neo).

    Returns
    -------
    xarray.Dataset
        ``membrane_potential`` (mV), ``stimulus_current`` (nA) where known, over
        (``sweep``, ``time``); time coord in s.

    Raises
    ------
    RecordingNotFoundError
        If ``path`` does not exist.
    RecordingError
        If the type is unknown or the file cannot be read.

    Examples
    --------
    >>> ds = load_recording("data/recordings/pyabf/File_axon_5.abf")
    >>> ds["membrane_potential"].sizes["sweep"]
    9
    """
    path = existing_path(path)
    if path.is_dir():
        from neurokit.io.sweep_files import read_text_folder, sweep_files

        if sweep_files(path) and not any(path.glob("*.ibw")):
            return read_text_folder(path, **options)
        from neurokit.io.igor import read_igor_folder

        return read_igor_folder(path, **options)
    suffix = path.suffix.lower()
    if suffix == ".abf":
        from neurokit.io.abf import read_abf

        return read_abf(path, **options)
    if suffix == ".nwb":
        from neurokit.io.nwb import read_nwb

        return read_nwb(path, **options)
    if suffix == ".ibw":
        from neurokit.io.igor import read_igor

        current = options.pop("current", None)
        if isinstance(current, (str, os.PathLike)):
            current = [current]
        return read_igor([path], current, source=path, **options)
    if suffix == ".atf" or suffix in TEXT_SUFFIXES:
        from neurokit.io.atf import is_atf, read_atf

        if suffix == ".atf" or is_atf(path):
            return read_atf(path, **options)
        from neurokit.io.text import read_text

        return read_text(path, **options)
    if suffix in NETCDF_SUFFIXES:
        from neurokit import schema

        try:
            return schema.assert_conforms(schema.load(path))
        except NeurokitError:
            raise
        except (OSError, ValueError) as exc:  # h5py/xarray on a file that is not netCDF
            raise RecordingError(f"{path}: cannot read netCDF file ({exc})") from None
    from neurokit.io.neo import neo_suffixes, read_neo

    try:
        by_neo = neo_suffixes()
    except RecordingError:  # neo is not installed: only neurokit's own formats
        by_neo = ()
    if suffix and suffix in by_neo:
        return read_neo(path, **options)
    raise RecordingError(f"{path}: unknown recording type {suffix or '(no suffix)'!r}; "
                         f"known: {', '.join(SUFFIXES)}, a folder of .ibw waves or of "
                         "per-sweep text files"
                         + (f", or through neo: {', '.join(_shown(by_neo))}..." if by_neo else
                            " (more formats with neo: pip install 'neurokit[neo]')"))


def _shown(suffixes: tuple[str, ...]) -> list[str]:
    # neo's own list holds numbered suffixes (.1 ... .32 of Axona) and ours: too long to read.
    return [s for s in suffixes if s not in SUFFIXES and not s[1:].isdigit()]


def write_nwb(ds: xr.Dataset, path: str | os.PathLike, **kwargs) -> Path:
    """Write a recording Dataset as an NWB icephys file; see :func:`neurokit.io.nwb.write_nwb`."""
    from neurokit.io.nwb import write_nwb as _write

    return _write(ds, path, **kwargs)
