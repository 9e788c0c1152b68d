"""The evaluator boundary: parameter sets in, scores out.

:class:`Evaluator` turns a batch of free-parameter values into one ``backend.simulate`` call
per executor chunk (:func:`neurokit.parallel.run_batch`), applies the recording parameters
(offset, series resistance, spike delay; a holding current enters the model itself), and
scores the response against the :class:`~neurokit.fitting.objectives.Target`. It knows nothing
about optimisers; optimisers know nothing about backends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from neurokit.errors import FitConfigError, ModelError
from neurokit.features import SpikeDetector, as_detector, detect_spikes
from neurokit.fitting.objectives import BatchResponse, Target, WeightedSum, segments_of
from neurokit.params import Parameter, ParameterSpace
from neurokit.protocols import Protocol

HOLDING = "I_hold"


def with_holding_current(model):
    """A point model whose injected current is ``I_stim + I_hold`` (``I_hold`` in pA), so a
    holding current can be fitted per sample while the protocol stays shared by the batch."""
    from neurokit.models.point import PointModel

    if not isinstance(model, PointModel):
        raise ModelError(f"a fitted holding current needs a point model, got {type(model).__name__}")
    lines = []
    for line in model.equations.strip().splitlines():
        if line.strip().startswith("d") and "/dt" in line:
            lhs, _, rhs = line.partition("=")
            rhs = re.sub(rf"\b{model.stimulus}\b", f"({model.stimulus} + {HOLDING})", rhs)
            line = f"{lhs}={rhs}"
        lines.append(line)
    lines.append(f"{HOLDING} : amp")
    params = tuple(model.parameters) + (Parameter(HOLDING, "pA", (-1000.0, 1000.0), 0.0, None,
                                                  "holding current"),)
    return PointModel(**{**model.__dict__, "equations": "\n".join(lines) + "\n", "parameters": params})


def load_recording(path) -> xr.Dataset:
    """A recording in neurokit's format (:func:`neurokit.io.load_recording`)."""
    from pathlib import Path

    path = Path(path)
    try:
        from neurokit.io import load_recording as _load
    except ImportError:  # the reader package without its dispatching front door
        _load = None
    if _load is not None and path.suffix not in (".nc", ".h5", ".netcdf"):
        return _load(path)
    if path.suffix in (".nc", ".h5", ".netcdf"):  # a dataset neurokit itself saved
        from neurokit.schema import load

        return load(path)
    if path.is_dir():
        from neurokit.io.igor import read_igor_folder

        return read_igor_folder(path)
    from neurokit.io.abf import read_abf

    return read_abf(path)


def prepare_recording(ds: xr.Dataset, window: tuple[float, float] | None) -> xr.Dataset:
    """The part of each sweep inside ``window`` (s), its time re-based to start at 0."""
    if window is not None:
        t = ds["time"].values
        keep = (t >= window[0] - 1e-12) & (t < window[1] - 1e-12)
        ds = ds.isel(time=np.flatnonzero(keep))
    t = ds["time"].values
    return ds.assign_coords(time=("time", t - t[0], ds["time"].attrs))


def make_target(ds: xr.Dataset, sweeps, protocol: Protocol,
                detector: SpikeDetector | float | None = None) -> Target:
    """The recorded sweeps ``sweeps`` on the protocol's recorded grid, with their spikes
    detected at the recording's own resolution by ``detector`` (a
    :class:`~neurokit.features.SpikeDetector`, or a threshold in mV; default 0 mV)."""
    t_rec = protocol.recorded_time()
    t = ds["time"].values
    v = ds["membrane_potential"].transpose("sweep", "time").values
    interval = float(np.median(np.diff(t)))
    idx = np.clip(np.round(t_rec / interval).astype(int), 0, t.size - 1)
    voltage = v[list(sweeps)][:, idx]
    detector = as_detector(detector)
    spikes = [detect_spikes(v[k], t, detector) for k in sweeps]
    current = protocol.currents()
    if current.ndim == 3:
        current = current[0]
    current = current[:, :: protocol.record_every]
    segments = [segments_of(c, t_rec) for c in current]
    return Target(list(sweeps), t_rec, voltage, current, spikes, float(protocol.duration), segments)


@dataclass
class Evaluator:
    """Scores batches of free-parameter values (physical units) against a target.

    Parameters
    ----------
    model
        The model to simulate (a holding current, if fitted, is already added).
    backend : str or Simulator
        Registered backend name (run through ``executor``), or a Simulator instance (called
        directly in this process).
    protocol : Protocol
        The stimuli of the target sweeps, in the same order.
    target : Target
    objective : WeightedSum
    space : ParameterSpace
        The free parameters (model parameters, then recording parameters).
    constants : dict
        Model parameter -> value for every model parameter that is not free.
    recording_parameters : list of str
    executor
        A :mod:`neurokit.parallel` executor; one chunk per worker.
    """

    model: object
    backend: str
    protocol: Protocol
    target: Target
    objective: WeightedSum
    space: ParameterSpace
    constants: dict
    recording_parameters: list
    executor: object = None
    backend_options: dict | None = None
    spike_threshold: SpikeDetector | float = 0.0  # a detector, or a threshold in mV
    _instance: object = field(default=None, repr=False)

    def __getstate__(self):
        # a backend instance may hold NEURON objects or worker pools: never pickled
        return {**self.__dict__, "_instance": None}

    def model_batch(self, values: xr.Dataset) -> xr.Dataset:
        """Every model parameter for each sample: free ones from ``values``, others constant."""
        n = values.sizes["sample"]
        units = {p.name: p.unit for p in _parameters(self.model)}
        # plain (dims, array, attrs) tuples: one Dataset built once, not a DataArray per column
        data = {}
        for name, value in self.constants.items():
            data[name] = ("sample", np.full(n, float(value)), {"units": units.get(name, "1")})
        for name, var in values.data_vars.items():
            name = str(name)
            if name in self.recording_parameters:
                if name == "holding":
                    data[HOLDING] = ("sample", var.values, {"units": units.get(HOLDING, "pA")})
                continue
            data[name] = ("sample", var.values, {**var.attrs, "units": units.get(name, var.attrs.get("units", "1"))})
        return xr.Dataset(data, coords={"sample": np.arange(n)})

    def simulate(self, values: xr.Dataset, protocol: Protocol | None = None) -> xr.Dataset:
        """Raw backend result for a batch of free-parameter values."""
        from neurokit.parallel import InProcessExecutor, run_batch

        from neurokit.backends.base import get_backend

        backend = self.backend
        if isinstance(backend, str) and ":" in backend:  # an unregistered backend: run here
            backend = get_backend(backend, **(self.backend_options or {}))
        executor = self.executor or InProcessExecutor()
        if isinstance(backend, str) and getattr(executor, "workers", 1) == 1:
            # one instance kept for the whole fit: backends cache their build (NEURON's cell,
            # the compiled kernel) per instance
            if self._instance is None:
                self._instance = get_backend(backend, **(self.backend_options or {}))
            backend = self._instance
        if not isinstance(backend, str):  # a Simulator instance: called in this process
            return backend.simulate(self.model, self.model_batch(values), protocol or self.protocol)
        return run_batch(self.backend, self.model, self.model_batch(values), protocol or self.protocol,
                         executor=executor, backend_options=self.backend_options)

    def response(self, result: xr.Dataset, values: xr.Dataset, target: Target | None = None) -> BatchResponse:
        """The batch as the recording would show it: offset and bridge error added to the
        voltage, spike delay added to the spike times."""
        target = target or self.target
        n = values.sizes["sample"]
        # no copy when the backend already gives float64 in this order (the common case)
        v = np.asarray(result["membrane_potential"].transpose("sample", "sweep", "time").values, dtype=float)
        if v.shape[2] != target.time.size:
            raise FitConfigError(f"backend returned {v.shape[2]} samples per sweep, the target has "
                                 f"{target.time.size}: check dt and sampling_interval")
        spikes = _ragged(result, n, v.shape[1], target.time, v, self.spike_threshold)
        rp = {name: values[name].values for name in self.recording_parameters if name in values}
        if "offset" in rp:
            v = v + rp["offset"][:, None, None]
        if "series_resistance" in rp:
            current = target.current[None, :, :]
            if "holding" in rp:
                current = current + 1e-3 * rp["holding"][:, None, None]
            v = v + rp["series_resistance"][:, None, None] * current  # Mohm * nA = mV
        if "spike_delay" in rp:
            spikes = [[s + 1e-3 * rp["spike_delay"][i] for s in per] for i, per in enumerate(spikes)]
        finite = np.isfinite(v)
        ok = finite.all(axis=(1, 2))
        diverged = ~ok if "diverged" not in result else result["diverged"].values.astype(bool) | ~ok
        if not ok.all():
            v = np.where(finite, v, 0.0)
        elif not v.flags.owndata:
            v = v.copy()  # the response owns its voltage, never the backend's dataset
        return BatchResponse(v, spikes, diverged)

    def evaluate(self, values: xr.Dataset) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Total score (sample,) and each objective's term for a batch of free values."""
        result = self.simulate(values)
        resp = self.response(result, values)
        comps = self.objective.components(self.target, resp)
        return self.objective.combine(comps, resp.diverged), comps


def _parameters(model) -> list:
    params = getattr(model, "parameters", None)
    if params is None and hasattr(model, "space"):
        params = model.space.parameters
    return list(params or [])


def _ragged(result: xr.Dataset, n_samples: int, n_sweeps: int, time, voltage,
            detector: SpikeDetector | float | None) -> list[list[np.ndarray]]:
    """``spikes[sample][sweep]`` from the ragged spike variables (or, for a backend that
    reports none, the spikes ``detector`` finds in the voltage)."""
    if "spike_time" not in result:
        detector = as_detector(detector)
        return [[detect_spikes(voltage[i, k], time, detector) for k in range(n_sweeps)]
                for i in range(n_samples)]
    t = np.asarray(result["spike_time"].values, dtype=float)
    s = np.asarray(result["spike_sample"].values if "spike_sample" in result.coords else np.zeros(t.size), int)
    if "sample" in result.coords and s.size:
        # chunks keep global sample labels: map labels to positions
        labels = np.asarray(result["sample"].values)
        if not np.array_equal(labels, np.arange(labels.size)):
            order = np.argsort(labels)
            s = order[np.searchsorted(labels, s, sorter=order)]
    w = np.asarray(result["spike_sweep"].values if "spike_sweep" in result.coords else np.zeros(t.size), int)
    order = np.lexsort((t, w, s))
    t, s, w = t[order], s[order], w[order]
    key = s * n_sweeps + w
    bounds = np.searchsorted(key, np.arange(n_samples * n_sweeps + 1))
    return [[t[bounds[i * n_sweeps + k]: bounds[i * n_sweeps + k + 1]] for k in range(n_sweeps)]
            for i in range(n_samples)]
