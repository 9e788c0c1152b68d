"""Compartmental cells: regions with mechanisms, free parameters, synapses, probes.

A :class:`CellModel` is structure only (no NEURON objects): a
:class:`~neurokit.models.morphology.Morphology`, regions (``soma``, ``axon``, ``basal``,
``apical``) with the mechanisms inserted there by name and fixed values, free parameters,
distance-dependent scaling rules, synapses, recording locations and an optional voltage clamp.
:mod:`neurokit.backends.neuron.build` instantiates it in a process's NEURON.

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
expression of ``d`` (also spelled ``distance``), the path distance (um) from the soma centre,
and of undotted parameters (``lam`` above). Expressions are data: they are checked and
evaluated by :mod:`neurokit.expressions` (numbers, those names, arithmetic, comparisons and its
math functions such as ``exp``, ``log``, ``sqrt``, ``minimum``, ``where``), never by Python.

Discretisation
--------------
Each section gets an odd number of segments by the d_lambda rule (Hines & Carnevale 2001):
segments no longer than ``d_lambda`` times the AC length constant at ``d_lambda_freq`` Hz,
computed once at build time from the default ``Ra`` and ``cm``. ``d_lambda=None`` keeps one
segment per section (or a section's own ``nseg``). A morphology's own ``nseg`` rule
(``"length:40"``, ``"bluepyopt"``, ``"d_lambda"``) takes precedence; see
:mod:`neurokit.models.morphology`. :func:`from_bluepyopt` reads BluePyOpt's cell files,
:func:`from_neuroml` NeuroML2 cells.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping

from neurokit.errors import ModelError, ParameterError
from neurokit.expressions import IDENTIFIER, names_in
from neurokit.models.morphology import REGIONS, Morphology, positive
from neurokit.models.sites import Location, Synapse, VoltageClamp
from neurokit.params import Parameter, ParameterisedModel, ParameterSpace

# Global free parameters and their units. The temperature is a plain number of degC: Brian2's
# units (neurokit's one units library) have no offset unit for Celsius.
GLOBALS = {"celsius": "1", "v_init": "mV"}
SECTION_PROPERTIES = ("Ra",)  # set per section, not per segment
DISTANCE_NAMES = ("d", "distance")  # path distance from the soma centre (um) in scaling rules


@dataclass(frozen=True)
class Region:
    """Mechanisms inserted in a region and its fixed values (NEURON names and units).

    ``Region("soma", ("nk_na", "nk_kdr", "nk_leak"), {"gbar_nk_na": 0.1, "cm": 1.0})``

    Raises
    ------
    ModelError
        An unknown region, mechanisms given as one string or not as identifiers, a value that
        is not a finite number.
    """

    name: str
    mechanisms: tuple[str, ...] = ()
    values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        if self.name not in REGIONS and self.name != "all":
            raise ModelError(f"region {self.name!r} is not one of {REGIONS + ('all',)}")
        mechs = self.mechanisms
        if isinstance(mechs, str):
            # tuple("nk_na") would insert the mechanisms "n", "k", "_", ...
            raise ModelError(f"region {self.name!r}: mechanisms must be a sequence of names, got the "
                             f"string {mechs!r} (write ({mechs!r},))")
        for m in mechs:
            if not isinstance(m, str) or not IDENTIFIER.match(m):
                raise ModelError(f"region {self.name!r}: mechanism {m!r} is not a mechanism name "
                                 f"(a SUFFIX such as 'nk_na')")
        if not isinstance(self.values, Mapping):
            raise ModelError(f"region {self.name!r}: values must be a mapping of variable -> number, "
                             f"got {type(self.values).__name__}")
        values = {}
        for var, value in self.values.items():
            if not isinstance(var, str) or not IDENTIFIER.match(var):
                raise ModelError(f"region {self.name!r}: {var!r} is not a variable name")
            try:
                values[var] = float(value)
            except (TypeError, ValueError):
                raise ModelError(f"region {self.name!r}: value of {var!r} must be a number, got {value!r}") from None
            if not math.isfinite(values[var]):
                raise ModelError(f"region {self.name!r}: value of {var!r} must be finite, got {value!r}")
        object.__setattr__(self, "mechanisms", tuple(mechs))
        object.__setattr__(self, "values", values)


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

    Raises
    ------
    ModelError
        Regions that are not :class:`Region` entries, targets naming regions or synapses the
        cell lacks, scaling rules with unknown names, a non-positive ``d_lambda``.
    ParameterError
        A parameter without a default or whose name is not ``variable[.where]``.
    ExpressionError
        A scaling rule that is not an allowed expression (attribute access, lambdas, calls of
        anything but the evaluator's math functions).
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
        if not isinstance(self.morphology, Morphology):
            raise ModelError(f"cell {self.name!r}: morphology must be a Morphology, got "
                             f"{type(self.morphology).__name__}")
        for key in ("regions", "parameters", "recordings", "synapses", "mechanism_folders"):
            value = getattr(self, key)
            if isinstance(value, (str, Mapping)):
                raise ModelError(f"cell {self.name!r}: {key} must be a sequence, got {value!r}")
            object.__setattr__(self, key, tuple(value))
        for r in self.regions:
            if not isinstance(r, Region):
                raise ModelError(f"cell {self.name!r}: regions must be Region entries "
                                 f"(Region('soma', ('nk_na',), {{...}})), got {r!r}")
        for key, kind in (("synapses", Synapse), ("recordings", Location)):
            for item in getattr(self, key):
                if not isinstance(item, kind):
                    raise ModelError(f"cell {self.name!r}: {key} must be {kind.__name__} entries, got {item!r}")
        object.__setattr__(self, "mechanism_folders", tuple(str(Path(f).resolve()) for f in self.mechanism_folders))
        if not isinstance(self.scaling, Mapping):
            raise ModelError(f"cell {self.name!r}: scaling must map '<variable>.<region>' to an "
                             f"expression, got {self.scaling!r}")
        object.__setattr__(self, "scaling", dict(self.scaling))
        for key, unit in (("celsius", "degC"), ("v_init", "mV"), ("spike_threshold", "mV")):
            value = getattr(self, key)  # a file's [model] options reach here unchecked
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ModelError(f"cell {self.name!r}: {key} must be a finite number of {unit}, got {value!r}")
        if self.d_lambda is not None:
            positive(self.d_lambda, f"cell {self.name!r}: d_lambda", "(fraction of a length constant)")
        positive(self.d_lambda_freq, f"cell {self.name!r}: d_lambda_freq", "Hz")
        ParameterSpace(self.parameters)  # duplicate names
        region_names = {r.name for r in self.regions}
        syn_names = [s.name for s in self.synapses]
        if len(set(syn_names)) != len(syn_names):
            raise ModelError(f"cell {self.name!r}: synapse names used twice: {syn_names}")
        for p in self.parameters:
            var, dot, where = p.name.partition(".")
            if not IDENTIFIER.match(var) or (dot and not where):
                raise ParameterError(f"cell {self.name!r}: parameter {p.name!r} is not named "
                                     f"'<variable>.<region>' or a global name")
            self._check_target(p.name, region_names, syn_names)
            if p.default is None:
                raise ParameterError(f"cell {self.name!r}: parameter {p.name!r} needs a default")
        for key, expr in self.scaling.items():
            self._check_scaling(key, expr, region_names, syn_names)

    def _check_scaling(self, key: str, expr: str, regions: set[str], synapses: list[str]) -> None:
        var, _, where = key.partition(".")
        if not where or var == "weight":
            raise ModelError(f"cell {self.name!r}: scaling key {key!r} must be '<variable>.<region>'")
        if var in SECTION_PROPERTIES:
            raise ModelError(f"cell {self.name!r}: {var} is set per section and cannot be scaled by distance")
        self._check_target(key, regions, synapses)
        # ExpressionError (not ours to wrap) for anything but plain arithmetic on names.
        used = names_in(expr, f"cell {self.name!r}: scaling of {key!r}")
        allowed = set(DISTANCE_NAMES) | {p.name for p in self.parameters if "." not in p.name}
        unknown = used - allowed
        if unknown:
            raise ModelError(f"cell {self.name!r}: scaling of {key!r} uses unknown name(s) "
                             f"{sorted(unknown)}; allowed: d (um), undotted parameters, math functions")

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

    def fixed_values(self) -> dict[str, float]:
        """The regions' fixed values as ``"<variable>.<region>"`` -> value (NEURON units)."""
        out = {}
        for region in self.regions:
            out.update({f"{k}.{region.name}": float(v) for k, v in region.values.items()})
        return out

    def key(self) -> str:
        """A content hash of the model (what a worker caches a built cell under)."""
        return hashlib.sha256(pickle.dumps(self)).hexdigest()[:16]

    def replace(self, **changes) -> "CellModel":
        """A copy with fields changed (``model.replace(recordings=(...,))``)."""
        return CellModel(**with_options({k: getattr(self, k) for k in _FIELDS}, changes,
                                        f"cell {self.name!r}"))

    @property
    def mechanisms(self) -> set[str]:
        return {m for r in self.regions for m in r.mechanisms}


_FIELDS = tuple(f.name for f in fields(CellModel))


def with_options(base: dict, options: Mapping, what: str, extra: tuple[str, ...] = ()) -> dict:
    """``base`` updated with ``options`` (a builder's keyword arguments, e.g. a fit file's
    ``[model.options]``); an option that is not a :class:`CellModel` field (or one of
    ``extra``) is a :class:`ModelError` naming it."""
    unknown = sorted(set(options) - set(_FIELDS) - set(extra))
    if unknown:
        raise ModelError(f"{what}: unknown option(s) {unknown}; options are "
                         f"{', '.join(sorted(set(_FIELDS) | set(extra)))}")
    return {**base, **options}


def single_compartment_hh(area: float = 20000.0, **options) -> CellModel:
    """One compartment of ``area`` um2 with the Traub-Miles HH mechanism (``nk_hh_traub``) and a
    leak: the NEURON twin of :data:`neurokit.models.point.HH` (C = 1 uF/cm2, g_L = 5e-5 S/cm2,
    gNa = 0.1 S/cm2, gK = 0.03 S/cm2, E_L = -65 mV, ENa = 50 mV, EK = -90 mV, vT = -63 mV).
    ``options`` replace :class:`CellModel` fields."""
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
    return CellModel(**with_options(kw, options, "single_compartment_hh", ("area",)))


def ball_and_stick(**options) -> CellModel:
    """An active soma (nk_na, nk_kdr, leak) with a passive dendrite, 500 um x 2 um.
    ``options`` replace :class:`CellModel` fields."""
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
    return CellModel(**with_options(kw, options, "ball_and_stick"))


def from_bluepyopt(morphology, mechanisms, parameters, mod_folder=None, **options) -> CellModel:
    """A cell from BluePyOpt's files: a morphology (path or :class:`Morphology`; by default read
    with BluePyOpt's axon stub and ``1 + 2*int(L/40)`` segments), mechanisms.json,
    parameters.json and the folder of its .mod files.

    ``options``: ``name``, ``values`` (released parameter values, by BluePyOpt or neurokit
    name), ``replace_axon``, ``nseg`` and any :class:`CellModel` field. See
    :mod:`neurokit.models.bluepyopt` for what the files may hold.
    """
    from neurokit.models.bluepyopt import cell_fields

    kw = cell_fields(morphology, mechanisms, parameters, mod_folder, **options)
    kw["regions"] = tuple(Region(*r) for r in kw["regions"])
    return CellModel(**kw)


def from_neuroml(path, mod_folder=None, cell_id: str | None = None, **options) -> CellModel:
    """A cell from a NeuroML2 file (``.cell.nml`` / ``.nml``, read with libNeuroML): morphology,
    membrane and intracellular properties, channel densities as mechanisms of ``mod_folder`` or
    mechanisms/ named as the ion channels. ``cell_id`` picks one of several ``<cell>``\\ s.

    ``options``: ``name``, ``nseg`` and any :class:`CellModel` field. See
    :mod:`neurokit.models.neuroml` for what the file may hold.
    """
    from neurokit.models.neuroml import cell_fields

    kw = cell_fields(path, mod_folder, cell_id, **options)
    kw["regions"] = tuple(Region(*r) for r in kw["regions"])
    return CellModel(**kw)
