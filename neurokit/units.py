"""Units at the edges, through Brian2's units library (the one units library in neurokit).

Unit strings follow UDUNITS spelling (``"mV"``, ``"nA"``, ``"S/cm2"``, ``"uF/cm2"``, ``"1"``),
which Brian2's unit names cover. Conversion happens when data enters or leaves neurokit;
inside, arrays are plain floats in the canonical units of :mod:`neurokit.schema`.

Brian2 is imported on first use (through :func:`brian2_module`), not with this module: its
import costs about a second and replaces ``sys.excepthook``. Conversions and dimension checks
(:func:`conversion_factor`, :func:`same_dimensions`, :func:`check_unit`) go through the unit
table (:func:`unit_table`): Brian2's units as (SI factor, dimensions), produced from Brian2
once and cached as data, so a process that only converts units never imports Brian2.
"""

from __future__ import annotations

import ast
import functools
import sys
import threading
from types import ModuleType

import numpy as np

from neurokit import expressions
from neurokit.errors import ExpressionError, UnitError

# Names a unit expression may use: every unit Brian2 defines, plus spellings common in
# electrophysiology files that Brian2 writes differently.
_ALIASES = {"m2": "metre2", "m3": "metre3", "Ohm": "ohm", "MOhm": "Mohm", "GOhm": "Gohm", "sec": "second"}
# A unit expression is names and numbers joined by *, / and ** (and a sign): nothing else of
# the evaluator's whitelist (calls, comparisons, conditionals) means anything for a unit.
_IMPORT_LOCK = threading.Lock()  # one import of Brian2 at a time from worker threads
_UNIT_NODES = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp,
               ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


def brian2_module() -> ModuleType:
    """Import Brian2 and return it, keeping the caller's ``sys.excepthook``.

    Brian2's import replaces ``sys.excepthook`` with its own, which reports every later
    uncaught error of the user's script as "Brian 2 encountered an unexpected error"; every
    import of Brian2 in neurokit goes through here so the user's hook is put back.
    """
    hook = sys.excepthook
    if "brian2" in sys.modules or threading.current_thread() is threading.main_thread():
        import brian2
    else:
        brian2 = _import_off_main_thread()
    if sys.excepthook is not hook:
        sys.excepthook = hook
    return brian2


def _import_off_main_thread() -> ModuleType:
    """Import Brian2 from a worker thread (a Dask worker runs tasks in threads).

    Brian2's import installs a SIGINT handler, which Python allows only in the main thread;
    the handler only serves Ctrl-C in an interactive main thread, so it is skipped here.
    """
    import signal

    with _IMPORT_LOCK:
        if "brian2" in sys.modules:
            return sys.modules["brian2"]
        original = signal.signal
        signal.signal = lambda *args, **kwargs: signal.getsignal(args[0])
        try:
            import brian2
        finally:
            signal.signal = original
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
    ns = _namespace()
    _unit_tree(text, ns)
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


def _unit_tree(text: str, known) -> ast.Expression:
    """The parsed unit expression ``text``, checked: unit names in ``known``, numbers, ``*``,
    ``/``, ``**`` and signs only."""
    try:
        tree = expressions.parse(text.strip(), where="unit")
    except ExpressionError as exc:
        raise UnitError(f"malformed unit expression {text!r}: {exc}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _UNIT_NODES):
            raise UnitError(f"malformed unit expression {text!r}: {type(node).__name__} is not allowed "
                            "(only unit names, numbers, *, / and **)")
        if isinstance(node, ast.Name) and node.id not in known:
            raise UnitError(f"unknown unit {node.id!r} in {text!r}")
    return tree


def conversion_factor(from_unit: str, to_unit: str, *, what: str = "value") -> float:
    """Factor that converts numbers in ``from_unit`` into numbers in ``to_unit``.

    Raises
    ------
    UnitError
        If the two units have different dimensions; the message names ``what``.
    """
    src, dst = si_unit(from_unit), si_unit(to_unit)
    if src[1] != dst[1]:
        raise UnitError(f"{what}: unit {from_unit!r} ({_dim_text(src[1])}) cannot be converted to "
                        f"{to_unit!r} ({_dim_text(dst[1])})")
    return src[0] / dst[0]


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
    return si_unit(a)[1] == si_unit(b)[1]


def check_unit(text: str) -> str:
    """``text`` if it is a valid unit expression (see :func:`parse_unit`), else UnitError."""
    si_unit(text)
    return text


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


# --------------------------------------------------------------------------- the unit table
#: Brian2's base dimensions, in the order of its dimension vectors.
_BASE = ("m", "kg", "s", "A", "K", "mol", "cd")
_NONE = (0.0,) * len(_BASE)
_TABLE_FORMAT = 1


def _brian2_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("brian2")
    except PackageNotFoundError:
        return "none"


@functools.lru_cache(maxsize=1)
def unit_table() -> dict[str, tuple[float, tuple[float, ...]]]:
    """Every unit name Brian2 defines (and the aliases above) -> (value in SI, dimension
    exponents over m, kg, s, A, K, mol, cd).

    Produced from Brian2's own units on first use and cached as verified JSON
    (:mod:`neurokit.data_cache`, folder ``units``, keyed on Brian2's version); later processes
    read it back without importing Brian2. A missing or corrupt file is rebuilt.
    """
    from neurokit.data_cache import cache_dir, read_entry, write_entry

    b2 = _brian2_version()
    path = cache_dir("units") / f"units-brian2-{b2}.json"
    table = _table_from(read_entry(path), b2)
    if table is not None:
        return table
    table = {name: (float(np.asarray(u)), tuple(float(d) for d in u.dim._dims))
             for name, u in _namespace().items()}
    payload = {"format": _TABLE_FORMAT, "brian2": b2, "aliases": _ALIASES,
               "units": {k: [f, list(d)] for k, (f, d) in table.items()}}
    try:
        write_entry(path, payload)
    except OSError:  # a read-only cache: the table still serves this process
        pass
    return table


def _table_from(payload, b2: str):
    """The table in ``payload`` if it is well-formed and made for this Brian2, else None."""
    if not payload or payload.get("format") != _TABLE_FORMAT or payload.get("brian2") != b2 \
            or payload.get("aliases") != _ALIASES or not isinstance(payload.get("units"), dict):
        return None
    table = {}
    for name, entry in payload["units"].items():
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)
                and len(entry[1]) == len(_BASE)):
            return None
        try:
            table[name] = (float(entry[0]), tuple(float(d) for d in entry[1]))
        except (TypeError, ValueError):
            return None
    return table


def si_unit(text: str) -> tuple[float, tuple[float, ...]]:
    """(value in SI, dimension exponents) of the unit expression ``text``, from the unit table.

    Raises
    ------
    UnitError
        As :func:`parse_unit` does; the message quotes ``text``.
    """
    if not isinstance(text, str):
        raise UnitError(f"unit must be a string, got {text!r}")
    return _si_unit(text)


@functools.lru_cache(maxsize=512)  # a fit converts the same few unit strings every batch
def _si_unit(text: str) -> tuple[float, tuple[float, ...]]:
    if text.strip() in ("", "1", "dimensionless"):
        return 1.0, _NONE
    table = unit_table()
    tree = _unit_tree(text, table)
    value = _walk(tree.body, table, text)
    if not isinstance(value, tuple):
        value = (float(value), _NONE)
    if not np.isfinite(value[0]):
        raise UnitError(f"unit expression {text!r} is not a finite scalar")
    return value


def _walk(node, table, text):
    """Evaluate a checked unit tree: numbers stay numbers, units are (factor, dims) pairs."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise UnitError(f"malformed unit expression {text!r}: {node.value!r} is not a number")
        return float(node.value)
    if isinstance(node, ast.Name):
        return table[node.id]
    if isinstance(node, ast.UnaryOp):
        v = _walk(node.operand, table, text)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return (sign * v[0], v[1]) if isinstance(v, tuple) else sign * v
    a, b = _walk(node.left, table, text), _walk(node.right, table, text)
    if isinstance(node.op, ast.Pow):
        if isinstance(b, tuple):
            raise UnitError(f"malformed unit expression {text!r}: an exponent cannot have units")
        base = a[0] if isinstance(a, tuple) else a
        if abs(b) > expressions.MAX_EXPONENT or (abs(b) > 64 and abs(base) > expressions.MAX_POWER_BASE):
            raise UnitError(f"malformed unit expression {text!r}: power too large "
                            f"(exponents up to {expressions.MAX_EXPONENT:g})")
        with np.errstate(all="ignore"):
            power = float(np.power(base, b))
        return (power, tuple(d * b for d in a[1])) if isinstance(a, tuple) else power
    fa, da = a if isinstance(a, tuple) else (a, _NONE)
    fb, db = b if isinstance(b, tuple) else (b, _NONE)
    if isinstance(node.op, ast.Mult):
        return fa * fb, tuple(x + y for x, y in zip(da, db))
    if fb == 0:
        raise UnitError(f"malformed unit expression {text!r}: division by zero")
    return fa / fb, tuple(x - y for x, y in zip(da, db))


def _dim_text(dims: tuple[float, ...]) -> str:
    """Dimensions as Brian2 prints them (``m^2 kg s^-3 A^-1``; ``1`` for none)."""
    parts = [b if d == 1 else f"{b}^{int(d) if float(d).is_integer() else d}" for b, d in zip(_BASE, dims) if d]
    return " ".join(parts) or "1"
