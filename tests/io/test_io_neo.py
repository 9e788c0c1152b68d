"""Formats read through neo: a WinWCP file written here byte by byte, and files written by
neo's own writers (NWBIO, RawBinarySignalIO), read back into neurokit's format."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from _writers import write_wcp

from neurokit.errors import RecordingError
from neurokit.io import load_recording
from neurokit.io.neo import neo_suffixes, read_neo

neo = pytest.importorskip("neo")
pq = pytest.importorskip("quantities")

DT = 1e-4
T = np.arange(1024) * DT
V = np.stack([-65.0 + 5 * k + 10 * np.sin(2 * np.pi * 30 * T) for k in range(3)])
I_PA = np.stack([np.where((T > 0.02) & (T < 0.08), 100.0 * (k + 1), 0.0) for k in range(3)])


def test_winwcp_records_are_sweeps_in_canonical_units(tmp_path):
    ds = load_recording(write_wcp(tmp_path / "cell.wcp", V, I_PA, DT))
    assert ds.attrs["format"] == "neo" and ds.attrs["neo_io"] == "WinWcpIO"
    assert ds.sizes == {"sweep": 3, "time": T.size}
    assert ds["membrane_potential"].attrs["units"] == "mV"
    assert ds["stimulus_current"].attrs["units"] == "nA"
    np.testing.assert_allclose(ds["membrane_potential"].values, V, atol=100 / 32767)
    np.testing.assert_allclose(ds["stimulus_current"].values, I_PA / 1e3, atol=1 / 32767)
    np.testing.assert_allclose(ds["time"].values, T, rtol=1e-6)
    assert (ds.attrs["voltage_channel"], ds.attrs["current_channel"]) == ("Vm", "Im")


def test_damaged_winwcp_names_the_file(tmp_path):
    path = tmp_path / "broken.wcp"
    path.write_bytes(b"VER=8\r\nNC=2\r\n" + b"\xff" * 50)
    with pytest.raises(RecordingError, match="broken.wcp: neo cannot read it"):
        load_recording(path)


def _neo_nwb(path, units=("mV", "pA"), lengths=(T.size, T.size)):
    """A file written by neo's NWBIO: a segment per sweep, a signal per channel."""
    block = neo.Block(name="cell", session_start_time=datetime.datetime(
        2024, 1, 1, tzinfo=datetime.timezone.utc))
    for k, n in enumerate(lengths):
        seg = neo.Segment(name=f"sweep{k}")
        for name, unit, values in (("Vm", units[0], V[k, :n]), ("Im", units[1], I_PA[k, :n])):
            if unit is not None:
                seg.analogsignals.append(neo.AnalogSignal(
                    values[:, None] * pq.Quantity(1.0, unit), sampling_period=DT * pq.s, name=name))
        block.segments.append(seg)
    neo.io.NWBIO(str(path), mode="w").write_all_blocks([block])
    return path


@pytest.mark.filterwarnings("ignore")
def test_neo_written_nwb_through_neo(tmp_path):
    path = _neo_nwb(tmp_path / "neo.nwb", units=("V", "nA"))
    ds = read_neo(path, io="NWBIO")
    assert ds.sizes == {"sweep": 2, "time": T.size}
    np.testing.assert_allclose(ds["membrane_potential"].values, V[:2] * 1e3, rtol=1e-12)
    np.testing.assert_allclose(ds["stimulus_current"].values, I_PA[:2], rtol=1e-12)
    # channels named explicitly, by name and by index in the segment's list
    names = [ds.attrs["voltage_channel"], ds.attrs["current_channel"]]
    again = read_neo(path, io="NWBIO", voltage=names[0], current=names[1])
    assert again["membrane_potential"].equals(ds["membrane_potential"])
    with pytest.raises(RecordingError, match="neo.nwb: no channel 'nope'; channels: .*Vm"):
        read_neo(path, io="NWBIO", voltage="nope")


@pytest.mark.filterwarnings("ignore")
def test_missing_current_channel_is_an_error_unless_not_needed(tmp_path):
    path = _neo_nwb(tmp_path / "vonly.nwb", units=("mV", None))
    with pytest.raises(RecordingError, match=r"vonly.nwb: neo \(NWBIO\) found no current "
                                             r"channel; channels: '.*Vm.*' \(mV\)"):
        read_neo(path, io="NWBIO")
    ds = read_neo(path, io="NWBIO", current=False)
    assert "stimulus_current" not in ds and ds.sizes["sweep"] == 2


@pytest.mark.filterwarnings("ignore")
def test_segments_of_different_lengths_are_an_error(tmp_path):
    path = _neo_nwb(tmp_path / "ragged.nwb", lengths=(T.size, 500))
    with pytest.raises(RecordingError, match="ragged.nwb: segment 1 .* 500 samples"):
        read_neo(path, io="NWBIO")


def test_neo_raw_binary_without_units_has_no_voltage_channel(tmp_path):
    path = tmp_path / "raw.bin"
    seg = neo.Segment()
    seg.analogsignals.append(neo.AnalogSignal(np.stack([V[0], I_PA[0]], axis=1) * pq.mV,
                                              sampling_rate=1 / DT * pq.Hz))
    neo.io.RawBinarySignalIO(str(path)).write_segment(seg)
    with pytest.raises(RecordingError, match="raw.bin: neo .* found no voltage channel; channels:"):
        read_neo(path, io="RawBinarySignalIO",
                 io_options={"sampling_rate": 1 / DT, "nb_channel": 2, "dtype": "int16"})


def test_pickle_is_never_read(tmp_path):
    path = tmp_path / "rec.pkl"
    path.write_bytes(b"\x80\x04N.")
    assert ".pkl" not in neo_suffixes() and ".pickle" not in neo_suffixes()
    with pytest.raises(RecordingError, match="refused"):
        read_neo(path, io="PickleIO")
    with pytest.raises(RecordingError, match="unknown recording type '.pkl'"):
        load_recording(path)


def test_unknown_neo_reader_lists_the_known(tmp_path):
    path = tmp_path / "x.wcp"
    path.write_bytes(b"")
    with pytest.raises(RecordingError, match="no neo reader named 'NoSuchIO'; known: .*WinWcpIO"):
        read_neo(path, io="NoSuchIO")
