"""Networks of point neurons: populations and the network that joins them (structure only).

A :class:`Network` is pure data: which populations of which built-in
:class:`~neurokit.models.point.PointModel` exist, how they connect, what drives them and what
to record. Parameter *values* that may change between runs (neuron parameters, synaptic time
constants, weights, input rates) are network parameters named ``"<owner>.<name>"``
(``"E.g_L"``, ``"EE.weight"``, ``"ext.rate"``); :meth:`Network.parameters` lists them with
their defaults and units, and a backend takes overrides of them at simulate time. Everything
else (sizes, connectivity rules, plasticity constants) is structure.

Receptors, connectivity rules, plasticity, projections and Poisson inputs live in
:mod:`neurokit.models.synapses`.

Units: times in ms, potentials in mV, conductances in nS, currents in pA, rates in Hz; spike
times of :class:`SpikeSource` in s. Weights are in the unit of the receptor they target
(``weight_unit`` of the receptor classes).

Connectivity is drawn with NumPy from a stream keyed on ``(protocol seed, projection)``, so
every backend target builds the very same synapses, and every sample of a batch shares them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar, Mapping, Sequence

import numpy as np

from neurokit.errors import ModelError, ParameterError
from neurokit.models.point import PointModel
from neurokit.models.synapses import RECEPTORS, PoissonInput, Projection, Receptor, check_name, receptor_names
from neurokit.params import Parameter, ParameterSpace


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
    receptors : mapping of str to ExpCurrent, ExpConductance, AlphaCurrent, AlphaConductance or Delta
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
        check_name("population", self.name)
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
                check_name(f"population {self.name!r}: part", part)
            if sum(int(n) for n in self.parts.values()) != self.size or min(self.parts.values()) < 1:
                raise ModelError(f"population {self.name!r}: part sizes {dict(self.parts)} must be >= 1 "
                                 f"and sum to its size {self.size}")
        names = set(self.model.space.names) | {self.model.voltage, self.model.stimulus}
        for rec_name, rec in self.receptors.items():
            check_name(f"population {self.name!r}: receptor", rec_name)
            if not isinstance(rec, RECEPTORS):
                raise ModelError(f"population {self.name!r}: receptor {rec_name!r} is a {type(rec).__name__}, "
                                 f"not one of {'/'.join(r.__name__ for r in RECEPTORS)}")
            for extra in receptor_names(rec, rec_name):
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
            if rec.kind != "delta":
                out.append(Parameter(f"{self.name}.tau_{rec_name}", "ms", None, float(rec.tau),
                                     description=f"decay time of receptor {rec_name}"))
            if rec.kind == "conductance":
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
        check_name("population", self.name)
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
        check_name("population", self.name)
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
