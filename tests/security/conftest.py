"""The security probes use the fitting tests' fit-file builder and synthetic recording (the
one builder of fit files), loaded here under its own name, as tests/config does."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_TESTS / "fitting"))  # numpy_lif, the helper module of those fixtures

_spec = importlib.util.spec_from_file_location("fitting_conftest_security", _TESTS / "fitting" / "conftest.py")
_fitting = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fitting)
numpy_lif = _fitting.numpy_lif
lif_recording = _fitting.lif_recording
fit_file = _fitting.fit_file
