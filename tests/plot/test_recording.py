"""Figures of recordings (neurokit.plot.recording): traces with their stimulus, rasters."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from neurokit import plot, schema
from neurokit.errors import ParameterError, SchemaError

from .conftest import step_recording, trace_lines


def test_recording_draws_every_sweep_in_readable_units():
    ds = step_recording(n_sweeps=10)
    schema.assert_conforms(ds)
    fig = plot.plot_recording(ds)
    assert isinstance(fig, Figure)
    ax_v, ax_i = fig.axes[:2]
    assert len(trace_lines(ax_v)) == 10
    assert len(trace_lines(ax_i)) == 10
    assert ax_v.get_ylabel() == "membrane potential (mV)"
    # currents below 1 nA are shown in pA: the largest step, 0.35 nA, reads 350
    assert ax_i.get_ylabel() == "stimulus (pA)"
    assert max(line.get_ydata().max() for line in trace_lines(ax_i)) == pytest.approx(350.0)
    assert ax_i.get_xlabel() == "time (s)"
    # more sweeps than a legend holds: a colour bar labelled by sweep
    assert any(ax.get_ylabel() == "sweep" for ax in fig.axes[2:])
    assert "cell_0001.abf" in fig.get_suptitle()


def test_recording_selected_sweeps_are_named_in_a_legend():
    ds = step_recording(n_sweeps=10)
    fig = plot.plot_recording(ds, sweeps=[0, 4, 9])
    ax_v = fig.axes[0]
    lines = trace_lines(ax_v)
    assert [line.get_label() for line in lines] == ["sweep 0", "sweep 4", "sweep 9"]
    np.testing.assert_array_equal(lines[1].get_ydata(), ds["membrane_potential"].values[4])
    assert [t.get_text() for t in ax_v.get_legend().get_texts()] == ["sweep 0", "sweep 4", "sweep 9"]
    assert "3 of 10 sweeps" in fig.get_suptitle()


def test_recording_sweep_out_of_range_names_it():
    ds = step_recording(n_sweeps=4)
    with pytest.raises(ParameterError, match=r"7 out of range.*4 sweeps"):
        plot.plot_recording(ds, sweeps=[1, 7])


def test_recording_short_trace_in_ms_and_batch_sample():
    ds = step_recording(n_sweeps=3, n_time=800, interval=5e-4, samples=3)  # 0.4 s
    fig = plot.plot_recording(ds, sample=2)
    ax_v = fig.axes[0]
    assert fig.axes[1].get_xlabel() == "time (ms)"
    first = trace_lines(ax_v)[0]
    assert first.get_xdata()[-1] == pytest.approx(ds["time"].values[-1] * 1e3)
    np.testing.assert_array_equal(first.get_ydata(), ds["membrane_potential"].values[2, 0])
    with pytest.raises(ParameterError, match="sample 5"):
        plot.plot_recording(ds, sample=5)


def test_recording_without_stimulus_has_one_panel():
    ds = step_recording(n_sweeps=2).drop_vars("stimulus_current")
    fig = plot.plot_recording(ds)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_xlabel() == "time (s)"


def test_recording_missing_voltage_is_a_schema_error():
    ds = step_recording(n_sweeps=2).drop_vars("membrane_potential")
    with pytest.raises(SchemaError, match="membrane_potential"):
        plot.plot_recording(ds)


def test_raster_rows_by_cell_and_population_colours():
    times = np.array([0.01, 0.02, 0.015, 0.5, 0.3])
    cells = np.array([0, 0, 1, 2, 2])
    spikes = schema.spikes_dataset(times, cell=cells, population=np.array(["E", "E", "E", "I", "I"]))
    fig = plot.plot_raster(spikes)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["E", "I"]
    np.testing.assert_allclose(np.concatenate([line.get_ydata() for line in lines]), [0, 0, 1, 2, 2])
    assert ax.get_ylabel() == "cell"
    assert "5 spikes" in ax.get_title()


def test_raster_selects_owners():
    spikes = schema.spikes_dataset([0.1, 0.2, 0.3, 0.4], sample=[0, 1, 0, 1], sweep=[0, 0, 1, 1])
    fig = plot.plot_raster(spikes, sample=1)
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_xdata(), [200.0, 400.0])  # under 1 s: ms
    np.testing.assert_array_equal(line.get_ydata(), [0, 1])
    assert fig.axes[0].get_ylabel() == "sweep"
    with pytest.raises(SchemaError, match="spike_cell"):
        plot.plot_raster(spikes, cell=0)


def test_raster_of_a_recording_detects_its_spikes(abf):
    fig = plot.plot_raster(abf)
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    # data/recordings/README.md: 0 0 0 0 0 0 2 3 6 8 10 12 12 14 16 16 18 spikes per sweep
    counts = np.bincount(line.get_ydata().astype(int), minlength=17)
    np.testing.assert_array_equal(counts, [0] * 6 + [2, 3, 6, 8, 10, 12, 12, 14, 16, 16, 18])
    assert "117 spikes" in ax.get_title()
    assert sorted(ax.get_ylim()) == [-0.5, 16.5]  # silent sweeps keep their rows
