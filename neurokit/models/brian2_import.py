"""A point model from a neuron written for Brian2's ``NeuronGroup``.

:func:`neurokit.models.point.from_brian2` (through :func:`model_fields`) takes the arguments
a Brian2 user gives ``NeuronGroup`` (equations as a
string or ``brian2.Equations``, threshold, reset, refractory as a Quantity or a string, method)
and the constants the equations use, from ``namespace`` or, as Brian2 does, from the caller's
local and global variables. Example (Brian2's ``IF_curve_LIF``)::

    tau = 10*ms
    eqs = '''
    dv/dt = (v0 - v) / tau : volt (unless refractory)
    v0 : volt
    '''
    model = from_brian2(eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=5*ms,
                        method='exact', initial={'v': 0*mV})

Each constant becomes a fixed :class:`~neurokit.params.Parameter` (declared ``(constant)`` in
the equations, default its value in a display unit, no bounds): per-sample values go through
``params`` as for any parameter, and ``model.with_parameters(tau=(5, 20))`` promotes it to a
fitted one. Initial values are numbers, Quantities or Brian2 expressions of parameters,
constants, other state variables and subexpressions (``'b*v'``, ``'n_inf'``), kept in
dependency order so that every backend evaluates them as Brian2 would. A ``TimedArray`` in the
namespace becomes a :class:`~neurokit.models.brian2_tables.TimedTable` of the model (its values
as data), read with Brian2's lookup rule on every target.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Mapping

from neurokit.errors import EquationError, ModelError
from neurokit.params import Parameter

#: Names Brian2 provides itself inside a group (never looked up in a namespace).
_GROUP_NAMES = {"t", "dt", "t_in_timesteps", "i", "N", "not_refractory", "lastspike", "xi"}
_WORD = re.compile(r"[A-Za-z_]\w*")
_DEFAULT_METHODS = ("exact", "euler", "heun")


def _b2():
    from neurokit.units import brian2_module

    return brian2_module()


def _unit_text(dim) -> str:
    """Brian2 unit text declaring a variable of dimension ``dim`` (``"volt"``, ``"1"``)."""
    from brian2.units.fundamentalunits import get_unit

    return "1" if dim is None or dim.is_dimensionless else repr(get_unit(dim))


def _si_text(value) -> str:
    """A number or 0-d Quantity as Brian2 code in SI (``-0.07*volt``)."""
    import numpy as np

    dim = getattr(value, "dim", None)
    number = float(np.asarray(value))
    unit = _unit_text(dim)
    return repr(number) if unit == "1" else f"{number!r}*{unit}"


def equations_text(eqs) -> str:
    """A ``brian2.Equations`` as an equation string Brian2 parses back to the same equations
    (``str(eqs)`` writes units as ``V``, which Brian2 does not read)."""
    lines = []
    for eq in eqs.ordered:
        unit = {"integer": "integer", "boolean": "boolean"}.get(eq.var_type, _unit_text(eq.dim))
        flags = f" ({', '.join(eq.flags)})" if eq.flags else ""
        if eq.type == "differential equation":
            lines.append(f"d{eq.varname}/dt = {eq.expr} : {unit}{flags}")
        elif eq.type == "subexpression":
            lines.append(f"{eq.varname} = {eq.expr} : {unit}{flags}")
        else:
            lines.append(f"{eq.varname} : {unit}{flags}")
    return "\n".join(lines) + "\n"


def _identifiers(*texts) -> set[str]:
    out = set()
    for text in texts:
        if isinstance(text, str):
            out |= set(_WORD.findall(re.sub(r"#.*", "", text)))
    return out


def _caller_namespace(level: int) -> dict[str, Any]:
    frame = inspect.currentframe()
    try:
        for _ in range(level + 1):
            frame = frame.f_back
        return {**frame.f_globals, **frame.f_locals}
    finally:
        del frame


def _is_default(name: str, value) -> bool:
    """True where Brian2's own namespace gives ``name`` (units, functions, pi/e/inf), so the
    caller's variable of that name (from ``from brian2 import *``) is no model constant."""
    from brian2.core.functions import DEFAULT_CONSTANTS
    from brian2.core.namespace import DEFAULT_UNITS

    b2 = _b2()
    if name in DEFAULT_UNITS and (value is DEFAULT_UNITS[name] or isinstance(value, b2.Unit)):
        return True
    if name in DEFAULT_CONSTANTS:
        return True
    if callable(value) and not isinstance(value, (b2.Function, b2.TimedArray)):
        return True
    return inspect.ismodule(value)


def _constant_parameter(name: str, value) -> tuple[Parameter, str]:
    """A fixed Parameter holding ``value`` in a display unit, and its declaration line."""
    import numpy as np

    from neurokit.units import conversion_factor, display_unit

    arr = np.asarray(value, dtype=float)
    if arr.ndim != 0:
        raise EquationError(f"constant {name!r} is an array of shape {arr.shape}: a model constant must be "
                            "a scalar (give per-neuron values through params)")
    dim = getattr(value, "dim", None)
    si = _unit_text(dim)
    unit, number = "1", float(arr)
    if si != "1":
        unit = str(dim)
        try:
            from brian2.units.fundamentalunits import get_unit

            unit = display_unit(str(get_unit(dim)))
            number *= conversion_factor(str(get_unit(dim)), unit, what=f"constant {name!r}")
        except Exception:  # a compound unit neurokit does not spell: keep it in SI
            from neurokit.units import check_unit

            try:
                unit = check_unit(str(dim))
            except Exception as exc:
                raise EquationError(f"constant {name!r}: cannot express unit {dim} ({exc})") from None
    return (Parameter(name, unit, None, number, None, "constant from the Brian2 namespace"),
            f"{name} : {si} (constant)")


def _declared(eqs) -> dict[str, str]:
    """Name -> type ('differential equation', 'subexpression', 'parameter') of ``eqs``."""
    return {eq.varname: eq.type for eq in eqs.ordered}


def _ordered_initial(initial: Mapping, states: set[str], subexpr: Mapping[str, str]) -> dict[str, str]:
    """``initial`` as Brian2 code, ordered so that a value is set after the states it reads
    (through subexpressions too)."""
    texts = {var: (value if isinstance(value, str) else _si_text(value)) for var, value in initial.items()}

    def reads(text, seen=()):
        out = set()
        for w in _identifiers(text):
            if w in states:
                out.add(w)
            elif w in subexpr and w not in seen:
                out |= reads(subexpr[w], (*seen, w))
        return out

    deps = {var: reads(text) & (set(texts) - {var}) for var, text in texts.items()}
    ordered: dict[str, str] = {}
    while len(ordered) < len(texts):
        ready = [v for v in texts if v not in ordered and deps[v] <= set(ordered)]
        if not ready:
            left = sorted(set(texts) - set(ordered))
            raise EquationError(f"initial values of {left} depend on each other in a cycle")
        for v in ready:
            ordered[v] = texts[v]
    return ordered


def model_fields(model, threshold: str | None = None, reset: str | None = None, refractory=False,
                 method: str | None = None, namespace: Mapping | None = None,
                 initial: Mapping | None = None, name: str | None = None,
                 stimulus: str | None = None, *, level: int = 0, default_stimulus: str = "I_stim") -> dict:
    """The fields of a :class:`~neurokit.models.point.PointModel` from Brian2 ``NeuronGroup``
    arguments (:func:`neurokit.models.point.from_brian2` builds the model from them).

    Parameters
    ----------
    model : str or brian2.Equations
        The equations as the Brian2 user wrote them.
    threshold, reset : str, optional
        Brian2 threshold condition and reset statements.
    refractory : Quantity, str or False
        Refractory period (``5*ms``), an expression (``'t_ref'``) or a condition.
    method : str, optional
        Brian2 integration method; default Brian2's choice (exact, else euler, else heun).
    namespace : mapping, optional
        Constants (numbers or Quantities, SI through their units) the model uses; default the
        caller's local and global variables, as in Brian2.
    initial : mapping, optional
        State variable -> start value: a number, a Quantity or a Brian2 expression.
    name : str, optional
        The model's name (default ``"brian2_model"``).
    stimulus : str, optional
        The variable the protocol drives (any unit; a current in amp gets the protocol's nA).
        Default ``I_stim`` when declared, else no input.
    level : int
        Extra frames between the user's code and this call (for wrappers).

    Raises
    ------
    EquationError
        Equations Brian2 cannot parse, a constant that is not a scalar, an initial value of
        an undeclared variable or cyclic initial values.
    """
    b2 = _b2()
    name = name or "brian2_model"
    text = equations_text(model) if isinstance(model, b2.Equations) else model
    if not isinstance(text, str) or not text.strip():
        raise EquationError(f"model {name!r}: equations must be a Brian2 equation string or Equations object, "
                            f"got {type(model).__name__}")
    try:
        eqs = b2.Equations(text)
    except Exception as exc:  # EquationsException, SyntaxError from Brian2's parser
        raise EquationError(f"model {name!r}: {type(exc).__name__}: {exc}") from None
    if isinstance(refractory, str):
        refr = refractory
    elif refractory is False or refractory is None:
        refr = None
    else:
        refr = _si_text(refractory)
    declared = _declared(eqs)
    initial = dict(initial or {})
    for var in initial:
        if var not in declared:
            raise EquationError(f"model {name!r}: initial value for {var!r}, which the equations do not declare")
    stim = stimulus or default_stimulus
    ns = dict(namespace) if namespace is not None else _caller_namespace(level + 1)
    used = (set(eqs.identifiers) | _identifiers(threshold, reset, refr)
            | _identifiers(*[v for v in initial.values() if isinstance(v, str)]))
    used -= set(declared) | _GROUP_NAMES
    params, lines, tables, functions = [], [], [], []
    for ident in sorted(used):
        if ident.startswith("xi_") or ident not in ns:
            continue  # Brian2's own names (units, functions, constants) or an unknown one
        value = ns[ident]
        if _is_default(ident, value):
            continue
        if ident == stim:
            lines.append(f"{ident} : {_unit_text(getattr(value, 'dim', None))}")
            continue
        if isinstance(value, b2.TimedArray):
            from neurokit.models.brian2_tables import TimedTable

            tables.append(TimedTable.from_brian2(ident, value))
            continue
        if isinstance(value, b2.Function):
            from neurokit.models.brian2_functions import function_spec

            functions.append(function_spec(ident, value))
            continue
        try:
            p, line = _constant_parameter(ident, value)
        except EquationError:
            raise
        except (TypeError, ValueError):
            raise EquationError(f"model {name!r}: {ident!r} is a {type(value).__name__}, not a number or "
                                "Quantity usable as a constant") from None
        params.append(p)
        lines.append(line)
    full = text.rstrip() + "\n" + "\n".join(lines) + "\n"
    eqs = b2.Equations(full)
    for p in sorted(eqs.parameter_names):
        if p != stim and p not in {q.name for q in params}:
            params.append(Parameter(p, _param_unit(eqs[p].dim), None, None))
    if method is None:
        method = _default_method(full, threshold, reset, refr, name, tables, functions)
    states = {n for n, kind in _declared(eqs).items() if kind == "differential equation"}
    subexpr = {eq.varname: str(eq.expr) for eq in eqs.ordered if eq.type == "subexpression"}
    ordered = _ordered_initial(initial, states | set(eqs.parameter_names), subexpr)
    return dict(name=name, equations=full, parameters=tuple(params), threshold=threshold,
                reset=reset, refractory=refr, method=method, initial=ordered, voltage=_voltage(eqs, states),
                stimulus=stim, description="imported from Brian2 equations", tables=tuple(tables),
                functions=tuple(functions))


def _param_unit(dim) -> str:
    from brian2.units.fundamentalunits import get_unit

    if dim is None or dim.is_dimensionless:
        return "1"
    return str(get_unit(dim))


def _default_method(equations: str, threshold, reset, refractory, name: str, tables=(), functions=()) -> str:
    """Brian2's default choice for these equations: the first of exact, euler, heun that
    integrates them."""
    from neurokit.models.brian2_functions import brian2_namespace as function_namespace
    from neurokit.models.brian2_tables import brian2_namespace

    b2 = _b2()
    last = None
    for method in _DEFAULT_METHODS:
        try:
            group = b2.NeuronGroup(1, equations, threshold=threshold, reset=reset,
                                   refractory=refractory or False, method=method,
                                   namespace={**brian2_namespace(tables), **function_namespace(functions)})
        except Exception as exc:  # Brian2 raises many types for equations it cannot take
            raise EquationError(f"model {name!r}: {type(exc).__name__}: {exc}") from None
        try:
            group.state_updater.update_abstract_code(run_namespace={})
            return method
        except Exception as exc:  # UnsupportedEquationsException and kin: try the next one
            last = exc
        finally:
            group._network = "neurokit"  # borrowed for its state updater: no 'never run' warning
    raise ModelError(f"model {name!r}: none of Brian2's default methods {_DEFAULT_METHODS} integrates it: {last}")


def _voltage(eqs, states: set[str]) -> str:
    """The membrane potential: ``v``, ``V`` or ``vm`` if declared, else the first state in volt."""
    for cand in ("v", "V", "vm", "Vm"):
        if cand in states:
            return cand
    volts = [n for n in sorted(states) if str(eqs[n].dim) == "V"]
    return volts[0] if volts else (sorted(states)[0] if states else "v")
