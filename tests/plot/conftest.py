"""Shared data of the neurokit.plot tests: a synthetic step recording and a shipped ABF file."""

from __future__ import annotations

import os

import numpy as np
import pytest
import xarray as xr

from neurokit import schema

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def step_recording(n_sweeps=10, n_time=2000, interval=5e-4, samples=None):
    """A conforming recording-like dataset: step currents of -0.1 + 0.05 k nA from 0.2 to
    0.7 s, voltage a smoothed response to them with a spike-like bump on the larger steps."""
    t = schema.time_coord(n_time, interval)
    amps = -0.1 + 0.05 * np.arange(n_sweeps)
    on = ((t.values >= 0.2) & (t.values < 0.7)).astype(float)
    cur = amps[:, None] * on[None, :]
    v = -65.0 + 100.0 * cur
    v[amps > 0.2, 500] = 30.0
    dims = ("sweep", "time")
    if samples is not None:
        v = v[None] + np.arange(samples)[:, None, None]
        vdims = ("sample",) + dims
    else:
        vdims = dims
    return xr.Dataset(
        {"membrane_potential": (vdims, v, schema.attrs_for("membrane_potential")),
         "stimulus_current": (dims, cur, schema.attrs_for("stimulus_current"))},
        coords={"time": t, "sweep": np.arange(n_sweeps)},
        attrs=schema.provenance_attrs(source_file="/data/cell_0001.abf"))


def trace_lines(ax):
    """Lines that draw data (not the zero reference line)."""
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 2]


@pytest.fixture(scope="package")
def abf(data_dir):
    """data/recordings/pyabf/171116sh_0018.abf through the real reader."""
    from neurokit.io import load_recording

    return load_recording(os.path.join(data_dir, "recordings", "pyabf", "171116sh_0018.abf"))
