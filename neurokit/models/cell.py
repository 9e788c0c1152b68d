"""Compartmental cells: morphology, regions with mechanisms, free parameters, synapses, probes.

A :class:`CellModel` is structure only (no NEURON objects): a :class:`Morphology` (an SWC or
Neurolucida ASC file read by NEURON's Import3d, or sections built programmatically), regions
(``soma``, ``axon``, ``basal``, ``apical``) with the mechanisms inserted there and fixed values,
free parameters, distance-dependent scaling, synapses, recording locations and an optional
voltage clamp. :func:`instantiate` builds it in the current process's NEURON (the backend in
:mod:`neurokit.backends.neuron` does this once per worker).

Parameter names
---------------
A value is addressed as ``"<variable>.<region>"``: ``variable`` is a NEURON range variable or
section property in NEURON's own units (``gbar_nk_na`` S/cm2, ``g_nk_leak`` S/cm2, ``e_nk_leak``
mV, ``cm`` uF/cm2, ``Ra`` ohm*cm, ``ena``/``ek``/``eca`` mV, ``decay_nk_cad`` ms...), ``region``
is a region name or ``all``. Examples: ``"gbar_nk_na.soma"``, ``"cm.all"``, ``"Ra.all"``.
Synaptic weights are ``"weight.<synapse name>"`` (uS). Names without a dot are global:
``celsius`` (degC as a plain number, unit ``"1"``), ``v_init`` (mV); any other undotted name is
a variable that scaling expressions may use (a fitted length constant, say).

Distance scaling
----------------
``scaling={"gbar_nk_ih.apical": "exp(d / lam)"}`` multiplies that value, per segment, by an
expression of ``d``, the path distance (um) from the soma centre, and of undotted parameters
(``lam`` above), with ``exp``, ``log``, ``sqrt``, ``abs``, ``minimum``, ``maximum``, ``where``.

Discretisation
--------------
Each section gets an odd number of segments by the d_lambda rule (Hines & Carnevale 2001):
segments no longer than ``d_lambda`` times the AC length constant at ``d_lambda_freq`` Hz,
computed once at build time from the default ``Ra`` and ``cm``. ``d_lambda=None`` keeps one
segment per section (or a section's own ``nseg``).
"""

from __future__ import annotations

import hashlib
import math
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from neurokit.errors import ModelError, ParameterError
from neurokit.params import Parameter, ParameterisedModel, ParameterSpace

REGIONS = ("soma", "axon", "basal", "apical")
# Import3d's section array names -> neurokit regions.
IMPORT3D_REGIONS = {"soma": "soma", "axon": "axon", "dend": "basal", "apic": "apical"}
# Global free parameters and their units. The temperature is a plain number of degC: Brian2's
# units (neurokit's one units library) have no offset unit for Celsius.
GLOBALS = {"celsius": "1", "v_init": "mV"}
SECTION_PROPERTIES = ("Ra",)  # set per section, not per segment
_FUNCS = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs, "minimum": np.minimum,
          "maximum": np.maximum, "where": np.where, "pi": math.pi}


@dataclass(frozen=True)
class SectionSpec:
    """One unbranched cable of a programmatic morphology.

    Parameters
    ----------
    name : str
        Unique section name (``"soma"``, ``"dend0"``...).
    region : str
        One of ``soma``, ``axon``, ``basal``, ``apical``.
    length, diam : float
        Length and diameter, um.
    parent : str, optional
        Name of the section this one grows from (None for the root).
    parent_x : float
        Where on the parent it attaches (0..1).
    nseg : int, optional
        Fixed number of segments (overrides the d_lambda rule for this section).
    """

    name: str
    region: str
    length: float
    diam: float
    parent: str | None = None
    parent_x: float = 1.0
    nseg: int | None = None

    def __post_init__(self):
        if self.region not in REGIONS:
            raise ModelError(f"section {self.name!r}: region {self.region!r} is not one of {REGIONS}")
        if not (self.length > 0 and self.diam > 0):
            raise ModelError(f"section {self.name!r}: length {self.length} um and diam {self.diam} um must be > 0")
        if not 0 <= self.parent_x <= 1:
            raise ModelError(f"section {self.name!r}: parent_x {self.parent_x} must be in [0, 1]")


@dataclass(frozen=True)
class Morphology:
    """A cell's shape: a file (SWC or Neurolucida ASC) or programmatic sections."""

    path: str | None = None
    sections: tuple[SectionSpec, ...] = ()

    def __post_init__(self):
        if (self.path is None) == (not self.sections):
            if self.path is None:
                raise ModelError("a morphology needs a file path or at least one section")
            raise ModelError("a morphology takes a file path or sections, not both")
        if self.sections:
            names = [s.name for s in self.sections]
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise ModelError(f"section names used twice: {sorted(dup)}")
            roots = [s.name for s in self.sections if s.parent is None]
            if len(roots) != 1:
                raise ModelError(f"a morphology needs exactly one root section, got {roots}")
            for s in self.sections:
                if s.parent is not None and s.parent not in names:
                    raise ModelError(f"section {s.name!r}: unknown parent {s.parent!r}")

    @property
    def format(self) -> str:
        """``"swc"``, ``"asc"`` or ``"sections"``."""
        if self.path is None:
            return "sections"
        return Path(self.path).suffix.lower().lstrip(".")

    @classmethod
    def from_file(cls, path) -> "Morphology":
        """A morphology read from an SWC (``.swc``) or Neurolucida (``.asc``) file.

        Raises
        ------
        ModelError
            The file does not exist or has another extension.
        """
        p = Path(path)
        if not p.is_file():
            raise ModelError(f"morphology file {str(p)!r} does not exist")
        if p.suffix.lower() not in (".swc", ".asc"):
            raise ModelError(f"morphology file {str(p)!r}: unknown format {p.suffix!r} (use .swc or .asc)")
        return cls(path=str(p.resolve()))

    @classmethod
    def from_sections(cls, sections: Sequence[SectionSpec]) -> "Morphology":
        return cls(sections=tuple(sections))

    @classmethod
    def single_compartment(cls, area: float = 20000.0) -> "Morphology":
        """One cylindrical soma section of lateral surface ``area`` um2 (length = diameter)."""
        d = math.sqrt(area / math.pi)
        return cls(sections=(SectionSpec("soma", "soma", d, d, nseg=1),))

    @classmethod
    def ball_and_stick(cls, soma_diam: float = 20.0, dend_length: float = 500.0,
                       dend_diam: float = 2.0, n_dends: int = 1, region: str = "apical",
                       axon_length: float | None = None, axon_diam: float = 1.0) -> "Morphology":
        """A spherical-equivalent soma (cylinder, length = diameter, um) with ``n_dends``
        unbranched dendrites from its end, and optionally an axon from its start."""
        secs = [SectionSpec("soma", "soma", soma_diam, soma_diam)]
        secs += [SectionSpec(f"dend{i}" if n_dends > 1 else "dend", region, dend_length, dend_diam,
                             "soma", 1.0) for i in range(n_dends)]
        if axon_length:
            secs.append(SectionSpec("axon", "axon", axon_length, axon_diam, "soma", 0.0))
        return cls(sections=tuple(secs))

    @classmethod
    def y_cell(cls, soma_diam: float = 20.0, trunk=(200.0, 3.0), branches=(150.0, 1.5),
               basal=(150.0, 2.0)) -> "Morphology":
        """A soma, a basal dendrite, an apical trunk that splits into two branches
        ((length, diam) pairs in um): the smallest cell with every dendritic region and a branch point."""
        return cls(sections=(
            SectionSpec("soma", "soma", soma_diam, soma_diam),
            SectionSpec("basal", "basal", *basal, parent="soma", parent_x=0.0),
            SectionSpec("trunk", "apical", *trunk, parent="soma", parent_x=1.0),
            SectionSpec("tuft0", "apical", *branches, parent="trunk"),
            SectionSpec("tuft1", "apical", *branches, parent="trunk"),
        ))


@dataclass(frozen=True)
class Region:
    """Mechanisms inserted in a region and its fixed values (NEURON names and units).

    ``Region("soma", ("nk_na", "nk_kdr", "nk_leak"), {"gbar_nk_na": 0.1, "cm": 1.0})``
    """

    name: str
    mechanisms: tuple[str, ...] = ()
    values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        if self.name not in REGIONS and self.name != "all":
            raise ModelError(f"region {self.name!r} is not one of {REGIONS + ('all',)}")
        object.__setattr__(self, "mechanisms", tuple(self.mechanisms))
        object.__setattr__(self, "values", dict(self.values))


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


@dataclass(frozen=True)
class CellModel(ParameterisedModel):
    """A compartmental cell: structure, mechanisms, free parameters, synapses and probes.

    Parameters
    ----------
    name : str
    morphology : Morphology
    regions : sequence of Region
        Mechanisms and fixed values per region (``all`` applies everywhere).
    parameters : sequence of Parameter
        Free parameters, named as described in the module docstring, in NEURON's units for that
        variable, with defaults (and bounds to fit them).
    scaling : mapping of str to str
        ``"<variable>.<region>"`` -> expression of path distance ``d`` (um) multiplying it.
    celsius : float
        Temperature, degC (a free parameter ``celsius`` overrides it).
    v_init : float
        Initial membrane potential, mV.
    d_lambda, d_lambda_freq : float
        Discretisation rule (fraction of the AC length constant at that frequency, Hz).
    spike_threshold : float
        Upward crossing at the soma counted as a spike, mV.
    stimulus_location : Location
        Where the protocol's current is injected (IClamp).
    recordings : sequence of Location
        Where membrane potential is recorded. Empty: the soma only, and the result has dims
        (sample, sweep, time); otherwise one ``compartment`` per location.
    synapses : sequence of Synapse
    voltage_clamp : VoltageClamp, optional
    mechanism_folders : sequence of str
        The user's own folders of ``.mod`` files, compiled beside the built-in set.
    """

    name: str
    morphology: Morphology
    regions: tuple[Region, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    scaling: Mapping[str, str] = field(default_factory=dict)
    celsius: float = 34.0
    v_init: float = -65.0
    d_lambda: float | None = 0.1
    d_lambda_freq: float = 100.0
    spike_threshold: float = -20.0
    stimulus_location: Location = Location("soma")
    recordings: tuple[Location, ...] = ()
    synapses: tuple[Synapse, ...] = ()
    voltage_clamp: VoltageClamp | None = None
    mechanism_folders: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self):
        for key in ("regions", "parameters", "recordings", "synapses", "mechanism_folders"):
            object.__setattr__(self, key, tuple(getattr(self, key)))
        object.__setattr__(self, "mechanism_folders", tuple(str(Path(f).resolve()) for f in self.mechanism_folders))
        object.__setattr__(self, "scaling", dict(self.scaling))
        ParameterSpace(self.parameters)  # duplicate names
        region_names = {r.name for r in self.regions}
        syn_names = [s.name for s in self.synapses]
        if len(set(syn_names)) != len(syn_names):
            raise ModelError(f"cell {self.name!r}: synapse names used twice: {syn_names}")
        for p in self.parameters:
            self._check_target(p.name, region_names, syn_names)
            if p.default is None:
                raise ParameterError(f"cell {self.name!r}: parameter {p.name!r} needs a default")
        allowed = set(_FUNCS) | {"d"} | {p.name for p in self.parameters if "." not in p.name}
        for key, expr in self.scaling.items():
            self._check_target(key, region_names, syn_names)
            try:
                code = compile(expr, f"<scaling {key}>", "eval")
            except SyntaxError as exc:
                raise ModelError(f"cell {self.name!r}: scaling of {key!r}: {exc.msg} in {expr!r}") from None
            unknown = set(code.co_names) - allowed
            if unknown:
                raise ModelError(f"cell {self.name!r}: scaling of {key!r} uses unknown name(s) "
                                 f"{sorted(unknown)}; allowed: d, undotted parameters, {sorted(_FUNCS)}")

    def _check_target(self, name: str, regions: set[str], synapses: list[str]) -> None:
        if "." not in name:
            return
        var, _, where = name.partition(".")
        if var == "weight":
            if where not in synapses:
                raise ModelError(f"cell {self.name!r}: {name!r} names no synapse (have {synapses})")
        elif where != "all" and where not in regions:
            raise ModelError(f"cell {self.name!r}: {name!r} names region {where!r}, which has no "
                             f"Region entry (have {sorted(regions)})")

    def defaults(self) -> dict[str, float]:
        """Default values of the free parameters (in each parameter's unit)."""
        return {p.name: float(p.default) for p in self.parameters}

    def key(self) -> str:
        """A content hash of the model (what a worker caches a built cell under)."""
        return hashlib.sha256(pickle.dumps(self)).hexdigest()[:16]

    def replace(self, **changes) -> "CellModel":
        """A copy with fields changed (``model.replace(recordings=(...,))``)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d.update(changes)
        return CellModel(**d)

    @property
    def mechanisms(self) -> set[str]:
        return {m for r in self.regions for m in r.mechanisms}


def single_compartment_hh(area: float = 20000.0, **changes) -> CellModel:
    """One compartment of ``area`` um2 with the Traub-Miles HH mechanism (``nk_hh_traub``) and a
    leak: the NEURON twin of :data:`neurokit.models.point.HH` (C = 1 uF/cm2, g_L = 5e-5 S/cm2,
    gNa = 0.1 S/cm2, gK = 0.03 S/cm2, E_L = -65 mV, ENa = 50 mV, EK = -90 mV, vT = -63 mV)."""
    kw = dict(
        name="hh_traub_1comp",
        morphology=Morphology.single_compartment(area),
        regions=(Region("soma", ("nk_hh_traub", "nk_leak"),
                        {"cm": 1.0, "Ra": 100.0, "ena": 50.0, "ek": -90.0}),),
        parameters=(
            Parameter("gnabar_nk_hh_traub.soma", "S/cm2", (0.005, 0.5), 0.1, "log"),
            Parameter("gkbar_nk_hh_traub.soma", "S/cm2", (0.0025, 0.25), 0.03, "log"),
            Parameter("g_nk_leak.soma", "S/cm2", (2.5e-6, 1e-3), 5e-5, "log"),
            Parameter("e_nk_leak.soma", "mV", (-90.0, -40.0), -65.0),
            Parameter("vT_nk_hh_traub.soma", "mV", (-75.0, -45.0), -63.0),
            Parameter("cm.soma", "uF/cm2", (0.1, 10.0), 1.0, "log"),
        ),
        celsius=6.3, v_init=-65.0, d_lambda=None, spike_threshold=-40.0,
        description="single-compartment HH with Traub-Miles kinetics (Brian2 COBAHH)")
    kw.update(changes)
    return CellModel(**kw)


def ball_and_stick(**changes) -> CellModel:
    """An active soma (nk_na, nk_kdr, leak) with a passive dendrite, 500 um x 2 um."""
    kw = dict(
        name="ball_and_stick",
        morphology=Morphology.ball_and_stick(),
        regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 150.0, "e_nk_leak": -70.0}),
                 Region("soma", ("nk_na", "nk_kdr"), {"ena": 50.0, "ek": -85.0}),
                 Region("apical", ())),
        parameters=(
            Parameter("gbar_nk_na.soma", "S/cm2", (0.01, 1.0), 0.2, "log"),
            Parameter("gbar_nk_kdr.soma", "S/cm2", (0.001, 0.5), 0.1, "log"),
            Parameter("g_nk_leak.all", "S/cm2", (1e-6, 1e-3), 5e-5, "log"),
        ),
        celsius=34.0, v_init=-70.0, recordings=(Location("soma"), Location("apical", distance=250.0)),
        description="ball-and-stick cell with an active soma and a passive dendrite")
    kw.update(changes)
    return CellModel(**kw)


# --------------------------------------------------------------------------------------------
# Instantiation in NEURON (imported lazily: building needs NEURON, describing a cell does not).

_TEMPLATE = """
begintemplate NeurokitCell
public soma, axon, dend, apic, all, somatic, axonal, basal, apical
create soma[1], axon[1], dend[1], apic[1]
objref all, somatic, axonal, basal, apical
proc init() {
    all = new SectionList()
    somatic = new SectionList()
    axonal = new SectionList()
    basal = new SectionList()
    apical = new SectionList()
}
endtemplate NeurokitCell
"""


def _h():
    from neuron import h

    h.load_file("stdrun.hoc")
    h.load_file("import3d.hoc")
    if not hasattr(h, "NeurokitCell"):
        h(_TEMPLATE)
    return h


@dataclass
class _Assignment:
    """One ``variable.where`` value: its target sections and per-segment distance factors."""

    key: str
    var: str
    sections: list
    segments: list
    distances: np.ndarray
    expr: object = None  # compiled scaling expression, or None
    factors: np.ndarray | None = None  # the expression's values when it uses only ``d``
    by_section: bool = False  # unscaled, and every target segment has ``var``: set per section


class BuiltCell:
    """A :class:`CellModel` instantiated in this process's NEURON.

    Built once (sections, mechanisms, discretisation, probes); :meth:`apply` sets the values of
    one parameter set. Deleting the object (or :meth:`close`) removes its sections.
    """

    def __init__(self, model: CellModel):
        from neurokit.backends.neuron.mechanisms import load_mechanisms

        load_mechanisms(model.mechanism_folders)
        h = _h()
        self.model = model
        self._holder = None
        self.sections: list[tuple[str, str, object]] = []  # (name, region, section)
        try:
            self._build(h, model)
        except BaseException:
            # A failed build must not leave its sections behind: NEURON would integrate them
            # with every cell built later in this process.
            self.close()
            raise

    def _build(self, h, model: CellModel) -> None:
        if model.morphology.path is not None:
            self._load_file(h, model.morphology)
        else:
            self._build_sections(h, model.morphology)
        somas = [s for _, r, s in self.sections if r == "soma"]
        if not somas:
            raise ModelError(f"cell {model.name!r}: the morphology has no soma section")
        self.soma = somas[0]
        self._insert_mechanisms()
        self._apply_fixed_defaults()
        self._discretise()
        self.origin = self.soma(0.5)
        self._assignments = self._plan()
        self.apply(model.defaults())
        self._make_probes(h)

    # -- structure -----------------------------------------------------------------------
    def _load_file(self, h, morph: Morphology) -> None:
        holder = h.NeurokitCell()
        try:
            if morph.format == "swc":
                reader = h.Import3d_SWC_read()
            else:
                reader = h.Import3d_Neurolucida3()
            reader.quiet = 1
            reader.input(morph.path)
            gui = h.Import3d_GUI(reader, False)
            gui.instantiate(holder)
        except RuntimeError as exc:
            raise ModelError(f"morphology {morph.path!r} could not be read by NEURON's Import3d: {exc}") from None
        # The template's placeholder sections (one per array, for the types a file lacks) have
        # no 3-D points; everything Import3d made has them.
        kept = []
        for array in ("soma", "axon", "dend", "apic"):
            for sec in list(getattr(holder, array)):
                if sec.n3d() == 0:
                    h.delete_section(sec=sec)
                else:
                    kept.append(sec.hname())
        kept = set(kept)
        for sec in [s for s in holder.all if s.hname() in kept]:
            short = sec.name().rsplit(".", 1)[-1]
            self.sections.append((short, IMPORT3D_REGIONS.get(short.split("[")[0], "basal"), sec))
        self._holder = holder

    def _build_sections(self, h, morph: Morphology) -> None:
        made = {}
        for spec in morph.sections:
            sec = h.Section(name=spec.name)
            sec.L, sec.diam = spec.length, spec.diam
            made[spec.name] = sec
            self.sections.append((spec.name, spec.region, sec))
        for spec in morph.sections:
            if spec.parent is not None:
                made[spec.name].connect(made[spec.parent](spec.parent_x), 0)
        self._specs = {s.name: s for s in morph.sections}

    def sections_in(self, where: str) -> list:
        """Sections of region ``where`` (or every section for ``all``)."""
        return [s for _, r, s in self.sections if where == "all" or r == where]

    def _insert_mechanisms(self) -> None:
        for region in self.model.regions:
            for sec in self.sections_in(region.name):
                for mech in region.mechanisms:
                    try:
                        sec.insert(mech)
                    except ValueError:
                        raise ModelError(f"cell {self.model.name!r}: region {region.name!r}: unknown "
                                         f"mechanism {mech!r} (not in mechanisms/ or the cell's "
                                         f"mechanism_folders)") from None

    def _region_order(self) -> list[Region]:
        # "all" first, so a region's own value overrides it.
        return sorted(self.model.regions, key=lambda r: r.name != "all")

    def _apply_fixed_defaults(self) -> None:
        # Ra and cm before discretising: the d_lambda rule depends on them.
        for region in self._region_order():
            for var in ("Ra", "cm"):
                if var in region.values:
                    for s in self.sections_in(region.name):
                        setattr(s, var, float(region.values[var]))
        for p in self.model.parameters:
            var, _, where = p.name.partition(".")
            if var in ("Ra", "cm") and where:
                for s in self.sections_in(where):
                    setattr(s, var, float(p.default))

    def _discretise(self) -> None:
        model = self.model
        specs = getattr(self, "_specs", {})
        for name, _, sec in self.sections:
            spec = specs.get(name)
            if spec is not None and spec.nseg:
                sec.nseg = spec.nseg
            elif model.d_lambda is None:
                sec.nseg = 1
            else:
                lam = 1e5 * math.sqrt(sec.diam / (4 * math.pi * model.d_lambda_freq * sec.Ra * sec.cm))
                sec.nseg = int((sec.L / (model.d_lambda * lam) + 0.9) / 2) * 2 + 1

    def _plan(self) -> list[_Assignment]:
        from neuron import h

        model = self.model
        keys = []
        for region in self._region_order():
            keys += [f"{var}.{region.name}" for var in region.values]
        free = [p.name for p in model.parameters if "." in p.name and not p.name.startswith("weight.")]
        keys += sorted(free, key=lambda k: k.partition(".")[2] != "all")
        plan = []
        for key in dict.fromkeys(keys):
            var, _, where = key.partition(".")
            secs = self.sections_in(where)
            if not secs and key in free:
                raise ModelError(f"cell {model.name!r}: parameter {key!r} targets region {where!r}, "
                                 f"which this morphology does not have")
            segs = [seg for s in secs for seg in s] if var not in SECTION_PROPERTIES else []
            d = np.array([h.distance(self.origin, seg) for seg in segs])
            expr = model.scaling.get(key)
            if expr is not None and var in SECTION_PROPERTIES:
                raise ModelError(f"cell {model.name!r}: {var} is set per section and cannot be scaled by distance")
            code = compile(expr, key, "eval") if expr is not None else None
            factors = None
            if code is not None and not set(code.co_names) - set(_FUNCS) - {"d"}:
                # Depends on distance only: evaluate once here, not for every sample.
                factors = np.broadcast_to(eval(code, {"__builtins__": {}}, {**_FUNCS, "d": d}), d.shape)
            # A section-level assignment sets all its segments in one call; only where each
            # segment has the variable, so a missing mechanism still fails as it did per segment.
            by_section = var in SECTION_PROPERTIES or (
                code is None and all(hasattr(s(0.5), var) for s in secs))
            plan.append(_Assignment(key, var, secs, segs, d, code, factors, by_section))
        return plan

    # -- values --------------------------------------------------------------------------
    def fixed_values(self) -> dict[str, float]:
        out = {}
        for region in self.model.regions:
            out.update({f"{k}.{region.name}": float(v) for k, v in region.values.items()})
        return out

    def apply(self, values: Mapping[str, float]) -> None:
        """Set one parameter set (free parameter name -> value in its unit; missing names get
        their defaults), then every fixed value, with distance scaling, on every segment."""
        from neuron import h

        model = self.model
        # The fixed values and defaults never change: merged once per cell, not per sample.
        base = getattr(self, "_base_values", None)
        if base is None:
            base = self._base_values = {**self.fixed_values(), **model.defaults()}
        merged = {**base, **values}
        h.celsius = float(merged.get("celsius", model.celsius))
        self.v_init = float(merged.get("v_init", model.v_init))
        scope = None
        for a in self._assignments:
            value = float(merged[a.key])
            try:
                if a.by_section:
                    # One call per section instead of one per segment (the per-sample hot path).
                    for s in a.sections:
                        setattr(s, a.var, value)
                    continue
                factors = a.factors
                if a.expr is None:
                    for seg in a.segments:
                        setattr(seg, a.var, value)
                    continue
                if factors is None:
                    if scope is None:
                        scope = {**_FUNCS, **{k: v for k, v in merged.items() if "." not in k}}
                    factors = np.broadcast_to(
                        eval(a.expr, {"__builtins__": {}}, {**scope, "d": a.distances}), a.distances.shape)
                for seg, f in zip(a.segments, factors):
                    setattr(seg, a.var, value * float(f))
            except (AttributeError, NameError, LookupError) as exc:
                raise ModelError(f"cell {model.name!r}: cannot set {a.key!r}: {exc} (is the mechanism "
                                 f"inserted in that region?)") from None
        for syn in getattr(self, "netcons_in", []):
            name, nc = syn
            nc.weight[0] = float(merged.get(f"weight.{name}", self._syn_weight[name]))

    # -- probes --------------------------------------------------------------------------
    def locate(self, loc: Location):
        """The segment at ``loc``: ``(section, x, name, region, path distance um)``."""
        from neuron import h

        if loc.where in REGIONS:
            secs = [(n, r, s) for n, r, s in self.sections if r == loc.where]
            if not secs:
                raise ModelError(f"cell {self.model.name!r}: no section in region {loc.where!r}")
            if loc.distance is not None:
                best = min(((abs(h.distance(self.origin, seg) - loc.distance), n, r, s, seg.x)
                            for n, r, s in secs for seg in s), key=lambda t: t[0])
                _, n, r, s, x = best
            else:
                n, r, s = secs[0]
                x = loc.x
        else:
            found = [(n, r, s) for n, r, s in self.sections if n == loc.where]
            if not found:
                names = [n for n, _, _ in self.sections]
                raise ModelError(f"cell {self.model.name!r}: no section named {loc.where!r} "
                                 f"(have {names[:8]}{'...' if len(names) > 8 else ''})")
            n, r, s = found[0]
            x = s(loc.x).x if loc.x not in (0.0, 1.0) else loc.x
        return s, float(x), n, r, float(h.distance(self.origin, s(x)))

    def _make_probes(self, h) -> None:
        model = self.model
        sec, x, *_ = self.locate(model.stimulus_location)
        self.iclamp = h.IClamp(sec(x))
        self.iclamp.delay, self.iclamp.dur, self.iclamp.amp = 0.0, 1e9, 0.0
        locs = model.recordings or (Location("soma"),)
        self.record_sites = [self.locate(loc) for loc in locs]
        self.spike_detector = h.NetCon(self.soma(0.5)._ref_v, None, sec=self.soma)
        self.spike_detector.threshold = model.spike_threshold
        self.synapses, self.netcons_in, self._syn_weight = [], [], {}
        for syn in model.synapses:
            s, x, *_ = self.locate(syn.location)
            if syn.kind == "exp2":
                obj = h.Exp2Syn(s(x))
                obj.tau1, obj.tau2 = syn.tau_rise, syn.tau_decay
            else:
                obj = h.ExpSyn(s(x))
                obj.tau = syn.tau_decay
            obj.e = syn.e_rev
            nc = h.NetCon(None, obj)
            nc.delay = syn.delay
            nc.weight[0] = syn.weight
            self._syn_weight[syn.name] = syn.weight
            self.synapses.append((syn, obj))
            self.netcons_in.append((syn.name, nc))
        self.seclamp = None
        if model.voltage_clamp is not None:
            vc = model.voltage_clamp
            s, x, *_ = self.locate(vc.location)
            self.seclamp = h.SEClamp(s(x))
            self.seclamp.rs = vc.rs
            self.seclamp.dur1, self.seclamp.dur2, self.seclamp.dur3 = 1e9, 0.0, 0.0
        self.apply({})

    def compartments(self) -> list[tuple[str, str, float, float]]:
        """Every segment: ``(section name, region, x, path distance um)``."""
        from neuron import h

        return [(n, r, seg.x, h.distance(self.origin, seg)) for n, r, s in self.sections for seg in s]

    def close(self) -> None:
        """Remove this cell's sections and point processes from NEURON."""
        from neuron import h

        self.synapses = self.netcons_in = []
        self.iclamp = self.seclamp = self.spike_detector = None
        self.record_sites = []
        self._assignments = []
        for _, _, sec in self.sections:
            try:
                h.delete_section(sec=sec)
            except Exception:  # already gone with its template holder
                pass
        self.sections = []
        self._holder = None
        self.soma = self.origin = None


def instantiate(model: CellModel) -> BuiltCell:
    """Build ``model`` in this process's NEURON (loading its mechanisms first)."""
    return BuiltCell(model)
