"""``neurokit plot``: an image of every shipped recording, written whole or not at all."""

from __future__ import annotations

import os

import pytest

from .conftest import SHIPPED

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    """(width, height) in pixels from a PNG's IHDR chunk."""
    head = open(path, "rb").read(24)
    assert head[:8] == PNG_MAGIC, f"{path} is not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.parametrize("key", list(SHIPPED))
def test_plot_every_shipped_recording(run, tmp_path, key):
    out = tmp_path / f"{key}.png"
    r = run("plot", SHIPPED[key].path, "-o", out)
    assert r.code == 0, r.err
    width, height = png_size(out)
    assert width > 600 and height > 300
    n = SHIPPED[key].sweeps
    assert r.out.strip() == f"wrote {out} ({n} of {n} sweeps)"


def test_plot_selected_sweeps_into_a_new_folder(run, tmp_path):
    out = tmp_path / "a" / "b" / "cell.png"
    r = run("plot", SHIPPED["171116sh_0018"].path, "-o", out, "--sweeps", "0,4,8")
    assert r.code == 0, r.err
    png_size(out)
    assert "(3 of 17 sweeps)" in r.out
    assert os.listdir(out.parent) == ["cell.png"]  # nothing temporary left beside it


def test_plot_other_formats_and_ranges(run, tmp_path):
    out = tmp_path / "cell.svg"
    r = run("plot", SHIPPED["File_axon_5"].path, "-o", out, "--sweeps", "2-5,8")
    assert r.code == 0, r.err
    assert out.read_text().lstrip().startswith("<?xml")
    assert "(5 of 9 sweeps)" in r.out


def test_plot_default_output_name(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("plot", SHIPPED["efel"].path)
    assert r.code == 0, r.err
    png_size(tmp_path / "testdata.png")


def error_line(r):
    assert r.code == 2, (r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.err
    return lines[0]


@pytest.mark.parametrize("sweeps, culprit", [("0,99", "99"), ("0,x", "'x'"), ("3-", "'3-'")])
def test_bad_sweeps_name_the_culprit_and_write_nothing(run, tmp_path, sweeps, culprit):
    out = tmp_path / "out.png"
    line = error_line(run("plot", SHIPPED["File_axon_5"].path, "-o", out, "--sweeps", sweeps))
    assert culprit in line
    assert not out.exists()


def test_missing_or_corrupt_input_writes_nothing(run, tmp_path):
    out = tmp_path / "sub" / "out.png"
    missing = tmp_path / "missing.abf"
    assert str(missing) in error_line(run("plot", missing, "-o", out))
    corrupt = tmp_path / "cut.abf"
    corrupt.write_bytes(open(SHIPPED["171116sh_0018"].path, "rb").read()[:20000])
    assert str(corrupt) in error_line(run("plot", corrupt, "-o", out))
    assert not out.exists()


def test_failed_plot_keeps_an_existing_image(run, tmp_path):
    out = tmp_path / "out.png"
    out.write_bytes(b"previous image")
    error_line(run("plot", SHIPPED["File_axon_5"].path, "-o", out, "--sweeps", "42"))
    assert out.read_bytes() == b"previous image"


def test_unknown_image_format_is_an_error(run, tmp_path):
    out = tmp_path / "out.xyz"
    line = error_line(run("plot", SHIPPED["File_axon_5"].path, "-o", out))
    assert "'xyz'" in line and "png" in line
    assert list(tmp_path.iterdir()) == []
