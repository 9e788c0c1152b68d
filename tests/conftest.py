"""Session-wide test settings: caches in a temporary folder, headless plotting, GPU skips."""

from __future__ import annotations

import os

import matplotlib
import pytest

matplotlib.use("Agg")

# Property tests are derandomised in CI (where the CI env var is set): a fixed sequence of
# examples and no example database, so a CI run never depends on what an earlier run found.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")


@pytest.fixture(scope="session", autouse=True)
def neurokit_cache(tmp_path_factory):
    """Point every neurokit cache (generated C, compiled NMODL, Brian2 builds) at a temporary
    folder shared by the whole session, so tests never touch the user's cache."""
    path = tmp_path_factory.mktemp("neurokit-cache")
    old = os.environ.get("NEUROKIT_CACHE_DIR")
    os.environ["NEUROKIT_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("NEUROKIT_CACHE_DIR", None)
    else:
        os.environ["NEUROKIT_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def data_dir():
    """The project's data/ folder of shipped recordings and morphologies."""
    return DATA


def pytest_collection_modifyitems(config, items):
    try:
        import cupy  # noqa: F401

        has_gpu = cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, no driver or no device: all mean no GPU here
        has_gpu = False
    if not has_gpu:
        skip = pytest.mark.skip(reason="no NVIDIA GPU with CuPy on this machine")
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(skip)
