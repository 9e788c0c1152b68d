"""The GIF start of a fit file, kept as data in the cache folder (a warm start reuses it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurokit.fitting.evaluator import load_recording, prepare_recording
from neurokit.fitting.gif_start import GIF_SETTINGS, HARD_THRESHOLD_TAU_S, point_gif

ABF = Path(__file__).resolve().parents[2] / "data" / "recordings" / "pyabf" / "171116sh_0018.abf"


@pytest.fixture(scope="module")
def recording():
    if not ABF.exists():
        pytest.skip("recording 171116sh_0018.abf not present")
    return prepare_recording(load_recording(ABF), (0.0, 2.2))


def test_the_gif_start_is_stored_and_read_back_equal(recording, tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    first = point_gif(recording, [0, 4, 8, 12, 16], 0.0, dict(GIF_SETTINGS), HARD_THRESHOLD_TAU_S)
    entries = list((tmp_path / "gif-start").glob("*.json"))
    assert len(entries) == 1
    again = point_gif(recording, [0, 4, 8, 12, 16], 0.0, dict(GIF_SETTINGS), HARD_THRESHOLD_TAU_S)
    assert again == first  # bit-identical floats, same units

    # other sweeps: another entry; a damaged entry is refitted, never trusted
    point_gif(recording, [0, 4, 8], 0.0, dict(GIF_SETTINGS), HARD_THRESHOLD_TAU_S)
    assert len(list((tmp_path / "gif-start").glob("*.json"))) == 2
    entries[0].write_text(entries[0].read_text().replace('"C"', '"X"'))
    assert point_gif(recording, [0, 4, 8, 12, 16], 0.0, dict(GIF_SETTINGS), HARD_THRESHOLD_TAU_S) == first


def test_a_changed_recording_is_refitted(recording, tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    a = point_gif(recording, [0, 4, 8], 0.0, dict(GIF_SETTINGS), HARD_THRESHOLD_TAU_S)
    shifted = recording.copy(deep=True)
    shifted["membrane_potential"] = shifted["membrane_potential"] + 1.0  # 1 mV offset
    b = point_gif(shifted, [0, 4, 8], 0.0, dict(GIF_SETTINGS), HARD_THRESHOLD_TAU_S)
    assert len(list((tmp_path / "gif-start").glob("*.json"))) == 2
    assert b["E_L"][0] == pytest.approx(a["E_L"][0] + 1.0, abs=0.2)
