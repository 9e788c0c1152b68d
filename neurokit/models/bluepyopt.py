"""Reading a BluePyOpt cell (mechanisms.json, parameters.json) as :class:`CellModel` fields.

:func:`cell_fields` returns plain data (regions as ``(name, mechanisms, values)``);
:func:`neurokit.models.cell.from_bluepyopt` makes the :class:`CellModel` (this module does not
import :mod:`neurokit.models.cell`, so the two form no import cycle).

The files are data: read with :mod:`json`, distributions evaluated only through
:mod:`neurokit.expressions`. BluePyOpt's section lists map to neurokit regions
(:data:`SECTION_LISTS`); a parameter name ``"<param_name>.<section list>"`` (BluePyOpt's own,
e.g. ``"gNaTs2_tbar_NaTs2_t.somatic"``) becomes ``"<param_name>.<region>"``
(``"gNaTs2_tbar_NaTs2_t.soma"``), see :func:`neurokit_name`.

parameters.json entries
-----------------------
- ``"type": "global"``: ``celsius`` and ``v_init`` (fixed ``value`` or free ``bounds``); any
  other global with ``bounds`` becomes an undotted free parameter that distributions may use.
- ``"type": "section"`` / ``"range"``: ``param_name`` set in ``sectionlist``. A ``value`` is a
  fixed value of that region; ``bounds`` make a free parameter (default: ``values[name]`` if
  given, else the middle of the bounds).
- ``"dist_type"``: ``"uniform"``, or any other kind (``"exp"``, ``"sigmoid"``, ``"custom"``...)
  with a ``"dist"`` expression in BluePyOpt's format: ``{distance}`` (um from the soma centre),
  ``{value}`` (the parameter's value), other ``{name}`` placeholders naming undotted free
  parameters, and ``math.`` functions. It must be linear in ``{value}`` (as every BluePyOpt
  distribution is: ``f(distance) * {value}``), because neurokit multiplies a value by a
  distance factor; anything else is a :class:`ModelError`.

Units (NEURON's) are guessed from the variable name for the free parameters' ``unit``:
``g*`` conductance densities S/cm2, reversal potentials mV, ``cm`` uF/cm2, ``Ra`` ohm*cm,
``decay``/``tau`` ms, else "1".
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Mapping

import numpy as np

from neurokit.errors import ExpressionError, ModelError
from neurokit.expressions import IDENTIFIER, evaluate, names_in
from neurokit.models.morphology import Morphology
from neurokit.models.sites import Location
from neurokit.params import Parameter

SECTION_LISTS = {"somatic": "soma", "axonal": "axon", "apical": "apical", "basal": "basal", "all": "all"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PROBE_DISTANCES = np.array([0.0, 10.0, 100.0, 300.0, 700.0, 1500.0])  # um, for the linearity check


def neurokit_name(name: str) -> str:
    """``"gNaTs2_tbar_NaTs2_t.somatic"`` -> ``"gNaTs2_tbar_NaTs2_t.soma"`` (other names unchanged)."""
    var, dot, where = name.partition(".")
    return f"{var}.{SECTION_LISTS.get(where, where)}" if dot else name


def guess_unit(var: str) -> str:
    """NEURON's unit for a range variable, guessed from its name (see the module docstring)."""
    if var == "cm":
        return "uF/cm2"
    if var == "Ra":
        return "ohm*cm"
    if var.startswith("e") and (var.startswith("e_") or var in ("ena", "ek", "eca", "eh", "ecl")):
        return "mV"
    if var in ("v_init",):
        return "mV"
    if var.startswith("g"):
        return "S/cm2" if not var.startswith("gamma") else "1"
    if var.startswith(("decay", "tau")):
        return "ms"
    return "1"


def _read_json(path, what: str):
    if isinstance(path, (list, dict)):
        return path
    p = Path(path)
    try:
        return json.loads(p.read_text())
    except OSError as exc:
        raise ModelError(f"BluePyOpt {what} {str(p)!r} cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"BluePyOpt {what} {str(p)!r}: not JSON ({exc})") from None


def _region(seclist, where: str) -> str:
    if seclist not in SECTION_LISTS:
        raise ModelError(f"{where}: section list {seclist!r} is not one of {sorted(SECTION_LISTS)}")
    return SECTION_LISTS[seclist]


def distribution_factor(dist: str, where: str, scope: Mapping[str, float] | None = None) -> str:
    """A BluePyOpt distribution string as a neurokit scaling expression of ``d`` (the factor
    that multiplies the value), checked to be linear in ``{value}`` with
    :func:`neurokit.expressions.evaluate` at a few distances (``scope``: values of the other
    placeholders for that check).

    Raises
    ------
    ModelError
        An expression that is not linear in ``{value}``.
    ExpressionError
        Anything the safe evaluator refuses.
    """
    text = dist.replace("math.", "")
    text = text.replace("{distance}", "(d)")
    text = _PLACEHOLDER.sub(lambda m: "value" if m.group(1) == "value" else m.group(1), text)
    names = {**(scope or {}), "d": _PROBE_DISTANCES}
    at1 = np.broadcast_to(np.asarray(evaluate(text, {**names, "value": 1.0}, where), float), _PROBE_DISTANCES.shape)
    at3 = np.broadcast_to(np.asarray(evaluate(text, {**names, "value": 3.0}, where), float), _PROBE_DISTANCES.shape)
    if not np.allclose(at3, 3.0 * at1, rtol=1e-9, atol=0.0):
        raise ModelError(f"{where}: distribution {dist!r} is not proportional to {{value}}; neurokit "
                         f"scales a value by a factor of distance")
    return re.sub(r"\bvalue\b", "1", text)


def cell_fields(morphology, mechanisms, parameters, mod_folder=None, *, name: str = "bluepyopt_cell",
                values: Mapping[str, float] | None = None, replace_axon="bluepyopt",
                nseg: str | None = "bluepyopt", **options) -> dict:
    """:class:`CellModel` fields from BluePyOpt's files (see the module docstring); ``regions``
    as ``(name, mechanisms, values)`` tuples.

    Parameters
    ----------
    morphology : path or Morphology
        An SWC / ASC file (read with ``replace_axon`` and ``nseg``), or a ready Morphology.
    mechanisms : path or dict
        mechanisms.json: section list -> mechanism names.
    parameters : path or list
        parameters.json entries.
    mod_folder : path, optional
        The folder of .mod files these mechanisms come from.
    values : mapping, optional
        Defaults for free parameters, by BluePyOpt or neurokit name (e.g. a released set).
    options
        Other :class:`CellModel` fields (``spike_threshold``, ``recordings``...).

    Raises
    ------
    ModelError
        A malformed entry (named by its index and ``param_name``), an unknown section list, a
        nonlinear distribution, values for names the file lacks.
    """
    mechs = _read_json(mechanisms, "mechanisms file")
    params = _read_json(parameters, "parameters file")
    if not isinstance(mechs, dict):
        raise ModelError("BluePyOpt mechanisms: expected an object of section list -> mechanism names")
    if not isinstance(params, list):
        raise ModelError("BluePyOpt parameters: expected a list of parameter entries")
    given = {neurokit_name(k): float(v) for k, v in (values or {}).items()}
    region_mechs: dict[str, list[str]] = {}
    for seclist, names in mechs.items():
        region = _region(seclist, "BluePyOpt mechanisms")
        if isinstance(names, str) or not isinstance(names, list):
            raise ModelError(f"BluePyOpt mechanisms: {seclist!r} must list mechanism names, got {names!r}")
        region_mechs.setdefault(region, []).extend(n for n in names if n not in region_mechs.get(region, []))
    region_values: dict[str, dict[str, float]] = {}
    free: list[Parameter] = []
    dists: dict[str, tuple[str, str]] = {}
    globals_ = {}
    for i, entry in enumerate(params):
        where = f"BluePyOpt parameters[{i}]"
        if not isinstance(entry, dict) or "param_name" not in entry:
            raise ModelError(f"{where}: expected an object with 'param_name', got {entry!r}")
        var = entry["param_name"]
        where = f"{where} ({var!r})"
        if not isinstance(var, str) or not IDENTIFIER.match(var):
            raise ModelError(f"{where}: param_name must be an identifier")
        if ("value" in entry) == ("bounds" in entry):
            raise ModelError(f"{where}: needs either 'value' (fixed) or 'bounds' (free)")
        kind = entry.get("type")
        if kind == "global":
            key = var
        elif kind in ("section", "range"):
            key = f"{var}.{_region(entry.get('sectionlist'), where)}"
        else:
            raise ModelError(f"{where}: type {kind!r} must be 'global', 'section' or 'range'")
        if "value" in entry:
            value = _number(entry["value"], where)
            if kind == "global":
                globals_[var] = value
            else:
                region_values.setdefault(key.partition(".")[2], {})[var] = value
        else:
            bounds = entry["bounds"]
            if not (isinstance(bounds, list) and len(bounds) == 2):
                raise ModelError(f"{where}: bounds must be [low, high], got {bounds!r}")
            lo, hi = (_number(b, where) for b in bounds)
            default = given.pop(key, 0.5 * (lo + hi))
            unit = "1" if kind == "global" and var == "celsius" else guess_unit(var)
            free.append(Parameter(key, unit, (lo, hi), default, description=f"from BluePyOpt {var}.{entry.get('sectionlist', 'global')}"))
        dist_type = entry.get("dist_type", "uniform")
        if kind != "global" and dist_type != "uniform":
            if not isinstance(entry.get("dist"), str):
                raise ModelError(f"{where}: dist_type {dist_type!r} needs a 'dist' expression")
            dists[key] = (entry["dist"], where)
    if given:
        raise ModelError(f"values given for {sorted(given)}, which parameters.json does not make free")
    scope = {p.name: float(p.default) for p in free if "." not in p.name}
    scaling = {}
    for key, (dist, where) in dists.items():
        try:
            scaling[key] = distribution_factor(dist, where, scope)
        except ExpressionError as exc:
            raise ModelError(f"{where}: distribution {dist!r}: {exc}") from None
        names_in(scaling[key], where)
    for g in ("celsius", "v_init"):
        if g in globals_:
            options.setdefault(g, globals_.pop(g))
    if globals_:
        raise ModelError(f"BluePyOpt globals {sorted(globals_)}: neurokit sets only celsius and v_init "
                         f"as fixed globals (give others bounds to make them free)")
    regions = [(r, tuple(region_mechs.get(r, ())), region_values.get(r, {}))
               for r in dict.fromkeys([*region_mechs, *region_values])]
    if not isinstance(morphology, Morphology):
        morphology = Morphology.from_file(morphology, replace_axon=replace_axon, nseg=nseg)
    folders = () if mod_folder is None else (str(mod_folder),)
    options.setdefault("description", "imported from BluePyOpt mechanisms.json / parameters.json")
    return dict(options, name=name, morphology=morphology, regions=regions, parameters=tuple(free),
                scaling=scaling, mechanism_folders=folders)


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(f"{where}: {value!r} is not a number")
    return float(value)


def recordings_from_bluepyopt(protocols) -> dict[str, tuple[Location, ...]]:
    """Per protocol of protocols.json, the :class:`Location` entries BluePyOpt records at (the
    soma, then each ``somadistance`` recording), for ``CellModel.replace(recordings=...)``."""
    from neurokit.protocols_bluepyopt import recording_sites

    return {name: tuple(Location("soma") if s["distance"] is None else Location(s["region"], distance=s["distance"])
                        for s in sites)
            for name, sites in recording_sites(protocols).items()}
