"""Synapses of a network: receptors, connectivity rules, plasticity, projections and inputs.

Pure data (structure plus default values), used by :class:`~neurokit.models.network.Network`.
Units: times in ms, potentials in mV, conductances in nS, currents in pA, rates in Hz.
Weights are in the unit of the receptor they target (:attr:`ExpCurrent.weight_unit` and
the like: pA, nS or mV).

A connectivity rule draws its (pre, post) pairs from the NumPy generator it is given; the
network keys that generator on ``(protocol seed, projection)``, so every backend target and
every sample of a batch build the very same synapses.
"""

from __future__ import annotations

import keyword
import math
from dataclasses import dataclass
from typing import ClassVar, Sequence

import numpy as np

from neurokit.errors import ModelError, ParameterError


def check_name(kind: str, name: str) -> None:
    """Raise :class:`ModelError` unless ``name`` (of a ``kind``: population, projection...)
    is an identifier without ``__``: names reach Brian2 and generated code."""
    if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)):
        raise ModelError(f"{kind} name {name!r} must be a Python identifier (used in generated code)")
    if "__" in name:
        raise ModelError(f"{kind} name {name!r} must not contain '__'")


# --------------------------------------------------------------------------- receptors
_E = repr(math.e)  # a literal: every target (Brian2, C, NumPy) reads it the same way


@dataclass(frozen=True)
class ExpCurrent:
    """Current-based exponential synapse: ``I_<name>`` (pA) jumps by the weight at each
    presynaptic spike and decays with ``tau`` (ms)."""

    tau: float = 5.0
    kind: ClassVar[str] = "current"
    weight_unit: ClassVar[str] = "pA"

    def state(self, name: str) -> str:
        """The state variable that a spike onto receptor ``name`` increments by the weight."""
        return f"I_{name}"

    def equations(self, name: str, v: str) -> tuple[list[str], str]:
        """Brian2 equation lines the receptor adds to its population, and its term of the
        synaptic current (``v``: the membrane potential); both backends use these."""
        return [f"dI_{name}/dt = -I_{name}/tau_{name} : amp", f"tau_{name} : second (shared, constant)"], \
            f"I_{name}"


@dataclass(frozen=True)
class ExpConductance:
    """Conductance-based exponential synapse: ``g_<name>`` (nS) jumps by the weight, decays
    with ``tau`` (ms), and drives ``g_<name>*(E - v)`` with reversal ``E`` (mV)."""

    tau: float = 5.0
    E: float = 0.0
    kind: ClassVar[str] = "conductance"
    weight_unit: ClassVar[str] = "nS"

    def state(self, name: str) -> str:
        return f"g_{name}"

    def equations(self, name: str, v: str) -> tuple[list[str], str]:
        return [f"dg_{name}/dt = -g_{name}/tau_{name} : siemens", f"tau_{name} : second (shared, constant)",
                f"E_{name} : volt (shared, constant)"], f"g_{name}*(E_{name} - {v})"


@dataclass(frozen=True)
class AlphaCurrent:
    """Current-based alpha synapse (Brian2's two-state form): each presynaptic spike of
    weight ``w`` (pA) adds ``w`` to ``x_<name>``, and with ``tau`` (ms)::

        dI_<name>/dt = (e*x_<name> - I_<name>)/tau
        dx_<name>/dt = -x_<name>/tau

    so a lone spike at 0 gives ``I(t) = w*(t/tau)*exp(1 - t/tau)``: peak ``w`` at ``t = tau``.
    (The same system as Brian2's ``x += w*e`` with ``dI/dt = (x - I)/tau``, with ``x`` scaled
    by ``1/e``: a spike then adds the plain weight on every pathway.)"""

    tau: float = 5.0
    kind: ClassVar[str] = "current"
    weight_unit: ClassVar[str] = "pA"

    def state(self, name: str) -> str:
        return f"x_{name}"

    def equations(self, name: str, v: str) -> tuple[list[str], str]:
        return [f"dI_{name}/dt = ({_E}*x_{name} - I_{name})/tau_{name} : amp",
                f"dx_{name}/dt = -x_{name}/tau_{name} : amp", f"tau_{name} : second (shared, constant)"], \
            f"I_{name}"


@dataclass(frozen=True)
class AlphaConductance:
    """Conductance-based alpha synapse: ``g_<name>`` (nS) follows the alpha kernel of
    :class:`AlphaCurrent` (peak ``w`` at ``t = tau`` ms after a lone spike; the spike adds
    ``w`` to ``x_<name>``) and drives ``g_<name>*(E - v)`` with reversal ``E`` (mV)."""

    tau: float = 5.0
    E: float = 0.0
    kind: ClassVar[str] = "conductance"
    weight_unit: ClassVar[str] = "nS"

    def state(self, name: str) -> str:
        return f"x_{name}"

    def equations(self, name: str, v: str) -> tuple[list[str], str]:
        return [f"dg_{name}/dt = ({_E}*x_{name} - g_{name})/tau_{name} : siemens",
                f"dx_{name}/dt = -x_{name}/tau_{name} : siemens", f"tau_{name} : second (shared, constant)",
                f"E_{name} : volt (shared, constant)"], f"g_{name}*(E_{name} - {v})"


@dataclass(frozen=True)
class Delta:
    """Voltage-jump synapse: the membrane potential jumps by the weight (mV) at each spike;
    spikes arriving while the neuron is refractory are dropped (as NEST's iaf_psc_delta)."""

    kind: ClassVar[str] = "delta"
    weight_unit: ClassVar[str] = "mV"

    def state(self, name: str) -> None:
        return None

    def equations(self, name: str, v: str) -> tuple[list[str], None]:
        return [], None


Receptor = ExpCurrent | ExpConductance | AlphaCurrent | AlphaConductance | Delta
RECEPTORS = (ExpCurrent, ExpConductance, AlphaCurrent, AlphaConductance, Delta)


def receptor_names(rec: Receptor, name: str) -> list[str]:
    """Every identifier receptor ``name`` adds to its population's equations."""
    heads = (line.split(":")[0].split("=")[0].strip() for line in rec.equations(name, "v")[0])
    return [h[1:-3] if h.endswith("/dt") else h for h in heads]


# --------------------------------------------------------------------------- connectivity
def _bernoulli_pairs(n_pre: int, n_post: int, p: float, rng: np.random.Generator):
    """(pre, post) indices of the pairs of an n_pre x n_post grid that connect, each pair
    independently with probability ``p``, in row-major order.

    The gaps between successive connected pairs of a Bernoulli sequence are geometric, so the
    pairs are drawn in O(number of synapses), not O(n_pre * n_post), and without a Python loop.
    """
    total = n_pre * n_post
    if total == 0 or p == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if p == 1:
        pos = np.arange(total, dtype=np.int64)
    else:
        mean = total * p
        chunks, last = [], -1
        while last < total - 1:
            n = int(mean + 6 * np.sqrt(mean) + 16) if not chunks else int(0.1 * mean + 64)
            steps = np.cumsum(rng.geometric(p, size=n), dtype=np.int64) + last
            chunks.append(steps)
            last = int(steps[-1])
        pos = np.concatenate(chunks)
        pos = pos[pos < total]
    return pos // n_post, pos % n_post


@dataclass(frozen=True)
class Probability:
    """Each (pre, post) pair connects with probability ``p``."""

    p: float
    autapses: bool = True

    def __post_init__(self):
        if not 0 <= self.p <= 1:
            raise ModelError(f"connection probability {self.p!r} must lie in [0, 1]")

    def draw(self, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
        i, j = _bernoulli_pairs(n_pre, n_post, self.p, rng)
        if same and not self.autapses:
            keep = i != j
            i, j = i[keep], j[keep]
        return i, j.astype(np.int64)


@dataclass(frozen=True)
class FixedInDegree:
    """Every postsynaptic cell receives exactly ``k`` distinct presynaptic cells."""

    k: int
    autapses: bool = True

    def draw(self, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
        avail = n_pre - (0 if (self.autapses or not same) else 1)
        if not 0 <= self.k <= avail:
            raise ModelError(f"fixed in-degree {self.k} impossible with {avail} candidate sources")
        i = np.empty(n_post * self.k, dtype=np.int64)
        for post in range(n_post):
            if same and not self.autapses:
                pick = rng.choice(n_pre - 1, self.k, replace=False)
                pick[pick >= post] += 1  # skip the cell itself
            else:
                pick = rng.choice(n_pre, self.k, replace=False)
            i[post * self.k:(post + 1) * self.k] = pick
        return i, np.repeat(np.arange(n_post), self.k)


@dataclass(frozen=True, eq=False)
class Pairs:
    """Explicit synapses: presynaptic ``i[k]`` onto postsynaptic ``j[k]``."""

    i: Sequence[int]
    j: Sequence[int]

    def draw(self, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
        i = np.asarray(self.i, dtype=np.int64).ravel()
        j = np.asarray(self.j, dtype=np.int64).ravel()
        if i.shape != j.shape:
            raise ModelError(f"explicit pairs: {i.size} presynaptic for {j.size} postsynaptic indices")
        if i.size and (i.min() < 0 or i.max() >= n_pre or j.min() < 0 or j.max() >= n_post):
            raise ModelError(f"explicit pairs out of range: pre in [0, {n_pre}), post in [0, {n_post})")
        return i, j


@dataclass(frozen=True)
class AllToAll:
    """Every presynaptic cell onto every postsynaptic cell."""

    autapses: bool = True

    def draw(self, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
        i, j = (a.ravel() for a in np.meshgrid(np.arange(n_pre), np.arange(n_post), indexing="ij"))
        if same and not self.autapses:
            keep = i != j
            i, j = i[keep], j[keep]
        return i, j


@dataclass(frozen=True)
class OneToOne:
    """Cell k onto cell k (populations of equal size)."""

    def draw(self, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
        if n_pre != n_post:
            raise ModelError(f"one-to-one connection between sizes {n_pre} and {n_post}")
        return np.arange(n_pre), np.arange(n_post)


Rule = Probability | FixedInDegree | Pairs | AllToAll | OneToOne


# --------------------------------------------------------------------------- plasticity
@dataclass(frozen=True)
class STDP:
    """Additive pair-based STDP with all-to-all traces (Song, Miller & Abbott 2000).

    A presynaptic spike adds ``A_pre*w_max`` to trace ``Apre`` (decay ``tau_pre`` ms) and
    ``Apost`` to the weight; a postsynaptic spike adds ``A_post*w_max`` to ``Apost`` (decay
    ``tau_post`` ms) and ``Apre`` to the weight. Weights are clipped to ``[0, w_max]``
    (``w_max`` in the receptor's weight unit).
    """

    w_max: float
    A_pre: float = 0.01
    A_post: float = -0.0105
    tau_pre: float = 20.0
    tau_post: float = 20.0


@dataclass(frozen=True)
class TripletSTDP:
    """Triplet STDP (Pfister & Gerstner 2006), all-to-all interactions.

    Presynaptic traces ``r1`` (``tau_plus``), ``r2`` (``tau_x``), postsynaptic traces ``o1``
    (``tau_minus``), ``o2`` (``tau_y``), in ms; each jumps by 1 at its cell's spikes. At a
    presynaptic spike ``w -= w_max*o1*(A2_minus + A3_minus*r2)`` (``r2`` taken just before
    the spike); at a postsynaptic spike ``w += w_max*r1*(A2_plus + A3_plus*o2)``. Weights are
    clipped to ``[0, w_max]``. Defaults: the visual-cortex all-to-all fit of Pfister &
    Gerstner (2006), table 4.
    """

    w_max: float
    A2_plus: float = 5e-10
    A3_plus: float = 6.2e-3
    A2_minus: float = 7e-3
    A3_minus: float = 2.3e-4
    tau_plus: float = 16.8
    tau_minus: float = 33.7
    tau_x: float = 101.0
    tau_y: float = 125.0


@dataclass(frozen=True)
class TsodyksMarkram:
    """Short-term plasticity (Tsodyks & Markram 1997; Markram et al. 1998).

    Between spikes ``u`` decays to 0 with ``tau_f`` ms and the resources ``x`` recover to 1
    with ``tau_d`` ms. At a spike ``u += U*(1 - u)``, the released fraction is ``r = u*x``,
    ``x -= r``, and the postsynaptic jump is ``weight*r``. ``tau_f = 0`` means no facilitation
    (``u = U`` at every spike).
    """

    U: float = 0.5
    tau_d: float = 800.0
    tau_f: float = 0.0

    def __post_init__(self):
        if not 0 < self.U <= 1:
            raise ModelError(f"Tsodyks-Markram U={self.U!r} must lie in (0, 1]")
        if not self.tau_d > 0 or self.tau_f < 0:
            raise ModelError("Tsodyks-Markram: tau_d must be > 0 ms and tau_f >= 0 ms")


# --------------------------------------------------------------------------- projections
@dataclass(frozen=True)
class Projection:
    """Synapses from population ``source`` onto receptor ``receptor`` of population ``target``.

    Parameters
    ----------
    name : str
        Identifier; its weight is the network parameter ``"<name>.weight"``.
    source, target : str
        Population or population part names.
    receptor : str
        A receptor of the target's population.
    rule : Probability, FixedInDegree, Pairs, AllToAll or OneToOne
    weight : float
        In the receptor's weight unit (nS, pA or mV); negative for inhibition through a
        current or delta receptor.
    weight_init : str, optional
        Per-synapse start weights as a Brian2 expression that may use ``weight`` (and
        ``w_max`` with STDP), e.g. ``"rand()*w_max"``. Default: every synapse ``weight``.
    delay : float or str
        Transmission delay in ms, or a per-synapse Brian2 expression (``"rand()*2*ms"``).
    plasticity : STDP or TripletSTDP, optional
    short_term : TsodyksMarkram, optional
    record_weights : bool, optional
        Return the weights before and after the run (default: for plastic projections).
    """

    name: str
    source: str
    target: str
    receptor: str
    rule: Rule
    weight: float
    weight_init: str | None = None
    delay: float | str = 0.0
    plasticity: STDP | TripletSTDP | None = None
    short_term: TsodyksMarkram | None = None
    record_weights: bool | None = None

    def __post_init__(self):
        check_name("projection", self.name)
        if not np.isfinite(self.weight):
            raise ParameterError(f"projection {self.name!r}: weight {self.weight!r} is not finite")
        if isinstance(self.delay, (int, float)) and not (np.isfinite(self.delay) and self.delay >= 0):
            raise ParameterError(f"projection {self.name!r}: delay {self.delay!r} ms must be >= 0")
        if self.plasticity is not None and not isinstance(self.plasticity, (STDP, TripletSTDP)):
            raise ModelError(f"projection {self.name!r}: plasticity must be STDP or TripletSTDP")

    @property
    def plastic(self) -> bool:
        return self.plasticity is not None

    @property
    def records_weights(self) -> bool:
        return self.plastic if self.record_weights is None else bool(self.record_weights)


@dataclass(frozen=True)
class PoissonInput:
    """``n`` independent Poisson sources per target neuron, each at ``rate`` Hz, onto receptor
    ``receptor`` of every cell of ``target`` with ``weight`` (receptor weight unit). Every cell
    receives its own realisation; no synapses are stored (as Brian2's PoissonInput).
    Parameters ``"<name>.rate"`` and ``"<name>.weight"``."""

    name: str
    target: str
    receptor: str
    n: int
    rate: float
    weight: float

    def __post_init__(self):
        check_name("input", self.name)
        if int(self.n) < 1:
            raise ModelError(f"Poisson input {self.name!r}: n must be >= 1")
        if not (np.isfinite(self.rate) and self.rate >= 0):
            raise ParameterError(f"Poisson input {self.name!r}: rate {self.rate!r} Hz must be >= 0")
