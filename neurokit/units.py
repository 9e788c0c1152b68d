"""Units at the edges, through Brian2's units library (the one units library in neurokit).

Unit strings follow UDUNITS spelling (``"mV"``, ``"nA"``, ``"S/cm2"``, ``"uF/cm2"``, ``"1"``),
which Brian2's unit names cover. Conversion happens when data enters or leaves neurokit;
inside, arrays are plain floats in the canonical units of :mod:`neurokit.schema`.

Brian2 is imported on first use (through :func:`brian2_module`), not with this module: its
import costs about a second and replaces ``sys.excepthook``.
"""

from __future__ import annotations

import ast
import functools
import sys
from types import ModuleType

import numpy as np

from neurokit import expressions
from neurokit.errors import ExpressionError, UnitError

# Names a unit expression may use: every unit Brian2 defines, plus spellings common in
# electrophysiology files that Brian2 writes differently.
_ALIASES = {"m2": "metre2", "m3": "metre3", "Ohm": "ohm", "MOhm": "Mohm", "GOhm": "Gohm", "sec": "second"}
# A unit expression is names and numbers joined by *, / and ** (and a sign): nothing else of
# the evaluator's whitelist (calls, comparisons, conditionals) means anything for a unit.
_UNIT_NODES = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp,
               ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


def brian2_module() -> ModuleType:
    """Import Brian2 and return it, keeping the caller's ``sys.excepthook``.

    Brian2's import replaces ``sys.excepthook`` with its own, which reports every later
    uncaught error of the user's script as "Brian 2 encountered an unexpected error"; every
    import of Brian2 in neurokit goes through here so the user's hook is put back.
    """
    hook = sys.excepthook
    import brian2

    if sys.excepthook is not hook:
        sys.excepthook = hook
    return brian2


def _fundamentalunits() -> ModuleType:
    brian2_module()
    from brian2.units import fundamentalunits

    return fundamentalunits


@functools.lru_cache(maxsize=1)
def _namespace() -> dict[str, object]:
    brian2_module()
    import brian2.units as b2units
    from brian2.units import allunits
    from brian2.units.fundamentalunits import Unit

    names = {str(u): u for u in allunits.all_units}
    for module in (allunits, b2units):  # b2units adds the short names: mV, nA, cm2, um2
        names.update({k: v for k, v in vars(module).items() if isinstance(v, Unit)})
    for alias, target in _ALIASES.items():
        if target in names:
            names.setdefault(alias, names[target])
    return names


def parse_unit(text: str):
    """Parse a unit string such as ``"mV"``, ``"S/cm2"`` or ``"1"`` into a Brian2 quantity.

    Parameters
    ----------
    text : str
        Unit expression: unit names and numbers joined by ``*``, ``/`` and ``**`` (powers
        bounded, see :mod:`neurokit.expressions`); ``"1"`` or ``""`` for dimensionless.

    Returns
    -------
    brian2.Quantity
        The unit's value in SI units, with its dimensions.

    Raises
    ------
    UnitError
        If a name is not a known unit or the expression is malformed (attribute access,
        calls, powers too large to compute...); the message quotes ``text``.
    """
    if not isinstance(text, str):
        raise UnitError(f"unit must be a string, got {text!r}")
    Quantity = _fundamentalunits().Quantity
    expr = text.strip()
    if expr in ("", "1", "dimensionless"):
        return Quantity(1.0)
    # Parsed and evaluated by the one safe evaluator, never by eval(): no text reaches Python
    # objects, and a power such as 10**10**10 is refused instead of computed.
    try:
        tree = expressions.parse(expr, where="unit")
    except ExpressionError as exc:
        raise UnitError(f"malformed unit expression {text!r}: {exc}") from None
    ns = _namespace()
    for node in ast.walk(tree):
        if not isinstance(node, _UNIT_NODES):
            raise UnitError(f"malformed unit expression {text!r}: {type(node).__name__} is not allowed "
                            "(only unit names, numbers, *, / and **)")
        if isinstance(node, ast.Name) and node.id not in ns:
            raise UnitError(f"unknown unit {node.id!r} in {text!r}")
    try:
        value = expressions.evaluate(expr, ns, where="unit")
    except ExpressionError as exc:
        raise UnitError(f"malformed unit expression {text!r}: {exc}") from None
    except Exception as exc:  # Brian2's DimensionMismatchError on a power with units
        raise UnitError(f"malformed unit expression {text!r}: {exc}") from None
    if not isinstance(value, Quantity):
        value = Quantity(value)
    if value.size != 1 or not np.isfinite(np.asarray(value)).all():
        raise UnitError(f"unit expression {text!r} is not a finite scalar")
    return value


def conversion_factor(from_unit: str, to_unit: str, *, what: str = "value") -> float:
    """Factor that converts numbers in ``from_unit`` into numbers in ``to_unit``.

    Raises
    ------
    UnitError
        If the two units have different dimensions; the message names ``what``.
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if not _fundamentalunits().have_same_dimensions(src, dst):
        raise UnitError(
            f"{what}: unit {from_unit!r} ({src.dim}) cannot be converted to {to_unit!r} ({dst.dim})"
        )
    return float(np.asarray(src / dst))


def convert(values, from_unit: str, to_unit: str, *, what: str = "value") -> np.ndarray:
    """Convert an array of numbers from ``from_unit`` to ``to_unit`` (see :func:`conversion_factor`)."""
    return np.asarray(values, dtype=float) * conversion_factor(from_unit, to_unit, what=what)


def quantity(value, unit: str):
    """A Brian2 quantity from a number (or array) in the unit named by ``unit``."""
    return np.asarray(value, dtype=float) * parse_unit(unit)


def magnitude(q, unit: str, *, what: str = "value") -> np.ndarray:
    """The numbers of quantity ``q`` expressed in ``unit``; plain numbers are taken as given.

    Raises
    ------
    UnitError
        If ``q`` has other dimensions than ``unit``.
    """
    target = parse_unit(unit)
    fundamentalunits = _fundamentalunits()
    if not isinstance(q, fundamentalunits.Quantity):
        return np.asarray(q, dtype=float)
    if not fundamentalunits.have_same_dimensions(q, target):
        raise UnitError(f"{what}: {q!r} is not in units of {unit!r}")
    return np.asarray(q / target, dtype=float)


def same_dimensions(a: str, b: str) -> bool:
    """True if unit strings ``a`` and ``b`` measure the same kind of quantity."""
    return bool(_fundamentalunits().have_same_dimensions(parse_unit(a), parse_unit(b)))


# The one display-unit table: the unit a quantity of each dimension takes when it leaves a
# backend or enters a parameter, whatever the backend (the schema's canonical units; time-valued
# states and parameters in ms, the time coordinate alone in s).
DISPLAY_UNITS = ("mV", "nA", "nS", "pF", "ms", "Hz", "Mohm", "uF/cm2", "S/cm2", "1")


def display_unit(unit: str) -> str:
    """The display unit of neurokit for a quantity in ``unit`` (same dimensions).

    Parameters
    ----------
    unit : str
        Any unit string (``"volt"``, ``"amp"``, ``"second"``, ``"mV"``...).

    Returns
    -------
    str
        One of :data:`DISPLAY_UNITS`, or ``unit`` itself where none has its dimensions.
    """
    for shown in DISPLAY_UNITS:
        if same_dimensions(unit, shown):
            return shown
    return unit
