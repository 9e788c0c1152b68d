"""The ``neuron`` backend: compartmental cells (:class:`~neurokit.models.cell.CellModel`) through
NEURON.

How a batch runs
----------------
The cell is built once per process (mechanisms loaded, sections, discretisation, probes); each
sample then only sets its parameter values and runs every sweep. With ``workers=1`` samples run
in the calling process. With ``workers>1`` (or ``processes=True``) they run in spawned worker
processes, each holding its own NEURON (NEURON's state is global per process, so workers are
isolated as BluePyOpt isolates its evaluations); workers are started once, kept by the
simulator for later calls with the same model, and fed one sample at a time.

Failures stay per sample: a parameter value out of bounds or NaN, an exception in NEURON, a
sample running longer than ``timeout`` seconds, or a worker process that dies marks that sample
(``error`` holds the message, ``diverged`` is True, traces are NaN) and the batch goes on. A
sample that overruns is stopped between integration chunks; a worker stuck inside NEURON is
killed after ``1.5 * timeout + 5`` s and replaced.

Result
------
``membrane_potential`` (mV) has dims (sample, sweep, time) when the model records the soma only
(``recordings`` empty), else (sample, sweep, compartment, time) with coords ``section``,
``region``, ``x`` and ``path_distance`` (um) along ``compartment``. ``clamp_current`` (nA,
positive = current delivered into the cell) when the model has a voltage clamp;
``stimulus_current`` (nA, sweep x time) when the protocol records it; ragged soma spikes
(``spike_time`` s with ``spike_sample``/``spike_sweep``); ``diverged`` and ``error`` per sample.
Time 0 is the end of the settling period (``protocol.settle``, rounded up to a whole recording
interval), which is simulated with no injected current and then dropped.

``neuron`` is imported only inside functions, so importing neurokit never loads NEURON.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import time
import traceback
import weakref
from collections import deque
from multiprocessing.connection import wait as wait_connections

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.base import Simulator
from neurokit.errors import BackendError, ModelError, ParameterError, ProtocolError
from neurokit.models.cell import CellModel
from neurokit.params import as_batch
from neurokit.protocols import Protocol
from neurokit.units import conversion_factor

START_TIMEOUT_S = 600.0  # a worker's first build may compile the mechanisms


class _ProcessCell:
    """Which in-process simulator owns the one cell built in this process's NEURON.

    NEURON integrates every section that exists, so a second in-process simulator building its
    cell beside the first would make both slower (and CVode steps depend on all of them). The
    state lives here because NEURON's own state is per process; workers never use it.
    """

    def __init__(self):
        self.owner = None  # weakref to the NeuronSimulator whose runner is alive

    def claim(self, sim: "NeuronSimulator") -> None:
        current = self.owner() if self.owner is not None else None
        if current is not None and current is not sim:
            current.close()
        self.owner = weakref.ref(sim)


_PROCESS_CELL = _ProcessCell()


class SampleTimeout(BackendError):
    """A sample ran past the simulator's per-sample timeout."""


# --------------------------------------------------------------------------------------------
# Running samples of one built cell in this process.

class CellRunner:
    """Runs parameter sets of one :class:`CellModel` in this process's NEURON.

    Parameters
    ----------
    model : CellModel
    cvode : bool
        Variable-step integration (CVode) instead of the fixed step ``protocol.dt``.
    """

    def __init__(self, model: CellModel, cvode: bool = False):
        from neuron import h

        from neurokit.models.cell import instantiate

        self.model, self.cvode = model, bool(cvode)
        self.cell = instantiate(model)
        self._h = h
        self._pc = h.ParallelContext()
        self._protocol: Protocol | None = None

    def prepare(self, protocol: Protocol) -> None:
        """Set up stimulus and recording vectors for ``protocol`` (once per protocol)."""
        h, cell, model = self._h, self.cell, self.model
        check_protocol(model, protocol)
        si_ms = protocol.sampling_interval * 1e3
        self.n_settle = int(math.ceil(protocol.settle / protocol.sampling_interval - 1e-9))
        self.settle_ms = self.n_settle * si_ms
        self.tstop = self.settle_ms + protocol.duration * 1e3
        self.n_rec = protocol.recorded_time().size
        self._kept = slice(self.n_settle, self.n_settle + self.n_rec)  # recorded points kept
        self._t_ms = protocol.time() * 1e3 + self.settle_ms
        for _, vvec in getattr(self, "_plays", {}).values():
            vvec.play_remove()
        self._plays = {}  # "iclamp"/"seclamp" -> (t vector, value vector) being played
        self._cached = {}  # sweep -> its played vectors
        if cell.seclamp is not None:
            self._i_clamp = h.Vector().record(cell.seclamp._ref_i, si_ms)
        self._v_rec = [h.Vector().record(sec(x)._ref_v, si_ms) for sec, x, *_ in cell.record_sites]
        self._spikes = h.Vector()
        cell.spike_detector.record(self._spikes)
        self._protocol = protocol
        self.configure()

    def configure(self) -> None:
        """Integrator settings of this runner (once per batch: they are process-global)."""
        h = self._h
        h.dt = self._protocol.dt * 1e3
        h.CVode().active(1 if self.cvode else 0)
        self._pc.set_maxstep(10)  # psolve needs it; a single process has no spike exchange

    def _vectors(self, values: np.ndarray, before: float):
        """``values`` (one per integration step) as (time, value) vectors of a step function that
        keeps only the points where the value changes: CVode stops at every played point, so a
        20 s step protocol becomes a handful of events instead of 800 000."""
        h = self._h
        t, v = self._t_ms, np.asarray(values, dtype=float)
        keep = np.concatenate([[True], v[1:] != v[:-1]])
        t, v = t[keep], v[keep]
        if self.settle_ms > 0:
            t, v = np.concatenate([[0.0], t]), np.concatenate([[before], v])
        return h.Vector(t), h.Vector(v)

    def _play(self, key: str, ref, vectors) -> None:
        """Play ``vectors`` into ``ref`` unless they are already playing there."""
        old = self._plays.get(key)
        if old is vectors:
            return
        if old is not None:
            old[1].play_remove()
        vectors[1].play(ref, vectors[0], 0)
        self._plays[key] = vectors

    def _sweep_vectors(self, k: int, sample: int):
        """The IClamp and SEClamp vectors of sweep ``k`` (cached unless the input is stochastic)."""
        if k in self._cached:
            return self._cached[k]
        protocol, vc = self._protocol, self.model.voltage_clamp
        cur = self._vectors(protocol.current(k, sample), 0.0)
        clamp = None
        if vc is not None:
            levels = vc.levels(k, protocol.time())
            clamp = self._vectors(levels, vc.hold if vc.hold is not None else levels[0])
        if not protocol.stochastic:
            self._cached[k] = (cur, clamp)
        return cur, clamp

    def _run_to(self, tstop: float, deadline: float | None) -> None:
        if deadline is None:
            self._pc.psolve(tstop)
            return
        # Integrate in chunks sized to ~1/20 of the time left, measured as we go, so an overrun
        # is caught promptly without paying a Python round trip per step.
        chunk = 1.0  # ms of simulated time, first guess
        while self._h.t < tstop - 1e-9:
            t0, w0 = self._h.t, time.perf_counter()
            self._pc.psolve(min(self._h.t + chunk, tstop))
            now = time.perf_counter()
            rate = (self._h.t - t0) / max(now - w0, 1e-6)  # simulated ms per wall s
            chunk = max(0.1, rate * max(deadline - now, 0.0) / 20.0)
            if now > deadline:
                raise SampleTimeout(f"sample ran longer than its timeout (stopped at t = "
                                    f"{self._h.t - self.settle_ms:.1f} ms of {self.tstop - self.settle_ms:.1f} ms)")

    def run(self, values: dict, sample: int = 0, timeout: float | None = None) -> dict:
        """Simulate every sweep for one parameter set.

        Returns a dict with ``v`` (sweep, site, time) mV, ``i_clamp`` (sweep, time) nA or None,
        ``spikes`` (list of arrays of times in s, one per sweep).
        """
        h, cell, protocol = self._h, self.cell, self._protocol
        if protocol is None:
            raise BackendError("CellRunner.run before prepare(protocol)")
        deadline = None if timeout is None else time.perf_counter() + timeout
        cell.apply(values)
        n_sw, kept, settle_ms = protocol.n_sweeps, self._kept, self.settle_ms
        v = np.full((n_sw, len(self._v_rec), self.n_rec), np.nan)
        i_clamp = np.full((n_sw, self.n_rec), np.nan) if cell.seclamp is not None else None
        inputs = list(zip(cell.synapses, cell.netcons_in))
        spikes = []
        # This loop runs once per (sample, sweep): for small cells and short sweeps its Python
        # work is a visible share of the run, so it does only what the sweep needs.
        for k in range(n_sw):
            cur, clamp = self._sweep_vectors(k, sample)
            self._play("iclamp", cell.iclamp._ref_amp, cur)
            if clamp is not None:
                self._play("seclamp", cell.seclamp._ref_amp1, clamp)
            h.finitialize(cell.v_init)
            for (syn, _), (_, nc) in inputs:
                for t_s in syn.spike_times:
                    nc.event(t_s * 1e3 + settle_ms)
            self._run_to(self.tstop, deadline)
            for j, vec in enumerate(self._v_rec):
                arr = vec.as_numpy()[kept]
                v[k, j, :arr.size] = arr
            if i_clamp is not None:
                arr = self._i_clamp.as_numpy()[kept]
                i_clamp[k, :arr.size] = arr
            if len(self._spikes) == 0:
                spikes.append(np.empty(0))
            else:
                st = self._spikes.as_numpy()
                spikes.append((st[st >= settle_ms] - settle_ms) * 1e-3)
        return {"v": v, "i_clamp": i_clamp, "spikes": spikes, "error": ""}

    def run_safely(self, values: dict, sample: int = 0, timeout: float | None = None) -> dict:
        """:meth:`run`, turning any failure into an ``error`` message for this sample."""
        try:
            return self.run(values, sample, timeout)
        except SampleTimeout as exc:
            return {"error": f"timeout after {timeout:g} s: {exc}"}
        except Exception as exc:  # noqa: BLE001 - one sample's failure must not end the batch
            return {"error": f"{type(exc).__name__}: {exc}"}

    def close(self) -> None:
        for _, vvec in getattr(self, "_plays", {}).values():
            vvec.play_remove()
        self._plays = {}
        self._protocol = None
        self.cell.close()


def check_protocol(model: CellModel, protocol: Protocol) -> None:
    """Raise :class:`ProtocolError` for a protocol this model cannot run."""
    if not isinstance(protocol, Protocol):
        raise ProtocolError(f"expected a neurokit.protocols.Protocol, got {type(protocol).__name__}")
    known = {"membrane_potential", "stimulus_current", "clamp_current", "spikes", "spike_time"}
    unknown = [r for r in protocol.record if r not in known]
    if unknown:
        raise ProtocolError(f"the neuron backend cannot record {unknown}; it records {sorted(known)}")
    vc = model.voltage_clamp
    if vc is not None and len(vc.sweeps) not in (1, protocol.n_sweeps):
        raise ProtocolError(f"voltage clamp of {model.name!r} has {len(vc.sweeps)} sweeps, the "
                            f"protocol {protocol.n_sweeps}")


# --------------------------------------------------------------------------------------------
# Worker processes.

def _worker_main(conn, model: CellModel, cvode: bool) -> None:
    """Entry point of a spawned worker: build once, then run samples until told to stop."""
    try:
        runner = CellRunner(model, cvode)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("fail", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
        return
    sites = [(None, x, name, region, d) for _, x, name, region, d in runner.cell.record_sites]
    conn.send(("ready", sites, ""))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "stop":
            return
        if msg[0] == "protocol":
            runner.prepare(msg[1])
        elif msg[0] == "sample":
            _, index, sample, values, timeout = msg
            conn.send(("result", index, runner.run_safely(values, sample, timeout)))


class _Worker:
    def __init__(self, ctx, model: CellModel, cvode: bool):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, model, cvode), daemon=True)
        self.process.start()
        child.close()
        self.protocol_id = None
        self.job = None  # (index, started)

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise BackendError(f"a NEURON worker did not start within {timeout:g} s")
        try:
            kind, message, tb = self.conn.recv()
        except EOFError:
            self.process.join(5)
            raise BackendError(f"a NEURON worker died while starting (exit code {self.process.exitcode})") from None
        if kind == "fail":
            self.kill()
            raise ModelError(f"building the cell in a worker failed: {message}")
        self.sites = message

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(("stop",))
        except (OSError, ValueError):
            pass
        self.process.join(2)
        self.kill()


class WorkerPool:
    """Spawned worker processes that each hold one built copy of ``model``."""

    def __init__(self, model: CellModel, workers: int, cvode: bool):
        self.model, self.cvode = model, cvode
        self._protocol, self._token = None, 0
        self._ctx = mp.get_context("spawn")
        self.workers = [_Worker(self._ctx, model, cvode) for _ in range(workers)]
        try:
            for w in self.workers:
                w.wait_ready(START_TIMEOUT_S)
        except Exception:
            self.close()
            raise

    def _replace(self, w: _Worker) -> _Worker:
        w.kill()
        new = _Worker(self._ctx, self.model, self.cvode)
        new.wait_ready(START_TIMEOUT_S)
        self.workers[self.workers.index(w)] = new
        return new

    def run(self, protocol: Protocol, jobs: list[tuple[int, int, dict]], timeout: float | None) -> dict:
        """Run ``jobs`` (index, sample id, values); return index -> result dict."""
        results: dict[int, dict] = {}
        pending = deque(jobs)
        hard = None if timeout is None else 1.5 * timeout + 5.0
        # Holding the protocol object keeps its identity unique while workers use it.
        if protocol is not self._protocol:
            self._protocol, self._token = protocol, self._token + 1
        pid = self._token
        while pending or any(w.job for w in self.workers):
            for w in self.workers:
                if w.job is None and pending:
                    index, sample, values = pending.popleft()
                    if w.protocol_id != pid:
                        w.conn.send(("protocol", protocol))
                        w.protocol_id = pid
                    w.conn.send(("sample", index, sample, values, timeout))
                    w.job = (index, time.perf_counter())
            busy = [w for w in self.workers if w.job]
            wait_s = None
            if hard is not None:
                wait_s = max(0.0, min(w.job[1] + hard - time.perf_counter() for w in busy))
            ready = wait_connections([w.conn for w in busy], timeout=wait_s)
            for w in busy:
                index, started = w.job
                if w.conn in ready:
                    try:
                        _, got_index, res = w.conn.recv()
                        results[got_index] = res
                        w.job = None
                        continue
                    except (EOFError, OSError):
                        w.process.join(5)
                        results[index] = {"error": f"the worker process died while simulating this "
                                                   f"sample (exit code {w.process.exitcode})"}
                elif hard is not None and time.perf_counter() - started > hard:
                    results[index] = {"error": f"timeout after {timeout:g} s: the worker did not "
                                               f"answer within {hard:g} s and was killed"}
                else:
                    continue
                w.job = None
                self._replace(w)
        return results

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []


# --------------------------------------------------------------------------------------------
# The simulator.

class NeuronSimulator(Simulator):
    """Simulate :class:`~neurokit.models.cell.CellModel` batches with NEURON.

    Parameters
    ----------
    workers : int
        Worker processes. 1 runs in the calling process.
    timeout : float, optional
        Per-sample wall-clock limit, s (None: no limit).
    cvode : bool
        Use CVode (variable step) instead of the fixed step ``protocol.dt``.
    processes : bool, optional
        Force worker processes even with ``workers=1`` (full isolation of NEURON from the caller).

    The simulator keeps the cell it built (or its worker pool) for the last model, so repeated
    calls (a fit) do not rebuild it; :meth:`close` releases it (also on garbage collection).
    """

    name = "neuron"

    def __init__(self, workers: int = 1, timeout: float | None = None, cvode: bool = False,
                 processes: bool | None = None):
        if int(workers) < 1:
            raise BackendError(f"workers must be >= 1, got {workers!r}")
        if timeout is not None and not timeout > 0:
            raise BackendError(f"timeout must be > 0 s, got {timeout!r}")
        self.workers, self.timeout, self.cvode = int(workers), timeout, bool(cvode)
        self.processes = self.workers > 1 if processes is None else bool(processes)
        self._key = None
        self._runner: CellRunner | None = None
        self._pool: WorkerPool | None = None

    @classmethod
    def is_available(cls) -> bool:
        return cls.unavailable_reason() == ""

    @classmethod
    def unavailable_reason(cls) -> str:
        import importlib.util
        import shutil

        if importlib.util.find_spec("neuron") is None:
            return "the NEURON Python package is not installed (pip install neuron)"
        if shutil.which("nrnivmodl") is None:
            return "nrnivmodl is not on PATH"
        return ""

    def supports(self, model) -> bool:
        return isinstance(model, CellModel)

    # -- lifecycle -------------------------------------------------------------------------
    def _ensure(self, model: CellModel):
        key = (model.key(), self.cvode)
        if self._key != key:
            self.close()
            if self.processes:
                self._pool = WorkerPool(model, self.workers, self.cvode)
            else:
                _PROCESS_CELL.claim(self)
                self._runner = CellRunner(model, self.cvode)
            self._key = key
        return self._pool or self._runner

    def start(self, model: CellModel) -> "NeuronSimulator":
        """Build the cell (and start the workers) now, e.g. before timing a batch."""
        self._ensure(model)
        return self

    def close(self) -> None:
        """Stop the workers / delete the built cell."""
        if self._pool is not None:
            self._pool.close()
        if self._runner is not None:
            self._runner.close()
        self._pool = self._runner = None
        self._key = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            if self._pool is not None:
                self._pool.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown: nothing left to report to
            pass

    def __getstate__(self):
        # Shipping a simulator to another process ships its settings, not its NEURON objects.
        return {"workers": self.workers, "timeout": self.timeout, "cvode": self.cvode,
                "processes": self.processes}

    def __setstate__(self, state):
        self.__init__(**state)

    # -- parameters ------------------------------------------------------------------------
    @staticmethod
    def _sample_values(model: CellModel, params) -> tuple[np.ndarray, list[dict], list[str]]:
        """Per-sample dicts of values in each parameter's unit, and per-sample errors."""
        ds = as_batch(params)
        space = model.space
        n = ds.sizes.get("sample", 1)
        samples = ds["sample"].values if "sample" in ds.coords else np.arange(n)
        columns = {}
        for name, da in ds.data_vars.items():
            p = space[str(name)]  # ParameterError names unknown parameters
            unit = da.attrs.get("units", p.unit)
            factor = conversion_factor(str(unit), p.unit, what=f"parameter {p.name!r}")
            values = np.asarray(da.values, dtype=float) * factor
            if "sample" not in da.dims:
                values = np.full(n, float(values))
            columns[p.name] = values.reshape(n)
        # Validate whole columns at once; only a column with a bad value is checked per sample,
        # to name the first bad parameter of each sample.
        bad = set()
        for name, col in columns.items():
            try:
                space[name].validate(col)
            except ParameterError:
                bad.add(name)
        names, cols = list(columns), [columns[name].tolist() for name in columns]
        rows = [dict(zip(names, vals)) for vals in zip(*cols)] if cols else [{} for _ in range(n)]
        errors = [""] * n
        if bad:
            for i in range(n):
                for name, col in columns.items():
                    if name not in bad:
                        continue
                    try:
                        space[name].validate(float(col[i]))
                    except ParameterError as exc:
                        errors[i] = str(exc)
                        rows[i] = {}
                        break
        return samples, rows, errors

    # -- simulate --------------------------------------------------------------------------
    def simulate(self, model, params, protocol) -> xr.Dataset:
        """Simulate every parameter set of ``params`` under ``protocol``; see the module docs."""
        if not isinstance(model, CellModel):
            raise ModelError(f"the neuron backend simulates CellModel instances, not {type(model).__name__}")
        check_protocol(model, protocol)
        samples, rows, errors = self._sample_values(model, params)
        engine = self._ensure(model)
        jobs = [(i, int(samples[i]), rows[i]) for i in range(len(rows)) if not errors[i]]
        if isinstance(engine, WorkerPool):
            results = engine.run(protocol, jobs, self.timeout)
        else:
            if engine._protocol is not protocol:
                engine.prepare(protocol)
            else:
                engine.configure()
            results = {i: engine.run_safely(values, sample, self.timeout) for i, sample, values in jobs}
        for i, err in enumerate(errors):
            if err:
                results[i] = {"error": err}
        return self._dataset(model, protocol, samples, [results[i] for i in range(len(rows))])

    def _dataset(self, model: CellModel, protocol: Protocol, samples, results: list[dict]) -> xr.Dataset:
        n, n_sw = len(results), protocol.n_sweeps
        sites = self._sites(model)
        t = protocol.recorded_time()
        v = np.full((n, n_sw, len(sites), t.size), np.nan)
        has_clamp = model.voltage_clamp is not None
        i_clamp = np.full((n, n_sw, t.size), np.nan) if has_clamp else None
        errors = np.array([r.get("error", "") for r in results], dtype=object)
        sp_t, sp_sample, sp_sweep = [], [], []
        for i, r in enumerate(results):
            if r.get("error"):
                continue
            v[i] = r["v"]
            if has_clamp:
                i_clamp[i] = r["i_clamp"]
            for k, times in enumerate(r["spikes"]):
                sp_t.append(times)
                sp_sample.append(np.full(times.size, samples[i]))
                sp_sweep.append(np.full(times.size, k))
        diverged = np.array([bool(e) or not np.all(np.isfinite(v[i])) for i, e in enumerate(errors)])
        coords = {"sample": ("sample", np.asarray(samples)), "sweep": ("sweep", np.arange(n_sw)),
                  "time": schema.time_coord(t.size, protocol.sampling_interval)}
        data = {}
        if model.recordings:
            coords.update({
                "section": ("compartment", np.array([s[2] for s in sites], dtype=object)),
                "region": ("compartment", np.array([s[3] for s in sites], dtype=object)),
                "x": ("compartment", np.array([s[1] for s in sites]), schema.attrs_for("x")),
                "path_distance": ("compartment", np.array([s[4] for s in sites]),
                                  schema.attrs_for("path_distance")),
            })
            data["membrane_potential"] = (("sample", "sweep", "compartment", "time"), v,
                                          schema.attrs_for("membrane_potential"))
        else:
            data["membrane_potential"] = (("sample", "sweep", "time"), v[:, :, 0],
                                          schema.attrs_for("membrane_potential"))
        if has_clamp:
            data["clamp_current"] = (("sample", "sweep", "time"), i_clamp, schema.attrs_for("clamp_current"))
        if "stimulus_current" in protocol.record:
            stim = protocol.stimulus_dataset()
            data["stimulus_current"] = (("sweep", "time"), stim.values, schema.attrs_for("stimulus_current"))
        data["diverged"] = ("sample", diverged, {"units": "1", "long_name": "sample failed or diverged"})
        data["error"] = ("sample", errors.astype(str),
                         {"units": "1", "long_name": "error message of the sample (empty if none)"})
        ds = xr.Dataset(data, coords=coords)
        spikes = schema.spikes_dataset(
            np.concatenate(sp_t) if sp_t else np.empty(0),
            sample=np.concatenate(sp_sample).astype(int) if sp_sample else np.empty(0, int),
            sweep=np.concatenate(sp_sweep).astype(int) if sp_sweep else np.empty(0, int))
        ds = xr.merge([ds, spikes], combine_attrs="override")
        ds.attrs = schema.provenance_attrs(
            model=model.name, backend="neuron", protocol=protocol.to_json(summary=True),
            dt_s=protocol.dt, sampling_interval_s=protocol.sampling_interval, seed=protocol.seed,
            cvode=self.cvode, workers=self.workers, celsius=model.celsius,
            settle_s=protocol.settle)
        return ds

    def _sites(self, model: CellModel) -> list[tuple]:
        """Recording sites ``(section obj or None, x, name, region, distance)`` of the built cell."""
        if self._runner is not None:
            return self._runner.cell.record_sites
        return self._pool.workers[0].sites
