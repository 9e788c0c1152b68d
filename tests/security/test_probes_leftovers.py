"""Probes of issue 17 about what a killed process leaves behind: a fit SIGKILLed while writing
its history leaves a temporary ``.history.nc.<pid>.<hex>.nktmp.nc`` that the next run or
resume removes; a truncated cached library is rebuilt, never loaded."""

from __future__ import annotations

import signal
import subprocess
import sys

from neurokit.cli.main import main
from neurokit.files import TMP_MARK

# Opens the fit's history file for writing through the one atomic writer, writes half a file
# and is killed there: exactly what a fit SIGKILLed inside write_report leaves.
KILLED_WRITER = """\
import os, signal, sys
from neurokit.files import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    tmp.write_bytes(b"\\x89HDF\\r\\n\\x1a\\n" + b"\\0" * 1000)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _temps(folder):
    return sorted(p.name for p in folder.iterdir() if TMP_MARK in p.name)


def test_the_next_run_removes_a_killed_history_writers_temporary(tmp_path, fit_file):
    out = tmp_path / "out"
    path = fit_file(budget=32)
    assert main(["fit", str(path), "--quiet", "--no-figure", "--output", str(out)]) == 0
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(out / "history.nc")], timeout=300)
    assert killed.returncode == -signal.SIGKILL
    (stale,) = _temps(out)
    assert stale.startswith(".history.nc.") and stale.endswith(f"{TMP_MARK}.nc")
    assert main(["fit", str(path), "--resume", "--quiet", "--no-figure", "--output", str(out)]) == 0
    assert _temps(out) == []
    # the same for a fresh run into the folder (--force: it already holds a fit)
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(out / "history.nc")], timeout=300)
    assert len(_temps(out)) == 1
    assert main(["fit", str(path), "--force", "--quiet", "--no-figure", "--output", str(out)]) == 0
    assert _temps(out) == []


def test_a_truncated_cached_library_is_rebuilt():
    # (each kind of damage is covered in tests/codegen/test_build.py)
    import pytest

    from neurokit.codegen.build import build, compile_shared, find_compiler

    if find_compiler() is None:
        pytest.skip("no C compiler")
    source = "int nk_probe_truncated(void) { return 23; }\n"
    path = compile_shared(source, name="probe_truncated")
    path.write_bytes(path.read_bytes()[:100])
    assert build(source, name="probe_truncated").nk_probe_truncated() == 23
