"""The ``brian2`` backend: point-neuron batches and networks through Brian2.

Two kinds of model:

- a :class:`~neurokit.models.point.PointModel`: unconnected neurons, one per (sample, sweep),
  each driven by its sweep's protocol current (a 2-D ``TimedArray`` replaces ``I_stim``).
  Returns ``membrane_potential`` (sample, sweep, time) in mV, ragged spikes with
  ``spike_sample``/``spike_sweep`` and ``diverged`` (sample), as the native backend does.
- a :class:`~neurokit.models.network.Network`: run once per (sample, sweep). Returns ragged
  spikes with ``spike_population``/``spike_cell`` (and sample, sweep), population ``rate``
  (sample, sweep, population, time) in Hz, sampled state variables (sample, sweep, cell, time)
  of the cells named in ``Network.record``, and for projections that record them
  ``weight_initial``/``weight`` (sample, sweep, synapse) with ``pre``/``post`` coords.

Targets: ``"cython"`` and ``"numpy"`` (Brian2 runtime), ``"cpp_standalone"`` and
``"cuda_standalone"`` (brian2cuda, where installed). A standalone project is compiled once per
``simulate`` call and rerun for every (sample, sweep) with Brian2's ``run_args``: network
parameters and the per-sample random seed are set on the command line, so new parameter sets
never recompile. Giving ``build_dir`` keeps the project, and a later call with the same
structure reuses its compiled objects (Brian2 rewrites only changed files, make rebuilds
nothing).

Random numbers: connectivity comes from NumPy keyed on the protocol seed (identical on every
target and for every sample); initial values and stochastic inputs of sample ``s`` come from
Brian2's generator seeded with :func:`neurokit.params.sample_seeds` ``(seed, s)``.

Brian2 keeps a current device and preferences globally; this backend sets them for the length
of one ``simulate`` call and restores them after, and builds explicit ``Network`` objects
with explicit namespaces (nothing is looked up in the caller's variables).
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import shutil
import tempfile
import time as _time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.base import Simulator
from neurokit.errors import BackendError, ModelError, ParameterError, ProtocolError
from neurokit.models.network import (STDP, Delta, ExpConductance, ExpCurrent, Network,
                                     PoissonPopulation, Population, SpikeSource, TripletSTDP)
from neurokit.models.point import PointModel
from neurokit.params import ParameterSpace, as_batch, sample_seeds
from neurokit.units import conversion_factor

RUNTIME_TARGETS = ("cython", "numpy")
STANDALONE_TARGETS = ("cpp_standalone", "cuda_standalone")
TARGETS = RUNTIME_TARGETS + STANDALONE_TARGETS

# Brian2 unit names for the units of neurokit parameters and weights.
_SI_NAME = {"pA": "amp", "nA": "amp", "nS": "siemens", "mV": "volt", "ms": "second", "Hz": "hertz",
            "pF": "farad", "s": "second", "1": "1"}
# Units in which recorded quantities leave the backend, by physical dimension.
_OUT_UNITS = ("mV", "nA", "nS", "pF", "s", "Hz", "1")
_DECL = re.compile(r"^\s*([A-Za-z_]\w*)\s*:\s*([^()#=]*?)\s*(\(.*\))?\s*(#.*)?$")


# --------------------------------------------------------------------------- helpers
def _si(value: float, unit: str):
    """A Brian2 quantity from ``value`` in neurokit unit ``unit``."""
    from neurokit.units import quantity

    return quantity(value, unit)


def _out_unit(dim) -> tuple[str, float]:
    """Output unit name and factor (SI -> unit) for a Brian2 dimension."""
    from brian2.units.fundamentalunits import get_dimensions
    from neurokit.units import parse_unit

    for name in _OUT_UNITS:
        if get_dimensions(parse_unit(name)) is dim:
            return name, conversion_factor(_si_unit_text(name), name)
    return str(dim) or "1", 1.0


def _si_unit_text(name: str) -> str:
    return {"mV": "V", "nA": "A", "nS": "S", "pF": "F"}.get(name, name)


def _split_equations(model: PointModel) -> tuple[list[str], dict[str, str]]:
    """Equation lines of ``model`` without its parameter and stimulus declarations, and the
    Brian2 unit text of every parameter."""
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
    if not stim:
        raise ModelError(f"model {model.name!r} declares no '{model.stimulus} : amp' line to replace")
    missing = params - set(units)
    if missing:
        raise ModelError(f"model {model.name!r}: parameters {sorted(missing)} "
                         "are not declared in its equations")
    return lines, units


def _method(model: PointModel, override: str | None, nonlinear: bool):
    if override:
        return override
    if nonlinear and model.method == "exact":
        # Conductance synapses make v's equation non-linear; exponential Euler is then the
        # usual choice (Brian2's COBA examples), Euler the last resort.
        return "exponential_euler"
    return model.method


def _monitor_plan(protocol, standalone: bool) -> tuple[float | None, int, int]:
    """(monitor dt in s or None for the default clock, samples to drop for the settling
    period, stride) so that the kept samples fall at ``protocol.recorded_time()``. Standalone
    monitors run on the default clock (a second clock would make builds differ)."""
    n_settle = int(round(protocol.settle / protocol.dt))
    every = protocol.record_every
    if standalone:
        return None, n_settle, every
    if n_settle % every == 0:
        return protocol.sampling_interval, n_settle // every, 1
    return protocol.dt, n_settle, every


def _steps(protocol) -> tuple[int, int]:
    return int(round(protocol.settle / protocol.dt)), protocol.n_steps


def _batch(params, space: ParameterSpace) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sample coords and full columns (defaults filled in), each in its parameter's unit."""
    ds = as_batch(params, space)
    n = ds.sizes.get("sample", 1)
    samples = ds["sample"].values if "sample" in ds.coords else np.arange(n)
    cols = {}
    for p in space.parameters:
        if p.name in ds:
            da = ds[p.name]
            extra = [d for d in da.dims if d != "sample"]
            if extra:
                raise ParameterError(f"parameter {p.name!r} has dims {da.dims}; only 'sample' is allowed")
            cols[p.name] = np.broadcast_to(np.asarray(da.values, dtype=float), (n,)).copy()
        else:
            if p.default is None:
                raise ParameterError(f"parameter {p.name!r} has no value and no default")
            cols[p.name] = np.full(n, float(p.default))
    return samples, cols


def space_defaults(space: ParameterSpace) -> dict[str, float]:
    return {p.name: float(p.default) for p in space.parameters}


@dataclass
class _Session:
    """What one simulate call uses of Brian2: target, device, build folder, counters."""

    target: str
    device: object = None
    directory: str | None = None
    builds: int = 0
    runs: int = 0
    timings: dict = field(default_factory=dict)

    @property
    def standalone(self) -> bool:
        return self.target in STANDALONE_TARGETS


# --------------------------------------------------------------------------- the simulator
class Brian2Simulator(Simulator):
    """Simulate point-neuron batches and networks with Brian2.

    Parameters
    ----------
    target : {"cython", "numpy", "cpp_standalone", "cuda_standalone"}
        Brian2 code-generation target (runtime) or standalone device.
    threads : int, optional
        OpenMP threads of a standalone project (default: Brian2's, no OpenMP).
    build_dir : str or Path, optional
        Folder of the standalone project; kept after the call and reused by later calls
        (only changed sources recompile). Default: a fresh temporary folder under the
        neurokit cache, deleted afterwards.
    """

    name = "brian2"

    def __init__(self, target: str = "cython", threads: int | None = None, build_dir=None):
        if target not in TARGETS:
            raise BackendError(f"unknown Brian2 target {target!r}; use one of {', '.join(TARGETS)}")
        if threads is not None and int(threads) < 1:
            raise BackendError(f"threads must be >= 1, got {threads!r}")
        self.target = target
        self.threads = None if threads is None else int(threads)
        self.build_dir = None if build_dir is None else Path(build_dir)
        reason = self.target_unavailable_reason(target)
        if reason:
            raise BackendError(f"Brian2 target {target!r} is not available here: {reason}")

    # -- availability ---------------------------------------------------------------
    @classmethod
    def is_available(cls) -> bool:
        return importlib.util.find_spec("brian2") is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        return "" if cls.is_available() else "brian2 is not installed"

    @staticmethod
    def target_unavailable_reason(target: str) -> str:
        """Why ``target`` cannot run here (empty if it can)."""
        from neurokit.codegen.build import find_compiler

        if target == "numpy":
            return ""
        if find_compiler() is None:
            return "no C/C++ compiler found"
        if target == "cython" and importlib.util.find_spec("Cython") is None:
            return "Cython is not installed"
        if target in STANDALONE_TARGETS and shutil.which("make") is None:
            return "'make' is not installed"
        if target == "cuda_standalone":
            if importlib.util.find_spec("brian2cuda") is None:
                return "brian2cuda is not installed"
            if shutil.which("nvcc") is None:
                return "the CUDA compiler nvcc is not on PATH"
        return ""

    @classmethod
    def target_available(cls, target: str) -> bool:
        return not cls.target_unavailable_reason(target)

    def supports(self, model) -> bool:
        return isinstance(model, (PointModel, Network))

    # -- the contract ---------------------------------------------------------------
    def simulate(self, model, params, protocol) -> xr.Dataset:
        """Simulate a point model batch or a network; see the module docstring for the layout."""
        if isinstance(model, PointModel):
            return self._simulate_point(model, params, protocol)
        if isinstance(model, Network):
            return self._simulate_network(model, params, protocol)
        raise ModelError("the brian2 backend simulates a PointModel or a Network, "
                         f"not {type(model).__name__}")

    # -- Brian2 global state, held for one call --------------------------------------
    @contextlib.contextmanager
    def _session(self, dt: float):
        import brian2
        from brian2 import prefs
        from brian2.devices.device import all_devices, reset_device, set_device
        from neurokit.codegen.build import cache_dir

        saved = {k: prefs[k] for k in ("codegen.target", "codegen.runtime.cython.cache_dir",
                                        "devices.cpp_standalone.openmp_threads")}
        session = _Session(self.target)
        temp = None
        old_dt = brian2.defaultclock.dt
        try:
            prefs["codegen.runtime.cython.cache_dir"] = str(cache_dir("brian2") / "cython")
            if not session.standalone:
                prefs["codegen.target"] = self.target
                # Every object runs on the default clock: one clock keeps a standalone
                # main.cpp identical between builds (Brian2 orders several clocks by hash).
                brian2.defaultclock.dt = dt * brian2.second
                yield session
                return
            if self.target == "cuda_standalone":
                import brian2cuda  # noqa: F401  registers the device
            if self.build_dir is not None:
                directory = self.build_dir
                directory.mkdir(parents=True, exist_ok=True)
            else:
                directory = temp = Path(tempfile.mkdtemp(prefix="standalone-", dir=cache_dir("brian2")))
            prefs["devices.cpp_standalone.openmp_threads"] = self.threads or 0
            device = all_devices[self.target]
            device.reinit()
            set_device(self.target, build_on_run=False, directory=str(directory))
            session.device, session.directory = brian2.get_device(), str(directory)
            brian2.defaultclock.dt = dt * brian2.second
            try:
                yield session
            finally:
                session.device.reinit()
                reset_device()
        finally:
            brian2.defaultclock.dt = old_dt
            for key, value in saved.items():
                prefs[key] = value
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)

    # ================================================================ point models
    def _simulate_point(self, model: PointModel, params, protocol) -> xr.Dataset:
        import brian2 as b2

        samples, cols = _batch(params, model.space)
        n_s, n_k = samples.size, protocol.n_sweeps
        n_settle, n_steps = _steps(protocol)
        cur = protocol.currents(samples=range(n_s)) if protocol.stochastic else protocol.currents()
        stochastic = cur.ndim == 3
        rows = cur.reshape(-1, n_steps) if stochastic else cur
        values = np.concatenate([np.zeros((n_settle, rows.shape[0])), rows.T], axis=0)
        lines, units = _split_equations(model)
        eqs = "\n".join(lines + [f"{model.stimulus} = nk_stim(t, nk_row) : amp",
                                 "nk_row : integer (constant)"]
                        + [f"{name} : {unit} (constant)" for name, unit in units.items()])
        record = self._point_record(model, protocol)
        n = n_s * n_k

        with self._session(protocol.dt) as session:
            mon_dt, skip, stride = _monitor_plan(protocol, session.standalone)
            b2.seed(int(sample_seeds(protocol.seed, [0])[0] % (2**31 - 1)))
            stim = b2.TimedArray(values * b2.nA, dt=protocol.dt * b2.second, name="nk_stim")
            try:
                group = b2.NeuronGroup(n, eqs, threshold=model.threshold, reset=model.reset,
                                       refractory=model.refractory if model.refractory else False,
                                       method=model.method, namespace={"nk_stim": stim},
                                       name="nk_cells")
            except Exception as exc:  # Brian2 raises many types for bad equations
                raise ModelError(f"model {model.name!r} cannot be built by Brian2: {exc}") from exc
            for p in model.parameters:
                setattr(group, p.name, _si(np.repeat(cols[p.name], n_k), p.unit))
            sweep_of = np.tile(np.arange(n_k), n_s)
            group.nk_row = (np.arange(n) if stochastic else sweep_of)
            for var, expr in model.initial.items():
                setattr(group, var, expr)
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
            total = (n_settle + n_steps) * protocol.dt
            t0 = _time.perf_counter()
            net.run(total * b2.second, namespace={})
            if session.standalone:
                self._build(session)
                self._run(session, {})
            session.timings["run_s"] = _time.perf_counter() - t0

            data = {}
            final_v = np.asarray(getattr(group, model.voltage + "_")[:], dtype=float)
            diverged = ~np.isfinite(final_v).reshape(n_s, n_k).all(axis=1)
            n_rec = protocol.recorded_time().size
            for out_name, var in record.items():
                raw = np.asarray(getattr(state_mon, var + "_"), dtype=float)[:, skip::stride][:, :n_rec]
                unit, factor = _out_unit(group.variables[var].dim)
                if out_name == "membrane_potential":
                    unit, factor = "mV", 1e3
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
            builds, runs = session.builds, session.runs

        if "stimulus_current" in protocol.record:
            every = protocol.record_every
            if stochastic:
                data["stimulus_current"] = (("sample", "sweep", "time"), cur[:, :, ::every],
                                            schema.attrs_for("stimulus_current"))
            else:
                data["stimulus_current"] = (("sweep", "time"), cur[:, ::every],
                                            schema.attrs_for("stimulus_current"))
        order = np.lexsort((t, idx))
        spikes = schema.spikes_dataset(t[order], sample=samples[idx[order] // n_k], sweep=idx[order] % n_k)
        data["diverged"] = (("sample",), diverged, {"units": "1", "long_name": "simulation diverged"})
        ds = xr.Dataset(data, coords={"sample": samples, "sweep": np.arange(n_k),
                                      "time": schema.time_coord(protocol.recorded_time().size,
                                                                protocol.sampling_interval)})
        ds = xr.merge([ds, spikes], combine_attrs="override")
        ds.attrs = self._attrs(model.name, protocol, builds, runs)
        return schema.assert_conforms(ds)

    @staticmethod
    def _point_record(model: PointModel, protocol) -> dict[str, str]:
        out = {}
        for name in protocol.record:
            if name == "stimulus_current":
                continue
            var = model.voltage if name == "membrane_potential" else name
            if var not in re.findall(r"[A-Za-z_]\w*", model.equations) or var in model.space.names:
                raise ProtocolError(f"cannot record {name!r}: model {model.name!r} "
                                    "has no such state variable")
            out[name] = var
        return out

    # ================================================================ networks
    def _simulate_network(self, net: Network, params, protocol) -> xr.Dataset:
        import brian2 as b2

        space = net.parameters()
        samples, cols = _batch(params, space)
        seeds = sample_seeds(protocol.seed, samples) % np.uint64(2**31 - 1)
        n_settle, n_steps = _steps(protocol)
        currents = None
        if any(p.is_neuron and p.stimulated for p in net.populations):
            currents = protocol.currents(samples=samples) if protocol.stochastic else protocol.currents()
        conn = net.connectivity(protocol.seed)
        results = []
        with self._session(protocol.dt) as session:
            builder = None
            for s_pos, sample in enumerate(samples):
                values = {name: col[s_pos] for name, col in cols.items()}
                for sweep in range(protocol.n_sweeps):
                    stim = None
                    if currents is not None:
                        row = currents[s_pos, sweep] if currents.ndim == 3 else currents[sweep]
                        stim = np.concatenate([np.zeros(n_settle), row])
                    if session.standalone:
                        if builder is None:
                            b2.seed(protocol.seed)
                            # Defaults in the code, actual values through run_args: the project
                            # then does not depend on the values and never recompiles for them.
                            builder = _NetBuilder(net, protocol, space, space_defaults(space), conn, stim,
                                                  standalone=True)
                            builder.run()
                            self._build(session)
                        self._run(session, builder.run_args(values, int(seeds[s_pos]), stim))
                    else:
                        b2.seed(protocol.seed)  # structure (delays drawn by Brian2) per protocol seed
                        builder = _NetBuilder(net, protocol, space, values, conn, stim, standalone=False,
                                              sample_seed=int(seeds[s_pos]))
                        builder.run()
                    results.append(builder.collect())
            builds, runs = session.builds, session.runs
        ds = _assemble_network(net, protocol, samples, results)
        ds.attrs = self._attrs(net.name, protocol, builds, runs)
        return schema.assert_conforms(ds)

    # ================================================================ shared
    def _build(self, session: _Session) -> None:
        t0 = _time.perf_counter()
        try:
            session.device.build(directory=session.directory, compile=True, run=False, with_output=False)
        except Exception as exc:
            raise BackendError(f"Brian2 {self.target} project in {session.directory} "
                               f"failed to build: {exc}") from exc
        session.builds += 1
        session.timings["build_s"] = _time.perf_counter() - t0

    def _run(self, session: _Session, run_args: dict) -> None:
        try:
            session.device.run(directory=session.directory, with_output=False, run_args=run_args)
        except Exception as exc:
            raise BackendError(f"Brian2 {self.target} project in {session.directory} "
                               f"failed to run: {exc}") from exc
        session.runs += 1

    def _attrs(self, model_name: str, protocol, builds: int, runs: int) -> dict:
        import brian2

        return schema.provenance_attrs(
            model=model_name, backend="brian2", target=self.target, brian2_version=brian2.__version__,
            threads=self.threads, protocol=protocol.to_json(summary=True), dt_s=float(protocol.dt),
            sampling_interval_s=float(protocol.sampling_interval), seed=int(protocol.seed),
            standalone_builds=builds if self.target in STANDALONE_TARGETS else None,
            standalone_runs=runs if self.target in STANDALONE_TARGETS else None)


# --------------------------------------------------------------------------- network building
class _NetBuilder:
    """The Brian2 objects of one network; in standalone mode, also the map from network
    parameters to the variables that ``run_args`` sets."""

    def __init__(self, net: Network, protocol, space: ParameterSpace, values: dict, conn: dict,
                 stim: np.ndarray | None, standalone: bool, sample_seed: int | None = None):
        import brian2 as b2

        self.net, self.protocol, self.space, self.standalone = net, protocol, space, standalone
        self.n_settle, self.n_steps = _steps(protocol)
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
        import brian2 as b2

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
        import brian2 as b2

        model = pop.resolved_model
        lines, units = _split_equations(model)
        terms, extra = [], []
        v = model.voltage
        for rec_name, rec in pop.receptors.items():
            if isinstance(rec, ExpCurrent):
                extra += [f"dI_{rec_name}/dt = -I_{rec_name}/tau_{rec_name} : amp",
                          f"tau_{rec_name} : second (shared, constant)"]
                terms.append(f"I_{rec_name}")
            elif isinstance(rec, ExpConductance):
                extra += [f"dg_{rec_name}/dt = -g_{rec_name}/tau_{rec_name} : siemens",
                          f"tau_{rec_name} : second (shared, constant)",
                          f"E_{rec_name} : volt (shared, constant)"]
                terms.append(f"g_{rec_name}*(E_{rec_name} - {v})")
        if pop.stimulated:
            terms.append("nk_stim(t)")
        for inp in inputs:
            w_unit = _SI_NAME[pop.receptors[inp.receptor].weight_unit]
            extra += [f"rate_{inp.name} : hertz (shared, constant)",
                      f"w_{inp.name} : {w_unit} (shared, constant)"]
        eqs = "\n".join(lines + [f"{model.stimulus} = {' + '.join(terms) or '0*amp'} : amp"]
                        + [f"{p} : {u} (shared, constant)" for p, u in units.items()] + extra)
        nonlinear = any(isinstance(r, ExpConductance) for r in pop.receptors.values())
        ns = {"nk_stim": self.stim} if pop.stimulated else {}
        try:
            group = b2.NeuronGroup(pop.size, eqs, threshold=model.threshold, reset=model.reset,
                                   refractory=model.refractory if model.refractory else False,
                                   method=_method(model, pop.method, nonlinear), namespace=ns,
                                   name=name)
        except Exception as exc:
            raise ModelError(f"population {pop.name!r} ({model.name}) cannot be built by Brian2: "
                             f"{exc}") from exc
        for p in model.parameters:
            self.views[f"{pop.name}.{p.name}"] = (group, p.name, p.unit)
        for rec_name, rec in pop.receptors.items():
            if not isinstance(rec, Delta):
                self.views[f"{pop.name}.tau_{rec_name}"] = (group, f"tau_{rec_name}", "ms")
            if isinstance(rec, ExpConductance):
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
            setattr(group, var, _si(values[pname], unit))

    # -- projections ----------------------------------------------------------------
    def _projection(self, proj, ij) -> None:
        import brian2 as b2
        from brian2.utils.stringtools import word_substitute

        net = self.net
        rec = net.receptor_of(proj)
        unit = _SI_NAME[rec.weight_unit]
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
            ns.update(stdp_w_max=b2.Quantity(_si(plastic.w_max, rec.weight_unit)),
                      stdp_A_pre=plastic.A_pre, stdp_A_post=plastic.A_post,
                      stdp_tau_pre=plastic.tau_pre * b2.ms, stdp_tau_post=plastic.tau_post * b2.ms)
            model += [f"dApre/dt = -Apre/stdp_tau_pre : {unit} (event-driven)",
                      f"dApost/dt = -Apost/stdp_tau_post : {unit} (event-driven)"]
            pre += ["Apre += stdp_A_pre*stdp_w_max", "w = clip(w + Apost, 0*stdp_w_max, stdp_w_max)"]
            post += ["Apost += stdp_A_post*stdp_w_max", "w = clip(w + Apre, 0*stdp_w_max, stdp_w_max)"]
        elif isinstance(plastic, TripletSTDP):
            ns.update(stdp_w_max=b2.Quantity(_si(plastic.w_max, rec.weight_unit)),
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
        syn.w0 = _si(proj.weight, rec.weight_unit)
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
        import brian2 as b2

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
        import brian2 as b2

        mon_dt, self.skip, self.stride = _monitor_plan(self.protocol, self.standalone)
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
                if var not in group.variables or pop.name + "." + var in self.space.names:
                    raise ProtocolError(f"cannot record {name!r}: population {pop.name!r} "
                                        "has no such state variable")
                out[name] = var
        return out

    # -- running ----------------------------------------------------------------------
    def run(self) -> None:
        import brian2 as b2

        total = (self.n_settle + self.n_steps) * self.protocol.dt
        self.network.run(total * b2.second, namespace={})

    def run_args(self, values: dict, seed: int, stim: np.ndarray | None) -> dict:
        import brian2 as b2

        args = {}
        for pname, (group, var, unit) in self.views.items():
            args[getattr(group, var)] = _si(values[pname], unit)
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
                unit, factor = _out_unit(group.variables[var].dim)
                if out_name == "membrane_potential":
                    unit, factor = "mV", 1e3
                states[out_name] = (raw * factor, unit)
            out["states"][site_name] = states
        for proj in self.net.projections:
            if not proj.records_weights:
                continue
            syn, per_synapse, unit, n = self.synapses[proj.name]
            factor = conversion_factor(_si_unit_text_w(unit), unit)
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


def _si_unit_text_w(unit: str) -> str:
    return {"pA": "A", "nS": "S", "mV": "V"}[unit]


# --------------------------------------------------------------------------- results
def _assemble_network(net: Network, protocol, samples: np.ndarray, results: list[dict]) -> xr.Dataset:
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
