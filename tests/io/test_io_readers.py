"""The readers on every shipped recording: format, units, stimulus, round trips."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import xarray as xr

from neurokit import schema
from neurokit.io import load_recording, write_nwb
from neurokit.io.igor import read_igor, read_igor_folder
from neurokit.io.nwb import read_nwb
from neurokit.io.text import read_text

# (sweeps, samples per sweep, sampling interval in s), from data/recordings/README.md.
SHAPES = {
    "171116sh_0018": (17, 60000, 5e-5),
    "fsi": (17, 60000, 5e-5),
    "axon5": (9, 20000, 5e-5),
    "b6": (5, 12000, 2.5e-4),
    "efel": (1, 12000, 2.5e-4),
}


KEYS = sorted(SHAPES)


def test_every_shipped_recording_is_covered(shipped_paths):
    assert sorted(shipped_paths) == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_every_shipped_recording_conforms(recordings, shipped_paths, key):
    ds = recordings[key]
    schema.assert_conforms(ds)
    n_sweeps, n_time, interval = SHAPES[key]
    assert ds["membrane_potential"].dims == ("sweep", "time")
    assert ds["membrane_potential"].shape == (n_sweeps, n_time)
    assert ds["membrane_potential"].attrs["units"] == "mV"
    assert ds["time"].attrs["units"] == "s"
    assert ds.attrs["sampling_interval_s"] == pytest.approx(interval, rel=1e-4)
    assert np.diff(ds["time"].values).mean() == pytest.approx(interval, rel=1e-4)
    assert ds["time"].values[0] == pytest.approx(0.0, abs=1e-9)
    assert os.path.samefile(ds.attrs["source_file"], shipped_paths[key])
    # Whole-cell membrane potentials in mV: rest between -90 and -35, spikes below +70.
    v = ds["membrane_potential"].values
    assert -90 < np.median(v) < -35 and v.max() < 70
    if key == "efel":
        assert "stimulus_current" not in ds
    else:
        assert ds["stimulus_current"].attrs["units"] == "nA"


@pytest.mark.parametrize("key, sweep, amplitude_nA", [("171116sh_0018", 8, 0.1), ("fsi", 0, -0.1),
                                                      ("axon5", 8, 0.3), ("axon5", 0, -0.1)])
def test_abf_stimulus_is_the_command_waveform_in_nA(recordings, key, sweep, amplitude_nA):
    ds = recordings[key]
    cur = ds["stimulus_current"].isel(sweep=sweep)
    t = ds["time"].values
    assert ds.attrs["format"] == "abf"
    # Holding period (1/64 of the sweep) and the baseline before the first step are 0 nA.
    assert np.all(cur.values[t < 0.14] == 0.0)
    first = (0.15, 0.64) if key != "axon5" else (0.22, 0.71)
    inside = (t > first[0]) & (t < first[1])
    np.testing.assert_allclose(cur.values[inside], amplitude_nA, atol=1e-9)
    if key != "axon5":  # the "dual" layout: test pulse of -100 pA at 1.147-1.647 s
        np.testing.assert_allclose(cur.values[(t > 1.15) & (t < 1.64)], -0.1, atol=1e-9)


def test_abf_provenance_attrs(recordings):
    ds = recordings["171116sh_0018"]
    assert "steps dual" in ds.attrs["protocol_name"]
    assert ds.attrs["units_as_read"] == "membrane_potential: mV; stimulus_current: pA"
    assert ds.attrs["neurokit_version"]
    assert list(ds["source_sweep"].values) == list(range(17))


def test_igor_folder_pairs_voltage_with_recorded_current(recordings):
    ds = recordings["b6"]
    assert ds.attrs["format"] == "igor"
    assert list(ds["source_sweep"].values) == [181, 182, 183, 184, 185]
    assert "Ch3" in ds.attrs["voltage_waves"] and "Ch0" in ds.attrs["current_waves"]
    t = ds["time"].values
    cur = ds["stimulus_current"]
    holding = cur.sel(time=slice(0.0, 0.6)).mean("time").values
    np.testing.assert_allclose(holding, -0.0125, atol=0.002)  # about -12.5 pA
    step = cur.sel(time=slice(1.0, 2.5)).mean("time").values - holding
    # README: +121, +180, +240, +298, +356 pA above holding.
    np.testing.assert_allclose(step, [0.121, 0.180, 0.240, 0.298, 0.356], atol=0.006)
    assert t[-1] == pytest.approx(3.0 - 2.5e-4)


def test_igor_explicit_lists_and_channel_names_agree_with_the_folder(recordings, recordings_dir):
    folder = os.path.join(recordings_dir, "bluepyefe", "B6")
    files = sorted(os.listdir(folder))
    volts = [os.path.join(folder, f) for f in files if "_Ch3_" in f]
    amps = [os.path.join(folder, f) for f in files if "_Ch0_" in f]
    by_lists = read_igor(volts[::-1], amps, source=folder)  # matched by number, not order
    by_names = read_igor_folder(folder, voltage="_Ch3_", current="_Ch0_")
    for other in (by_lists, by_names):
        xr.testing.assert_equal(other[["membrane_potential", "stimulus_current"]],
                                recordings["b6"][["membrane_potential", "stimulus_current"]])
    one = load_recording(volts[2], current=amps[2])
    assert one.sizes["sweep"] == 1 and int(one["source_sweep"][0]) == 183
    np.testing.assert_array_equal(one["membrane_potential"].values[0],
                                  recordings["b6"]["membrane_potential"].values[2])


def test_text_without_header_uses_the_efel_layout(recordings):
    ds = recordings["efel"]
    assert ds.attrs["format"] == "text"
    assert "ms" in ds.attrs["units_assumed"] and "mV" in ds.attrs["units_assumed"]
    assert ds["time"].values[-1] == pytest.approx(2.99975, abs=1e-6)  # 2999.75 ms in the file
    assert ds["membrane_potential"].values[0, 0] == pytest.approx(-75.68379974365234)


@pytest.mark.parametrize("style", ["one_line", "two_lines"])
def test_text_header_units_are_converted(recordings, tmp_path, style):
    src = recordings["axon5"].isel(sweep=[7, 8], time=slice(0, 20000, 10))
    t = src["time"].values
    v, i = src["membrane_potential"].values, src["stimulus_current"].values
    # Write in other units (s, V, pA), with two sweeps: time, v1, v2, i1, i2.
    table = np.column_stack([t, v[0] / 1e3, v[1] / 1e3, i[0] * 1e3, i[1] * 1e3])
    if style == "one_line":
        header = "time (s), Vm [V], Vm [V], current (pA), current (pA)"
    else:
        header = "t, v, v, i, i\ns, V, V, pA, pA"
    path = tmp_path / "sweeps.csv"
    np.savetxt(path, table, delimiter=",", header=header, comments="")
    ds = read_text(path)
    assert ds.sizes["sweep"] == 2 and "units_assumed" not in ds.attrs
    np.testing.assert_allclose(ds["membrane_potential"].values, v, rtol=1e-12)
    np.testing.assert_allclose(ds["stimulus_current"].values, i, atol=1e-12)
    np.testing.assert_allclose(ds["time"].values, t, rtol=1e-12)


@pytest.mark.parametrize("key", KEYS)
def test_netcdf_round_trip_is_identical(recordings, tmp_path, key):
    ds = recordings[key]
    path = schema.save(ds, tmp_path / f"{key}.nc")
    xr.testing.assert_identical(schema.load(path), ds)
    xr.testing.assert_identical(load_recording(path), ds)


@pytest.mark.parametrize("key", ["b6", "axon5", "efel"])
def test_nwb_icephys_write_then_read(recordings, tmp_path, key):
    ds = recordings[key]
    path = write_nwb(ds, tmp_path / f"{key}.nwb")
    assert [p.name for p in tmp_path.iterdir()] == [f"{key}.nwb"]  # no temp file left behind
    back = load_recording(path)
    assert back.attrs["format"] == "nwb"
    schema.assert_conforms(back)
    np.testing.assert_array_equal(back["membrane_potential"].values, ds["membrane_potential"].values)
    np.testing.assert_allclose(back["time"].values, ds["time"].values, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(back["source_sweep"].values,
                                  ds["source_sweep"].values if "source_sweep" in ds.coords
                                  else ds["sweep"].values)
    if "stimulus_current" in ds:
        np.testing.assert_allclose(back["stimulus_current"].values, ds["stimulus_current"].values,
                                   rtol=1e-15, atol=0)
    else:
        assert "stimulus_current" not in back


def test_nwb_written_by_pynwb_alone_is_read(tmp_path, recordings):
    """A file made directly with pynwb (volts/amperes, no intracellular-recordings table)."""
    from datetime import datetime, timezone

    from pynwb import NWBHDF5IO, NWBFile
    from pynwb.icephys import CurrentClampSeries, CurrentClampStimulusSeries

    src = recordings["axon5"]
    nwb = NWBFile(session_description="test", identifier="x",
                  session_start_time=datetime(2020, 1, 1, tzinfo=timezone.utc))
    device = nwb.create_device(name="amp")
    el = nwb.create_icephys_electrode(name="el", description="patch", device=device)
    for k in (3, 8):
        nwb.add_acquisition(CurrentClampSeries(
            name=f"v{k}", data=src["membrane_potential"].values[k] * 1e-3, electrode=el,
            rate=20000.0, starting_time=0.0, sweep_number=np.uint32(k)))
        nwb.add_stimulus(CurrentClampStimulusSeries(
            name=f"i{k}", data=src["stimulus_current"].values[k] * 1e-9, electrode=el,
            rate=20000.0, starting_time=0.0, sweep_number=np.uint32(k)))
    path = tmp_path / "plain.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(nwb)
    ds = read_nwb(path)
    assert list(ds["source_sweep"].values) == [3, 8]
    np.testing.assert_allclose(ds["membrane_potential"].values,
                               src["membrane_potential"].values[[3, 8]], rtol=1e-12)
    np.testing.assert_allclose(ds["stimulus_current"].values,
                               src["stimulus_current"].values[[3, 8]], rtol=1e-12, atol=1e-15)


def test_igor_folder_copy_reads_like_the_original(recordings, recordings_dir, tmp_path):
    folder = tmp_path / "B6"
    shutil.copytree(os.path.join(recordings_dir, "bluepyefe", "B6"), folder)
    ds = load_recording(folder)
    xr.testing.assert_equal(ds["membrane_potential"], recordings["b6"]["membrane_potential"])
