"""Helpers of the executor, sweep and scale-out tests: ways to kill a Dask worker in the middle
of a chunk, and a synthetic recording made by the native backend for a small fit.

Imported by reference in Dask worker processes (``parallel_support:KillOnce``), so it stays a
plain module beside the tests.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import xarray as xr
from distributed.diagnostics.plugin import WorkerPlugin

from neurokit import schema
from neurokit.backends.base import Simulator
from neurokit.params import as_batch
from neurokit.protocols import step_protocol

TRUE_LIF = {"C": 150.0, "g_L": 8.0, "E_L": -68.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 2.0}


def _kill_once(marker: Path) -> None:
    """SIGKILL this process (as an out-of-memory killer or a lost node would) unless ``marker``
    exists; create it first, holding this pid, so the retried work runs normally."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


class KillOnce(Simulator):
    """Runs ``backend``, but the first chunk holding sample ``kill_sample`` kills its own worker
    process in the middle of the call, once. Results carry the pid that made them."""

    name = "kill-once"

    def __init__(self, marker: str, kill_sample: int = 0, backend: str = "native",
                 options: dict | None = None):
        self.marker, self.kill_sample = Path(marker), int(kill_sample)
        self.backend, self.options = backend, dict(options or {})

    def simulate(self, model, params, protocol) -> xr.Dataset:
        from neurokit.backends.base import get_backend

        sim = get_backend(self.backend, **(self.options or {}))
        if self.kill_sample in as_batch(params)["sample"].values:
            _kill_once(self.marker)
        ds = sim.simulate(model, params, protocol)
        ds.attrs["worker_pid"] = os.getpid()
        return ds


class KillOnFirstTask(WorkerPlugin):
    """A worker plugin that kills its worker when the first task starts executing there (once
    over the whole cluster, through a marker file): a fault injected under any computation,
    such as a fit's batches, without changing the computation itself."""

    name = "kill-on-first-task"

    def __init__(self, marker: str):
        self.marker = Path(marker)

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing":
            _kill_once(self.marker)


def synthetic_recording(model, path, amplitudes=(0.0, 0.15, 0.2, 0.3), dt=1e-4, duration=0.4,
                        true_params=TRUE_LIF) -> xr.Dataset:
    """A recording of ``model`` simulated by the native backend with ``true_params``; spikes
    drawn as 40 mV one-sample peaks so that threshold detection at 0 mV finds them."""
    from neurokit.backends import get_backend

    protocol = step_protocol(list(amplitudes), 0.05, 0.35, duration, dt)
    res = get_backend("native", threads=1).simulate(model, {k: [v] for k, v in true_params.items()}, protocol)
    v = res["membrane_potential"].values[0].copy()
    t = protocol.recorded_time()
    for s, k in zip(res["spike_time"].values, res["spike_sweep"].values):
        j = int(round(s / dt))
        if j < t.size:
            v[k, j] = 40.0
    ds = xr.Dataset({"membrane_potential": (("sweep", "time"), v, schema.attrs_for("membrane_potential")),
                     "stimulus_current": (("sweep", "time"), protocol.currents()[:, :: protocol.record_every],
                                          schema.attrs_for("stimulus_current"))},
                    coords={"time": ("time", t, schema.attrs_for("time")),
                            "sweep": np.arange(len(amplitudes))},
                    attrs=schema.provenance_attrs(source_file=str(path)))
    schema.save(ds, path)
    return ds
