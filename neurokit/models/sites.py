"""Places on a compartmental cell and what sits there: locations, synapses, voltage clamps.

Pure data (no NEURON objects), used by :class:`neurokit.models.cell.CellModel`. Times are s
where they belong to the protocol (spike times, clamp pieces) and ms where NEURON takes them
(synaptic time constants and delays); potentials mV; conductance weights uS; resistances MOhm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from neurokit.errors import ModelError


@dataclass(frozen=True)
class Location:
    """A place on the cell.

    ``Location("soma")`` is the middle of the first soma section; ``Location("dend", 0.3)`` is
    section ``dend`` at x = 0.3 (file morphologies name sections ``dend[12]``, ``apic[3]``);
    ``Location("apical", distance=300.0)`` is the apical segment whose path distance from the
    soma is closest to 300 um.
    """

    where: str = "soma"
    x: float = 0.5
    distance: float | None = None

    def __post_init__(self):
        if not 0 <= self.x <= 1:
            raise ModelError(f"location {self.where!r}: x {self.x} must be in [0, 1]")


@dataclass(frozen=True)
class Synapse:
    """A conductance synapse driven by a fixed spike train (the same in every sweep).

    Parameters
    ----------
    name : str
        Name used for its weight parameter ``"weight.<name>"``.
    location : Location
    kind : {"exp2", "exp"}
        Double-exponential (NEURON's Exp2Syn) or single-exponential (ExpSyn) conductance.
    tau_rise, tau_decay : float
        Time constants, ms (``tau_rise`` ignored for ``exp``).
    e_rev : float
        Reversal potential, mV.
    weight : float
        Peak-conductance weight, uS (a free parameter ``weight.<name>`` overrides it).
    spike_times : sequence of float
        Presynaptic spike times, s (protocol time: 0 is the end of the settling period).
    delay : float
        Conduction delay, ms.
    """

    name: str
    location: Location
    spike_times: tuple[float, ...]
    kind: str = "exp2"
    tau_rise: float = 0.5
    tau_decay: float = 5.0
    e_rev: float = 0.0
    weight: float = 0.001
    delay: float = 0.0

    def __post_init__(self):
        if self.kind not in ("exp2", "exp"):
            raise ModelError(f"synapse {self.name!r}: kind {self.kind!r} must be 'exp2' or 'exp'")
        times = tuple(float(t) for t in np.atleast_1d(self.spike_times))
        if any(not math.isfinite(t) or t < 0 for t in times):
            raise ModelError(f"synapse {self.name!r}: spike times must be finite and >= 0 s")
        object.__setattr__(self, "spike_times", tuple(sorted(times)))
        if self.kind == "exp2" and not 0 < self.tau_rise < self.tau_decay:
            raise ModelError(f"synapse {self.name!r}: need 0 < tau_rise < tau_decay (ms), got "
                             f"{self.tau_rise}, {self.tau_decay}")


@dataclass(frozen=True)
class VoltageClamp:
    """A single-electrode voltage clamp (NEURON's SEClamp) at ``location``.

    Parameters
    ----------
    sweeps : sequence of sequence of (float, float)
        Per sweep, ``(duration s, level mV)`` pieces held one after another from t=0 (the last
        level holds to the end). One sweep is used for every protocol sweep.
    rs : float
        Series resistance, MOhm.
    hold : float
        Level during the settling period, mV (default: the first level of each sweep).
    """

    sweeps: tuple[tuple[tuple[float, float], ...], ...]
    location: Location = Location("soma")
    rs: float = 0.001
    hold: float | None = None

    def __post_init__(self):
        sweeps = tuple(tuple((float(d), float(v)) for d, v in sw) for sw in self.sweeps)
        if not sweeps or any(not sw for sw in sweeps):
            raise ModelError("voltage clamp: every sweep needs at least one (duration, level) piece")
        if any(d <= 0 for sw in sweeps for d, _ in sw):
            raise ModelError("voltage clamp: piece durations must be > 0 s")
        if not self.rs > 0:
            raise ModelError(f"voltage clamp: rs {self.rs} MOhm must be > 0")
        object.__setattr__(self, "sweeps", sweeps)

    def levels(self, sweep: int, t: np.ndarray) -> np.ndarray:
        """Command voltage (mV) at times ``t`` (s) of ``sweep``."""
        pieces = self.sweeps[sweep if len(self.sweeps) > 1 else 0]
        out = np.full(t.size, pieces[-1][1])
        edge = 0.0
        for dur, level in pieces:
            out[(t >= edge - 1e-12) & (t < edge + dur - 1e-12)] = level
            edge += dur
        return out
