"""Bad recordings: each raises a typed neurokit error that names the file (or sweep), never a
bare traceback from pyabf, igor2, pynwb or numpy, and leaves nothing half-written."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from neurokit.errors import RecordingError, RecordingNotFoundError, SchemaError
from neurokit.io import load_recording, write_nwb
from neurokit.io.igor import read_igor
from neurokit.io.text import read_text


@pytest.fixture(scope="module")
def abf_bytes(recordings_dir):
    with open(os.path.join(recordings_dir, "pyabf", "File_axon_5.abf"), "rb") as fh:
        return fh.read()


@pytest.mark.parametrize("name", ["gone.abf", "gone.nwb", "gone.ibw", "gone.txt", "gone_folder"])
def test_missing_file_names_the_path(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(RecordingNotFoundError, match=name) as info:
        load_recording(path)
    assert isinstance(info.value, FileNotFoundError)  # generic handlers still work


@pytest.mark.parametrize("size", [100, 2048, 4096, 8192, 183296, 365632])
def test_truncated_abf_is_a_recording_error_naming_the_file(tmp_path, abf_bytes, size):
    path = tmp_path / f"cut_{size}.abf"
    path.write_bytes(abf_bytes[:size])
    with pytest.raises(RecordingError, match=f"cut_{size}.abf.*(truncated|corrupt)"):
        load_recording(path)


def test_corrupt_abf_is_a_recording_error(tmp_path, abf_bytes):
    junk = tmp_path / "junk.abf"
    junk.write_bytes(b"not an abf at all" * 100)
    with pytest.raises(RecordingError, match="junk.abf.*not an ABF file"):
        load_recording(junk)
    scrambled = tmp_path / "scrambled.abf"
    rng = np.random.default_rng(0)
    scrambled.write_bytes(abf_bytes[:4] + rng.integers(0, 256, 20000, dtype=np.uint8).tobytes())
    with pytest.raises(RecordingError, match="scrambled.abf"):
        load_recording(scrambled)


def test_unknown_extension(tmp_path):
    path = tmp_path / "trace.xyz"
    path.write_text("1 2\n3 4\n")
    with pytest.raises(RecordingError, match=r"trace\.xyz.*unknown recording type '\.xyz'"):
        load_recording(path)


def _b6_files(recordings_dir):
    folder = os.path.join(recordings_dir, "bluepyefe", "B6")
    files = sorted(os.listdir(folder))
    return ([os.path.join(folder, f) for f in files if "_Ch3_" in f],
            [os.path.join(folder, f) for f in files if "_Ch0_" in f])


def test_igor_mismatched_sweep_sets_name_the_sweep(recordings_dir, tmp_path):
    volts, amps = _b6_files(recordings_dir)
    with pytest.raises(RecordingError, match="sweep 185: voltage wave .*185.ibw has no matching current"):
        read_igor(volts, amps[:-1])
    with pytest.raises(RecordingError, match="sweep 181: current wave .* no matching voltage"):
        read_igor(volts[1:], amps)
    # The same through a folder: drop one current wave.
    folder = tmp_path / "B6"
    shutil.copytree(os.path.dirname(volts[0]), folder)
    (folder / "B6_Ch0_IDRest_183.ibw").unlink()
    with pytest.raises(RecordingError, match="sweep 183"):
        load_recording(folder)


def test_corrupt_igor_wave_names_the_file(recordings_dir, tmp_path):
    volts, amps = _b6_files(recordings_dir)
    bad = tmp_path / "B6_Ch3_IDRest_181.ibw"
    with open(volts[0], "rb") as fh:
        bad.write_bytes(fh.read()[:300])
    with pytest.raises(RecordingError, match="B6_Ch3_IDRest_181.ibw"):
        read_igor([bad], amps[:1])


def test_igor_folder_without_waves(tmp_path):
    with pytest.raises(RecordingError, match="no .ibw files"):
        load_recording(tmp_path)


@pytest.mark.parametrize("content, message", [
    ("0 1\n1 2 3\n", "line 2: 3 columns"),
    ("0 -70\n1 -70\nabc def\n", "line 3: not a number"),
    ("time voltage\n", "fewer than two rows"),
    ("0 -70\n1 -70\n5 -70\n", "not evenly spaced"),
    ("t (ms), v (pA)\n0, 1\n1, 2\n", "column 2"),
])
def test_bad_text_files(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(RecordingError, match=message) as info:
        read_text(path)
    assert "bad.txt" in str(info.value)


def test_corrupt_nwb_is_a_recording_error(tmp_path):
    path = tmp_path / "broken.nwb"
    path.write_bytes(b"\x89HDF\r\n" + b"\0" * 500)
    with pytest.raises(RecordingError, match="broken.nwb"):
        load_recording(path)


def test_write_nwb_of_a_non_conforming_dataset_writes_nothing(recordings, tmp_path):
    bad = recordings["axon5"].isel(sweep=[0]).copy()
    bad["membrane_potential"].attrs["units"] = "furlong"
    with pytest.raises(SchemaError, match="furlong"):
        write_nwb(bad, tmp_path / "out.nwb")
    assert list(tmp_path.iterdir()) == []
