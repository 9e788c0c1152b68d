"""Text columns whose header names one unit per line (the QSNMC 2007 competition traces)."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.errors import RecordingError
from neurokit.io import load_recording
from neurokit.io.text import read_text


def qsnmc_file(path, n=400, dt_s=1e-4):
    """A QSNMC-style trace: '"s"', '"pA"', '"mV"' on three lines, then t, I, V columns."""
    t = np.arange(n) * dt_s
    i_pA = np.where((t >= 0.01) & (t < 0.03), 250.0, 0.0)
    v_mV = -70.0 + 0.05 * i_pA + np.sin(2 * np.pi * 50 * t)
    lines = ['"s"', '"pA"', '"mV"'] + [f"{a:.4f} {b:.1f} {c:.6f}" for a, b, c in zip(t, i_pA, v_mV)]
    path.write_text("\n".join(lines) + "\n")
    return path, t, i_pA, v_mV


def test_qsnmc_units_per_line_are_read_by_their_dimensions(tmp_path):
    path, t, i_pA, v_mV = qsnmc_file(tmp_path / "qsnmc.txt")
    ds = load_recording(path)
    assert ds.sizes == {"sweep": 1, "time": t.size}
    np.testing.assert_allclose(ds["time"].values, t, atol=1e-12)
    np.testing.assert_allclose(ds["membrane_potential"].values[0], v_mV, atol=1e-6)
    np.testing.assert_allclose(ds["stimulus_current"].values[0], i_pA / 1e3, atol=1e-12)
    assert ds.attrs["units_as_read"] == "time: s; current: pA; voltage: mV"
    assert "units_assumed" not in ds.attrs
    assert ds.attrs["sampling_interval_s"] == pytest.approx(1e-4)


def test_qsnmc_units_in_other_orders_and_without_quotes(tmp_path):
    path = tmp_path / "trace.dat"
    path.write_text("ms\nV\nnA\n0 -0.07 0.1\n0.5 -0.069 0.1\n1.0 -0.068 0.2\n")
    ds = read_text(path)
    np.testing.assert_allclose(ds["time"].values, [0, 5e-4, 1e-3])
    np.testing.assert_allclose(ds["membrane_potential"].values[0], [-70, -69, -68])
    np.testing.assert_allclose(ds["stimulus_current"].values[0], [0.1, 0.1, 0.2])


@pytest.mark.parametrize("content, message", [
    ('"s"\n"pA"\n"mV"\n0 1 -70\n0.1 1\n', "line 5: 2 columns, expected 3"),
    ('"s"\n"pA"\n"mV"\n0 1 -70\n0.1 1 x\n', r"line 5: not a number in column 3 \('x'"),
    ('"s"\n"pA"\n"furlong"\n0 1 -70\n0.1 1 -70\n', "header line '\"furlong\"' names 1 columns"),
    ('"s"\n"pA"\n"nS"\n0 1 -70\n0.1 1 -70\n', r"column 3 \('\[nS\]'\) is neither"),
])
def test_bad_qsnmc_files_name_file_line_and_column(tmp_path, content, message):
    path = tmp_path / "bad_qsnmc.txt"
    path.write_text(content)
    with pytest.raises(RecordingError, match=message) as info:
        read_text(path)
    assert "bad_qsnmc.txt" in str(info.value)


def test_one_line_and_two_line_headers_still_read(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text('"time (ms)", "v (mV)"\n0, -70\n1, -71\n')
    two = tmp_path / "two.txt"
    two.write_text("t v i\nms mV pA\n0 -70 10\n1 -71 10\n")
    assert read_text(one)["membrane_potential"].values.tolist() == [[-70.0, -71.0]]
    ds = read_text(two)
    assert ds["stimulus_current"].values.tolist() == [[0.01, 0.01]]
