"""Build the benchmark-only virtual environment holding neurolib (never a neurokit dependency).

``python benchmarks/neurolib_env.py`` creates ``benchmarks/.venv-neurolib`` (git-ignored) with
``python -m venv`` and installs the pinned requirements from the package registry with pip.
neurolib 0.6.2 declares ``numpy`` without bounds; numba 0.68.1 (its JIT) needs
``1.22 <= numpy < 2.6``, so pip resolves numpy 2.4.x, newer than neurokit's own ``numpy < 2.4``
(Brian2): the two cannot share one environment, hence this separate one. The versions that
pip installed are written to ``<venv>/freeze.txt`` and quoted in the results.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-neurolib"
# Verified together (2026-11): neurolib's WCModel runs and numba compiles it with these.
REQUIREMENTS = ("neurolib==0.6.2", "numba==0.68.1", "numpy==2.4.6")


def python_of(venv: Path = VENV) -> Path:
    return venv / "bin" / "python"


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise SystemExit(f"building the neurolib environment failed at: {' '.join(cmd)}\n{tail}")


def ensure_venv(venv: Path = VENV, rebuild: bool = False) -> Path:
    """The venv's python, building the venv first if it is missing (or ``rebuild``)."""
    py = python_of(venv)
    ok = venv / ".complete"
    if ok.exists() and py.exists() and not rebuild:
        return py
    if rebuild and venv.exists():
        import shutil

        shutil.rmtree(venv)
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(py), "-m", "pip", "install", "--quiet", *REQUIREMENTS])
    # neurolib imports at all (its data files ship inside the wheel)
    _run([str(py), "-c", "import neurolib.models.wc, neurolib.utils.loadData"])
    freeze = subprocess.run([str(py), "-m", "pip", "freeze"], capture_output=True, text=True).stdout
    (venv / "freeze.txt").write_text(freeze)
    ok.write_text("ok\n")
    return py


def installed_versions(venv: Path = VENV) -> dict[str, str]:
    """Package versions in the venv, from its freeze file."""
    path = venv / "freeze.txt"
    out = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "==" in line:
                name, _, version = line.partition("==")
                out[name.lower()] = version
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuild", action="store_true", help="delete and rebuild the venv")
    args = ap.parse_args()
    print(ensure_venv(rebuild=args.rebuild))
    print({k: v for k, v in installed_versions().items() if k in ("neurolib", "numba", "numpy")})
