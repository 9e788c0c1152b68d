"""``neurokit inspect`` on every shipped recording, and on files it must refuse cleanly."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import SHIPPED


@pytest.mark.parametrize("key", list(SHIPPED))
def test_inspect_json_matches_the_recordings_readme(inspected, key):
    rec, s = SHIPPED[key], inspected[key]
    assert s["file"] == rec.path
    assert s["sweeps"] == rec.sweeps
    assert s["duration_s"] == pytest.approx(rec.duration_s, rel=1e-3)
    assert [row["spike_count"] for row in s["table"]] == list(rec.spikes)
    assert [row["sweep"] for row in s["table"]] == list(range(rec.sweeps))
    steps = [row["step_pA"] for row in s["table"]]
    if rec.steps_pA is None:
        assert steps == [None] * rec.sweeps  # no current recorded: NaN, written as null
        assert s["step_window_s"] is None
    else:
        # command waveforms (ABF) are exact; the recorded current of B6 is noisy and its README
        # rounds its own estimate, so allow a few pA there
        tol = 0.5 if key != "B6" else 6.0
        assert steps == pytest.approx(list(rec.steps_pA), abs=tol)
        start, stop = s["step_window_s"]
        assert 0.0 < start < stop < rec.duration_s


def test_inspect_finds_the_first_step_of_dual_protocols(inspected):
    # "steps dual": X pA at 0.147-0.647 s, then -100 pA at 1.147 s; the window is the X step
    # even in the sweep where X = 0 pA
    s = inspected["171116sh_0018"]
    assert s["step_window_s"] == pytest.approx([0.147, 0.647], abs=1e-3)
    assert s["table"][4]["step_pA"] == pytest.approx(0.0, abs=1e-9)
    assert {row["holding_pA"] for row in s["table"]} == {0.0}


def test_inspect_holding_current_of_the_igor_recording(inspected):
    s = inspected["B6"]
    assert [row["holding_pA"] for row in s["table"]] == pytest.approx([-12.5] * 5, abs=2.0)
    assert s["step_window_s"] == pytest.approx([0.7, 2.7], abs=0.01)
    assert s["variables"] == {"membrane_potential": "mV", "stimulus_current": "nA"}


def test_inspect_features_follow_the_spikes(inspected):
    s = inspected["fsi"]
    rate_key = next((c["key"] for c in s["columns"] if c["unit"] == "Hz"), None)
    assert rate_key is not None, f"no firing-rate column in {s['columns']}"
    rates = [row[rate_key] or 0.0 for row in s["table"]]
    # more spikes, higher rate: the rate column orders the sweeps as the spike counts do
    counts = [row["spike_count"] for row in s["table"]]
    assert rates[-1] > rates[8] > 0.0
    assert counts[-1] > counts[8]


@pytest.mark.parametrize("key", ["171116sh_0018", "B6", "efel"])
def test_inspect_table_is_aligned(run, key):
    rec = SHIPPED[key]
    r = run("inspect", rec.path)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("sweep ")
                or line.split()[:1] == ["sweep"])
    table = lines[head:]
    assert set(table[1]) <= {"-", " "}
    assert len(table) == 2 + rec.sweeps
    assert len({len(line) for line in table}) == 1, "rows are not aligned:\n" + "\n".join(table)
    for word in ("sweep", "step (pA)", "spikes"):
        assert word in table[0]
    end = table[0].index("spikes") + len("spikes")  # cells are right-aligned under headers
    assert [int(line[:end].split()[-1]) for line in table[2:]] == list(rec.spikes)
    if key == "B6":  # the file's own sweep numbers are shown beside the index
        assert [line.split()[1] for line in table[2:]] == ["181", "182", "183", "184", "185"]
    assert lines[0].split() == ["file", rec.path]


def test_inspect_without_stimulus_says_so(run):
    r = run("inspect", SHIPPED["efel"].path)
    assert r.code == 0
    assert "no stimulus recorded" in r.out
    row = r.out.splitlines()[-1].split()
    assert row[:4] == ["0", "-", "-", "6"]


def one_error_line(r, culprit):
    assert r.code == 2
    assert r.out == ""
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("error: ")
    assert str(culprit) in lines[0]


def test_missing_file_is_one_error_line(run, tmp_path):
    missing = tmp_path / "nope.abf"
    one_error_line(run("inspect", missing), missing)


def test_truncated_abf_is_one_error_line(run, tmp_path):
    src = SHIPPED["File_axon_5"].path
    bad = tmp_path / "cut.abf"
    bad.write_bytes(open(src, "rb").read()[:5000])
    one_error_line(run("inspect", bad), bad)


def test_garbage_file_is_one_error_line(run, tmp_path):
    bad = tmp_path / "junk.abf"
    bad.write_bytes(b"\x00\x01not an abf at all" * 50)
    one_error_line(run("inspect", bad), bad)


def test_installed_command_prints_no_traceback(tmp_path):
    exe = shutil.which("neurokit")
    cmd = [exe] if exe else [sys.executable, "-m", "neurokit.cli.main"]
    missing = tmp_path / "absent.abf"
    proc = subprocess.run(cmd + ["inspect", str(missing)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(missing) in lines[0], proc.stderr
