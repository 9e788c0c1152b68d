"""Point neurons on the ``native`` backend: equations compiled to C (or run by the NumPy
reference, or CUDA) for a whole batch of parameter sets and sweeps in one call.
:class:`~neurokit.backends.native.simulator.NativeSimulator` hands point models here.

Example
-------
>>> from neurokit.backends.native import NativeSimulator
>>> from neurokit.models.point import ADEX
>>> from neurokit.protocols import step_protocol
>>> proto = step_protocol([0.5, 1.0], start=0.1, stop=0.6, duration=0.8, dt=1e-4)
>>> ds = NativeSimulator().simulate(ADEX, {"b": [50.0, 80.0, 120.0]}, proto)
>>> ds.membrane_potential.dims
('sample', 'sweep', 'time')
"""

from __future__ import annotations

import functools
import logging
import math
import os

import numpy as np
import xarray as xr

from neurokit import schema
from neurokit.backends.base import Simulator
from neurokit.codegen import runtime
from neurokit.codegen.cache import c_source, model_ir
from neurokit.errors import BackendError, CompilerError, ModelError, ParameterError, ProtocolError
from neurokit.params import ParameterSpace, batch_columns, sample_seeds
from neurokit.units import conversion_factor, display_unit

LOG = logging.getLogger("neurokit.backends.native")
_DEFAULT_STATE = {"lastspike": -1e4, "not_refractory": 1.0}  # Brian2's start values


# Kernels per (cached) IR: the C one from the IR cache's source, so a warm start generates
# nothing; the NumPy and CUDA targets print the full IR.
@functools.lru_cache(maxsize=32)
def _c_kernel(ir, dtype="float64"):
    from neurokit.codegen.targets.c import CKernel

    return CKernel(ir, dtype, source=c_source(ir, dtype))


@functools.lru_cache(maxsize=32)
def _cuda_kernel(ir, dtype):
    from neurokit.codegen.targets.cuda import CudaKernel

    return CudaKernel(ir.full(), dtype)


@functools.lru_cache(maxsize=32)
def _numpy_kernel(ir):
    from neurokit.codegen.targets.numpy import NumpyKernel

    return NumpyKernel(ir.full())


class PointSimulator(Simulator):
    """Batches of point neurons through generated code (the options of the native backend).

    Parameters
    ----------
    target : {"c", "numpy", "auto"}
        ``"c"``: generated C with OpenMP and SIMD (needs a C compiler); ``"numpy"``: the
        reference integrator (slow, no compiler); ``"auto"``: C where a compiler exists.
    threads : int, optional
        OpenMP threads of the C target (default: the CPUs this process may use).
    device : {"cpu", "cuda", "auto"}
        ``"cpu"``: the ``target`` above; ``"cuda"``: the CUDA target (one GPU thread per
        neuron, needs CuPy and an NVIDIA GPU); ``"auto"``: CUDA where CuPy sees a GPU, else CPU.
    dtype : {"float64", "float32"}
        Floating-point type of the integration. ``"float32"`` runs the C kernel (CPU) or the
        CUDA kernel in single precision, about twice as fast on the CPU (twice the SIMD
        lanes); use it for batches where it is accurate enough (check spike counts against
        float64 on a few samples, see docs/native.md). The NumPy reference target always runs
        in float64, and the result's ``dtype`` attr says which type ran.
    max_rate : float
        Spike-buffer size per neuron and sweep, as a rate in Hz over the protocol's duration.
    on_overflow : {"mark", "raise"}
        When a neuron fires more spikes than its buffer holds: ``"mark"`` keeps the first
        ones and reports the dropped count in ``spikes_dropped`` (sample, sweep);
        ``"raise"`` raises :class:`~neurokit.errors.BackendError`.
    """

    name = "native"

    def __init__(self, target: str = "auto", threads: int | None = None, dtype: str = "float64",
                 max_rate: float = 1000.0, on_overflow: str = "mark", device: str = "cpu"):
        if target not in ("c", "numpy", "auto"):
            raise BackendError(f"native: unknown target {target!r}; use 'c', 'numpy' or 'auto'")
        if device not in ("cpu", "cuda", "auto"):
            raise BackendError(f"native: unknown device {device!r}; use 'cpu', 'cuda' or 'auto'")
        if dtype not in ("float64", "float32"):
            raise BackendError(f"native: dtype {dtype!r} is not supported; use 'float64' or 'float32'")
        if on_overflow not in ("mark", "raise"):
            raise BackendError(f"native: on_overflow must be 'mark' or 'raise', got {on_overflow!r}")
        if not max_rate > 0:
            raise BackendError(f"native: max_rate must be > 0 Hz, got {max_rate!r}")
        self.target = target
        self.threads = threads
        self.dtype = dtype
        self.device = device
        self.max_rate = float(max_rate)
        self.on_overflow = on_overflow

    @classmethod
    def is_available(cls) -> bool:
        return True  # the NumPy target needs no compiler

    def resolved_device(self) -> str:
        """``"cuda"`` or ``"cpu"``: what ``device`` means on this machine."""
        if self.device == "auto":
            from neurokit.codegen.targets.cuda import gpu_available

            return "cuda" if gpu_available() else "cpu"
        return self.device

    def resolved_target(self) -> str:
        """``"c"`` or ``"numpy"``: what ``target`` means on this machine."""
        if self.target != "auto":
            return self.target
        from neurokit.codegen.build import find_compiler

        if find_compiler():
            return "c"
        LOG.warning("native: no C compiler found (set CC or put gcc/cc/clang on PATH); falling back "
                    "to the slow NumPy reference target")
        return "numpy"

    def supports(self, model) -> bool:
        return hasattr(model, "equations") or isinstance(model, str)

    def _threads(self) -> int:
        if self.threads is not None:
            return max(int(self.threads), 1)
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1

    def simulate(self, model, params, protocol) -> xr.Dataset:
        """Simulate ``model`` for every sample of ``params`` and every sweep of ``protocol``.

        Returns
        -------
        xarray.Dataset
            ``membrane_potential`` (sample, sweep, time) in mV and the other recorded state
            variables in their display units; ragged spikes (``spike_time`` with
            ``spike_sample``/``spike_sweep``); ``diverged`` (sample); ``spikes_dropped``
            (sample, sweep).
        """
        if isinstance(model, str):
            from neurokit.codegen.frontend import model_from_equations

            model = model_from_equations(model)
        if not hasattr(model, "equations"):
            raise ModelError(f"native backend cannot simulate a {type(model).__name__}: "
                             "it takes point models, equation strings and rate models")
        from neurokit.protocols import Protocol

        if not isinstance(protocol, Protocol):
            raise ProtocolError(f"native: protocol must be a neurokit Protocol, got {type(protocol).__name__}")
        ir = model_ir(model)
        inputs, samples = self._inputs(model, ir, params, protocol)
        if self.resolved_device() == "cuda":
            kernel = _cuda_kernel(ir, self.dtype)
            raw = kernel.run(inputs)
            self.last_kernel_s = kernel.last_kernel_s  # kernel-only time, for benchmarks
            return self._dataset(model, ir, raw, inputs, samples, protocol, "cuda", self.dtype)
        target = self.resolved_target()
        if target == "c":
            try:
                kernel = _c_kernel(ir, self.dtype)
            except CompilerError as exc:
                if self.target == "auto":
                    LOG.warning("native: the C target is not available (%s); falling back to the "
                                "slow NumPy reference for model %r", exc, getattr(model, "name", "custom"))
                    target, kernel = "numpy", _numpy_kernel(ir)
                else:
                    raise
        else:
            kernel = _numpy_kernel(ir)
        raw = kernel.run(inputs, threads=self._threads()) if target == "c" else kernel.run(inputs)
        return self._dataset(model, ir, raw, inputs, samples, protocol, target,
                             self.dtype if target == "c" else "float64")

    # -- inputs -----------------------------------------------------------------------------
    def _inputs(self, model, ir, params, protocol):
        space = ParameterSpace([p for p in model.parameters if p.name != ir.stimulus])
        declared = {p.name for p in space.parameters}
        for pv in ir.parameters:
            if pv.name not in declared and pv.name != "i":
                raise ParameterError(f"model {model.name!r}: the equations declare {pv.name!r} "
                                     "but the model lists no such parameter")
        # a parameter that a reset writes is a state starting at its per-sample value
        stored = [s.name for s in ir.states if s.name in declared]
        units = {pv.name: pv.unit for pv in ir.parameters if pv.name != "i"}
        samples, cols = batch_columns(params, space, units={**units, **{s: ir.unit_of(s) for s in stored}},
                                      what=f"model {model.name!r}")
        n_s = samples.size
        n_w = protocol.n_sweeps
        n = n_s * n_w
        # Brian2's neuron index 'i' is the sample label (independent of how a batch is chunked)
        cols = {**cols, "i": np.asarray(samples, dtype=float)}
        si = {name: np.repeat(cols[name], n_w) for name in [*ir.parameter_names, *stored]}
        init = self._initial(model, ir, si, n)
        currents, rows = self._currents(model, ir, protocol, samples, n_s)
        # Seeds cost a SeedSequence per sample: only stochastic models need them.
        keys = (runtime.neuron_keys(sample_seeds(protocol.seed, samples), n_w) if ir.stochastic
                else np.zeros(n, dtype=np.uint64))
        record, scales = self._record(model, ir, protocol)
        cap = int(min(protocol.n_steps, math.ceil(protocol.duration * self.max_rate) + 16))
        inputs = runtime.BatchInputs(
            n=n, dt=float(protocol.dt), n_steps=protocol.n_steps,
            n_settle=int(round(protocol.settle / protocol.dt)), every=protocol.record_every,
            params=si, init=init, currents=currents, stim_rows=rows, keys=keys,
            record=record, scales=scales, spike_capacity=max(cap, 1))
        return inputs, samples

    def _initial(self, model, ir, si, n):
        return ir.initial_values(si, n, _DEFAULT_STATE)

    def _currents(self, model, ir, protocol, samples, n_s):
        n_w = protocol.n_sweeps
        if ir.stimulus is None:
            if any(len(sw) for sw in protocol.sweeps) and np.any(protocol.currents(samples) != 0):
                raise ProtocolError(f"model {model.name!r} declares no stimulus variable "
                                    f"{getattr(model, 'stimulus', 'I_stim')!r}, but the protocol injects current")
            return np.zeros((1, protocol.n_steps)), np.zeros(n_s * n_w, dtype=np.int32)
        # nA -> A for a current input; an input of another unit takes the numbers in its SI unit
        cur = protocol.currents(samples) * getattr(model, "stimulus_scale", lambda: 1e-9)()
        if cur.ndim == 3:  # stochastic stimuli: one row per (sample, sweep)
            return cur.reshape(n_s * n_w, -1), np.arange(n_s * n_w, dtype=np.int32)
        return cur, np.tile(np.arange(n_w, dtype=np.int32), n_s)

    def _record(self, model, ir, protocol):
        record, scales = [], []
        for name in protocol.record:
            if name == "stimulus_current":
                continue  # taken from the protocol itself
            var = model.voltage if name == "membrane_potential" else name
            if var not in ir.state_names:
                raise ProtocolError(f"cannot record {name!r}: model {model.name!r} has state variables "
                                    f"{', '.join(s for s in ir.state_names if s not in _DEFAULT_STATE)}")
            si_unit = ir.unit_of(var)
            shown = "mV" if name == "membrane_potential" else display_unit(si_unit)
            record.append(var)
            scales.append(conversion_factor(si_unit, shown, what=f"state variable {var!r}"))
        return record, scales

    # -- output -----------------------------------------------------------------------------
    def _dataset(self, model, ir, raw, inp, samples, protocol, target, dtype) -> xr.Dataset:
        n_s, n_w = len(samples), protocol.n_sweeps
        time = protocol.recorded_time()
        coords = {"sample": ("sample", np.asarray(samples)), "sweep": ("sweep", np.arange(n_w)),
                  "time": ("time", time, schema.attrs_for("time"))}
        data = {}
        for name in protocol.record:
            if name == "stimulus_current":
                data[name] = protocol.stimulus_dataset().variable
                continue
            var = model.voltage if name == "membrane_potential" else name
            arr = raw.records[var].reshape(n_s, n_w, -1)
            si_unit = ir.unit_of(var)
            units = "mV" if name == "membrane_potential" else display_unit(si_unit)
            data[name] = xr.Variable(("sample", "sweep", "time"), arr, schema.attrs_for(name, units))
        counts = raw.spike_counts
        cap = raw.spike_steps.shape[1]
        kept = np.minimum(counts, cap)
        dropped = (counts - kept).reshape(n_s, n_w)
        if dropped.any() and self.on_overflow == "raise":
            s, w = np.argwhere(dropped)[0]
            raise BackendError(f"native: sample {samples[s]} sweep {w} fired {counts.reshape(n_s, n_w)[s, w]} "
                               f"spikes, more than the buffer of {cap} (max_rate={self.max_rate} Hz)")
        mask = np.arange(cap)[None, :] < kept[:, None]
        steps = raw.spike_steps[mask]
        owner = np.repeat(np.arange(inp.n), kept)
        spikes = schema.spikes_dataset(steps.astype(float) * inp.dt,
                                       sample=np.asarray(samples)[owner // n_w], sweep=owner % n_w)
        diverged = raw.diverged.reshape(n_s, n_w).any(axis=1)
        data["diverged"] = xr.Variable("sample", diverged, {"units": "1", "long_name": "integration diverged (NaN or inf)"})
        data["spikes_dropped"] = xr.Variable(("sample", "sweep"), dropped.astype(np.int64),
                                             {"units": "1", "long_name": "spikes beyond the spike buffer"})
        data["spike_time"] = spikes["spike_time"].variable
        for name in ("spike_sample", "spike_sweep"):
            coords[name] = spikes.coords[name].variable
        ds = xr.Dataset(data, coords=coords)
        ds.attrs = schema.provenance_attrs(
            model=getattr(model, "name", "custom"), backend="native", target=target, dtype=dtype,
            protocol=protocol.to_json(summary=True), dt_s=float(protocol.dt),
            sampling_interval_s=float(protocol.sampling_interval), seed=int(protocol.seed),
            method=ir.method)
        return ds
