"""The config tests use the fitting tests' fit-file builder and synthetic recording, and the
sweep tests' sweep-file builder (one builder per kind of file): those conftests are loaded here
under their own names."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_TESTS / "fitting"))  # numpy_lif, the helper module of those fixtures


def _load(folder: str):
    spec = importlib.util.spec_from_file_location(f"{folder}_conftest", _TESTS / folder / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_fitting, _sweep = _load("fitting"), _load("sweep")
numpy_lif = _fitting.numpy_lif
lif_recording = _fitting.lif_recording
fit_file = _fitting.fit_file
sweep_file = _sweep.sweep_file
