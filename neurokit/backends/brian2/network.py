"""Networks through Brian2: one run per (sample, sweep), stacked into one Dataset.

Returns ragged spikes with ``spike_population``/``spike_cell`` (and sample, sweep), population
``rate`` (sample, sweep, population, time) in Hz, sampled state variables (sample, sweep, cell,
time) of the cells named in ``Network.record`` in their display units (membrane potential in
mV, time-valued states in ms), and for projections that record them ``weight_initial`` /
``weight`` (sample, sweep, synapse) with ``pre``/``post`` coords.

Random numbers: connectivity comes from NumPy keyed on the protocol seed (identical on every
target and for every sample); initial values and stochastic inputs of sample ``s`` come from
Brian2's generator seeded with :func:`neurokit.params.sample_seeds` ``(seed, s)``.

On a standalone target the project is built once, with the parameter defaults in its code,
and rerun for every (sample, sweep) with the actual values, the sample's seed and its
stimulus through Brian2's ``run_args``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.brian2.builder import NetworkObjects
from neurokit.backends.brian2.session import settle_and_steps
from neurokit.errors import ModelError
from neurokit.models.network import Network
from neurokit.params import batch_columns, sample_seeds
from neurokit.units import brian2_module


def simulate_network(net: Network, params, protocol, open_session: Callable) -> xr.Dataset:
    """Simulate ``net`` for every sample of ``params`` and every sweep of ``protocol``.

    Parameters
    ----------
    net : Network
    params : mapping or xarray.Dataset
        Network parameters (``"<owner>.<name>"``, each in its unit); a ``sample`` dim is a batch.
    protocol : Protocol
    open_session : callable
        ``open_session(dt)`` -> context manager yielding a
        :class:`~neurokit.backends.brian2.session.Session`.
    """
    b2 = brian2_module()
    space = net.parameters()
    samples, cols = batch_columns(params, space, what=f"network {net.name!r}")
    seeds = sample_seeds(protocol.seed, samples) % np.uint64(2**31 - 1)
    n_settle, _ = settle_and_steps(protocol)
    currents = None
    if any(p.is_neuron and p.stimulated for p in net.populations):
        currents = protocol.currents(samples=samples) if protocol.stochastic else protocol.currents()
    conn = net.connectivity(protocol.seed)
    results = []
    with open_session(protocol.dt) as session:
        objects = None
        for s_pos in range(samples.size):
            values = {name: col[s_pos] for name, col in cols.items()}
            for sweep in range(protocol.n_sweeps):
                stim = None
                if currents is not None:
                    row = currents[s_pos, sweep] if currents.ndim == 3 else currents[sweep]
                    stim = np.concatenate([np.zeros(n_settle), row])
                if session.standalone:
                    if objects is None:
                        b2.seed(protocol.seed)
                        # Defaults in the code, actual values through run_args: the project
                        # then does not depend on the values and never recompiles for them.
                        objects = NetworkObjects(net, protocol, space, net.defaults(), conn, stim,
                                                 standalone=True)
                        objects.run()
                        session.build()
                    session.run(objects.run_args(values, int(seeds[s_pos]), stim))
                else:
                    b2.seed(protocol.seed)  # structure (delays drawn by Brian2) per protocol seed
                    objects = NetworkObjects(net, protocol, space, values, conn, stim, standalone=False,
                                             sample_seed=int(seeds[s_pos]))
                    objects.run()
                results.append(objects.collect())
        attrs = session.attrs(net.name, protocol)
    ds = assemble(net, protocol, samples, results)
    ds.attrs = attrs
    return schema.assert_conforms(ds)


# --------------------------------------------------------------------------- results
def assemble(net: Network, protocol, samples: np.ndarray, results: list[dict]) -> xr.Dataset:
    """Stack the per-(sample, sweep) results into one conforming Dataset."""
    n_s, n_k = samples.size, protocol.n_sweeps
    t_rec = protocol.recorded_time()
    si = protocol.sampling_interval
    neuron_pops = net.report_sites()
    edges = np.append(t_rec, protocol.n_steps * protocol.dt)
    rate = np.zeros((n_s, n_k, len(neuron_pops), t_rec.size))
    sp_t, sp_s, sp_k, sp_p, sp_c = [], [], [], [], []
    for pos, res in enumerate(results):
        s, k = divmod(pos, n_k)
        for p_idx, pop in enumerate(neuron_pops):
            t, i = res["spikes"][pop.name]
            counts, _ = np.histogram(t, bins=edges)
            rate[s, k, p_idx] = counts / (pop.size * np.diff(edges))
            order = np.lexsort((t, i))
            sp_t.append(t[order]); sp_c.append(i[order])
            sp_s.append(np.full(t.size, samples[s])); sp_k.append(np.full(t.size, k))
            sp_p.append(np.full(t.size, pop.name, dtype=object))
    cat = (lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.empty(0, dt))
    spikes = schema.spikes_dataset(cat(sp_t, float), sample=cat(sp_s, samples.dtype),
                                   sweep=cat(sp_k, np.int64),
                                   population=cat(sp_p, str), cell=cat(sp_c, np.int64))
    coords = {"sample": samples, "sweep": np.arange(n_k), "population": [p.name for p in neuron_pops],
              "time": schema.time_coord(t_rec.size, si)}
    data = {"rate": (("sample", "sweep", "population", "time"), rate, schema.attrs_for("rate"))}
    # State variables of the recorded cells, one `cell` axis across populations.
    rec_pops = [name for name in net.record if results and name in results[0]["states"]]
    if rec_pops:
        names = list(results[0]["states"][rec_pops[0]])
        cell_pop = np.concatenate([[p] * len(net.record[p]) for p in rec_pops]).astype(str)
        cell_idx = np.concatenate([net.record[p] for p in rec_pops]).astype(np.int64)
        coords.update(cell=np.arange(cell_idx.size), cell_population=("cell", cell_pop),
                      cell_index=("cell", cell_idx))
        for name in names:
            arr = np.stack([np.concatenate([res["states"][p][name][0] for p in rec_pops]) for res in results])
            unit = results[0]["states"][rec_pops[0]][name][1]
            data[name] = (("sample", "sweep", "cell", "time"), arr.reshape(n_s, n_k, cell_idx.size, -1),
                          schema.attrs_for(name, unit))
    # Weights of the projections that record them, one `synapse` axis across projections.
    wprojs = [p.name for p in net.projections if p.records_weights]
    if wprojs:
        units = {results[0]["weights"][p][4] for p in wprojs}
        if len(units) > 1:
            raise ModelError(f"recorded weights mix units {sorted(units)} across projections {wprojs}; "
                             "record projections of one receptor kind at a time")
        unit = units.pop()
        first = results[0]["weights"]
        coords.update(synapse=np.arange(sum(first[p][0].size for p in wprojs)),
                      pre=("synapse", np.concatenate([first[p][0] for p in wprojs])),
                      post=("synapse", np.concatenate([first[p][1] for p in wprojs])),
                      synapse_projection=("synapse", np.concatenate(
                          [[p] * first[p][0].size for p in wprojs]).astype(str)))
        for key, col in (("weight_initial", 2), ("weight", 3)):
            arr = np.stack([np.concatenate([res["weights"][p][col] for p in wprojs]) for res in results])
            data[key] = (("sample", "sweep", "synapse"), arr.reshape(n_s, n_k, -1),
                         {"units": unit,
                          "long_name": "synaptic weight" + (" before the run" if col == 2 else "")})
    ds = xr.Dataset(data, coords=coords)
    return xr.merge([ds, spikes], combine_attrs="override")
