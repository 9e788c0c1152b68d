"""Networks of point neurons: populations, projections, inputs and plasticity (structure only).

A :class:`Network` is pure data: which populations of which built-in
:class:`~neurokit.models.point.PointModel` exist, how they connect, what drives them and what
to record. Parameter *values* that may change between runs (neuron parameters, synaptic time
constants, weights, input rates) are network parameters named ``"<owner>.<name>"``
(``"E.g_L"``, ``"EE.weight"``, ``"ext.rate"``); :meth:`Network.parameters` lists them with
their defaults and units, and a backend takes overrides of them at simulate time. Everything
else (sizes, connectivity rules, plasticity constants) is structure.

Units: times in ms, potentials in mV, conductances in nS, currents in pA, rates in Hz; spike
times of :class:`SpikeSource` in s. Weights are in the unit of the receptor they target
(:attr:`Receptor.weight_unit`).

Connectivity is drawn with NumPy from a stream keyed on ``(protocol seed, projection)``, so
every backend target builds the very same synapses, and every sample of a batch shares them.
"""

from __future__ import annotations

import dataclasses
import keyword
from dataclasses import dataclass, field
from typing import ClassVar, Mapping, Sequence

import numpy as np

from neurokit.errors import ModelError, ParameterError
from neurokit.models.point import PointModel
from neurokit.params import Parameter, ParameterSpace


def _check_name(kind: str, name: str) -> None:
    if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)):
        raise ModelError(f"{kind} name {name!r} must be a Python identifier (used in generated code)")
    if "__" in name:
        raise ModelError(f"{kind} name {name!r} must not contain '__'")


# --------------------------------------------------------------------------- receptors
@dataclass(frozen=True)
class ExpCurrent:
    """Current-based exponential synapse: ``I_<name>`` (pA) jumps by the weight at each
    presynaptic spike and decays with ``tau`` (ms)."""

    tau: float = 5.0
    kind: ClassVar[str] = "current"
    weight_unit: ClassVar[str] = "pA"

    def state(self, name: str) -> str:
        return f"I_{name}"


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


@dataclass(frozen=True)
class Delta:
    """Voltage-jump synapse: the membrane potential jumps by the weight (mV) at each spike;
    spikes arriving while the neuron is refractory are dropped (as NEST's iaf_psc_delta)."""

    kind: ClassVar[str] = "delta"
    weight_unit: ClassVar[str] = "mV"

    def state(self, name: str) -> None:
        return None


Receptor = ExpCurrent | ExpConductance | Delta


# --------------------------------------------------------------------------- populations
@dataclass(frozen=True)
class Population:
    """``size`` neurons of a point model.

    Parameters
    ----------
    name : str
        Identifier; parameters of the population are named ``"<name>.<parameter>"``.
    model : PointModel
        A built-in (or user) point model; its ``I_stim`` becomes the sum of the synaptic
        currents (plus the protocol current when ``stimulated``).
    size : int
    params : mapping, optional
        Defaults overriding the model's (model units: pF, nS, mV, ms, pA). Values are
        shared by all neurons of the population.
    receptors : mapping of str to ExpCurrent, ExpConductance or Delta
        Synaptic receptors that projections and inputs target by name.
    initial : mapping of str to str, optional
        Start values (Brian2 expressions, may use parameters, ``rand()``, ``randn()``) for
        state variables, overriding the model's; receptor states start at 0 unless given.
    stimulated : bool
        Whether the protocol's current (nA) is injected into every neuron.
    parts : mapping of str to int, optional
        Named consecutive parts (sizes summing to ``size``), e.g. ``{"E": 3200, "I": 800}``:
        projections, inputs and recordings may name a part, and results are reported per
        part. One part shares the population's model and parameters, and the population
        stays one group in the simulator (fewer objects, as Brian2's own examples write it).
    method : str, optional
        Integration method; default: the model's, falling back to exponential Euler and
        Euler when synapses make the model non-linear.
    """

    name: str
    model: PointModel
    size: int
    params: Mapping[str, float] = field(default_factory=dict)
    receptors: Mapping[str, Receptor] = field(default_factory=dict)
    initial: Mapping[str, str] = field(default_factory=dict)
    stimulated: bool = False
    parts: Mapping[str, int] = field(default_factory=dict)
    method: str | None = None

    spiking: ClassVar[bool] = True
    is_neuron: ClassVar[bool] = True

    def __post_init__(self):
        _check_name("population", self.name)
        if int(self.size) < 1:
            raise ModelError(f"population {self.name!r}: size must be >= 1, got {self.size}")
        object.__setattr__(self, "size", int(self.size))
        if not isinstance(self.model, PointModel):
            raise ModelError(f"population {self.name!r}: model must be a PointModel, "
                             f"got {type(self.model).__name__}")
        try:
            self.model.with_parameters(**dict(self.params))
        except ParameterError as exc:
            raise ParameterError(f"population {self.name!r}: {exc}") from None
        if self.parts:
            for part in self.parts:
                _check_name(f"population {self.name!r}: part", part)
            if sum(int(n) for n in self.parts.values()) != self.size or min(self.parts.values()) < 1:
                raise ModelError(f"population {self.name!r}: part sizes {dict(self.parts)} must be >= 1 "
                                 f"and sum to its size {self.size}")
        names = set(self.model.space.names) | {self.model.voltage, self.model.stimulus}
        for rec_name, rec in self.receptors.items():
            _check_name(f"population {self.name!r}: receptor", rec_name)
            if not isinstance(rec, (ExpCurrent, ExpConductance, Delta)):
                raise ModelError(f"population {self.name!r}: receptor {rec_name!r} is a "
                                 f"{type(rec).__name__}, not ExpCurrent/ExpConductance/Delta")
            for extra in filter(None, (rec.state(rec_name), f"tau_{rec_name}", f"E_{rec_name}")):
                if extra in names:
                    raise ModelError(f"population {self.name!r}: receptor {rec_name!r} needs the name "
                                     f"{extra!r}, which model {self.model.name!r} already uses")

    def sites(self) -> dict[str, tuple[int, int]]:
        """Reporting units: ``{part: (start, stop)}``, or the whole population."""
        if not self.parts:
            return {self.name: (0, self.size)}
        out, start = {}, 0
        for part, n in self.parts.items():
            out[part] = (start, start + int(n))
            start += int(n)
        return out

    @property
    def resolved_model(self) -> PointModel:
        """The point model with this population's parameter defaults."""
        return self.model.with_parameters(**dict(self.params))

    def parameters(self) -> list[Parameter]:
        """Network parameters of this population (``"<name>.<parameter>"``)."""
        out = [dataclasses.replace(p, name=f"{self.name}.{p.name}")
               for p in self.resolved_model.parameters]
        for rec_name, rec in self.receptors.items():
            if isinstance(rec, (ExpCurrent, ExpConductance)):
                out.append(Parameter(f"{self.name}.tau_{rec_name}", "ms", None, float(rec.tau),
                                     description=f"decay time of receptor {rec_name}"))
            if isinstance(rec, ExpConductance):
                out.append(Parameter(f"{self.name}.E_{rec_name}", "mV", None, float(rec.E),
                                     description=f"reversal potential of receptor {rec_name}"))
        return out


@dataclass(frozen=True)
class PoissonPopulation:
    """``size`` independent Poisson spike sources firing at ``rate`` Hz (parameter
    ``"<name>.rate"``); usable as the source of projections."""

    name: str
    size: int
    rate: float

    spiking: ClassVar[bool] = True
    is_neuron: ClassVar[bool] = False

    def __post_init__(self):
        _check_name("population", self.name)
        if int(self.size) < 1:
            raise ModelError(f"Poisson population {self.name!r}: size must be >= 1")
        object.__setattr__(self, "size", int(self.size))
        if not (np.isfinite(self.rate) and self.rate >= 0):
            raise ParameterError(f"Poisson population {self.name!r}: rate {self.rate!r} Hz must be >= 0")

    def parameters(self) -> list[Parameter]:
        return [Parameter(f"{self.name}.rate", "Hz", None, float(self.rate), description="rate per source")]

    def sites(self) -> dict[str, tuple[int, int]]:
        return {self.name: (0, self.size)}


@dataclass(frozen=True, eq=False)
class SpikeSource:
    """``size`` sources that fire at given times: source ``indices[k]`` at ``times[k]`` s."""

    name: str
    size: int
    indices: Sequence[int]
    times: Sequence[float]

    spiking: ClassVar[bool] = True
    is_neuron: ClassVar[bool] = False

    def __post_init__(self):
        _check_name("population", self.name)
        idx = np.asarray(self.indices, dtype=np.int64).ravel()
        t = np.asarray(self.times, dtype=float).ravel()
        if idx.shape != t.shape:
            raise ModelError(f"spike source {self.name!r}: {idx.size} indices for {t.size} times")
        if idx.size and (idx.min() < 0 or idx.max() >= int(self.size)):
            raise ModelError(f"spike source {self.name!r}: indices must lie in [0, {self.size})")
        if t.size and (not np.all(np.isfinite(t)) or t.min() < 0):
            raise ModelError(f"spike source {self.name!r}: times must be finite and >= 0 s")
        object.__setattr__(self, "indices", idx)
        object.__setattr__(self, "times", t)
        object.__setattr__(self, "size", int(self.size))

    def parameters(self) -> list[Parameter]:
        return []

    def sites(self) -> dict[str, tuple[int, int]]:
        return {self.name: (0, self.size)}


# --------------------------------------------------------------------------- connectivity
@dataclass(frozen=True)
class Probability:
    """Each (pre, post) pair connects with probability ``p``."""

    p: float
    autapses: bool = True

    def __post_init__(self):
        if not 0 <= self.p <= 1:
            raise ModelError(f"connection probability {self.p!r} must lie in [0, 1]")

    def draw(self, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
        counts = rng.binomial(n_post, self.p, size=n_pre)
        i = np.repeat(np.arange(n_pre), counts)
        # Per presynaptic cell, `count` distinct targets: exactly Bernoulli(p) per pair.
        j = (np.concatenate([rng.choice(n_post, c, replace=False) for c in counts]) if n_pre
             else np.empty(0, int))
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
        _check_name("projection", self.name)
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
        _check_name("input", self.name)
        if int(self.n) < 1:
            raise ModelError(f"Poisson input {self.name!r}: n must be >= 1")
        if not (np.isfinite(self.rate) and self.rate >= 0):
            raise ParameterError(f"Poisson input {self.name!r}: rate {self.rate!r} Hz must be >= 0")


# --------------------------------------------------------------------------- network
@dataclass(frozen=True)
class Site:
    """A population or a part of one: cells ``start`` to ``stop`` of ``population``."""

    name: str
    population: object
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.stop == self.population.size


@dataclass(frozen=True)
class Network:
    """Populations, projections and inputs; what to record.

    Parameters
    ----------
    populations : sequence of Population, PoissonPopulation or SpikeSource
    projections : sequence of Projection
    inputs : sequence of PoissonInput
    record : mapping of str to int or sequence of int
        Cells whose state variables (the protocol's ``record`` list) are sampled, per
        population or part: a count (the first n cells) or indices. Spikes of every neuron
        population are always returned.
    name : str
    """

    populations: Sequence = ()
    projections: Sequence[Projection] = ()
    inputs: Sequence[PoissonInput] = ()
    record: Mapping[str, int | Sequence[int]] = field(default_factory=dict)
    name: str = "network"

    def __post_init__(self):
        object.__setattr__(self, "populations", tuple(self.populations))
        object.__setattr__(self, "projections", tuple(self.projections))
        object.__setattr__(self, "inputs", tuple(self.inputs))
        if not self.populations:
            raise ModelError(f"network {self.name!r} has no populations")
        owners = [p.name for p in (*self.populations, *self.projections, *self.inputs)]
        owners += [part for p in self.populations for part in getattr(p, "parts", {})]
        dup = sorted({n for n in owners if owners.count(n) > 1})
        if dup:
            raise ModelError(f"network {self.name!r}: names used twice: {dup}")
        sites = self.sites
        for proj in self.projections:
            for end in (proj.source, proj.target):
                if end not in sites:
                    raise ModelError(f"projection {proj.name!r}: no population or part {end!r}")
            self._receptor(proj.name, proj.target, proj.receptor)
        for inp in self.inputs:
            if inp.target not in sites:
                raise ModelError(f"input {inp.name!r}: no population or part {inp.target!r}")
            self._receptor(inp.name, inp.target, inp.receptor)
        rec = {}
        for name, cells in dict(self.record).items():
            site = sites.get(name)
            if site is None or not site.population.is_neuron:
                raise ModelError(f"record: {name!r} is not a neuron population or part "
                                 f"of network {self.name!r}")
            idx = (np.arange(min(int(cells), site.size)) if np.isscalar(cells)
                   else np.asarray(cells, dtype=np.int64))
            if idx.size and (idx.min() < 0 or idx.max() >= site.size):
                raise ModelError(f"record: cells of {name!r} must lie in [0, {site.size})")
            rec[name] = tuple(int(k) for k in idx)
        object.__setattr__(self, "record", rec)

    def _receptor(self, owner: str, target: str, receptor: str) -> Receptor:
        pop = self.sites[target].population
        if not pop.is_neuron:
            raise ModelError(f"{owner!r}: target {target!r} is a spike source, not a neuron population")
        if receptor not in pop.receptors:
            raise ModelError(f"{owner!r}: population {pop.name!r} has no receptor {receptor!r} "
                             f"(has: {', '.join(pop.receptors) or 'none'})")
        return pop.receptors[receptor]

    @property
    def population_map(self) -> dict:
        return {p.name: p for p in self.populations}

    @property
    def sites(self) -> dict[str, Site]:
        """Every population and every part, by name."""
        out = {}
        for pop in self.populations:
            out[pop.name] = Site(pop.name, pop, 0, pop.size)
            if getattr(pop, "parts", None):
                for part, (a, b) in pop.sites().items():
                    out[part] = Site(part, pop, a, b)
        return out

    def report_sites(self) -> list[Site]:
        """The units results are reported in: each neuron population, or its parts."""
        sites = self.sites
        return [sites[name] for pop in self.neuron_populations() for name in pop.sites()]

    def receptor_of(self, item: Projection | PoissonInput) -> Receptor:
        """The receptor a projection or input targets."""
        return self._receptor(item.name, item.target, item.receptor)

    def weight_unit(self, item: Projection | PoissonInput) -> str:
        return self.receptor_of(item).weight_unit

    def parameters(self) -> ParameterSpace:
        """Every network parameter with its default and unit."""
        params: list[Parameter] = []
        for pop in self.populations:
            params += pop.parameters()
        for proj in self.projections:
            params.append(Parameter(f"{proj.name}.weight", self.weight_unit(proj), None, float(proj.weight),
                                    description=f"weight of projection {proj.name}"))
        for inp in self.inputs:
            params.append(Parameter(f"{inp.name}.rate", "Hz", None, float(inp.rate),
                                    description=f"rate per source of input {inp.name}"))
            params.append(Parameter(f"{inp.name}.weight", self.weight_unit(inp), None, float(inp.weight),
                                    description=f"weight of input {inp.name}"))
        return ParameterSpace(tuple(params))

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.parameters().parameters}

    def with_record(self, **cells) -> "Network":
        """A copy recording state variables of the given cells (``E=10``, ``I=[0, 5]``)."""
        return dataclasses.replace(self, record={**dict(self.record), **cells})

    def connectivity(self, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Presynaptic and postsynaptic indices (within the source and target population or
        part) of every projection, drawn from a stream keyed on ``(seed, projection
        position)``: the same for every backend and sample."""
        sites = self.sites
        out = {}
        for k, proj in enumerate(self.projections):
            rng = np.random.default_rng(np.random.SeedSequence(entropy=int(seed), spawn_key=(k, 7)))
            src, tgt = sites[proj.source], sites[proj.target]
            same = src.population is tgt.population and src.start == tgt.start and src.stop == tgt.stop
            out[proj.name] = proj.rule.draw(src.size, tgt.size, same, rng)
        return out

    def neuron_populations(self) -> list[Population]:
        return [p for p in self.populations if p.is_neuron]
