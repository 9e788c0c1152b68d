"""Shared data of the neurokit.features tests: the shipped recordings, their README counts."""

from __future__ import annotations

import os
import re

import pytest

from neurokit import features as fx
from neurokit.io import load_recording

FILES = {
    "171116sh_0018.abf": "pyabf/171116sh_0018.abf",
    "2019_07_24_0055_fsi.abf": "pyabf/2019_07_24_0055_fsi.abf",
    "File_axon_5.abf": "pyabf/File_axon_5.abf",
    "B6": "bluepyefe/B6",
    "testdata.txt": "efel/testdata.txt",
}


@pytest.fixture(scope="package")
def shipped(data_dir):
    """Each shipped recording loaded once for this module's tests."""
    return {k: load_recording(os.path.join(data_dir, "recordings", rel)) for k, rel in FILES.items()}


@pytest.fixture(scope="package")
def readme_counts(data_dir):
    """Spike counts per sweep as data/recordings/README.md states them."""
    with open(os.path.join(data_dir, "recordings", "README.md")) as fh:
        text = fh.read()
    counts = {}
    for row in re.finditer(r"^\| (\S+\.abf) \|.*\| ([\d ]+) \|$", text, re.M):
        counts[row.group(1)] = [int(n) for n in row.group(2).split()]
    counts["B6"] = [int(n) for n in re.search(r"spikes ([\d, ]+\d)", text).group(1).split(",")]
    counts["testdata.txt"] = [int(re.search(r"(\d+) spikes\.", text).group(1))]
    return counts


@pytest.fixture(scope="package")
def features(shipped):
    """compute_features of every recording with a stimulus, computed once."""
    return {k: fx.compute_features(ds) for k, ds in shipped.items() if "stimulus_current" in ds}
