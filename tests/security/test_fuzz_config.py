"""Fuzzing the TOML layer (neurokit.config): random TOML documents, and valid fit and sweep
files with one value replaced by a random one (or removed), are read into a config or refused
with a neurokit error (FitConfigError, naming the file); never another exception. The files
are read, not run. ``trust`` is never set, so nothing is imported. Derandomised in CI
(tests/conftest.py)."""

from __future__ import annotations

import tomllib
import warnings

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurokit.config.sweep import SweepSpec
from neurokit.errors import NeurokitError
from neurokit.fitting import load_fit_config

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

QUANTITIES = st.sampled_from(["1 ms", "-5 mV", "0.1 ms", "2 nS", "nan", "inf ms", "-inf", "1e400 s", "0 s",
                              "10**10**10 mV", "-55 mV*10**10**10", "mV*10**10**10", "1 mV/ms", "", " ",
                              "3 parsecs", "1 ms ms", "1e-300 ms", "__import__('os')", "().__class__",
                              "1 (mV)", "x */ int f(){} /*", "lif", "native", "cmaes", "gamma", "log"])
SCALARS = st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), st.integers(-3, 40),
                    st.floats(allow_subnormal=False),  # a loaded -ffast-math kernel flushes them to zero
                    st.text(max_size=20), QUANTITIES)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


def _paths(tree, prefix=()):
    """Every key path of a parsed TOML document (tables, values, array items)."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, value in items:
        yield prefix + (key,)
        yield from _paths(value, prefix + (key,))


def _mutated(doc: dict, pick: int, value, delete: bool) -> dict:
    paths = [p for p in _paths(doc) if p[0] != "trust"]
    path = paths[pick % len(paths)]
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


def _read(load, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            load(path)
        except NeurokitError as exc:
            assert str(path) in str(exc), exc  # the file is named


@pytest.fixture(scope="module")
def fit_text(tmp_path_factory, lif_recording):
    """A valid fit file on the native backend (no trust), as text; the recording absolute."""
    from neurokit.models.point import LIF  # noqa: F401  (the model the file names)

    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "fitting_conftest_fuzz", Path(__file__).resolve().parents[1] / "fitting" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.FIT.format(name="fuzz", seed=1, budget=100, method="cmaes", trust="false", backend="native",
                             train=[0, 2], rec=lif_recording)
    path = tmp_path_factory.mktemp("fit") / "fit.toml"
    path.write_text(text)
    load_fit_config(path)  # valid before mutation
    return text


SWEEP = """
name = "small"
seed = 2
[model]
name = "lif"
backend = "native"
[model.fixed]
E_L = "-70 mV"
[design]
method = "sobol"
n = 8
[parameters]
g_L = ["5 nS", "20 nS"]
C = { bounds = ["0.1 nF", "0.4 nF"], transform = "log" }
[protocol]
steps = { amplitudes = ["150 pA", "300 pA"], start = "10 ms", stop = "90 ms" }
duration = "0.1 s"
dt = "0.1 ms"
sampling_interval = "0.5 ms"
[execution]
chunk_size = 4
"""


@FUZZ
@given(pick=st.integers(0, 10**6), value=VALUES, delete=st.booleans())
def test_a_fit_file_with_one_random_value(tmp_path_factory, fit_text, pick, value, delete):
    doc = _mutated(tomllib.loads(fit_text), pick, value, delete)
    path = tmp_path_factory.mktemp("fuzz") / "fit.toml"
    path.write_text(tomli_w.dumps(doc))
    _read(load_fit_config, path)


@FUZZ
@given(pick=st.integers(0, 10**6), value=VALUES, delete=st.booleans())
def test_a_sweep_file_with_one_random_value(tmp_path_factory, pick, value, delete):
    doc = _mutated(tomllib.loads(SWEEP), pick, value, delete)
    path = tmp_path_factory.mktemp("fuzz") / "sweep.toml"
    path.write_text(tomli_w.dumps(doc))
    _read(SweepSpec.from_toml, path)


KEYS = st.sampled_from(["name", "seed", "budget", "model", "parameters", "recording", "objectives", "optimiser",
                        "report", "workers", "design", "protocol", "execution", "output", "description"])


@FUZZ
@given(doc=st.dictionaries(st.one_of(KEYS, st.text(max_size=8)), VALUES, max_size=8))
def test_random_toml_documents(tmp_path_factory, doc):
    doc.pop("trust", None)
    text = tomli_w.dumps(doc)
    folder = tmp_path_factory.mktemp("doc")
    for name, load in (("fit.toml", load_fit_config), ("sweep.toml", SweepSpec.from_toml)):
        (folder / name).write_text(text)
        _read(load, folder / name)


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("text") / "fit.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _read(load_fit_config, path)
    _read(SweepSpec.from_toml, path)


OPTION_KEYS = st.sampled_from(["area", "celsius", "d_lambda", "d_lambda_freq", "description", "mechanism_folders",
                               "morphology", "name", "parameters", "recordings", "regions", "scaling",
                               "spike_threshold", "stimulus_location", "synapses", "v_init", "voltage_clamp",
                               "n", "dt", "tau", "sigma"])


@FUZZ
@given(name=st.sampled_from(["adex", "ball_and_stick", "gif", "hh", "izhikevich", "jansen_rit", "lif",
                             "single_compartment_hh", "wilson_cowan"]),
       options=st.dictionaries(st.one_of(OPTION_KEYS, st.text(max_size=6)), VALUES, max_size=3))
def test_model_options_of_every_built_in_model(name, options):
    """What a file's ``[model] options`` table passes to a built-in model's builder."""
    from neurokit.models import registry

    try:
        registry.get_model(name, None, options)
    except NeurokitError:
        pass
