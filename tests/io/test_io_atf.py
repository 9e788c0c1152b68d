"""Axon Text Files (ATF 1.0), written in the tests as Clampfit exports them."""

from __future__ import annotations

import numpy as np
import pytest
from _writers import write_atf

from neurokit.errors import RecordingError
from neurokit.io import load_recording
from neurokit.io.atf import read_atf

T = np.arange(500) * 5e-5  # 20 kHz
V = np.stack([-65.0 + k + np.cos(2 * np.pi * 40 * T) for k in range(3)])
I = np.stack([np.where((T > 0.005) & (T < 0.02), 50.0 * (k + 1), 0.0) for k in range(3)])
RECORDS = {"AcquisitionMode": "Episodic Stimulation", "Protocol": "C:\\pclamp\\steps.pro",
           "SweepStartTimesMS": "0.000,1000.000,2000.000"}


def _columns(with_current=True):
    cols = {f"Trace #{k + 1} (mV)": V[k] for k in range(3)}
    if with_current:
        cols.update({f"Trace #{k + 1} (pA)": I[k] for k in range(3)})
    return cols


def test_atf_sweeps_units_and_header(tmp_path):
    ds = load_recording(write_atf(tmp_path / "steps.atf", T, _columns(), RECORDS))
    assert ds.attrs["format"] == "atf" and ds.sizes == {"sweep": 3, "time": T.size}
    np.testing.assert_allclose(ds["membrane_potential"].values, V, rtol=1e-15)
    np.testing.assert_allclose(ds["stimulus_current"].values, I / 1e3, rtol=1e-15)
    np.testing.assert_allclose(ds["time"].values, T, rtol=1e-15)
    assert ds.attrs["protocol_name"] == RECORDS["Protocol"]
    assert "SweepStartTimesMS" in ds.attrs["atf_header"]


def test_atf_content_in_a_txt_file_and_units_converted(tmp_path):
    cols = {"IN 0 (V)": V[0] / 1e3, "Stim (nA)": I[0] / 1e3, "Gsyn (nS)": V[0] * 0}
    path = tmp_path / "export.txt"
    write_atf(path, T * 1e3, cols, {})
    path.write_text(path.read_text().replace('"Time (s)"', '"Time (ms)"'))
    ds = load_recording(path)
    assert ds.attrs["format"] == "atf" and ds.attrs["columns_skipped"] == '["Gsyn (nS)"]'
    np.testing.assert_allclose(ds["membrane_potential"].values[0], V[0], rtol=1e-12)
    np.testing.assert_allclose(ds["time"].values, T, rtol=1e-12)


def test_atf_voltage_only(tmp_path):
    ds = read_atf(write_atf(tmp_path / "v.atf", T, _columns(False), RECORDS))
    assert "stimulus_current" not in ds and ds.sizes["sweep"] == 3


def _bad(tmp_path, edit):
    path = write_atf(tmp_path / "bad.atf", T[:4], {"Trace #1 (mV)": V[0, :4],
                                                    "Trace #1 (pA)": I[0, :4]}, {"Comment": ""})
    lines = path.read_text().splitlines()
    edit(lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def _set(k, text):
    def edit(lines):
        lines[k] = text
    return edit


@pytest.mark.parametrize("edit, message", [
    (_set(0, "ABF 1.0"), "line 1: not an ATF file"),
    (_set(1, "1"), "line 2: expected two counts"),
    (_set(1, "9\t3"), "announces 9 header records"),
    (_set(3, '"Time (s)"\t"Trace #1"\t"Trace #1 (pA)"'), r"line 4, column 2 \('Trace #1'\): no unit"),
    (_set(3, '"Time (s)"\t"Trace #1 (furlong)"\t"Trace #1 (pA)"'), "line 4, column 2.*furlong"),
    (_set(3, '"Time (s)"\t"Trace #1 (mV)"'), "line 4: 2 column titles, line 2 announces 3"),
    (_set(5, "0.1\t-65"), "line 6: 2 fields, expected 3"),
    (_set(5, "0.1\t-65\tabc"), "line 6, column 3: not a number 'abc'"),
    (_set(3, '"Time (s)"\t"Trace #1 (pA)"\t"Trace #2 (pA)"'), "line 4: no voltage column"),
])
def test_malformed_atf_names_file_line_and_column(tmp_path, edit, message):
    path = _bad(tmp_path, edit)
    with pytest.raises(RecordingError, match=message) as info:
        load_recording(path)
    assert "bad.atf" in str(info.value)


def test_uneven_atf_time_is_an_error(tmp_path):
    t = T.copy()
    t[10] += 1e-5
    with pytest.raises(RecordingError, match="uneven.atf.*not evenly spaced"):
        read_atf(write_atf(tmp_path / "uneven.atf", t, _columns(), {}))
