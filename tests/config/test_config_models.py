"""The [model] table: built-in models by name through the one registry; user code (a model or
backend by "module:attr", a mechanism folder) only with trust."""

from pathlib import Path

import pytest

from neurokit.errors import FitConfigError
from neurokit.fitting import load_fit_config


def _line_of(path, needle):
    return next(i for i, line in enumerate(Path(path).read_text().splitlines(), 1) if needle in line)


def test_backend_by_import_path_needs_trust(fit_file):
    path = fit_file(trust="false")
    with pytest.raises(FitConfigError) as info:
        load_fit_config(path)
    assert str(info.value).startswith(f"{path}:{_line_of(path, 'backend =')}:")
    assert "needs trust" in str(info.value) and "--trust" in str(info.value)
    assert load_fit_config(path, trust=True).backend == "numpy_lif:NumpyLIF"  # the command opts in
    assert load_fit_config(fit_file(trust="true")).trust  # or the file does


def test_model_by_import_path_needs_trust(fit_file):
    path = fit_file(trust="false", backend="native", replace={'name = "lif"': 'name = "neurokit.models.point:LIF"'})
    with pytest.raises(FitConfigError, match=rf":{_line_of(path, 'neurokit.models.point:')}: model 'neurokit.models.point:LIF'.*needs trust"):
        load_fit_config(path)
    cfg = load_fit_config(path, trust=True)
    assert cfg.model.name == "lif" and cfg.granularity == "point"


def test_mechanism_folder_needs_trust(fit_file, tmp_path):
    (tmp_path / "mods").mkdir()
    path = fit_file(trust="false", backend="native", replace={'dt = "0.1 ms"': 'dt = "0.1 ms"\nmechanisms = "mods"'})
    with pytest.raises(FitConfigError, match=rf":{_line_of(path, 'mechanisms =')}: mechanism folder 'mods'.*needs trust"):
        load_fit_config(path)
    load_fit_config(path, trust=True)


def test_unknown_model_lists_the_built_in_ones(fit_file):
    path = fit_file(backend="native", replace={'name = "lif"': 'name = "lifx"'})
    with pytest.raises(FitConfigError, match=rf":{_line_of(path, 'lifx')}: unknown model 'lifx'; built-in: .*gif"):
        load_fit_config(path)
