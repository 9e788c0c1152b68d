"""Probes of issue 17 that used to end in a traceback: each now ends in a typed neurokit error
that names the culprit (the key and line of a fit file; the parameter, and the sample of a
batch, for a simulation)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from neurokit.cli.main import main
from neurokit.errors import FitConfigError, ModelError, NeurokitError, ParameterError
from neurokit.fitting import load_fit_config
from neurokit.models.point import LIF
from neurokit.protocols import step_protocol

HH = 'name = "single_compartment_hh"'


@pytest.mark.parametrize("old,new,needles", [
    ("train = [0, 2, 4, 5]", "train = []", ("train", "no sweeps")),
    ("budget = 1000", 'budget = "lots"', ("budget", "integer")),
    ('name = "lif"', HH + "\noptions = { celcius = 20.0 }", ("celcius", "unknown option")),
    ('name = "lif"', HH + '\noptions = { regions = { soma = ["nk_hh_traub"] } }', ("regions",)),
    ('name = "lif"', HH + '\noptions = { regions = ["nk_hh_traub"] }', ("regions", "Region")),
    ('name = "lif"', HH + "\noptions = { area = -5 }", ("area", "> 0")),
    ('name = "lif"', HH + '\noptions = { area = "big" }', ("area",)),
    ('name = "lif"', HH + '\noptions = { celsius = "hot" }', ("celsius",)),
    ('name = "lif"', 'name = "lif"\noptions = { tau = 3 }', ("tau",)),
], ids=["train-empty", "budget-string", "unknown-option", "regions-table", "regions-names", "area-negative",
        "area-string", "celsius-string", "point-model-option"])
def test_a_bad_fit_file_is_a_located_error(capsys, fit_file, old, new, needles):
    path = fit_file(replace={old: new})
    with pytest.raises(FitConfigError) as info:
        load_fit_config(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}:"), msg
    for needle in needles:
        assert needle in msg, msg
    assert main(["fit", str(path), "--quiet", "--no-figure"]) == 2
    assert capsys.readouterr().err.startswith("error: ")


# -- batches: every backend refuses them the same way, before simulating --------------------

@pytest.fixture(scope="module")
def proto():
    return step_protocol([0.3], start=0.005, stop=0.015, duration=0.02, dt=1e-4)


def _point_backends():
    from neurokit.backends.brian2 import Brian2Simulator
    from neurokit.backends.native import NativeSimulator

    return {"native": lambda: NativeSimulator(target="c"), "native-numpy": lambda: NativeSimulator(target="numpy"),
            "brian2": lambda: Brian2Simulator("numpy")}


@pytest.fixture(scope="module")
def neuron_sim():
    pytest.importorskip("neuron", reason="NEURON is not installed")
    from neurokit.backends.neuron import NeuronSimulator

    with NeuronSimulator() as sim:
        yield sim


def _cases():
    """(backend, model, parameter) for each backend."""
    return [(name, "point", "g_L") for name in _point_backends()] + [("neuron", "cell", "g_nk_leak.soma")]


def _simulate(name, kind, params, proto, neuron_sim):
    if kind == "cell":
        from neurokit.models.cell import single_compartment_hh

        return neuron_sim.simulate(single_compartment_hh(), params, proto)
    return _point_backends()[name]().simulate(LIF, params, proto)


def _value(kind):
    return 10.0 if kind == "point" else 5e-5


@pytest.mark.parametrize("name,kind,param", _cases())
def test_a_batch_of_no_samples_is_a_parameter_error(name, kind, param, proto, request):
    sim = request.getfixturevalue("neuron_sim") if kind == "cell" else None
    empty = xr.Dataset({param: ("sample", np.zeros(0))})
    with pytest.raises(ParameterError, match="no samples"):
        _simulate(name, kind, empty, proto, sim)
    with pytest.raises(ParameterError, match="no samples"):
        _simulate(name, kind, {param: []}, proto, sim)


@pytest.mark.parametrize("name,kind,param", _cases())
def test_a_parameter_with_an_extra_dim_is_named(name, kind, param, proto, request):
    sim = request.getfixturevalue("neuron_sim") if kind == "cell" else None
    bad = xr.Dataset({param: (("sample", "x"), np.full((2, 3), _value(kind)))})
    with pytest.raises(ParameterError, match=f"{param!r}.*dims"):
        _simulate(name, kind, bad, proto, sim)


@pytest.mark.parametrize("bad", [np.nan, -5.0], ids=["nan", "out-of-bounds"])
@pytest.mark.parametrize("name", list(_point_backends()))
def test_a_bad_sample_of_a_batch_is_named_by_its_index(name, bad, proto):
    values = np.full(5, 10.0)
    values[3] = bad
    with pytest.raises(ParameterError, match=r"'g_L': sample 3: "):
        _point_backends()[name]().simulate(LIF, {"g_L": values}, proto)
    # a chunk of a larger batch: the sample's own label, not its position in the chunk
    chunk = xr.Dataset({"g_L": ("sample", values, {"units": "nS"})}).assign_coords(sample=np.arange(100, 105))
    with pytest.raises(ParameterError, match=r"'g_L': sample 103: "):
        _point_backends()[name]().simulate(LIF, chunk, proto)


@pytest.mark.parametrize("bad", [np.nan, -1.0], ids=["nan", "out-of-bounds"])
def test_neuron_marks_the_bad_sample_by_its_index(neuron_sim, bad, proto):
    from neurokit.models.cell import single_compartment_hh

    values = np.full(5, 5e-5)
    values[3] = bad
    ds = neuron_sim.simulate(single_compartment_hh(), {"g_nk_leak.soma": values}, proto)
    errors = [str(e) for e in ds["error"].values]
    assert [i for i, e in enumerate(errors) if e] == [3]
    assert "sample 3" in errors[3] and "g_nk_leak.soma" in errors[3]


def test_params_validate_names_the_sample_and_the_parameter():
    from neurokit.params import Parameter, ParameterSpace

    space = ParameterSpace([Parameter("x", "mV", (0.0, 1.0), 0.5)])
    values = np.array([0.1, 0.2, 0.3, np.nan])
    with pytest.raises(ParameterError, match=r"'x': sample 3: non-finite"):
        space.batch({"x": values})
    with pytest.raises(ParameterError, match=r"'x': sample 2: value 7 mV outside bounds"):
        space.validate(xr.Dataset({"x": ("sample", [0.1, 0.2, 7.0])}))
    with pytest.raises(ParameterError, match=r"'x': non-finite"):
        Parameter("x", "mV", (0.0, 1.0), float("nan"))
    assert isinstance(ParameterError("x"), NeurokitError) and not issubclass(ModelError, ParameterError)
