"""Fuzzing the recording readers: random bytes under every suffix, and truncated or
bit-flipped copies of the shipped recordings (plus an NWB file written from one), give a
dataset or a neurokit error (RecordingError and kin), never a bare exception from pyabf,
igor2, h5py, pynwb or numpy. Derandomised in CI (tests/conftest.py); small example counts
keep each test to seconds."""

from __future__ import annotations

import os
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurokit.errors import NeurokitError
from neurokit.io import load_recording

SUFFIXES = (".abf", ".nwb", ".ibw", ".txt", ".atf", ".csv")
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
RECORDINGS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "data", "recordings")
SHIPPED = {"abf": "pyabf/File_axon_5.abf", "ibw": "bluepyefe/B6/B6_Ch0_IDRest_181.ibw",
           "txt": "efel/testdata.txt"}


def _load(path):
    """Load ``path``: a dataset, or a neurokit error; anything else fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # readers may warn about odd headers: not the point
        try:
            return load_recording(path)
        except NeurokitError:
            return None


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """The bytes of each shipped recording, and of an NWB file written from one."""
    from neurokit.io import write_nwb

    out = {key: open(os.path.join(RECORDINGS, rel), "rb").read() for key, rel in SHIPPED.items()}
    nwb = tmp_path_factory.mktemp("nwb") / "axon5.nwb"
    write_nwb(load_recording(os.path.join(RECORDINGS, SHIPPED["abf"])), nwb)
    out["nwb"] = nwb.read_bytes()
    return out


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(tmp_path_factory, suffix, data):
    path = tmp_path_factory.mktemp("bytes") / f"random{suffix}"
    path.write_bytes(data)
    _load(path)


@pytest.mark.parametrize("suffix", (".txt", ".atf", ".csv"))
@FUZZ
@given(text=st.text(alphabet=st.sampled_from("0123456789.-+eE,\t \n\"nainf"), max_size=2000))
def test_random_text_tables(tmp_path_factory, suffix, text):
    path = tmp_path_factory.mktemp("text") / f"random{suffix}"
    path.write_text(text)
    _load(path)


@pytest.mark.parametrize("kind", ["abf", "ibw", "txt", "nwb"])
@FUZZ
@given(cut=st.floats(0.0, 1.0, allow_subnormal=False))
def test_truncated_copies(tmp_path_factory, seeds, kind, cut):
    data = seeds[kind]
    path = tmp_path_factory.mktemp("cut") / f"cut.{kind}"
    path.write_bytes(data[: int(cut * len(data))])
    _load(path)


@pytest.mark.parametrize("kind", ["abf", "ibw", "txt", "nwb"])
@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0.0, 1.0, allow_subnormal=False),
                                st.floats(0.0, 1.0, allow_subnormal=False), st.integers(0, 7)),
                      min_size=1, max_size=8))
def test_bit_flipped_copies(tmp_path_factory, seeds, kind, flips):
    data = bytearray(seeds[kind])
    for where, header, bit in flips:
        # half the flips land in the first 4 KiB, where the headers that size arrays live
        i = int(where * min(len(data), 4096)) if header < 0.5 else int(where * len(data))
        data[min(i, len(data) - 1)] ^= 1 << bit
    path = tmp_path_factory.mktemp("flip") / f"flip.{kind}"
    path.write_bytes(bytes(data))
    _load(path)
