"""Networks of point neurons (:class:`~neurokit.models.network.Network`) on the native backend.

Each population's neuron update is the one generator's IR (:func:`neurokit.codegen.frontend.
build_ir`) of the population's model with its receptors added, exactly as the Brian2 backend
writes them (same equations, same integration method), so both backends integrate the same
system; the network loop around it is :mod:`neurokit.codegen.templates.network` (C) or its
NumPy twin. Runs (sample x sweep) are independent; the C loop spreads them over OpenMP
threads.

Random numbers: connectivity comes from :meth:`Network.connectivity` (NumPy, keyed on the
protocol seed: the very synapses Brian2 gets, shared by every sample); per-synapse delays
given as expressions are drawn once from a stream keyed on (seed, projection); random
initial values and per-synapse start weights from :func:`neurokit.params.sample_rng` (seed,
sample); Poisson drives and the models' own noise from the counter-based generator keyed on
(seed, sample, sweep).

The dataset has the Brian2 backend's layout (:func:`neurokit.backends.brian2.network.assemble`):
ragged spikes with ``spike_population``/``spike_cell``/``spike_sample``/``spike_sweep``,
``rate`` (sample, sweep, population, time) in Hz, recorded states (sample, sweep, cell, time).
Every synapse kind of :mod:`neurokit.models.synapses` runs here as the brian2 backend writes
it: exponential and alpha receptors (current or conductance) and delta synapses, pair-based
(:mod:`~neurokit.codegen.templates.network_plastic`) and triplet
(:mod:`~neurokit.codegen.templates.network_triplet`) STDP, and Tsodyks-Markram short-term
plasticity (:mod:`~neurokit.codegen.templates.network_stp`), alone or combined. Populations of
:func:`~neurokit.models.point.from_brian2` models keep their TimedArray tables, Brian2
functions, resets that write parameters and ``i`` (the cell index within the population), see
:mod:`~neurokit.backends.native.network_population`.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.brian2.network import assemble
from neurokit.backends.native.network_population import check_constructs, initial_row, population_ir
from neurokit.codegen.templates.network import NetArrays, NetSpec, PopSpec, RecSpec, SynSpec
from neurokit.codegen.templates.network_plastic import post_index
from neurokit.errors import ModelError, ProtocolError
from neurokit.models.network import Network, PoissonPopulation, Population
from neurokit.models.synapses import STDP, Delta, TripletSTDP, TsodyksMarkram
from neurokit.params import batch_columns, sample_rng, sample_seeds
from neurokit.rng import neuron_keys
from neurokit.units import conversion_factor, display_unit, parse_unit

_SI = {"pA": "A", "nS": "S", "mV": "V"}
_RANDOM_CALL = re.compile(r"\b(randn|rand)\s*\(\s*\)")


def expression_values(text: str, n: int, names: dict, rng: np.random.Generator, where: str) -> np.ndarray:
    """Values (SI) of a Brian2 expression such as ``"rand()*2*ms"`` for ``n`` synapses:
    ``rand()``/``randn()`` draw one number per synapse from ``rng``, unit names are their SI
    values, ``names`` give arrays or numbers (SI)."""
    import sympy
    from brian2.parsing.sympytools import str_to_sympy

    from neurokit.codegen.targets.numpy import NAMESPACE, _Printer

    draws = {}

    def repl(m):
        key = f"_{m.group(1)}_{len(draws)}"
        draws[key] = rng.random(n) if m.group(1) == "rand" else rng.standard_normal(n)
        return key

    try:
        e = str_to_sympy(_RANDOM_CALL.sub(repl, text))
    except Exception as exc:  # Brian2 raises SyntaxError/ValueError/TypeError on bad code
        raise ModelError(f"{where}: cannot parse {text!r}: {exc}") from None
    env = dict(NAMESPACE)
    env.update(draws)
    env.update(names)
    for sym in e.free_symbols:
        if sym.name not in env:
            try:
                env[sym.name] = float(np.asarray(parse_unit(sym.name)))
            except Exception:
                raise ModelError(f"{where}: unknown name {sym.name!r} in {text!r}") from None
    e = e.xreplace({s: sympy.Symbol(s.name) for s in e.free_symbols})
    code = _Printer().doprint(e)
    with np.errstate(all="ignore"):
        value = eval(code, {"__builtins__": {}}, env)  # noqa: S307 - printed from sympy, names checked above
    return np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()


def _csr(i, j, delay_steps, n_pre):
    """Synapses sorted by (pre, delay): groups of one presynaptic cell and one delay."""
    order = np.lexsort((delay_steps, i))
    i, j, d = i[order], j[order], delay_steps[order]
    new = np.ones(i.size, dtype=bool)
    new[1:] = (i[1:] != i[:-1]) | (d[1:] != d[:-1])
    gstart = np.flatnonzero(new)
    gend = np.append(gstart[1:], i.size)
    gptr = np.searchsorted(i[gstart], np.arange(n_pre + 1))
    return order, (gptr.astype(np.int64), gstart.astype(np.int64), gend.astype(np.int64),
                   d[gstart].astype(np.int64), j.astype(np.int64))


def build(net: Network, params, protocol):
    """The template's structure and run-time arrays for ``net`` under ``protocol``; also
    what the dataset needs."""
    dt = float(protocol.dt)
    n_settle = int(round(protocol.settle / dt))
    n_total = n_settle + protocol.n_steps
    space = net.parameters()
    sites = net.sites
    pos = {p.name: q for q, p in enumerate(net.populations)}
    irs = {p.name: population_ir(p) for p in net.neuron_populations()}
    units, cols_of = {}, []  # P column -> (network parameter, transform)
    pops, n_par, n_init = [], 0, 0
    for pop in net.populations:
        if isinstance(pop, Population):
            ir = irs[pop.name]
            for pv in ir.parameters:
                units[f"{pop.name}.{pv.name}"] = pv.unit
                cols_of.append((f"{pop.name}.{pv.name}", 1.0))
            # a parameter the reset writes is a per-cell state starting at its column (SI)
            units.update({f"{pop.name}.{s}": ir.unit_of(s) for s in ir.state_names
                          if f"{pop.name}.{s}" in space.names})
            pops.append(PopSpec("neuron", pop.size, n_par, n_init, ir, pop.stimulated))
            n_par += len(ir.parameters)
            n_init += len(ir.states) * pop.size
        elif isinstance(pop, PoissonPopulation):
            cols_of.append((f"{pop.name}.rate", dt))
            pops.append(PopSpec("poisson", pop.size, n_par))
            n_par += 1
        else:
            pops.append(PopSpec("source", pop.size))
    projections = []
    for proj in net.projections:
        src, tgt = sites[proj.source], sites[proj.target]
        rec = net.receptor_of(proj)
        units[f"{proj.name}.weight"] = _SI[rec.weight_unit]
        per_synapse = proj.weight_init is not None or proj.plastic
        if not per_synapse:
            cols_of.append((f"{proj.name}.weight", 1.0))
        projections.append(_syn(proj, net, pops, pos, src, tgt, rec, -1 if per_synapse else n_par))
        n_par += 0 if per_synapse else 1
    inputs = []
    for inp in net.inputs:
        tgt, rec = sites[inp.target], net.receptor_of(inp)
        units[f"{inp.name}.weight"] = _SI[rec.weight_unit]
        cols_of += [(f"{inp.name}.rate", inp.n * dt), (f"{inp.name}.weight", 1.0)]
        inputs.append(_syn(inp, net, pops, pos, None, tgt, rec, n_par + 1, lam=n_par))
        n_par += 2
    records = _records(net, protocol, pops, pos, sites)
    spec = NetSpec(net.name, tuple(pops), tuple(projections), tuple(inputs), tuple(records), n_par, n_init)
    samples, cols = batch_columns(params, space, units=units, what=f"network {net.name!r}")
    n_k = protocol.n_sweeps
    P = np.stack([cols[name] * factor for name, factor in cols_of], axis=1) if cols_of \
        else np.zeros((samples.size, 1))
    csr, weights, perms = _connectivity(net, protocol, cols, samples, n_k, units)
    init = np.stack([initial_row(net, spec, cols, protocol.seed, s_pos, int(s)) for s_pos, s in enumerate(samples)])
    keys = neuron_keys(sample_seeds(protocol.seed, samples), n_k)
    cur, cur_row = _currents(net, protocol, samples, n_settle)
    arr = NetArrays(P=np.repeat(P, n_k, axis=0), init=np.repeat(init, n_k, axis=0), keys=keys, cur=cur,
                    cur_row=cur_row, csr=csr, weights=weights, schedule=_schedules(net, dt, n_total),
                    n_total=n_total, n_settle=n_settle, every=protocol.record_every,
                    post_index=[post_index(csr[m][4], syn.tgt_size) for m, syn in enumerate(projections)
                                if syn.plastic],
                    n_rec=protocol.recorded_time().size, dt=dt)
    return spec, arr, SimpleNamespace(samples=samples, perms=perms, records=records)


def _syn(item, net, pops, pos, src, tgt, rec, w, lam=-1) -> SynSpec:
    q = pos[tgt.population.name]
    ir = pops[q].ir
    if isinstance(rec, Delta):
        state = ir.state_names.index(tgt.population.resolved_model.voltage)
    else:
        state = ir.state_names.index(rec.state(item.receptor))
    gated = isinstance(rec, Delta) and pops[q].gate is not None
    if src is None:
        return SynSpec(-1, 0, 0, q, tgt.start, tgt.size, state, gated, w, lam)
    rule, tm, stdp, triplet, stp = item.plasticity, item.short_term, None, None, None
    f = conversion_factor(rec.weight_unit, _SI[rec.weight_unit])
    if isinstance(rule, STDP):
        stdp = (rule.w_max * f, rule.A_pre * rule.w_max * f, rule.A_post * rule.w_max * f,
                rule.tau_pre * 1e-3, rule.tau_post * 1e-3)
    elif isinstance(rule, TripletSTDP):
        triplet = (rule.w_max * f, rule.A2_plus, rule.A3_plus, rule.A2_minus, rule.A3_minus,
                   rule.tau_plus * 1e-3, rule.tau_minus * 1e-3, rule.tau_x * 1e-3, rule.tau_y * 1e-3)
    if isinstance(tm, TsodyksMarkram):
        stp = (tm.U, tm.tau_d * 1e-3, tm.tau_f * 1e-3)
    return SynSpec(pos[src.population.name], src.start, src.stop, q, tgt.start, tgt.size, state, gated, w,
                   stdp=stdp, triplet=triplet, stp=stp)


def _records(net, protocol, pops, pos, sites) -> list[RecSpec]:
    out = []
    for site_name, cells in net.record.items():
        if not cells:
            continue
        site = sites[site_name]
        q = pos[site.population.name]
        ir = pops[q].ir
        states = []
        for name in protocol.record:
            if name == "stimulus_current":
                continue
            var = site.population.resolved_model.voltage if name == "membrane_potential" else name
            if var not in ir.state_names:
                raise ProtocolError(f"cannot record {name!r}: population {site.population.name!r} "
                                    "has no such state variable")
            states.append(ir.state_names.index(var))
        if states:
            out.append(RecSpec(q, tuple(states), tuple(site.start + c for c in cells)))
    return out


def _connectivity(net, protocol, cols, samples, n_k, units):
    conn = net.connectivity(protocol.seed)
    sites, dt = net.sites, float(protocol.dt)
    csr, weights, perms = [], [], []
    for k, proj in enumerate(net.projections):
        i, j = (np.asarray(a, dtype=np.int64) for a in conn[proj.name])
        where = f"projection {proj.name!r}"
        if isinstance(proj.delay, str):
            # Structure, as Brian2 draws it before the per-sample reseed: one stream per projection.
            rng = np.random.default_rng(np.random.SeedSequence(entropy=int(protocol.seed), spawn_key=(k, 11)))
            d = expression_values(proj.delay, i.size, {"i": i, "j": j}, rng, f"{where} delay")
        else:
            d = np.full(i.size, float(proj.delay) * 1e-3)
        steps = np.round(d / dt).astype(np.int64)
        if steps.size and steps.min() < 0:
            raise ModelError(f"{where}: delays must be >= 0")
        order, arrays = _csr(i, j, steps, sites[proj.source].size)
        csr.append(arrays)
        perms.append((order, i, j))
        if proj.weight_init is None and not proj.plastic:
            weights.append(None)
            continue
        names = {"weight": cols[f"{proj.name}.weight"]}
        if proj.plastic:  # weight_init may use the rule's w_max
            names["w_max"] = proj.plasticity.w_max * conversion_factor(net.weight_unit(proj), units[f"{proj.name}.weight"])
        rows = []
        for s_pos, s in enumerate(samples):
            rng = sample_rng(protocol.seed, int(s))
            rng = np.random.default_rng(rng.bit_generator.seed_seq.spawn(k + 100)[-1])
            w = expression_values(proj.weight_init or "weight", i.size,
                                  {k: (v[s_pos] if k == "weight" else v) for k, v in names.items()},
                                  rng, f"{where} weight_init")
            rows.append(w[order])
        weights.append(np.repeat(np.stack(rows), n_k, axis=0) if rows else np.zeros((0, i.size)))
    return csr, weights, perms


def _currents(net, protocol, samples, n_settle):
    n_k = protocol.n_sweeps
    if not any(getattr(p, "stimulated", False) for p in net.populations):
        return np.zeros((1, 1)), np.full(samples.size * n_k, -1, dtype=np.int64)
    cur = protocol.currents(samples) * 1e-9  # nA -> A
    pad = np.zeros(cur.shape[:-1] + (n_settle,))
    cur = np.concatenate([pad, cur], axis=-1)
    if cur.ndim == 3:
        return cur.reshape(samples.size * n_k, -1), np.arange(samples.size * n_k, dtype=np.int64)
    return cur, np.tile(np.arange(n_k, dtype=np.int64), samples.size)


def _schedules(net, dt, n_total) -> dict:
    out = {}
    for q, pop in enumerate(net.populations):
        if pop.is_neuron or isinstance(pop, PoissonPopulation):
            continue
        steps = ((np.asarray(pop.times) + 1e-3 * dt) / dt).astype(np.int64)  # Brian2's time bins
        keep = steps < n_total
        pairs = np.unique(np.stack([steps[keep], np.asarray(pop.indices)[keep]], axis=1), axis=0)
        sptr = np.searchsorted(pairs[:, 0], np.arange(n_total + 1)) if pairs.size else np.zeros(n_total + 1)
        out[q] = (np.asarray(sptr, dtype=np.int64), pairs[:, 1].astype(np.int64) if pairs.size else np.zeros(1))
    return out


def simulate_network(net: Network, params, protocol, target: str, threads: int,
                     dtype: str = "float64") -> xr.Dataset:
    """Simulate ``net`` for every sample of ``params`` and sweep of ``protocol`` on ``target``
    (``"c"``, ``"cuda"`` or ``"numpy"``) with ``threads`` OpenMP threads over the runs; ``dtype``: the C
    loop's neuron states (:func:`~neurokit.codegen.templates.network_run.run_c`)."""
    spec, arr, info = build(net, params, protocol)
    check_constructs(net, {p.name: spec.pops[q].ir for q, p in enumerate(net.populations) if spec.pops[q].ir},
                     target)
    if target == "c":
        from neurokit.codegen.templates.network_run import run_c

        rec, spikes, final = run_c(spec, arr, threads, dtype)
    elif target == "cuda":  # one GPU thread per run: neurokit.codegen.templates.network_cuda
        from neurokit.codegen.templates.network_cuda import run_cuda

        rec, spikes, final = run_cuda(spec, arr, dtype)
    else:
        from neurokit.codegen.templates.network_numpy import run_numpy

        rec, spikes, final = run_numpy(spec, arr)
    ds = dataset(net, protocol, spec, arr, info, rec, spikes, target, final)
    ds.attrs["dtype"] = dtype if target == "c" else "float64"
    return ds


def dataset(net, protocol, spec, arr, info, rec, spikes, target, final=None) -> xr.Dataset:
    """The Brian2 backend's network dataset from the template's raw output."""
    dt = float(protocol.dt)
    offsets = spec.cell_offsets
    pos = {p.name: q for q, p in enumerate(net.populations)}
    results = []
    for run, spk in enumerate(spikes):
        res = {"spikes": {}, "states": {}, "weights": {}}
        for site in net.report_sites():
            lo = offsets[pos[site.population.name]] + site.start
            sel = (spk[:, 1] >= lo) & (spk[:, 1] < lo + site.size)
            res["spikes"][site.name] = (spk[sel, 0].astype(float) * dt, spk[sel, 1].astype(np.int64) - lo)
        off = 0
        for (site_name, cells), r in zip([(n, c) for n, c in net.record.items() if c], info.records):
            states, ir = {}, spec.pops[r.pop].ir
            names = [n for n in protocol.record if n != "stimulus_current"]
            for name, v in zip(names, r.states):
                si_unit = ir.unit_of(ir.state_names[v])
                shown = "mV" if name == "membrane_potential" else display_unit(si_unit)
                block = rec[run, off:off + len(r.cells)] * conversion_factor(si_unit, shown)
                states[name] = (block, shown)
                off += len(r.cells)
            res["states"][site_name] = states
        for m, proj in enumerate(net.projections):
            if not proj.records_weights:
                continue
            order, i, j = info.perms[m]
            unit = net.weight_unit(proj)
            syn = spec.projections[m]
            w, w_end = np.empty(i.size), np.empty(i.size)
            w[order] = arr.weights[m][run] if syn.w < 0 else arr.P[run, syn.w]
            w_end[order] = final[m][run] if final and m in final else w[order]
            f = conversion_factor(_SI[unit], unit)
            res["weights"][proj.name] = (i, j, w * f, w_end * f, unit)
        results.append(res)
    ds = assemble(net, protocol, info.samples, results)
    ds.attrs = schema.provenance_attrs(model=net.name, backend="native", target=target,
                                       protocol=protocol.to_json(summary=True), dt_s=dt,
                                       sampling_interval_s=float(protocol.sampling_interval),
                                       seed=int(protocol.seed))
    return schema.assert_conforms(ds)

