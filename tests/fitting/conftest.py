"""Fixtures of the fitting tests: the NumPy LIF backend, a synthetic LIF recording, and the one
builder of fit files (``fit_file``) that the fitting and config tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from numpy_lif import NumpyLIF, synthetic_recording

HERE = Path(__file__).resolve().parent

# The fit file of the tests: the LIF model on the synthetic recording. Fields in braces are
# filled by fit_file(); `trust = true` because the NumPy backend is named by import path.
FIT = """\
name = "{name}"
seed = {seed}
budget = {budget}
trust = {trust}

[model]
name = "lif"
backend = "{backend}"
dt = "0.1 ms"

[model.fixed]
t_ref = "2 ms"
V_reset = "-60 mV"

[parameters]
C = [50, 400]
g_L = {{ bounds = ["2 nS", "30 nS"], transform = "log" }}
E_L = [-80, -55]
V_th = [-60, -40]

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
method = "{method}"
popsize = 16
islands = 2
refine = {{ fraction = 0.2, candidates = 2, sigma = 0.1 }}
"""


@pytest.fixture(scope="session")
def numpy_lif():
    return NumpyLIF()


@pytest.fixture(scope="session")
def lif_recording(tmp_path_factory, numpy_lif):
    from neurokit.models.point import LIF
    from numpy_lif import TRUE_LIF

    path = tmp_path_factory.mktemp("synthetic") / "lif.nc"
    synthetic_recording(numpy_lif, LIF, TRUE_LIF, path)
    return path


@pytest.fixture
def fit_file(tmp_path, lif_recording, monkeypatch):
    """Builder of fit files: ``fit_file(name="fit.toml", replace={old: new}, **fields)``
    writes :data:`FIT` (fields: seed, budget, method, backend, trust, train, rec) with the
    given text replacements into ``tmp_path`` and returns its path."""
    monkeypatch.syspath_prepend(str(HERE))  # the file names the test backend by import path

    def build(name: str = "fit.toml", replace: dict | None = None, **fields) -> Path:
        values = {"name": "lif_synth", "seed": 1, "budget": 1000, "method": "cmaes", "trust": "true",
                  "backend": "numpy_lif:NumpyLIF", "train": [0, 2, 4, 5], "rec": lif_recording, **fields}
        text = FIT.format(**values)
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text)
        return path

    return build
