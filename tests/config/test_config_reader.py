"""The TOML reader: the line of any key, typed values and quantities with units."""

from pathlib import Path

import pytest

from neurokit.config.reader import Reader, locate
from neurokit.errors import FitConfigError

TEXT = """\
name = "t"

[parameters]
g_L = { bounds = ["2 nS", "30 nS"], transform = "log" }

[[objectives]]
kind = "gamma"

[[objectives]]
kind = "count"
weight = 0.5
"""


def _line(needle):
    return next(i for i, line in enumerate(TEXT.splitlines(), 1) if needle in line)


def test_locate_finds_keys_in_array_tables():
    assert locate(TEXT, ("objectives", 1, "weight")) == _line("weight = 0.5")
    assert locate(TEXT, ("objectives", 0, "kind")) == _line('kind = "gamma"')
    assert locate(TEXT, ("parameters", "g_L", "bounds")) == _line("g_L =")
    assert locate(TEXT, ("objectives", 1, "missing")) == _line("weight = 0.5") - 2  # its table


def test_reader_values_with_units_and_types():
    r = Reader(Path("f.toml"), TEXT)
    assert r.quantity("0.1 ms", "s", ("x",), "dt") == pytest.approx(1e-4)
    assert r.quantity(3, "mV", ("x",), "v") == 3.0
    with pytest.raises(FitConfigError, match="must be finite"):
        r.quantity(float("nan"), "mV", ("x",), "v")
    with pytest.raises(FitConfigError, match=rf"f.toml:{_line('weight')}: weight must be >= 0"):
        r.number(-1.0, ("objectives", 1, "weight"), "weight", minimum=0.0)
    with pytest.raises(FitConfigError, match="must be an integer, got True"):
        r.integer(True, ("x",), "n")
