"""``neurokit info``: what it reports, and that a broken backend never makes it crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy
import xarray

from neurokit.backends.base import available_backends, list_backends
from neurokit.codegen.build import find_compiler


def test_info_reports_versions_backends_and_toolchain(run):
    r = run("info")
    assert r.code == 0, r.err
    out = r.out
    assert f"numpy       {numpy.__version__}" in out
    assert f"xarray      {xarray.__version__}" in out
    for label in ("Brian2", "NEURON", "eFEL", "CuPy"):
        assert any(line.split()[:1] == [label] for line in out.splitlines()), label
    backend_lines = out.split("\nbackends\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in backend_lines] == list_backends()
    for line in backend_lines:
        assert line.split()[1] in ("available", "unavailable")
    compiler = find_compiler()
    cc_line = next(line for line in out.splitlines() if line.strip().startswith("C compiler"))
    assert (compiler in cc_line) if compiler else ("not found" in cc_line)
    assert any(line.strip().startswith("GPU") for line in out.splitlines())


def test_info_json_agrees_with_the_registry(run):
    r = run("info", "--json")
    assert r.code == 0, r.err
    info = json.loads(r.out)
    assert info["packages"]["numpy"] == numpy.__version__
    assert info["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    names = [b["name"] for b in info["backends"]]
    assert names == list_backends()
    assert [b["name"] for b in info["backends"] if b["available"]] == available_backends()
    for b in info["backends"]:
        assert b["available"] or b["note"], f"unavailable backend {b['name']} without a reason"
    assert info["c_compiler"]["path"] == find_compiler()
    gpu = info["gpu"]
    assert gpu["cupy_devices"] is None or gpu["cupy_devices"] >= 0


def test_info_survives_broken_third_party_backends(tmp_path):
    # A real installed distribution (a .dist-info on sys.path) registering two backends in the
    # neurokit.backends entry-point group: one whose module does not exist, one whose module
    # fails on import. `info` must list both as unavailable with the reason, and still exit 0.
    dist = tmp_path / "broken_backends-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-backends\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent("""\
        [neurokit.backends]
        ghost = no_such_module_anywhere:Simulator
        crashing = crashing_backend:CrashingSimulator
        """))
    (tmp_path / "crashing_backend.py").write_text("raise RuntimeError('backend exploded on import')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "neurokit.cli.main", "info", "--json"],
                          capture_output=True, text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    backends = {b["name"]: b for b in json.loads(proc.stdout)["backends"]}
    assert backends["ghost"]["available"] is False
    assert "no_such_module_anywhere" in backends["ghost"]["note"]
    assert backends["crashing"]["available"] is False
    assert "backend exploded on import" in backends["crashing"]["note"]
    assert {"native", "brian2", "neuron"} <= set(backends)
