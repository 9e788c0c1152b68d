"""Probe of issue 17: a unit string that is a power tower (``10**10**10``) is refused at once
with a UnitError, through the units API and in a fit file; never a hang.

The probe runs in a subprocess that arms a 10 s alarm once its imports are done (importing
Brian2 takes seconds on a loaded machine and must not count): a hang kills the child with
SIGALRM and fails the test instead of hanging the suite. The call itself takes milliseconds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neurokit.errors import FitConfigError, UnitError

BOMB = "-55 mV*10**10**10"
HELPERS = str(Path(__file__).resolve().parents[1] / "fitting")  # numpy_lif, named by the fit file

CHILD = """\
import signal, sys
sys.path.insert(0, sys.argv[2])
from neurokit.errors import NeurokitError
from neurokit.fitting import load_fit_config
from neurokit.units import parse_unit
parse_unit("mV")  # imports Brian2 before the alarm is armed
signal.alarm(10)
try:
    parse_unit(sys.argv[1].split(" ", 1)[1])
except NeurokitError as exc:
    print(type(exc).__name__)
if len(sys.argv) > 3:
    try:
        load_fit_config(sys.argv[3])
    except NeurokitError as exc:
        print(type(exc).__name__, exc)
"""


def test_a_power_tower_unit_is_a_unit_error_at_once(fit_file):
    path = fit_file(replace={'V_reset = "-60 mV"': f'V_reset = "{BOMB}"'})
    done = subprocess.run([sys.executable, "-c", CHILD, BOMB, HELPERS, str(path)], timeout=600,
                          capture_output=True, text=True)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])  # -14: the alarm fired
    lines = done.stdout.splitlines()
    assert lines[0] == "UnitError"
    assert lines[1].startswith("FitConfigError") and "V_reset" in lines[1]


def test_the_same_in_process(fit_file):
    from neurokit.fitting import load_fit_config
    from neurokit.units import conversion_factor

    with pytest.raises(UnitError):
        conversion_factor(BOMB.split(" ", 1)[1], "mV")
    with pytest.raises(FitConfigError, match="V_reset"):
        load_fit_config(fit_file(replace={'V_reset = "-60 mV"': f'V_reset = "{BOMB}"'}))
