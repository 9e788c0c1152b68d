"""Figures of neurokit.plot: what they draw, in which units, and how they are written."""

from __future__ import annotations

import os

import numpy as np
import pytest
import xarray as xr
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from neurokit import plot, schema
from neurokit.errors import NeurokitError, ParameterError, SchemaError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def step_recording(n_sweeps=10, n_time=2000, interval=5e-4, samples=None):
    """A conforming recording-like dataset: step currents of -0.1 + 0.05 k nA from 0.2 to
    0.7 s, voltage a smoothed response to them with a spike-like bump on the larger steps."""
    t = schema.time_coord(n_time, interval)
    amps = -0.1 + 0.05 * np.arange(n_sweeps)
    on = ((t.values >= 0.2) & (t.values < 0.7)).astype(float)
    cur = amps[:, None] * on[None, :]
    v = -65.0 + 100.0 * cur
    v[amps > 0.2, 500] = 30.0
    dims = ("sweep", "time")
    if samples is not None:
        v = v[None] + np.arange(samples)[:, None, None]
        vdims = ("sample",) + dims
    else:
        vdims = dims
    return xr.Dataset(
        {"membrane_potential": (vdims, v, schema.attrs_for("membrane_potential")),
         "stimulus_current": (dims, cur, schema.attrs_for("stimulus_current"))},
        coords={"time": t, "sweep": np.arange(n_sweeps)},
        attrs=schema.provenance_attrs(source_file="/data/cell_0001.abf"))


def trace_lines(ax):
    """Lines that draw data (not the zero reference line)."""
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 2]


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


def test_traces_vs_data_one_panel_per_sweep_on_own_time_axes():
    data = step_recording(n_sweeps=4, n_time=2000, interval=5e-4)
    sim = step_recording(n_sweeps=4, n_time=1000, interval=1e-3, samples=2)
    fig = plot.plot_traces_vs_data(sim, data, sweeps=[1, 3], sample=1)
    assert len(fig.axes) == 2
    rec, model = fig.axes[1].get_lines()
    assert (rec.get_label(), model.get_label()) == ("recording", "model")
    assert rec.get_xdata().size == 2000 and model.get_xdata().size == 1000
    np.testing.assert_array_equal(model.get_ydata(), sim["membrane_potential"].values[1, 3])
    assert fig.axes[0].get_ylabel() == "sweep 1\n(mV)"
    with pytest.raises(ParameterError, match="4 out of range"):
        plot.plot_traces_vs_data(sim, data, sweeps=[4])


def fi_result(amps_na, rates_hz, dim="sweep"):
    return xr.DataArray(rates_hz, dims=dim, name="rate", attrs=schema.attrs_for("rate"),
                        coords={"stimulus_current": (dim, amps_na, schema.attrs_for("stimulus_current"))})


def test_fi_in_pa_with_recording_markers():
    amps = np.array([0.0, 0.1, 0.2, 0.3])
    model = fi_result(amps, np.array([0.0, 5.0, 12.0, 20.0]))
    data = fi_result(amps, np.array([0.0, 4.0, 14.0, 18.0])).to_dataset()
    fig = plot.plot_fi(model, data)
    ax = fig.axes[0]
    m, d = ax.get_lines()
    np.testing.assert_allclose(m.get_xdata(), [0, 100, 200, 300])
    np.testing.assert_allclose(d.get_ydata(), [0, 4, 14, 18])
    assert ax.get_xlabel() == "injected current (pA)"
    assert ax.get_ylabel() == "firing rate (Hz)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["model", "recording"]


def test_fi_batch_draws_one_line_per_sample():
    amps = np.array([0.0, 1.0, 2.0])  # nA: shown in nA
    rates = np.array([[0, 10, 20], [0, 12, 25], [0, 8, 15]], float)
    fi = xr.DataArray(rates, dims=("sample", "sweep"), attrs=schema.attrs_for("rate"),
                      coords={"stimulus_current": ("sweep", amps, schema.attrs_for("stimulus_current"))})
    fig = plot.plot_fi(fi)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 3
    np.testing.assert_allclose(lines[2].get_ydata(), [0, 8, 15])
    assert fig.axes[0].get_xlabel() == "injected current (nA)"


def test_fi_without_current_coordinate_is_a_schema_error():
    with pytest.raises(SchemaError, match="no current coordinate"):
        plot.plot_fi(xr.DataArray([1.0, 2.0], dims="sweep"))


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


def history(values):
    values = np.asarray(values, float)
    attrs = {"units": "1", "long_name": "objective"}
    return xr.Dataset({"objective": (("iteration", "sample"), values, attrs)},
                      coords={"iteration": np.arange(values.shape[0])})


def test_history_best_so_far_never_rises_and_skips_nan():
    values = [[5.0, np.nan, 7.0], [3.0, 9.0, np.nan], [4.0, 6.0, 8.0], [np.nan, 1.0, 2.0]]
    fig = plot.plot_history(history(values))
    ax = fig.axes[0]
    by_label = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(by_label["best of iteration"].get_ydata(), [5, 3, 4, 1])
    np.testing.assert_allclose(by_label["best so far"].get_ydata(), [5, 3, 3, 1])
    assert ax.get_xlabel() == "iteration"
    assert ax.get_yscale() == "linear"


def test_history_log_scale_for_wide_ranges_and_missing_objective():
    fig = plot.plot_history(history([[1e3, 2e3], [10.0, 50.0], [0.5, 3.0]]))
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(SchemaError, match="objective"):
        plot.plot_history(xr.Dataset({"x": ("sample", [1.0])}))


def test_save_onto_a_folder_is_a_neurokit_error_and_leaves_no_temp(tmp_path):
    target = tmp_path / "taken.png"
    target.mkdir()
    fig = plot.plot_recording(step_recording(n_sweeps=2))
    with pytest.raises(NeurokitError, match="taken.png"):
        plot.save_figure(fig, target)
    assert os.listdir(tmp_path) == ["taken.png"] and target.is_dir()


# --- on a shipped recording, through the real reader and feature code ------------------------

@pytest.fixture(scope="module")
def abf(data_dir):
    from neurokit.io import load_recording

    return load_recording(os.path.join(data_dir, "recordings", "pyabf", "171116sh_0018.abf"))


def test_raster_of_a_recording_detects_its_spikes(abf):
    fig = plot.plot_raster(abf)
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    # data/recordings/README.md: 0 0 0 0 0 0 2 3 6 8 10 12 12 14 16 16 18 spikes per sweep
    counts = np.bincount(line.get_ydata().astype(int), minlength=17)
    np.testing.assert_array_equal(counts, [0] * 6 + [2, 3, 6, 8, 10, 12, 12, 14, 16, 16, 18])
    assert "117 spikes" in ax.get_title()
    assert sorted(ax.get_ylim()) == [-0.5, 16.5]  # silent sweeps keep their rows


def test_fi_of_a_recording_is_sorted_and_in_pa(abf):
    from neurokit.features import fi_curve

    fi = fi_curve(abf).isel(sweep=slice(None, None, -1))  # sweeps in reverse order
    fig = plot.plot_fi(fi)
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_xdata(), -100 + 25 * np.arange(17), atol=1e-6)
    assert line.get_ydata()[-1] == pytest.approx(18.0)  # 9 spikes in the 0.5 s step at 300 pA
    assert fig.axes[0].get_xlabel() == "injected current (pA)"


def test_traces_vs_data_on_a_recording(abf, tmp_path):
    sim = abf.copy()
    sim["membrane_potential"] = sim["membrane_potential"] + 1.0
    out = plot.plot_traces_vs_data(sim.expand_dims(sample=2), abf, sweeps=[4, 16],
                                   path=tmp_path / "fit.png")
    rec, model = out.axes[1].get_lines()
    np.testing.assert_allclose(model.get_ydata() - rec.get_ydata(), 1.0)
    assert (tmp_path / "fit.png").read_bytes()[:8] == PNG_MAGIC


def test_traces_vs_data_labels_panels_by_sweep_number():
    # a fit report shows, say, sweeps 7 and 11: the panels must say so, not 0 and 1
    import xarray as xr

    from neurokit.plot import plot_traces_vs_data

    t = np.arange(50) * 1e-3
    v = np.full((2, 50), -65.0)
    ds = xr.Dataset({"membrane_potential": (("sweep", "time"), v, {"units": "mV", "long_name": "membrane potential"})},
                    coords={"time": ("time", t, {"units": "s", "long_name": "time"}), "sweep": [7, 11]})
    fig = plot_traces_vs_data(ds, ds)
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels[0].startswith("sweep 7") and labels[1].startswith("sweep 11")
