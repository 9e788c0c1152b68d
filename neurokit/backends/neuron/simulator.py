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

import weakref

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.base import Simulator
from neurokit.backends.neuron.mechanisms import find_nrnivmodl
from neurokit.backends.neuron.pool import WorkerPool
from neurokit.backends.neuron.runner import CellRunner, check_protocol
from neurokit.errors import BackendError, ModelError, ParameterError
from neurokit.models.cell import CellModel
from neurokit.params import ParameterSpace, as_batch, batch_columns
from neurokit.protocols import Protocol


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

        if importlib.util.find_spec("neuron") is None:
            return "the NEURON Python package is not installed (pip install neuron)"
        if find_nrnivmodl() is None:
            return "nrnivmodl is neither beside the Python executable nor on PATH"
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

    # -- simulate --------------------------------------------------------------------------
    def simulate(self, model, params, protocol) -> xr.Dataset:
        """Simulate every parameter set of ``params`` under ``protocol``; see the module docs."""
        if not isinstance(model, CellModel):
            raise ModelError(f"the neuron backend simulates CellModel instances, not {type(model).__name__}")
        check_protocol(model, protocol)
        samples, rows, errors = sample_values(model, params)
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


def sample_values(model: CellModel, params) -> tuple[np.ndarray, list[dict], list[str]]:
    """A batch as per-sample dicts of values (each parameter's unit, defaults filled in by
    :func:`neurokit.params.batch_columns`), and per-sample error messages.

    A sample with a NaN or out-of-bounds value gets an empty dict and the message naming its
    first bad parameter, and the batch goes on; unknown names, units that do not convert and
    extra dims fail the whole batch (:class:`ParameterError`, :class:`UnitError`).
    """
    space, what = model.space, f"cell {model.name!r}"
    try:
        samples, columns = batch_columns(params, space, what=what)
        return samples, _rows(columns, samples.size), [""] * samples.size
    except ParameterError as exc:
        failure = exc  # a bad value somewhere: find the samples that hold one, below
    ds = as_batch(params)
    if "sample" not in ds.dims:
        raise failure
    for name, da in ds.data_vars.items():
        space[str(name)]  # an unknown name fails the batch, named
        extra = [d for d in da.dims if d != "sample"]
        if extra:
            raise ParameterError(f"{what}: parameter {name!r} has dims {da.dims}; only 'sample' is allowed")
    n = int(ds.sizes.get("sample", 1))
    errors = [""] * n
    _mark_bad(ds, space, list(range(n)), errors, what)
    good = [i for i in range(n) if not errors[i]]
    rows = [{} for _ in range(n)]
    if good:
        _, columns = batch_columns(ds.isel(sample=good), space, what=what)
        for i, row in zip(good, _rows(columns, len(good))):
            rows[i] = row
    return ds["sample"].values, rows, errors


def _mark_bad(ds: xr.Dataset, space: ParameterSpace, index: list[int], errors: list[str], what: str) -> None:
    """Set ``errors[i]`` for every sample of ``index`` whose values fail validation, checking
    halves of a failing group so a large batch with few bad samples costs few checks."""
    try:
        batch_columns(ds.isel(sample=index), space, what=what)
        return
    except ParameterError as exc:
        if len(index) == 1:
            errors[index[0]] = str(exc)
            return
    half = len(index) // 2
    _mark_bad(ds, space, index[:half], errors, what)
    _mark_bad(ds, space, index[half:], errors, what)


def _rows(columns: dict[str, np.ndarray], n: int) -> list[dict]:
    names = list(columns)
    if not names:
        return [{} for _ in range(n)]
    return [dict(zip(names, vals)) for vals in zip(*(columns[k].tolist() for k in names))]
