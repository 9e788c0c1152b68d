"""Fit files: good ones parse; bad ones raise FitConfigError naming the file and line."""

import re
from pathlib import Path

import pytest

from neurokit.errors import FitConfigError
from neurokit.fitting.config import load_fit_config, locate

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
name = "t"
seed = 1
budget = 100

[model]
name = "lif"
dt = "0.1 ms"

[model.fixed]
t_ref = "2 ms"

[parameters]
C = [50, 400]
g_L = {{ bounds = ["2 nS", "30 nS"], transform = "log" }}
E_L = [-80, -55]

[recording]
path = "{rec}"
train = [0, 2]
test = [1]

[[objectives]]
kind = "gamma"

[[objectives]]
kind = "count"
weight = 0.5
"""


def _write(tmp_path, text, rec):
    p = tmp_path / "fit.toml"
    p.write_text(text.format(rec=rec))
    return p


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def rec(lif_recording):
    return str(lif_recording)


def test_good_file_parses_with_units(tmp_path, rec):
    cfg = load_fit_config(_write(tmp_path, GOOD, rec))
    assert cfg.dt == pytest.approx(1e-4)
    assert cfg.fixed == {"t_ref": 2.0}
    assert cfg.space["g_L"].bounds == (2.0, 30.0) and cfg.space["g_L"].transform == "log"
    assert [o.kind for o in cfg.objectives] == ["gamma", "count"]
    assert cfg.test_sweeps(6) == [1]


@pytest.mark.parametrize("old,new,needle,message", [
    ("E_L = [-80, -55]", "E_X = [-80, -55]", "E_X", "unknown parameter 'E_X'"),
    ("C = [50, 400]", "C = [400, 50]", "C = [400", "reversed"),
    ('g_L = {{ bounds = ["2 nS", "30 nS"]', 'g_L = {{ bounds = ["2 mV", "30 mV"]', "g_L", "unit mismatch"),
    ('dt = "0.1 ms"', 'dt = "0.1 mV"', "dt =", "unit mismatch"),
    ('t_ref = "2 ms"', 't_ref = "2 nS"', "t_ref", "unit mismatch"),
    ('path = "{rec}"', 'path = "nowhere/missing.abf"', "path =", "missing recording"),
    ('kind = "count"', 'kind = "counts"', 'kind = "counts"', "unknown objective"),
])
def test_bad_files_name_the_line(tmp_path, rec, old, new, needle, message):
    assert old in GOOD
    text = GOOD.replace(old, new)
    path = _write(tmp_path, text, rec)
    with pytest.raises(FitConfigError) as info:
        load_fit_config(path)
    msg = str(info.value)
    line = _line_of(text.format(rec=rec), needle.format(rec=rec))
    assert msg.startswith(f"{path}:{line}:"), msg
    assert message in msg


def test_unknown_sweep_names_the_line(tmp_path, rec):
    from neurokit.fitting import Fitter

    text = GOOD.replace("test = [1]", "test = [1, 17]")
    path = _write(tmp_path, text, rec)
    cfg = load_fit_config(path)  # the sweep count is known once the recording is read
    with pytest.raises(FitConfigError, match=rf"{re.escape(str(path))}:{_line_of(text, 'test = ')}: unknown sweep 17"):
        Fitter(cfg).setup()


def test_locate_finds_keys_in_array_tables():
    text = GOOD.format(rec="x")
    assert locate(text, ("objectives", 1, "weight")) == _line_of(text, "weight = 0.5")
    assert locate(text, ("objectives", 0, "kind")) == _line_of(text, 'kind = "gamma"')
    assert locate(text, ("parameters", "g_L", "bounds")) == _line_of(text, "g_L =")


def test_shipped_fit_files_parse():
    files = sorted((ROOT / "fits").glob("*.toml"))
    assert files, "fits/ ships fit files"
    for f in files:
        try:
            cfg = load_fit_config(f)
        except FitConfigError as exc:
            if "not available" in str(exc):
                continue
            raise
        assert cfg.budget > 0 and len(cfg.space) > 0


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


def test_point_model_written_in_the_fit_file(tmp_path, rec):
    p = tmp_path / "custom.toml"
    p.write_text(CUSTOM.format(rec=rec, extra='E_L = "-68 mV"'))
    cfg = load_fit_config(p)
    units = {q.name: q.unit for q in cfg.model.parameters}
    assert units == {"C": "pF", "g_L": "nS", "E_L": "mV", "V_th": "mV"}
    assert cfg.fixed == {"C": 150.0, "E_L": -68.0}
    # a declared parameter that is neither free nor fixed is named, with the line
    p.write_text(CUSTOM.format(rec=rec, extra=""))
    with pytest.raises(FitConfigError, match=r"custom.toml:\d+: parameter 'E_L' of the equations is neither"):
        load_fit_config(p)


def test_cli_reports_config_errors_with_exit_status_2(tmp_path, rec):
    from neurokit.cli.main import main

    path = _write(tmp_path, GOOD.replace("C = [50, 400]", "C = [400, 50]"), rec)
    assert main(["fit", str(path), "--quiet"]) == 2
