"""The ``[model]`` table shared by fit and sweep files.

::

    [model]
    granularity = "point"        # point | rate | cell (default: the built-in model's own)
    name = "gif"                 # a built-in model, or "package.module:attr" (needs trust)
    backend = "native"           # a registered backend, or "package.module:Class" (needs trust)
    backend_options = { threads = 1 }
    options = { area = 20000.0 } # builder arguments (rate-model classes, cell builders)
    dt = "0.1 ms"                # integration step
    mechanisms = "my_mods/"      # a folder of NMODL files to compile (needs trust)
    bluepyopt = { morphology = "cell.swc", mechanisms = "mechanisms.json",
                  parameters = "parameters.json", mod_folder = "mods/" }
                                 # a cell from BluePyOpt's files (paths relative to the file;
                                 # mod_folder needs trust; ``options`` go to from_bluepyopt)

    [model.fixed]                # values of parameters that are not varied
    t_ref = "2 ms"

A point model may also be written out in Brian2 syntax (``equations``, ``threshold``,
``reset``, ``refractory``, ``initial``, ``method``, ``stimulus``): that is data (parsed, never
run). Initial values are Brian2 expressions of parameters, constants, other state variables and
subexpressions (``u = "b*v"``, ``n = "n_inf"``). Constants the equations use without declaring
them (Brian2's namespace) go in ``[model.constants]``; one also listed in ``[parameters]`` is
fitted within its bounds::

    [model.constants]
    tau = "10 ms"
    q10 = 3.0
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from neurokit.config.reader import Reader
from neurokit.errors import NeurokitError
from neurokit.params import Parameter

MODEL_KEYS = {"granularity", "name", "backend", "dt", "fixed", "options", "backend_options", "settle",
              "equations", "threshold", "reset", "refractory", "initial", "method", "mechanisms",
              "constants", "stimulus", "bluepyopt"}
BLUEPYOPT_KEYS = {"morphology", "mechanisms", "parameters", "mod_folder"}
_CANONICAL = {"siemens": "nS", "farad": "pF", "volt": "mV", "second": "ms", "amp": "pA", "hertz": "Hz",
              "1": "1", "ohm": "Mohm"}
# Physical range by dimension: a time or a capacitance cannot be negative.
_NON_NEGATIVE = ("s", "pF", "uF/cm2")


@dataclass
class ModelSection:
    """A read ``[model]`` table: the model object and what goes with it (values in the
    model's units; ``dt`` and ``settle`` in s)."""

    name: str
    granularity: str
    model: Any
    backend: str
    backend_options: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)
    dt: float | None = None
    settle: float = 0.0
    mechanisms: Path | None = None

    @property
    def parameters(self) -> dict[str, Parameter]:
        return {p.name: p for p in model_parameters(self.model)}


def model_parameters(model) -> list[Parameter]:
    """The declared parameters of any model (a point model's tuple, a space's list)."""
    params = getattr(model, "parameters", None)
    if params is None and hasattr(model, "space"):
        params = model.space.parameters
    return [p for p in (params or ()) if isinstance(p, Parameter)]


def check_physical(r: Reader, p: Parameter, value: float, where: tuple) -> float:
    """``value`` of parameter ``p``, refused when outside its physical range (a negative time
    or capacitance; a non-positive value of a log-scaled quantity such as a density)."""
    from neurokit.units import same_dimensions

    for unit in _NON_NEGATIVE:
        try:
            kind = same_dimensions(p.unit, unit)
        except NeurokitError:
            kind = False
        if kind and value < 0:
            raise r.error(where, f"parameter {p.name!r} = {value:g} {p.unit} is out of its physical range "
                                 f"(a {'time' if unit == 's' else 'capacitance'} cannot be negative)")
    if p.transform == "log" and value <= 0:
        raise r.error(where, f"parameter {p.name!r} = {value:g} {p.unit} is out of its physical range (> 0)")
    return value


def read_model(r: Reader, raw: dict, *, trust: bool, default_backend: str | None = None,
               free: dict | None = None) -> ModelSection:
    """Read the ``[model]`` table of ``raw`` (see the module docstring).

    ``free`` is the file's ``[parameters]`` table (the parameters a model written in the file
    must declare). Importing user code happens only with ``trust``.
    """
    m = raw.get("model")
    if not isinstance(m, dict) or ("name" not in m and "bluepyopt" not in m):
        raise r.error(("model",), "a [model] table with a 'name' (or 'bluepyopt' files) is needed")
    r.keys(m, MODEL_KEYS, ("model",), "[model]")
    name = r.string(m.get("name", "bluepyopt_cell"), ("model", "name"), "model name")
    granularity = m.get("granularity")
    if granularity is not None:
        r.string(granularity, ("model", "granularity"), "granularity")
    options = r.keys(m.get("options", {}), _any_keys(m.get("options")), ("model", "options"), "[model] options")
    if "equations" in m:
        model = _point_model_in_file(r, m, free or {})
        granularity = "point"
    elif "bluepyopt" in m:
        model, granularity = _bluepyopt_cell(r, m["bluepyopt"], name, granularity, options, trust), "cell"
    else:
        model, granularity = _resolve(r, name, granularity, options, trust)
    backend = m.get("backend", default_backend or ("native" if granularity in ("point", "rate") else "neuron"))
    backend = r.string(backend, ("model", "backend"), "backend")
    if ":" in backend:
        r.need_trust(trust, ("model", "backend"), f"backend {backend!r} (a Python class by import path)")
    mechanisms = None
    if "mechanisms" in m:
        folder = r.string(m["mechanisms"], ("model", "mechanisms"), "mechanisms")
        r.need_trust(trust, ("model", "mechanisms"), f"mechanism folder {folder!r} (NMODL compiled to C)")
        mechanisms = (r.path.parent / folder).resolve()
        if not mechanisms.is_dir():
            raise r.error(("model", "mechanisms"), f"mechanism folder {str(mechanisms)!r} does not exist")
    section = ModelSection(name=name, granularity=granularity, model=model, backend=backend,
                           backend_options=r.keys(m.get("backend_options", {}), _any_keys(m.get("backend_options")),
                                                  ("model", "backend_options"), "[model] backend_options"),
                           mechanisms=mechanisms)
    if "dt" in m:
        section.dt = r.quantity(m["dt"], "s", ("model", "dt"), "dt")
        if not section.dt > 0:
            raise r.error(("model", "dt"), f"dt must be positive, got {section.dt:g} s")
    section.settle = r.quantity(m.get("settle", 0.0), "s", ("model", "settle"), "settle")
    if section.settle < 0:
        raise r.error(("model", "settle"), f"settle must be >= 0, got {section.settle:g} s")
    params = section.parameters
    fixed = m.get("fixed", {})
    r.keys(fixed, _any_keys(fixed), ("model", "fixed"), "[model.fixed]")
    for key, value in fixed.items():
        where = ("model", "fixed", key)
        if key not in params:
            raise r.error(where, f"unknown parameter {key!r} of model {name!r}; known: {', '.join(params)}")
        v = r.quantity(value, params[key].unit, where, f"parameter {key!r}")
        section.fixed[key] = check_physical(r, params[key], v, where)
    return section


def _bluepyopt_cell(r: Reader, spec, name: str, granularity: str | None, options: dict, trust: bool):
    """``[model] bluepyopt = {...}``: :func:`neurokit.models.cell.from_bluepyopt` on the named
    files (relative to the fit file); a ``mod_folder`` is compiled, so it needs trust."""
    from neurokit.models.cell import from_bluepyopt

    where = ("model", "bluepyopt")
    r.keys(spec, BLUEPYOPT_KEYS, where, "[model] bluepyopt")
    if granularity not in (None, "cell"):
        raise r.error(("model", "granularity"), f"a BluePyOpt model is a cell, not {granularity!r}")
    paths = {}
    for key in sorted(BLUEPYOPT_KEYS):
        if key not in spec:
            if key == "mod_folder":
                continue
            raise r.error(where, f"[model] bluepyopt needs {key!r} (a path)")
        text = r.string(spec[key], where + (key,), f"bluepyopt {key}")
        if key == "mod_folder":
            r.need_trust(trust, where + (key,), f"mechanism folder {text!r} (NMODL compiled to C)")
        paths[key] = (r.path.parent / text).resolve()
        if not paths[key].exists():
            raise r.error(where + (key,), f"bluepyopt {key} {str(paths[key])!r} does not exist")
    try:
        return from_bluepyopt(paths["morphology"], paths["mechanisms"], paths["parameters"],
                              paths.get("mod_folder"), **{"name": name, **options})
    except (NeurokitError, TypeError) as exc:
        raise r.error(where, f"BluePyOpt cell: {exc}") from None


def _any_keys(table) -> set:
    """Every key of ``table`` allowed (``Reader.keys`` then only checks it is a table)."""
    return set(table) if isinstance(table, dict) else set()


def _resolve(r: Reader, name: str, granularity: str | None, options: dict, trust: bool):
    from neurokit.models import registry

    try:
        if ":" in name:
            r.need_trust(trust, ("model", "name"), f"model {name!r} (Python code by import path)")
            model = registry.import_model(name, options)
            return model, granularity or _granularity(model)
        model = registry.get_model(name, granularity, options)
        return model, granularity or registry.granularity_of(name)
    except NeurokitError as exc:
        where = ("model", "options") if options and "options" in str(exc) else ("model", "name")
        raise r.error(where, str(exc)) from None


def _granularity(model) -> str:
    """The granularity of a model imported from user code, from its type."""
    kind = type(model).__name__
    return {"PointModel": "point", "CellModel": "cell", "Network": "network"}.get(kind, "rate")


def _point_model_in_file(r: Reader, m: dict, free: dict):
    """A point model written in the file: Brian2 equations declaring every parameter
    (``a : siemens``), threshold, reset, refractory, initial values. Parameters take the
    canonical unit of their dimension (nS, pF, mV, ms, pA); free ones get the file's bounds,
    the others need a value in ``[model.fixed]``."""
    from neurokit.models.point import STIMULUS, PointModel

    if m.get("granularity", "point") != "point":
        raise r.error(("model", "equations"), "equations in a file define point models only")
    fixed = dict(m.get("fixed", {}))
    params = []
    for line in r.string(m["equations"], ("model", "equations"), "equations").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("d") and "/dt" in line or "=" in line or ":" not in line:
            continue
        name, _, unit = (x.strip() for x in line.partition(":"))
        unit = unit.split("(")[0].strip()
        if name == STIMULUS:
            continue
        canonical = _CANONICAL.get(unit)
        if canonical is None:
            raise r.error(("model", "equations"), f"parameter {name!r}: unit {unit!r} has no canonical unit "
                                                  f"here; use one of {', '.join(_CANONICAL)}")
        if name not in free and name not in fixed:
            raise r.error(("model", "equations"), f"parameter {name!r} of the equations is neither "
                                                  "free ([parameters]) nor fixed ([model.fixed])")
        if name in fixed:
            default = r.quantity(fixed[name], canonical, ("model", "fixed", name), f"parameter {name!r}")
            box = (default - 1.0, default + 1.0) if default == 0 else tuple(sorted((0.5 * default, 1.5 * default)))
            params.append(Parameter(name, canonical, box, default, "identity"))
        else:
            spec = free[name]
            b = spec.get("bounds") if isinstance(spec, dict) else spec
            lo, hi = r.bounds(b, canonical, ("parameters", name), f"parameter {name!r}")
            params.append(Parameter(name, canonical, (lo, hi), 0.5 * (lo + hi), "identity"))
    equations = str(m["equations"])
    extra, const_params = _constants(r, m.get("constants", {}), free)
    initial = m.get("initial", {})
    r.keys(initial, _any_keys(initial), ("model", "initial"), "[model.initial]")
    try:
        return PointModel(name=str(m["name"]), equations=equations + extra, parameters=tuple(params + const_params),
                          threshold=m.get("threshold"), reset=m.get("reset"), refractory=m.get("refractory"),
                          method=m.get("method", "euler"), initial={k: str(v) for k, v in initial.items()},
                          stimulus=str(m.get("stimulus", STIMULUS)), description="defined in the file")
    except NeurokitError as exc:
        raise r.error(("model", "equations"), str(exc)) from None


def _constants(r: Reader, table: dict, free: dict) -> tuple[str, list[Parameter]]:
    """``[model.constants]``: declaration lines to add to the equations and the parameters
    (fixed at their value, or free with the bounds of ``[parameters]``)."""
    from neurokit.models.brian2_import import _unit_text
    from neurokit.units import parse_unit

    r.keys(table, _any_keys(table), ("model", "constants"), "[model.constants]")
    lines, params = "", []
    for name, value in table.items():
        where = ("model", "constants", name)
        unit = value.split(None, 1)[1].strip() if isinstance(value, str) and len(value.split(None, 1)) == 2 else "1"
        number = r.quantity(value, unit, where, f"constant {name!r}")
        try:
            dim = getattr(parse_unit(unit), "dim", None)
        except NeurokitError as exc:
            raise r.error(where, f"constant {name!r}: {exc}") from None
        bounds = None
        if name in free:
            spec = free[name]
            bounds = r.bounds(spec.get("bounds") if isinstance(spec, dict) else spec, unit,
                              ("parameters", name), f"parameter {name!r}")
        params.append(Parameter(name, unit, bounds, number, "identity" if bounds else None,
                                "constant of the equations"))
        lines += f"\n{name} : {_unit_text(dim)} (constant)"
    return lines + ("\n" if lines else ""), params


def widen_bounds(model, free: list[Parameter], fixed: dict):
    """The model with each parameter's bounds widened to hold the file's bounds and fixed
    values (backends check values against the model's own bounds; a file may explore beyond
    the built-in ranges)."""
    want = {p.name: p.bounds for p in free}
    for name, value in fixed.items():
        want[name] = (value, value)
    changed, new = False, []
    for p in model_parameters(model):
        if p.name in want and p.bounds is not None:
            lo, hi = min(p.bounds[0], want[p.name][0]), max(p.bounds[1], want[p.name][1])
            if (lo, hi) != p.bounds:
                transform = p.transform if not (p.transform == "log" and lo <= 0) else "identity"
                p = Parameter(p.name, p.unit, (lo, hi), p.default, transform, p.description)
                changed = True
        new.append(p)
    if not changed:
        return model
    if hasattr(model, "replace"):
        return model.replace(parameters=tuple(new))
    return replace(model, parameters=tuple(new))
