"""Figures of fits (neurokit.plot.fit): model vs recording, F-I curves, histories."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from neurokit import plot, schema
from neurokit.errors import ParameterError, SchemaError

from .conftest import PNG_MAGIC, step_recording


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
