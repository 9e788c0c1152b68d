"""Writing figures (neurokit.plot.figure.save_figure): whole or not at all."""

from __future__ import annotations

import os

import pytest
from matplotlib.artist import Artist

from neurokit import plot
from neurokit.errors import NeurokitError

from .conftest import PNG_MAGIC, step_recording


def test_save_creates_folders_and_writes_a_whole_png(tmp_path):
    out = tmp_path / "new" / "deeper" / "fig.png"
    plot.plot_recording(step_recording(n_sweeps=3), path=out)
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert os.listdir(out.parent) == ["fig.png"]  # no temporary file left behind


def test_save_unknown_format_writes_nothing(tmp_path):
    fig = plot.plot_recording(step_recording(n_sweeps=2))
    with pytest.raises(NeurokitError, match="unknown image format 'xyz'"):
        plot.save_figure(fig, tmp_path / "fig.xyz")
    assert list(tmp_path.iterdir()) == []


class _FailingArtist(Artist):
    """An artist whose drawing fails, as a renderer error half-way through a save would."""

    def draw(self, renderer):
        raise RuntimeError("drawing failed")


def test_failed_save_keeps_the_previous_file(tmp_path):
    out = tmp_path / "fig.png"
    plot.plot_recording(step_recording(n_sweeps=2), path=out)
    before = out.read_bytes()
    fig = plot.plot_recording(step_recording(n_sweeps=3))
    fig.axes[0].add_artist(_FailingArtist())
    with pytest.raises(RuntimeError, match="drawing failed"):
        plot.save_figure(fig, out)
    assert out.read_bytes() == before
    assert os.listdir(tmp_path) == ["fig.png"]


def test_save_onto_a_folder_is_a_neurokit_error_and_leaves_no_temp(tmp_path):
    target = tmp_path / "taken.png"
    target.mkdir()
    fig = plot.plot_recording(step_recording(n_sweeps=2))
    with pytest.raises(NeurokitError, match="taken.png"):
        plot.save_figure(fig, target)
    assert os.listdir(tmp_path) == ["taken.png"] and target.is_dir()
