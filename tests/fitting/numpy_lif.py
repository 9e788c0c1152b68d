"""A small NumPy leaky integrate-and-fire backend (a real forward-Euler integrator) and
synthetic recordings made with known parameters, for the fitting tests. Importable by path
(``numpy_lif:NumpyLIF``) so a fit run by ``neurokit fit`` in a subprocess can use it."""

from __future__ import annotations

import itertools
import os
import signal

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.base import Simulator
from neurokit.params import as_batch
from neurokit.protocols import step_protocol


class NumpyLIF(Simulator):
    """Forward-Euler leaky integrate-and-fire over (sample, sweep), the contract of a backend:
    membrane_potential (sample, sweep, time) mV, ragged spikes, diverged (sample)."""

    name = "numpy-lif"

    def simulate(self, model, params, protocol):
        p = as_batch(params)
        n = p.sizes["sample"]
        col = {k: p[k].values.astype(float)[:, None] for k in ("C", "g_L", "E_L", "V_th", "V_reset", "t_ref")}
        cur = protocol.currents() * 1e3  # nA -> pA
        dt_ms = protocol.dt * 1e3
        v = np.broadcast_to(col["E_L"], (n, protocol.n_sweeps)).copy()
        ref = np.zeros_like(v)
        every = protocol.record_every
        out = np.empty((n, protocol.n_sweeps, len(protocol.recorded_time())))
        st, ss, sw = [], [], []
        for i in range(protocol.n_steps):
            if i % every == 0:
                out[:, :, i // every] = v
            dv = (col["g_L"] * (col["E_L"] - v) + cur[None, :, i]) / col["C"]  # nS*mV/pF = mV/ms
            v = np.where(ref > 0, v, v + dt_ms * dv)
            ref = ref - dt_ms
            fired = v > col["V_th"]
            if fired.any():
                a, b = np.nonzero(fired)
                st.append(np.full(a.size, (i + 1) * protocol.dt))
                ss.append(a)
                sw.append(b)
                v = np.where(fired, col["V_reset"], v)
                ref = np.where(fired, col["t_ref"], ref)
        t = protocol.recorded_time()
        ds = xr.Dataset({"membrane_potential": (("sample", "sweep", "time"), out, schema.attrs_for("membrane_potential")),
                         "diverged": ("sample", ~np.isfinite(out).all(axis=(1, 2)), {"units": "1", "long_name": "diverged"})},
                        coords={"time": ("time", t, schema.attrs_for("time")), "sample": p["sample"].values,
                                "sweep": np.arange(protocol.n_sweeps)},
                        attrs=schema.provenance_attrs(model=model.name, backend=self.name))
        times = np.concatenate(st) if st else np.empty(0)
        spikes = schema.spikes_dataset(times, sample=p["sample"].values[np.concatenate(ss)] if ss else np.empty(0, int),
                                       sweep=np.concatenate(sw) if sw else np.empty(0, int))
        return xr.merge([ds, spikes], combine_attrs="override")


class DiesAtCall(NumpyLIF):
    """The NumPy LIF that SIGKILLs its own process when ``simulate`` is called for the
    ``die_at``-th time in that process: a fit killed mid-run after a known number of
    generations, whatever the machine's speed (a test that polls the checkpoint and kills on
    time races the fit). The count is per process (a backend named by import path is built
    anew for every batch), so it lives on the class."""

    calls = itertools.count(1)

    def __init__(self, die_at: int = 5):
        self.die_at = int(die_at)

    def simulate(self, model, params, protocol):
        if next(DiesAtCall.calls) >= self.die_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().simulate(model, params, protocol)


TRUE_LIF = {"C": 150.0, "g_L": 8.0, "E_L": -68.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 2.0}


def synthetic_recording(simulator, model, true_params, path, amplitudes=(-0.05, 0.0, 0.15, 0.2, 0.25, 0.3),
                        dt=1e-4, duration=0.6):
    """A recording made by ``simulator`` with ``true_params``, saved as netCDF at ``path``;
    integrate-and-fire spikes are drawn as 40 mV peaks so that detection at 0 mV finds them."""
    protocol = step_protocol(list(amplitudes), 0.1, 0.5, duration, dt)
    res = simulator.simulate(model, {k: [v] for k, v in true_params.items()}, protocol)
    v = res["membrane_potential"].values[0].copy()
    t = protocol.recorded_time()
    for s, k in zip(res["spike_time"].values, res["spike_sweep"].values):
        j = int(round(s / dt))
        # integrate-and-fire traces have no spike shape: add a one-sample peak at the spike
        # time (a conductance-based trace already crosses 0 mV by itself)
        if j < t.size and v[k, j:j + int(round(3e-3 / dt))].max() < 0:
            v[k, j] = 40.0
    ds = xr.Dataset({"membrane_potential": (("sweep", "time"), v, schema.attrs_for("membrane_potential")),
                     "stimulus_current": (("sweep", "time"), protocol.currents()[:, :: protocol.record_every],
                                          schema.attrs_for("stimulus_current"))},
                    coords={"time": ("time", t, schema.attrs_for("time")), "sweep": np.arange(len(amplitudes))},
                    attrs=schema.provenance_attrs(source_file=str(path)))
    schema.save(ds, path)
    return ds
