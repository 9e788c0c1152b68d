"""Fit files: good ones parse; bad ones raise FitConfigError naming the file, line and key,
with each value checked where it enters (one test per probe)."""

import re
from pathlib import Path

import pytest

from neurokit.errors import FitConfigError
from neurokit.fitting import Fitter, load_fit_config

ROOT = Path(__file__).resolve().parents[2]


def _line_of(path, needle):
    return next(i for i, line in enumerate(Path(path).read_text().splitlines(), 1) if needle in line)


def _refused(path, needle, message, **kw):
    """Loading ``path`` fails at the line holding ``needle`` with ``message``."""
    with pytest.raises(FitConfigError) as info:
        load_fit_config(path, **kw)
    msg = str(info.value)
    assert msg.startswith(f"{path}:{_line_of(path, needle)}:"), msg
    assert message in msg, msg
    return msg


@pytest.fixture
def native(fit_file):
    """A fit file on the native backend (no user code: no trust needed)."""
    def build(replace=None, **fields):
        return fit_file(backend="native", trust="false", replace=replace, **fields)
    return build


def test_good_file_parses_with_units(native):
    cfg = load_fit_config(native())
    assert cfg.dt == pytest.approx(1e-4)
    assert cfg.fixed == {"t_ref": 2.0, "V_reset": -60.0}
    assert cfg.space["g_L"].bounds == (2.0, 30.0) and cfg.space["g_L"].transform == "log"
    assert [o.kind for o in cfg.objectives] == ["gamma", "count", "timing", "trace"]
    assert cfg.test_sweeps(6) == [1, 3]
    assert not cfg.trust


@pytest.mark.parametrize("old,new,needle,message", [
    ("E_L = [-80, -55]", "E_X = [-80, -55]", "E_X", "unknown parameter 'E_X'"),
    ("C = [50, 400]", "C = [400, 50]", "C = [400", "reversed"),
    ('g_L = { bounds = ["2 nS", "30 nS"]', 'g_L = { bounds = ["2 mV", "30 mV"]', "g_L", "unit mismatch"),
    ('dt = "0.1 ms"', 'dt = "0.1 mV"', "dt =", "unit mismatch"),
    ('t_ref = "2 ms"', 't_ref = "2 nS"', "t_ref", "unit mismatch"),
    ('kind = "count"', 'kind = "counts"', 'kind = "counts"', "unknown objective"),
    ("[optimiser]", "[optimizer]", "[optimizer]", "unknown key 'optimizer'"),
])
def test_bad_files_name_the_line(native, old, new, needle, message):
    _refused(native(replace={old: new}), needle, message)


def test_missing_recording_names_the_line(native):
    _refused(native(rec="nowhere/missing.abf"), "path =", "missing recording")


@pytest.mark.parametrize("value", ["nan", "inf", "-0.5"])
def test_objective_weight_must_be_finite_and_not_negative(native, value):
    _refused(native(replace={"weight = 0.5": f"weight = {value}"}), "weight =", "weight must be")


@pytest.mark.parametrize("key", ["train", "test"])
def test_empty_sweep_lists_are_refused(native, key):
    replace = {"train = [0, 2, 4, 5]": "train = []"} if key == "train" else \
              {"train = [0, 2, 4, 5]": "train = [0, 2]\ntest = []"}
    _refused(native(replace=replace), f"{key} = []", f"{key} = [] holds no sweeps")


@pytest.mark.parametrize("old,new,needle,message", [
    ("budget = 1000", 'budget = "lots"', "budget =", "budget must be an integer, got 'lots'"),
    ("seed = 1", "seed = 1.5", "seed =", "seed must be an integer"),
    ("popsize = 16", 'popsize = "16"', "popsize =", "popsize must be an integer"),
    ("islands = 2", "islands = true", "islands =", "islands must be an integer"),
    ("trust = false", 'trust = "yes"', "trust =", "trust must be true or false"),
])
def test_wrong_types_are_refused(native, old, new, needle, message):
    _refused(native(replace={old: new}), needle, message)


def test_start_outside_the_bounds_is_an_error(native):
    path = native(replace={'transform = "log" }': 'transform = "log", start = "50 nS" }'})
    _refused(path, "g_L =", "start 50 nS is outside its bounds [2, 30] nS")
    cfg = load_fit_config(native(replace={'transform = "log" }': 'transform = "log", start = "10 nS" }'}))
    assert cfg.space["g_L"].default == 10.0


def test_fixed_value_out_of_physical_range(native):
    _refused(native(replace={'t_ref = "2 ms"': 't_ref = "-1 ms"'}), "t_ref", "out of its physical range")


def test_window_beyond_the_recording_is_an_error(fit_file):
    path = fit_file(replace={'sampling_interval = "1 ms"': 'sampling_interval = "1 ms"\nwindow = ["0 s", "100 s"]'})
    cfg = load_fit_config(path)  # the recording's duration is known once it is read
    with pytest.raises(FitConfigError, match=rf"{re.escape(str(path))}:{_line_of(path, 'window =')}: "
                                             r"window ends at 100 s, after the end of recording"):
        Fitter(cfg).setup()


def test_unknown_sweep_names_the_line(native):
    path = native(replace={"train = [0, 2, 4, 5]": "train = [0, 2]\ntest = [1, 17]"})
    cfg = load_fit_config(path)
    with pytest.raises(FitConfigError, match=rf"{re.escape(str(path))}:{_line_of(path, 'test = ')}: unknown sweep 17"):
        Fitter(cfg).setup()


def test_shipped_fit_files_parse():
    files = sorted((ROOT / "fits").glob("*.toml"))
    assert files, "fits/ ships fit files"
    for f in files:
        cfg = load_fit_config(f)
        assert cfg.budget > 0 and len(cfg.space) > 0 and not cfg.trust


CUSTOM = '''\
name = "custom"
budget = 10

[model]
name = "lif_in_file"
equations = """
dv/dt = (g_L*(E_L - v) + I_stim)/C : volt (unless refractory)
I_stim : amp
C : farad
g_L : siemens
E_L : volt
V_th : volt
"""
threshold = "v > V_th"
reset = "v = E_L"
refractory = "2*ms"
initial = {{ v = "E_L" }}

[model.fixed]
C = "150 pF"
{extra}

[parameters]
g_L = ["2 nS", "30 nS"]
V_th = ["-60 mV", "-40 mV"]

[recording]
path = "{rec}"
train = [0]

[[objectives]]
kind = "count"
'''


def test_point_model_written_in_the_fit_file(tmp_path, lif_recording):
    p = tmp_path / "custom.toml"
    p.write_text(CUSTOM.format(rec=lif_recording, extra='E_L = "-68 mV"'))
    cfg = load_fit_config(p)
    units = {q.name: q.unit for q in cfg.model.parameters}
    assert units == {"C": "pF", "g_L": "nS", "E_L": "mV", "V_th": "mV"}
    assert cfg.fixed == {"C": 150.0, "E_L": -68.0}
    # a declared parameter that is neither free nor fixed is named, with the line
    p.write_text(CUSTOM.format(rec=lif_recording, extra=""))
    with pytest.raises(FitConfigError, match=r"custom.toml:\d+: parameter 'E_L' of the equations is neither"):
        load_fit_config(p)


def test_cli_reports_config_errors_with_exit_status_2(native):
    from neurokit.cli.main import main

    assert main(["fit", str(native(replace={"C = [50, 400]": "C = [400, 50]"})), "--quiet"]) == 2
