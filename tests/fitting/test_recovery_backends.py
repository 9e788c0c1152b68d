"""Parameter recovery on synthetic data at each granularity whose backend exists here: data
made by a backend with known parameters, then fitted through the same engine (fit file,
Fitter, objectives). Tolerances are stated per test."""

import pytest

from neurokit.backends.base import available_backends
from neurokit.fitting import Fitter
from numpy_lif import synthetic_recording

FIT = """\
name = "recovery"
seed = {seed}
budget = {budget}

[model]
granularity = "{granularity}"
name = "{model}"
backend = "{backend}"
dt = "{dt}"
{options}

[parameters]
{parameters}

[recording]
path = "{rec}"
train = {train}
sampling_interval = "1 ms"

[[objectives]]
kind = "gamma"

[[objectives]]
kind = "count"

[[objectives]]
kind = "timing"

[[objectives]]
kind = "trace"
mask_spikes = ["-2 ms", "10 ms"]
scale = "5 mV"
weight = 0.5

[optimiser]
method = "cmaes"
popsize = {popsize}
islands = {islands}
"""


def _skip_unless(name):
    if name not in available_backends():
        pytest.skip(f"backend {name!r} not available here")


def test_native_point_model_recovers_lif(tmp_path):
    """Native C backend, LIF: C, g_L, E_L, V_th within 5 %."""
    _skip_unless("native")
    from neurokit.backends import get_backend
    from neurokit.models.point import LIF

    true = {"C": 150.0, "g_L": 8.0, "E_L": -68.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 2.0}
    rec = tmp_path / "native.nc"
    synthetic_recording(get_backend("native"), LIF, true, rec)
    text = FIT.format(seed=1, budget=960, granularity="point", model="lif", backend="native", dt="0.1 ms",
                      options='[model.fixed]\nt_ref = "2 ms"\nV_reset = "-60 mV"',
                      parameters='C = [50, 400]\ng_L = { bounds = [2, 30], transform = "log" }\n'
                                 'E_L = [-80, -55]\nV_th = [-60, -40]',
                      rec=rec, train=[0, 2, 4, 5], popsize=16, islands=3).replace("weight = 0.5", "weight = 2.0")
    path = tmp_path / "native.toml"
    path.write_text(text)
    f = Fitter(path, checkpoint=False).fit()
    for name in ("C", "g_L", "E_L", "V_th"):
        assert f.best_params_[name] == pytest.approx(true[name], rel=0.05), (name, f.best_params_)


def test_neuron_cell_recovers_conductances(tmp_path):
    """NEURON one-compartment HH cell: leak conductance and reversal within 10 %, with the
    sodium and potassium densities fixed."""
    _skip_unless("neuron")
    from neurokit.backends import get_backend
    from neurokit.models.cell import single_compartment_hh

    cell = single_compartment_hh()
    true = {"g_nk_leak.soma": 8e-5, "e_nk_leak.soma": -63.0}
    rec = tmp_path / "neuron.nc"
    sim = get_backend("neuron")
    synthetic_recording(sim, cell, true, rec, amplitudes=(-0.05, 0.05, 0.1), duration=0.4)
    sim.close()
    text = FIT.format(seed=2, budget=120, granularity="cell", model="single_compartment_hh", backend="neuron",
                      dt="0.1 ms", options="",
                      parameters='"g_nk_leak.soma" = { bounds = ["2e-5 S/cm2", "3e-4 S/cm2"], transform = "log" }\n'
                                 '"e_nk_leak.soma" = ["-75 mV", "-55 mV"]',
                      rec=rec, train=[0, 1, 2], popsize=8, islands=1)
    path = tmp_path / "neuron.toml"
    path.write_text(text)
    f = Fitter(path, checkpoint=False).fit()
    assert f.best_params_["g_nk_leak.soma"] == pytest.approx(true["g_nk_leak.soma"], rel=0.10)
    assert f.best_params_["e_nk_leak.soma"] == pytest.approx(true["e_nk_leak.soma"], rel=0.10)
