"""Point-model batches through Brian2: one neuron per (sample, sweep) in one ``NeuronGroup``.

Every neuron is driven by its sweep's protocol current (a 2-D ``TimedArray`` replaces the
model's stimulus declaration). Returns ``membrane_potential`` (sample, sweep, time) in mV and
other recorded states in their display units (:data:`neurokit.units.DISPLAY_UNITS`: time-valued
states in ms), ragged spikes with ``spike_sample``/``spike_sweep``, and ``diverged`` (sample),
as the native backend does.

Also here: the equation helpers that network populations share (a model's equations without
its parameter and stimulus declarations, the integration method).
"""

from __future__ import annotations

import re
import time as _time
from typing import Callable

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.brian2.session import monitor_plan, settle_and_steps, shown_unit
from neurokit.errors import ModelError, ProtocolError
from neurokit.codegen.reset_params import reset_targets
from neurokit.models.brian2_functions import brian2_namespace as function_namespace
from neurokit.models.brian2_tables import brian2_namespace
from neurokit.models.point import PointModel
from neurokit.params import batch_columns, sample_seeds
from neurokit.units import brian2_module, quantity

_DECL = re.compile(r"^\s*([A-Za-z_]\w*)\s*:\s*([^()#=]*?)\s*(\(.*\))?\s*(#.*)?$")


def split_equations(model: PointModel, require_stimulus: bool = True) -> tuple[list[str], dict[str, str]]:
    """Equation lines of ``model`` without its parameter and stimulus declarations, and the
    Brian2 unit text of every parameter.

    Raises
    ------
    ModelError
        If the model declares no stimulus line (where ``require_stimulus``: networks wire
        their synaptic currents to it), or a parameter is not declared.
    """
    params = set(model.space.names)
    lines, units, stim = [], {}, False
    for line in model.equations.splitlines():
        m = _DECL.match(line)
        if m:
            name = m.group(1)
            if name == model.stimulus:
                stim = True
                continue
            if name in params:
                units[name] = m.group(2).strip() or "1"
                continue
        lines.append(line)
    if not stim and require_stimulus:
        raise ModelError(f"model {model.name!r} declares no '{model.stimulus} : amp' line to replace")
    missing = params - set(units)
    if missing:
        raise ModelError(f"model {model.name!r}: parameters {sorted(missing)} "
                         "are not declared in its equations")
    return lines, units


def stimulus_unit(model: PointModel) -> str | None:
    """Brian2 unit text of the model's input declaration (``"amp"``, ``"1"``), None if the
    model declares no input."""
    for line in model.equations.splitlines():
        m = _DECL.match(line)
        if m and m.group(1) == model.stimulus:
            return m.group(2).strip() or "1"
    return None


def integration_method(model: PointModel, override: str | None, nonlinear: bool) -> str:
    """Brian2 integration method: ``override``, else the model's, made non-exact when
    conductance synapses make the membrane equation non-linear."""
    if override:
        return override
    if nonlinear and model.method == "exact":
        # Exponential Euler is then the usual choice (Brian2's COBA examples).
        return "exponential_euler"
    return model.method


def recorded_states(model: PointModel, protocol) -> dict[str, str]:
    """Output name -> state variable for every recorded quantity but the stimulus."""
    out = {}
    words = set(re.findall(r"[A-Za-z_]\w*", model.equations))
    for name in protocol.record:
        if name == "stimulus_current":
            continue
        var = model.voltage if name == "membrane_potential" else name
        # 'dx/dt' spells state x as the word 'dx' where x appears nowhere else.
        if not ({var, "d" + var} & words) or (var in model.space.names and var not in reset_targets(model.reset)):
            raise ProtocolError(f"cannot record {name!r}: model {model.name!r} "
                                "has no such state variable")
        out[name] = var
    return out


def simulate_point(model: PointModel, params, protocol, open_session: Callable) -> xr.Dataset:
    """Simulate a batch of ``model`` under ``protocol`` in Brian2.

    Parameters
    ----------
    model : PointModel
    params : mapping or xarray.Dataset
        Parameter values in each parameter's unit; a ``sample`` dim is a batch.
    protocol : Protocol
    open_session : callable
        ``open_session(dt)`` -> context manager yielding a
        :class:`~neurokit.backends.brian2.session.Session`.
    """
    b2 = brian2_module()
    samples, cols = batch_columns(params, model.space, what=f"model {model.name!r}")
    n_s, n_k = samples.size, protocol.n_sweeps
    n_settle, n_steps = settle_and_steps(protocol)
    cur = protocol.currents(samples=range(n_s)) if protocol.stochastic else protocol.currents()
    stochastic = cur.ndim == 3
    rows = cur.reshape(-1, n_steps) if stochastic else cur
    values = np.concatenate([np.zeros((n_settle, rows.shape[0])), rows.T], axis=0)
    lines, units = split_equations(model, require_stimulus=False)
    stim_unit = stimulus_unit(model)
    if stim_unit is None and np.any(cur != 0):
        raise ProtocolError(f"model {model.name!r} declares no stimulus variable {model.stimulus!r}, "
                            "but the protocol injects current")
    stim_lines = ([f"{model.stimulus} = nk_stim(t, nk_row) : {stim_unit}", "nk_row : integer (constant)"]
                  if stim_unit is not None else [])
    written = reset_targets(model.reset)  # a parameter a reset writes is a variable, not (constant)
    eqs = "\n".join(lines + stim_lines + [f"{name} : {unit}" + ("" if name in written else " (constant)")
                                         for name, unit in units.items()])
    # Brian2's index 'i' means the sample label here (as on the native backend), not the
    # position of the (sample, sweep) neuron in this group: a constant per neuron instead.
    texts = [eqs, model.threshold, model.reset, model.refractory, *model.initial.values()]
    by_label = any(isinstance(x, str) and re.search(r"\bi\b", x) for x in texts)

    def ren(text):
        return re.sub(r"\bi\b", "nk_i", text) if by_label and isinstance(text, str) else text

    eqs = ren(eqs) + ("\nnk_i : integer (constant)" if by_label else "")
    record = recorded_states(model, protocol)
    n = n_s * n_k

    with open_session(protocol.dt) as session:
        mon_dt, skip, stride = monitor_plan(protocol, session.standalone)
        b2.seed(int(sample_seeds(protocol.seed, [0])[0] % (2**31 - 1)))
        namespace = {**brian2_namespace(model.tables, n_settle * protocol.dt), **function_namespace(model.functions)}
        if stim_unit is not None:
            # the protocol's nA for a current input, its numbers in SI for any other unit
            si = b2.Quantity(1.0, dim=b2.Equations(f"nk_u : {stim_unit}")["nk_u"].dim)
            namespace["nk_stim"] = b2.TimedArray(values * model.stimulus_scale() * si,
                                                 dt=protocol.dt * b2.second, name="nk_stim")
        try:
            group = b2.NeuronGroup(n, eqs, threshold=ren(model.threshold), reset=ren(model.reset),
                                   refractory=ren(model.refractory) if model.refractory else False,
                                   method=model.method, namespace=namespace,
                                   name="nk_cells")
        except Exception as exc:  # Brian2 raises many types for bad equations
            raise ModelError(f"model {model.name!r} cannot be built by Brian2: {exc}") from exc
        for out_name, var in record.items():
            if var not in group.variables:  # the word check above is coarse
                raise ProtocolError(f"cannot record {out_name!r}: model {model.name!r} "
                                    "has no such state variable")
        for p in model.parameters:
            setattr(group, p.name, quantity(np.repeat(cols[p.name], n_k), p.unit))
        sweep_of = np.tile(np.arange(n_k), n_s)
        if stim_unit is not None:
            group.nk_row = (np.arange(n) if stochastic else sweep_of)
        if by_label:
            group.nk_i = np.repeat(samples, n_k)
        for var, expr in model.initial.items():
            setattr(group, var, ren(expr))
        objs = [group]
        state_mon = None
        if record:
            state_mon = b2.StateMonitor(group, sorted(set(record.values())), record=True,
                                        dt=None if mon_dt is None else mon_dt * b2.second,
                                        name="nk_cells_state")
            objs.append(state_mon)
        spike_mon = None
        if model.threshold:
            spike_mon = b2.SpikeMonitor(group, record=True, name="nk_cells_spikes")
            objs.append(spike_mon)
        net = b2.Network(*objs, name="nk_point_net")
        t0 = _time.perf_counter()
        net.run((n_settle + n_steps) * protocol.dt * b2.second, namespace={})
        if session.standalone:
            session.build()
            session.run({})
        session.timings["run_s"] = _time.perf_counter() - t0

        data = {}
        final_v = np.asarray(getattr(group, model.voltage + "_")[:], dtype=float)
        diverged = ~np.isfinite(final_v).reshape(n_s, n_k).all(axis=1)
        n_rec = protocol.recorded_time().size
        for out_name, var in record.items():
            raw = np.asarray(getattr(state_mon, var + "_"), dtype=float)[:, skip::stride][:, :n_rec]
            unit, factor = shown_unit(group.variables[var].dim)
            arr = (raw * factor).reshape(n_s, n_k, -1)
            diverged |= ~np.isfinite(arr).all(axis=(1, 2))
            data[out_name] = (("sample", "sweep", "time"), arr, schema.attrs_for(out_name, unit))
        if spike_mon is not None:
            idx = np.asarray(spike_mon.i[:], dtype=np.int64)
            t = np.asarray(spike_mon.t_[:], dtype=float) - n_settle * protocol.dt
            keep = t >= -1e-12
            idx, t = idx[keep], np.maximum(t[keep], 0.0)
        else:
            idx, t = np.empty(0, np.int64), np.empty(0)
        attrs = session.attrs(model.name, protocol)

    if "stimulus_current" in protocol.record:
        every = protocol.record_every
        dims = ("sample", "sweep", "time") if stochastic else ("sweep", "time")
        data["stimulus_current"] = (dims, cur[..., ::every], schema.attrs_for("stimulus_current"))
    order = np.lexsort((t, idx))
    spikes = schema.spikes_dataset(t[order], sample=samples[idx[order] // n_k], sweep=idx[order] % n_k)
    data["diverged"] = (("sample",), diverged, {"units": "1", "long_name": "simulation diverged"})
    ds = xr.Dataset(data, coords={"sample": samples, "sweep": np.arange(n_k),
                                  "time": schema.time_coord(n_rec, protocol.sampling_interval)})
    ds = xr.merge([ds, spikes], combine_attrs="override")
    ds.attrs = attrs
    return schema.assert_conforms(ds)
