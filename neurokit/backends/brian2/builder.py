"""The Brian2 objects of one :class:`~neurokit.models.network.Network`.

:class:`NetworkObjects` builds the groups, synapses, Poisson drives and monitors of a network
for one run. Populations become ``NeuronGroup`` (Poisson populations ``PoissonGroup``, spike
sources ``SpikeGeneratorGroup``); receptors add their state and decay to the population's
equations; projections become ``Synapses`` with the rule's pairs (drawn by the network, the
same on every target), optional short-term and spike-timing plasticity.

In standalone mode the network parameters are Brian2 variables that ``run_args`` sets
(:meth:`NetworkObjects.run_args`), and a seed holder restarts Brian2's generators from the
sample's seed, so one compiled project serves every parameter set and sample.
"""

from __future__ import annotations

import numpy as np

from neurokit.backends.brian2.point import integration_method, split_equations
from neurokit.backends.brian2.session import equation_unit, monitor_plan, settle_and_steps, shown_unit
from neurokit.codegen.reset_params import reset_targets
from neurokit.errors import ModelError, ProtocolError
from neurokit.models.brian2_functions import brian2_namespace as function_namespace
from neurokit.models.brian2_tables import brian2_namespace
from neurokit.models.network import Network, PoissonPopulation, Population, SpikeSource
from neurokit.models.synapses import STDP, Delta, TripletSTDP
from neurokit.params import ParameterSpace
from neurokit.units import brian2_module, conversion_factor, quantity


def population_equations(pop: Population, stim_term: str) -> str:
    """The equations of ``pop``'s group on both backends: the model's with its receptors, its
    input the sum of the synaptic currents (and ``stim_term`` when stimulated), its parameters
    one value per population (``(shared, constant)``) except those the reset writes (per
    neuron, as in Brian2: a spike changes that cell's value)."""
    model = pop.resolved_model
    lines, units = split_equations(model)
    terms, extra = [], []
    for name, rec in pop.receptors.items():
        lines_r, term = rec.equations(name, model.voltage)
        extra += lines_r
        terms += [term] if term else []
    if pop.stimulated:
        terms.append(stim_term)
    written = reset_targets(model.reset)
    return "\n".join(lines + [f"{model.stimulus} = {' + '.join(terms) or '0*amp'} : amp"]
                     + [f"{p} : {u}" + ("" if p in written else " (shared, constant)") for p, u in units.items()]
                     + extra)


class NetworkObjects:
    """The Brian2 objects of one network; in standalone mode, also the map from network
    parameters to the variables that ``run_args`` sets."""

    def __init__(self, net: Network, protocol, space: ParameterSpace, values: dict, conn: dict,
                 stim: np.ndarray | None, standalone: bool, sample_seed: int | None = None):
        b2 = brian2_module()
        self.net, self.protocol, self.space, self.standalone = net, protocol, space, standalone
        self.n_settle, self.n_steps = settle_and_steps(protocol)
        self.dt = protocol.dt * b2.second
        self.groups, self.synapses, self.spike_mons, self.state_mons = {}, {}, {}, {}
        self.views: dict[str, tuple[object, str, str]] = {}  # param -> (group, variable, unit)
        self.stim = None
        self._syn_init: list[tuple[object, str, str]] = []
        self._drives: list = []
        if stim is not None:
            self.stim = b2.TimedArray(stim * b2.nA, dt=self.dt, name="nk_stim")
        self.objects = []
        inputs_of = {}
        sites = net.sites
        for inp in net.inputs:
            inputs_of.setdefault(sites[inp.target].population.name, []).append(inp)
        for pop in net.populations:
            self._population(pop, inputs_of.get(pop.name, []))
        self.site_groups = {}
        for name, site in sites.items():
            group = self.groups[site.population.name]
            self.site_groups[name] = group if site.whole else group[site.start:site.stop]
        for inp, code in self._drives:
            # The 'synapses' slot, as Brian2's own PoissonInput.
            self.objects.append(self.site_groups[inp.target].run_regularly(
                code, when="synapses", name=f"nk_{inp.name}_drive"))
        self._set_parameters(values)
        for proj in net.projections:
            self._projection(proj, conn[proj.name])
        if standalone:
            self._seed_holder()
            from brian2 import get_device

            get_device().apply_run_args()  # parameters and seed apply here, before initial values
            self._reseed()
        else:
            b2.seed(sample_seed)
        self._initial_values()
        self._monitors()
        self.network = b2.Network(*self.objects, name="nk_network")

    # -- populations --------------------------------------------------------------
    def _population(self, pop, inputs) -> None:
        b2 = brian2_module()
        name = f"nk_{pop.name}"
        if isinstance(pop, PoissonPopulation):
            group = b2.PoissonGroup(pop.size, rates=pop.rate * b2.Hz, name=name)
            self.views[f"{pop.name}.rate"] = (group, "rates", "Hz")
        elif isinstance(pop, SpikeSource):
            group = b2.SpikeGeneratorGroup(pop.size, pop.indices, pop.times * b2.second,
                                           name=name, sorted=False)
        else:
            group = self._neuron_group(pop, name, inputs)
        self.groups[pop.name] = group
        self.objects.append(group)

    def _neuron_group(self, pop: Population, name: str, inputs):
        b2 = brian2_module()
        model = pop.resolved_model
        v = model.voltage
        extra = []
        for inp in inputs:
            w_unit = equation_unit(pop.receptors[inp.receptor].weight_unit)
            extra += [f"rate_{inp.name} : hertz (shared, constant)",
                      f"w_{inp.name} : {w_unit} (shared, constant)"]
        eqs = "\n".join([population_equations(pop, "nk_stim(t)")] + extra)
        nonlinear = any(r.kind == "conductance" for r in pop.receptors.values())
        # the model's TimedArray tables (padded over the settle time) and Brian2 functions
        ns = {**brian2_namespace(model.tables, self.n_settle * self.protocol.dt),
              **function_namespace(model.functions)}
        if pop.stimulated:
            ns["nk_stim"] = self.stim
        try:
            group = b2.NeuronGroup(pop.size, eqs, threshold=model.threshold, reset=model.reset,
                                   refractory=model.refractory if model.refractory else False,
                                   method=integration_method(model, pop.method, nonlinear), namespace=ns,
                                   name=name)
        except Exception as exc:
            raise ModelError(f"population {pop.name!r} ({model.name}) cannot be built by Brian2: "
                             f"{exc}") from exc
        for p in model.parameters:
            self.views[f"{pop.name}.{p.name}"] = (group, p.name, p.unit)
        for rec_name, rec in pop.receptors.items():
            if not isinstance(rec, Delta):
                self.views[f"{pop.name}.tau_{rec_name}"] = (group, f"tau_{rec_name}", "ms")
            if rec.kind == "conductance":
                self.views[f"{pop.name}.E_{rec_name}"] = (group, f"E_{rec_name}", "mV")
        for inp in inputs:
            rec = pop.receptors[inp.receptor]
            self.views[f"{inp.name}.rate"] = (group, f"rate_{inp.name}", "Hz")
            self.views[f"{inp.name}.weight"] = (group, f"w_{inp.name}", rec.weight_unit)
            count = f"poisson({int(inp.n)}*rate_{inp.name}*dt)"
            if isinstance(rec, Delta):
                gate = "*int(not_refractory)" if model.refractory else ""
                code = f"{v} += {count}*w_{inp.name}{gate}"
            else:
                code = f"{rec.state(inp.receptor)} += {count}*w_{inp.name}"
            self._drives.append((inp, code))
        return group

    def _set_parameters(self, values: dict) -> None:
        for pname, (group, var, unit) in self.views.items():
            setattr(group, var, quantity(values[pname], unit))

    # -- projections ----------------------------------------------------------------
    def _projection(self, proj, ij) -> None:
        b2 = brian2_module()
        from brian2.utils.stringtools import word_substitute

        net = self.net
        rec = net.receptor_of(proj)
        unit = equation_unit(rec.weight_unit)
        target_pop = net.sites[proj.target].population
        plastic = proj.plasticity
        per_synapse = plastic is not None or proj.weight_init is not None
        model = [f"w0 : {unit} (shared, constant)"]
        ns: dict = {}
        if per_synapse:
            model.append(f"w : {unit}")
        if plastic is not None and proj.records_weights:
            model.append(f"w_init : {unit}")
        pre, post = [], []
        w = "w" if per_synapse else "w0"
        eff = w
        stp = proj.short_term
        if stp is not None:
            ns.update(tm_U=stp.U, tm_tau_d=stp.tau_d * b2.ms)
            model.append("dx_tm/dt = (1 - x_tm)/tm_tau_d : 1 (event-driven)")
            if stp.tau_f > 0:
                ns["tm_tau_f"] = stp.tau_f * b2.ms
                model.append("du_tm/dt = -u_tm/tm_tau_f : 1 (event-driven)")
                pre += ["u_tm += tm_U*(1 - u_tm)", "r_tm = u_tm*x_tm"]
            else:
                pre.append("r_tm = tm_U*x_tm")
            pre.append("x_tm -= r_tm")
            eff = f"{w}*r_tm"
        if isinstance(rec, Delta):
            vpost = target_pop.resolved_model.voltage
            gate = "*int(not_refractory_post)" if target_pop.resolved_model.refractory else ""
            pre.append(f"{vpost}_post += {eff}{gate}")
        else:
            pre.append(f"{rec.state(proj.receptor)}_post += {eff}")
        if isinstance(plastic, STDP):
            ns.update(stdp_w_max=b2.Quantity(quantity(plastic.w_max, rec.weight_unit)),
                      stdp_A_pre=plastic.A_pre, stdp_A_post=plastic.A_post,
                      stdp_tau_pre=plastic.tau_pre * b2.ms, stdp_tau_post=plastic.tau_post * b2.ms)
            model += [f"dApre/dt = -Apre/stdp_tau_pre : {unit} (event-driven)",
                      f"dApost/dt = -Apost/stdp_tau_post : {unit} (event-driven)"]
            pre += ["Apre += stdp_A_pre*stdp_w_max", "w = clip(w + Apost, 0*stdp_w_max, stdp_w_max)"]
            post += ["Apost += stdp_A_post*stdp_w_max", "w = clip(w + Apre, 0*stdp_w_max, stdp_w_max)"]
        elif isinstance(plastic, TripletSTDP):
            ns.update(stdp_w_max=b2.Quantity(quantity(plastic.w_max, rec.weight_unit)),
                      A2p=plastic.A2_plus, A3p=plastic.A3_plus, A2m=plastic.A2_minus, A3m=plastic.A3_minus,
                      tau_plus=plastic.tau_plus * b2.ms, tau_minus=plastic.tau_minus * b2.ms,
                      tau_x=plastic.tau_x * b2.ms, tau_y=plastic.tau_y * b2.ms)
            model += ["dr1/dt = -r1/tau_plus : 1 (event-driven)", "dr2/dt = -r2/tau_x : 1 (event-driven)",
                      "do1/dt = -o1/tau_minus : 1 (event-driven)", "do2/dt = -o2/tau_y : 1 (event-driven)"]
            # r2 and o2 enter before their own jump: the triplet terms use r2(t-), o2(t-).
            pre += ["w = clip(w - stdp_w_max*o1*(A2m + A3m*r2), 0*stdp_w_max, stdp_w_max)",
                    "r1 += 1", "r2 += 1"]
            post += ["w = clip(w + stdp_w_max*r1*(A2p + A3p*o2), 0*stdp_w_max, stdp_w_max)",
                     "o1 += 1", "o2 += 1"]
        kwargs = {}
        if isinstance(proj.delay, (int, float)) and proj.delay > 0:
            kwargs["delay"] = proj.delay * b2.ms
        try:
            syn = b2.Synapses(self.site_groups[proj.source], self.site_groups[proj.target],
                              model="\n".join(model),
                              on_pre="\n".join(pre), on_post="\n".join(post) or None, namespace=ns,
                              name=f"nk_{proj.name}", **kwargs)
        except Exception as exc:
            raise ModelError(f"projection {proj.name!r} cannot be built by Brian2: {exc}") from exc
        i, j = ij
        if i.size:
            syn.connect(i=np.asarray(i, dtype=np.int32), j=np.asarray(j, dtype=np.int32))
        if isinstance(proj.delay, str):
            syn.delay = proj.delay  # structure: drawn before the per-sample reseed
        syn.w0 = quantity(proj.weight, rec.weight_unit)
        self.views[f"{proj.name}.weight"] = (syn, "w0", rec.weight_unit)
        if per_synapse and i.size:
            expr = word_substitute(proj.weight_init or "w0", {"weight": "w0", "w_max": "stdp_w_max"})
            self._syn_init.append((syn, "w", expr))
            if plastic is not None and proj.records_weights:
                self._syn_init.append((syn, "w_init", "w"))
        if stp is not None and i.size:
            self._syn_init.append((syn, "x_tm", "1"))
        self.synapses[proj.name] = (syn, per_synapse, rec.weight_unit, i.size)
        self.objects.append(syn)

    # -- standalone seeding -----------------------------------------------------------
    def _seed_holder(self) -> None:
        b2 = brian2_module()
        self.seed_group = b2.NeuronGroup(1, "nk_seed : integer (shared, constant)", name="nk_seedholder")
        self.objects.append(self.seed_group)

    def _reseed(self) -> None:
        from brian2 import get_device, prefs

        device = get_device()
        name = device.get_array_name(self.seed_group.variables["nk_seed"])
        threads = prefs.devices.cpp_standalone.openmp_threads or 1
        # Every generator restarts from the sample's seed (set by run_args): random initial
        # values and stochastic inputs differ per sample while connectivity stays fixed.
        device.insert_code("main", f"for (int _i=0; _i<{threads}; _i++) "
                                   "brian::_random_generators[_i].seed("
                                   f"(unsigned long)brian::{name}[0] + _i);")

    # -- initial values and monitors -------------------------------------------------
    def _initial_values(self) -> None:
        for pop in self.net.neuron_populations():
            group = self.groups[pop.name]
            model = pop.resolved_model
            init = {**model.initial, **dict(pop.initial)}
            for var, expr in init.items():
                if var not in group.variables:
                    raise ModelError(f"population {pop.name!r}: initial value for unknown variable {var!r}")
                setattr(group, var, expr)
        for syn, var, expr in self._syn_init:
            setattr(syn, var, expr)

    def _monitors(self) -> None:
        b2 = brian2_module()
        mon_dt, self.skip, self.stride = monitor_plan(self.protocol, self.standalone)
        for pop in self.net.neuron_populations():
            group = self.groups[pop.name]
            mon = b2.SpikeMonitor(group, record=True, name=f"nk_{pop.name}_spikes")
            self.spike_mons[pop.name] = mon
            self.objects.append(mon)
        self.recorded = self._record_variables()
        sites = self.net.sites
        for site_name, cells in self.net.record.items():
            if not self.recorded or not cells:
                continue
            site = sites[site_name]
            mon = b2.StateMonitor(self.groups[site.population.name], sorted(set(self.recorded.values())),
                                  record=[site.start + c for c in cells],
                                  dt=None if mon_dt is None else mon_dt * b2.second,
                                  name=f"nk_{site_name}_state")
            self.state_mons[site_name] = mon
            self.objects.append(mon)

    def _record_variables(self) -> dict[str, str]:
        out = {}
        sites = self.net.sites
        pops = list({id(sites[n].population): sites[n].population for n in self.net.record}.values())
        for name in self.protocol.record:
            if name == "stimulus_current":
                continue
            for pop in pops:
                var = pop.resolved_model.voltage if name == "membrane_potential" else name
                group = self.groups[pop.name]
                fixed = pop.name + "." + var in self.space.names and var not in reset_targets(pop.model.reset)
                if var not in group.variables or fixed:  # a parameter the reset writes is a state
                    raise ProtocolError(f"cannot record {name!r}: population {pop.name!r} "
                                        "has no such state variable")
                out[name] = var
        return out

    # -- running ----------------------------------------------------------------------
    def run(self) -> None:
        b2 = brian2_module()
        total = (self.n_settle + self.n_steps) * self.protocol.dt
        self.network.run(total * b2.second, namespace={})

    def run_args(self, values: dict, seed: int, stim: np.ndarray | None) -> dict:
        b2 = brian2_module()
        args = {}
        for pname, (group, var, unit) in self.views.items():
            args[getattr(group, var)] = quantity(values[pname], unit)
        args[self.seed_group.nk_seed] = int(seed)
        if stim is not None:
            args[self.stim] = stim * b2.nA
        return args

    def collect(self) -> dict:
        """Results of the last run as plain arrays (times in s from the end of settling)."""
        t_settle = self.n_settle * self.protocol.dt
        n_rec = self.protocol.recorded_time().size
        out = {"spikes": {}, "states": {}, "weights": {}}
        for site in self.net.report_sites():
            mon = self.spike_mons[site.population.name]
            t = np.asarray(mon.t_[:], dtype=float) - t_settle
            i = np.asarray(mon.i[:], dtype=np.int64)
            keep = (t >= -1e-12) & (i >= site.start) & (i < site.stop)
            out["spikes"][site.name] = (np.maximum(t[keep], 0.0), i[keep] - site.start)
        for site_name, mon in self.state_mons.items():
            group = self.groups[self.net.sites[site_name].population.name]
            states = {}
            for out_name, var in self.recorded.items():
                raw = np.asarray(getattr(mon, var + "_"), dtype=float)[:, self.skip::self.stride][:, :n_rec]
                unit, factor = shown_unit(group.variables[var].dim)
                states[out_name] = (raw * factor, unit)
            out["states"][site_name] = states
        for proj in self.net.projections:
            if not proj.records_weights:
                continue
            syn, per_synapse, unit, n = self.synapses[proj.name]
            factor = conversion_factor(equation_unit(unit), unit)
            pre = np.asarray(syn.i[:], dtype=np.int64) if n else np.empty(0, np.int64)
            post = np.asarray(syn.j[:], dtype=np.int64) if n else np.empty(0, np.int64)
            if per_synapse and n:
                after = np.asarray(syn.w_[:], dtype=float) * factor
                before = (np.asarray(syn.w_init_[:], dtype=float) * factor if proj.plastic else after)
            else:
                w0 = float(np.asarray(syn.w0_[:]).ravel()[0]) * factor
                after = before = np.full(pre.size, w0)
            out["weights"][proj.name] = (pre, post, before, after, unit)
        return out
