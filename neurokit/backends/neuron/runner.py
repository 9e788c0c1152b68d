"""Running parameter sets of one built cell in this process's NEURON.

A :class:`CellRunner` builds its cell once (:func:`neurokit.backends.neuron.build.instantiate`),
prepares the stimulus and recording vectors once per protocol, then runs each sample: set its
values, run every sweep, read back membrane potential (mV), clamp current (nA) and soma spike
times (s). A sample that runs past its timeout is stopped between integration chunks and
reported as :class:`SampleTimeout`; :meth:`CellRunner.run_safely` turns any failure into that
sample's ``error`` message, so one bad sample never ends a batch.

``neuron`` is imported only inside functions, so importing this module never loads NEURON.
"""

from __future__ import annotations

import math
import time

import numpy as np

from neurokit.backends.neuron.build import instantiate
from neurokit.errors import BackendError, ProtocolError
from neurokit.models.cell import CellModel
from neurokit.protocols import Protocol


class SampleTimeout(BackendError):
    """A sample ran past the simulator's per-sample timeout."""


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
        # Under CVode, record at the integrator's own steps and interpolate onto the protocol's
        # grid afterwards: recording at fixed times makes NEURON interpolate at every one of them
        # during the run, 2.3x the wall time on a 61-compartment cell (docs/neuron.md).
        step = () if self.cvode else (si_ms,)
        self._t_steps = h.Vector().record(h._ref_t) if self.cvode else None
        self._grid_ms = self.settle_ms + protocol.recorded_time() * 1e3
        if cell.seclamp is not None:
            self._i_clamp = h.Vector().record(cell.seclamp._ref_i, *step)
        self._v_rec = [h.Vector().record(sec(x)._ref_v, *step) for sec, x, *_ in cell.record_sites]
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
                arr = self._sampled(vec, kept)
                v[k, j, :arr.size] = arr
            if i_clamp is not None:
                arr = self._sampled(self._i_clamp, kept)
                i_clamp[k, :arr.size] = arr
            if len(self._spikes) == 0:
                spikes.append(np.empty(0))
            else:
                st = self._spikes.as_numpy()
                spikes.append((st[st >= settle_ms] - settle_ms) * 1e-3)
        return {"v": v, "i_clamp": i_clamp, "spikes": spikes, "error": ""}

    def _sampled(self, vec, kept: slice) -> np.ndarray:
        """A recorded vector on the protocol's recording grid (linear interpolation between
        CVode's steps; a slice of the fixed-step recording)."""
        if self._t_steps is None:
            return vec.as_numpy()[kept]
        return np.interp(self._grid_ms, self._t_steps.as_numpy(), vec.as_numpy())

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
