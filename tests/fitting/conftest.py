"""Fixtures of the fitting tests: the NumPy LIF backend and a synthetic LIF recording."""

from __future__ import annotations

import pytest

from numpy_lif import TRUE_LIF, NumpyLIF, synthetic_recording


@pytest.fixture(scope="session")
def numpy_lif():
    return NumpyLIF()


@pytest.fixture(scope="session")
def lif_recording(tmp_path_factory, numpy_lif):
    from neurokit.models.point import LIF

    path = tmp_path_factory.mktemp("synthetic") / "lif.nc"
    synthetic_recording(numpy_lif, LIF, TRUE_LIF, path)
    return path
