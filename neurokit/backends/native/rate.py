"""Rate models on the native backend: node networks (Wilson-Cowan, Jansen-Rit) through the
code generator and the delayed-coupling template, and the batch layout shared with rate
networks (:mod:`.rate_network`).

A batch is flattened into *runs*, one per (sample, sweep), sample slowest. Parameters are
filled with :func:`neurokit.params.batch_columns` and converted to the SI units of the
equations; the node dynamics become an IR (:func:`neurokit.codegen.frontend.build_ir`) whose
update is printed into the C template (:mod:`neurokit.codegen.templates.delayed_coupling`) or
run by its NumPy twin. Random numbers: run ``(sample, sweep)`` draws from key
``sample_seeds(seed, sample)`` with counters offset by ``sweep << SWEEP_SHIFT``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from neurokit.codegen.templates.delayed_coupling import SWEEP_SHIFT, NodeProblem
from neurokit.errors import ProtocolError, UnitError
from neurokit.params import batch_columns, sample_seeds
from neurokit.units import parse_unit

DEFAULT_RECORD = ("membrane_potential",)  # Protocol's default: read as ("activity",) here


def record_names(protocol, recordable: dict[str, str]) -> tuple[str, ...]:
    """Variables to record: ``protocol.record``, its default read as ``("activity",)``."""
    names = tuple(protocol.record)
    if names == DEFAULT_RECORD or not names:
        return ("activity",)
    unknown = [n for n in names if n not in recordable]
    if unknown:
        raise ProtocolError(f"cannot record {unknown} from this rate model; recordable: "
                            f"{', '.join(recordable)}")
    return names


@dataclass
class Layout:
    """Runs (sample x sweep), steps, recording and input rows of a batch under a protocol."""

    samples: np.ndarray
    n_sweeps: int
    n_steps: int
    rec_start: int
    rec_every: int
    n_rec: int
    inp: np.ndarray
    inp_row: np.ndarray
    keys: np.ndarray
    ctr0: np.ndarray


def layout(protocol, samples: np.ndarray) -> Layout:
    """The :class:`Layout` of ``samples`` under ``protocol`` (input current rows in nA)."""
    settle = int(round(protocol.settle / protocol.dt))
    n_sweeps = protocol.n_sweeps
    cur = protocol.currents(list(samples))
    if cur.ndim == 2:  # deterministic: one row per sweep, shared by every sample
        rows = cur
        inp_row = np.tile(np.arange(n_sweeps), samples.size)
    else:
        rows = cur.reshape(-1, cur.shape[-1])
        inp_row = np.arange(samples.size * n_sweeps)
    rows = np.concatenate([np.zeros((rows.shape[0], settle)), rows], axis=1)
    if not np.any(rows):
        inp_row = np.full(samples.size * n_sweeps, -1)
        rows = np.zeros((1, 1))
    keys = np.repeat(sample_seeds(protocol.seed, samples), n_sweeps)
    ctr0 = np.tile(np.arange(n_sweeps, dtype=np.uint64) << np.uint64(SWEEP_SHIFT), samples.size)
    return Layout(samples=samples, n_sweeps=n_sweeps, n_steps=settle + protocol.n_steps,
                  rec_start=settle, rec_every=protocol.record_every,
                  n_rec=len(protocol.recorded_time()), inp=rows, inp_row=inp_row.astype(np.int64),
                  keys=keys, ctr0=ctr0)


def coords(protocol, lay: Layout, model, columns: dict, n_nodes: int) -> dict:
    """Coordinates of a rate-model dataset; parameter values ride along as ``param_<name>``."""
    from neurokit.schema import time_coord

    out = {"time": time_coord(lay.n_rec, protocol.sampling_interval),
           "sample": lay.samples, "sweep": np.arange(lay.n_sweeps), "node": np.arange(n_nodes)}
    for p in model.parameters:
        out[f"param_{p.name}"] = ("sample", columns[p.name],
                                  {"units": p.unit, "long_name": p.description or p.name})
    return out


def finish(ds: xr.Dataset, model, protocol, target: str, threads: int) -> xr.Dataset:
    """Add ``diverged`` (sample) and the provenance attrs."""
    from neurokit.schema import attrs_for, provenance_attrs

    bad = np.zeros(ds.sizes["sample"], dtype=bool)
    for da in ds.data_vars.values():
        other = [d for d in da.dims if d != "sample"]
        bad |= ~np.isfinite(da).all(dim=other).values
    ds["diverged"] = xr.DataArray(bad, dims="sample", attrs={"units": "1", "long_name": "non-finite values"})
    ds["time"].attrs.update(attrs_for("time"))
    ds.attrs.update(provenance_attrs(
        model=model.name, backend="native", target=target, threads=threads,
        protocol=protocol.to_json(summary=True), dt_s=float(protocol.dt),
        sampling_interval_s=float(protocol.sampling_interval), seed=int(protocol.seed)))
    return ds


def si_factor(unit: str, si_unit: str, what: str) -> float:
    """Factor from ``unit`` to the SI unit the IR names ``si_unit`` (Brian2's spelling, e.g.
    ``"V^-1"``): the value of ``unit`` in SI base units, after checking the dimensions."""
    from brian2.units.fundamentalunits import get_unit

    q = parse_unit(unit)
    name = "1" if q.is_dimensionless else str(get_unit(q.dim))
    if name != si_unit:
        raise UnitError(f"{what}: unit {unit!r} does not match the equations' {si_unit!r}")
    return float(np.asarray(q))


def node_ir(model):
    """The IR of a node network's local dynamics (cached per process by the front end)."""
    from neurokit.codegen.frontend import build_ir

    return build_ir(model.dynamics)


def simulate_nodes(model, params, protocol, target: str, threads: int) -> xr.Dataset:
    """Simulate a node network (:class:`~neurokit.models.rate_nodes.NodeNetwork`) for a batch.

    Parameters
    ----------
    model : NodeNetwork
    params : mapping or xarray.Dataset
        Values in each parameter's unit; a ``sample`` dim is a batch; missing ones default.
    protocol : neurokit.protocols.Protocol
        Duration, dt (s), recording, input current (nA, times ``input_gain``), seed.
    target : {"c", "numpy"}
    threads : int
        OpenMP threads of the C target.
    """
    ir = node_ir(model)
    record = record_names(protocol, model.recordable())
    samples, shown = batch_columns(params, model.space, what=model.name)
    cols = dict(shown)
    for n in ir.parameter_names:
        cols[n] = shown[n] * si_factor(model.space[n].unit, ir.unit_of(n), f"parameter {n!r} of {model.name}")
    lay = layout(protocol, samples)
    K = cols[model.coupling_gain]
    gain = cols[model.input_gain]
    P = np.stack([cols[n] for n in ir.parameter_names] + [K, gain], axis=1)
    speeds = cols[model.signal_speed] if model.signal_speed in cols else np.zeros(P.shape[0])
    row_ptr, col, w, delay = model.coupling(speeds, protocol.dt * 1e3)
    need = model.states_for(record)
    to_si = np.array([si_factor(model.state_units[s], ir.unit_of(s), f"state {s!r} of {model.name}")
                      for s in ir.state_names])
    order = [model.states.index(s) for s in ir.state_names]
    init = model.initial_state()[order] * to_si[:, None]
    prob = NodeProblem(
        P=np.repeat(P, lay.n_sweeps, axis=0), keys=lay.keys, ctr0=lay.ctr0, inp=lay.inp, inp_row=lay.inp_row,
        inp_nodes=model.input_nodes if model.input_nodes is not None else np.ones(model.n_nodes),
        init=init, row_ptr=row_ptr, col=col, cw=w, delay=np.repeat(delay, lay.n_sweeps, axis=0),
        n_steps=lay.n_steps, rec_start=lay.rec_start, rec_every=lay.rec_every, n_rec=lay.n_rec,
        dt=float(protocol.dt), rec_idx=np.array([ir.state_names.index(s) for s in need], np.int32))
    dyn = model.dynamics
    if target == "c":
        from neurokit.codegen.templates.delayed_coupling import run_c

        out = run_c(ir, dyn.coupled, dyn.noise_param, prob, threads)
    else:
        from neurokit.codegen.templates.delayed_coupling_numpy import run_numpy

        out = run_numpy(ir, dyn.coupled, dyn.noise_param, prob)
    out = out.reshape(lay.samples.size, lay.n_sweeps, len(need), lay.n_rec, model.n_nodes)
    states = {s: out[:, :, k] / to_si[ir.state_names.index(s)] for k, s in enumerate(need)}
    data = {}
    for name in record:
        values = model.activity(states) if name == "activity" else states[name]
        long_name = "rate-model activity" if name == "activity" else model.state_names.get(name, name)
        data[name] = xr.DataArray(values, dims=("sample", "sweep", "time", "node"),
                                  attrs={"units": model.recordable()[name], "long_name": long_name})
    ds = xr.Dataset(data, coords=coords(protocol, lay, model, shown, model.n_nodes))
    return finish(ds, model, protocol, target, threads)
