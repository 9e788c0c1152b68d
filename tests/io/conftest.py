"""Shared fixtures of the reader tests: every shipped recording, loaded once per session."""

from __future__ import annotations

import os

import pytest

from neurokit.io import load_recording

# Path of each shipped recording, relative to data/recordings.
SHIPPED = {
    "171116sh_0018": "pyabf/171116sh_0018.abf",
    "fsi": "pyabf/2019_07_24_0055_fsi.abf",
    "axon5": "pyabf/File_axon_5.abf",
    "b6": "bluepyefe/B6",
    "efel": "efel/testdata.txt",
}


@pytest.fixture(scope="session")
def recordings_dir(data_dir):
    return os.path.join(data_dir, "recordings")


@pytest.fixture(scope="session")
def shipped_paths(recordings_dir):
    """Absolute path of each shipped recording, keyed as in :data:`SHIPPED`."""
    return {key: os.path.join(recordings_dir, rel) for key, rel in SHIPPED.items()}


@pytest.fixture(scope="session")
def recordings(recordings_dir):
    """Every shipped recording as a Dataset, keyed as in :data:`SHIPPED`."""
    return {key: load_recording(os.path.join(recordings_dir, rel)) for key, rel in SHIPPED.items()}
