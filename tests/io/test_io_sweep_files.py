"""A folder of per-sweep text files read as one recording."""

from __future__ import annotations

import numpy as np
import pytest
from _writers import write_atf

from neurokit.errors import RecordingError
from neurokit.io import load_recording
from neurokit.io.sweep_files import read_text_folder

T = np.arange(200) * 1e-4


def _write_sweep(path, k, n=T.size, header='"s"\n"pA"\n"mV"\n'):
    t = np.arange(n) * 1e-4
    rows = "\n".join(f"{a:.4f} {10.0 * k:.1f} {-70.0 + k:.3f}" for a in t)
    path.write_text(header + rows + "\n")


def test_folder_of_sweep_files_in_natural_order(tmp_path):
    for k in (10, 2, 1, 3):  # written out of order; "sweep_10" sorts last, not after "sweep_1"
        _write_sweep(tmp_path / f"cell_sweep_{k}.txt", k)
    (tmp_path / ".hidden.txt").write_text("not a sweep")
    (tmp_path / "notes.md").write_text("ignored")
    ds = load_recording(tmp_path)
    assert ds.attrs["format"] == "text-folder"
    assert ds["source_sweep"].values.tolist() == [1, 2, 3, 10]
    np.testing.assert_allclose(ds["membrane_potential"].values[:, 0], [-69, -68, -67, -60])
    np.testing.assert_allclose(ds["stimulus_current"].values[:, 0], [0.01, 0.02, 0.03, 0.1])
    assert ds.attrs["sweep_files"] == ('["cell_sweep_1.txt", "cell_sweep_2.txt", '
                                       '"cell_sweep_3.txt", "cell_sweep_10.txt"]')
    np.testing.assert_allclose(ds["time"].values, T, atol=1e-12)


def test_folder_of_atf_sweeps(tmp_path):
    for k in range(2):
        write_atf(tmp_path / f"s{k}.atf", T, {"Trace #1 (mV)": T * 0 - 60 - k}, {})
    ds = read_text_folder(tmp_path)
    assert ds.attrs["format"] == "atf-folder" and "stimulus_current" not in ds
    assert ds["membrane_potential"].values[:, 0].tolist() == [-60.0, -61.0]


def test_folder_without_numbers_keeps_file_order(tmp_path):
    for name, k in (("b.txt", 1), ("a.txt", 2)):
        _write_sweep(tmp_path / name, k)
    ds = load_recording(tmp_path)
    assert "source_sweep" not in ds.coords
    assert ds["membrane_potential"].values[:, 0].tolist() == [-68.0, -69.0]


@pytest.mark.parametrize("bad, message", [
    (lambda p: _write_sweep(p, 2, n=150), "sweep_2.txt: 150 samples"),
    (lambda p: _write_sweep(p, 2, header='"s"\n"mV"\n"mV"\n'), "sweep_2.txt: holds 2 sweeps"),
    (lambda p: p.write_text("t v\ns mV\n" + "".join(f"{a:.4f} -70\n" for a in T)),
     "sweep_2.txt: has no current"),
    (lambda p: p.write_text("0 -70\n0.0001 -70 x\n"), "sweep_2.txt, line 2: not a number in column 3"),
])
def test_inconsistent_sweep_files_name_the_file(tmp_path, bad, message):
    _write_sweep(tmp_path / "sweep_1.txt", 1)
    bad(tmp_path / "sweep_2.txt")
    with pytest.raises(RecordingError, match=message):
        load_recording(tmp_path)


def test_folder_without_sweep_files(tmp_path):
    (tmp_path / "readme.md").write_text("nothing here")
    with pytest.raises(RecordingError, match="no per-sweep text files"):
        read_text_folder(tmp_path)
