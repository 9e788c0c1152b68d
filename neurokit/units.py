"""Units at the edges, through Brian2's units library (the one units library in neurokit).

Unit strings follow UDUNITS spelling (``"mV"``, ``"nA"``, ``"S/cm2"``, ``"uF/cm2"``, ``"1"``),
which Brian2's unit names cover. Conversion happens when data enters or leaves neurokit;
inside, arrays are plain floats in the canonical units of :mod:`neurokit.schema`.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import brian2.units as b2units
from brian2.units import allunits, fundamentalunits
from brian2.units.fundamentalunits import Quantity, Unit

from neurokit.errors import UnitError

# Names a unit expression may use: every unit Brian2 defines, plus spellings common in
# electrophysiology files that Brian2 writes differently.
_ALIASES = {"m2": "metre2", "m3": "metre3", "Ohm": "ohm", "MOhm": "Mohm", "GOhm": "Gohm", "sec": "second"}
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


@functools.lru_cache(maxsize=1)
def _namespace() -> dict[str, Unit]:
    names = {str(u): u for u in allunits.all_units}
    for module in (allunits, b2units):  # b2units adds the short names: mV, nA, cm2, um2
        names.update({k: v for k, v in vars(module).items() if isinstance(v, Unit)})
    for alias, target in _ALIASES.items():
        if target in names:
            names.setdefault(alias, names[target])
    return names


def parse_unit(text: str) -> Quantity:
    """Parse a unit string such as ``"mV"``, ``"S/cm2"`` or ``"1"`` into a Brian2 quantity.

    Parameters
    ----------
    text : str
        Unit expression: names, ``*``, ``/``, ``**`` and integer powers; ``"1"`` or ``""``
        for dimensionless.

    Raises
    ------
    UnitError
        If a name is not a known unit or the expression is malformed.
    """
    if not isinstance(text, str):
        raise UnitError(f"unit must be a string, got {text!r}")
    expr = text.strip()
    if expr in ("", "1", "dimensionless"):
        return Quantity(1.0)
    ns = _namespace()
    for token in _TOKEN.findall(expr):
        if token not in ns:
            raise UnitError(f"unknown unit {token!r} in {text!r}")
    # UDUNITS writes powers as a trailing digit ('cm2'); Brian2 knows those names already.
    if not re.fullmatch(r"[A-Za-z_0-9\s\*/\.\(\)\-]+", expr.replace("**", "*")):
        raise UnitError(f"malformed unit expression {text!r}")
    try:
        value = eval(expr, {"__builtins__": {}}, ns)  # noqa: S307 - names checked above
    except Exception as exc:  # SyntaxError, TypeError from odd operators
        raise UnitError(f"malformed unit expression {text!r}: {exc}") from None
    return value if isinstance(value, Quantity) else Quantity(value)


def conversion_factor(from_unit: str, to_unit: str, *, what: str = "value") -> float:
    """Factor that converts numbers in ``from_unit`` into numbers in ``to_unit``.

    Raises
    ------
    UnitError
        If the two units have different dimensions; the message names ``what``.
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if not fundamentalunits.have_same_dimensions(src, dst):
        raise UnitError(
            f"{what}: unit {from_unit!r} ({src.dim}) cannot be converted to {to_unit!r} ({dst.dim})"
        )
    return float(np.asarray(src / dst))


def convert(values, from_unit: str, to_unit: str, *, what: str = "value") -> np.ndarray:
    """Convert an array of numbers from ``from_unit`` to ``to_unit`` (see :func:`conversion_factor`)."""
    return np.asarray(values, dtype=float) * conversion_factor(from_unit, to_unit, what=what)


def quantity(value, unit: str) -> Quantity:
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
    if not isinstance(q, Quantity):
        return np.asarray(q, dtype=float)
    if not fundamentalunits.have_same_dimensions(q, target):
        raise UnitError(f"{what}: {q!r} is not in units of {unit!r}")
    return np.asarray(q / target, dtype=float)


def same_dimensions(a: str, b: str) -> bool:
    """True if unit strings ``a`` and ``b`` measure the same kind of quantity."""
    return bool(fundamentalunits.have_same_dimensions(parse_unit(a), parse_unit(b)))


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
