"""Fixtures of the CLI tests: the shipped recordings with what their README says they hold,
and a runner of the real ``neurokit`` entry point (``main``) that captures its output."""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass

import pytest

from neurokit.cli.main import main

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "data")
REC = os.path.join(DATA, "recordings")


@dataclass(frozen=True)
class Shipped:
    """A recording in data/ and the facts data/recordings/README.md gives about it."""

    path: str
    sweeps: int
    duration_s: float
    spikes: tuple[int, ...]
    steps_pA: tuple[float, ...] | None  # first step above holding; None: no current recorded


SHIPPED = {
    "171116sh_0018": Shipped(os.path.join(REC, "pyabf", "171116sh_0018.abf"), 17, 3.0,
                             (0, 0, 0, 0, 0, 0, 2, 3, 6, 8, 10, 12, 12, 14, 16, 16, 18),
                             tuple(-100.0 + 25 * k for k in range(17))),
    "fsi": Shipped(os.path.join(REC, "pyabf", "2019_07_24_0055_fsi.abf"), 17, 3.0,
                   (2, 3, 2, 4, 16, 28, 37, 48, 55, 68, 76, 83, 91, 99, 105, 114, 117),
                   tuple(-100.0 + 25 * k for k in range(17))),
    "File_axon_5": Shipped(os.path.join(REC, "pyabf", "File_axon_5.abf"), 9, 1.0,
                           (0, 0, 0, 0, 0, 0, 2, 2, 3), tuple(-100.0 + 50 * k for k in range(9))),
    "B6": Shipped(os.path.join(REC, "bluepyefe", "B6"), 5, 3.0, (26, 50, 68, 82, 89),
                  (121.0, 180.0, 240.0, 298.0, 356.0)),
    "efel": Shipped(os.path.join(REC, "efel", "testdata.txt"), 1, 3.0, (6,), None),
}


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def run(capsys):
    """Run ``neurokit ARGS...`` through its real entry point; return code, stdout, stderr."""

    def _run(*args) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture(scope="session")
def inspected():
    """``neurokit inspect FILE --json`` of every shipped recording, run once per session
    (eFEL on every sweep of every file is the slow part of these tests)."""
    results = {}
    for key, rec in SHIPPED.items():
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["inspect", rec.path, "--json"])
        assert code == 0, f"inspect {rec.path} failed: {err.getvalue()}"
        results[key] = json.loads(out.getvalue())
    return results
