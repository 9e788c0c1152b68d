"""TOML read as data, with the file and line of every key in every error.

:func:`read_toml` parses a file with :mod:`tomllib`; :class:`Reader` takes values out of the
parsed tables and turns every problem into a :class:`~neurokit.errors.FitConfigError` whose
message starts with ``FILE:LINE:``, the line of the offending key (:func:`locate`).
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from neurokit.errors import FitConfigError, NeurokitError
from neurokit.params import Parameter

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*|\"[^\"]+\")\s*=")
_QTY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*(.*?)\s*$")


def locate(text: str, path: tuple) -> int | None:
    """Line number (1-based) of the key at ``path`` in TOML ``text``.

    ``path`` is a tuple of keys and array indices, as in ``("objectives", 1, "kind")`` for the
    ``kind`` key of the second ``[[objectives]]`` table. When the key itself is absent (a
    missing entry), the line of the deepest enclosing table or key that exists is returned.
    """
    best_line, best_depth = None, -1
    table: tuple = ()
    counts: dict[tuple, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0] if '"' not in raw else raw
        m = _HEADER.match(line)
        if m and "=" not in line.split("]")[0]:
            keys = tuple(k.strip().strip('"') for k in m.group(2).split("."))
            if m.group(1) == "[[":
                counts[keys] = counts.get(keys, -1) + 1
                table = keys + (counts[keys],)
            else:  # a sub-table of an array element: [objectives.options] inside [[objectives]]
                table = keys
                for n in range(len(keys), 0, -1):
                    if keys[:n] in counts:
                        table = keys[:n] + (counts[keys[:n]],) + keys[n:]
                        break
            depth = _prefix(table, path)
            if depth > best_depth:
                best_line, best_depth = number, depth
            continue
        m = _KEY.match(line)
        if m:
            key = m.group(1)
            parts = (key.strip('"'),) if key.startswith('"') else tuple(k.strip() for k in key.split("."))
            depth = _prefix(table + parts, path)
            if depth > best_depth:
                best_line, best_depth = number, depth
    return best_line


def _prefix(keys: tuple, path: tuple) -> int:
    """Length of the common prefix of ``keys`` and ``path`` (-1 if ``keys`` leaves ``path``)."""
    n = 0
    for a, b in zip(keys, path):
        if a != b:
            return -1 if n < len(keys) else n
        n += 1
    return n if n == len(keys) else -1


def read_toml(path, what: str = "file") -> tuple[dict, "Reader"]:
    """Parse the TOML file at ``path``: its tables and a :class:`Reader` over its text.

    Raises
    ------
    FitConfigError
        If the file does not exist or is not valid TOML (with the parser's line).
    """
    path = Path(path)
    if not path.is_file():
        raise FitConfigError(f"{path}: {what} {str(path)!r} does not exist")
    text = path.read_text()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FitConfigError(f"{path}: invalid TOML: {exc}") from None
    return raw, Reader(path, text)


class Reader:
    """Reads values out of a parsed TOML file, turning every problem into a located error.

    Parameters
    ----------
    path : Path
        The file (named in every message).
    text : str
        Its text (to find the line of a key).
    """

    def __init__(self, path: Path, text: str):
        self.path, self.text = Path(path), text

    def error(self, where: tuple, message: str) -> FitConfigError:
        """A FitConfigError ``FILE:LINE: message`` for the key at ``where``."""
        line = locate(self.text, tuple(where))
        loc = f"{self.path}:{line}" if line else f"{self.path}"
        return FitConfigError(f"{loc}: {message}")

    # -- plain values ------------------------------------------------------------------------
    def keys(self, table: Any, known, where: tuple, what: str) -> dict:
        """``table`` as a dict whose keys are all in ``known`` (else a located error)."""
        if not isinstance(table, dict):
            raise self.error(where, f"{what} must be a table, got {table!r}")
        bad = sorted(set(table) - set(known))
        if bad:
            raise self.error(where + (bad[0],), f"unknown key {bad[0]!r} in {what}; known: {', '.join(sorted(known))}")
        return table

    def integer(self, value: Any, where: tuple, what: str, minimum: int | None = None) -> int:
        """A TOML integer (not a bool, a float or a string), at least ``minimum``."""
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(where, f"{what} must be an integer, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.error(where, f"{what} must be >= {minimum}, got {value}")
        return int(value)

    def number(self, value: Any, where: tuple, what: str, minimum: float | None = None,
               below: float | None = None) -> float:
        """A finite TOML number in ``[minimum, below)`` (NaN, inf and strings are refused)."""
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self.error(where, f"{what} must be a number, got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise self.error(where, f"{what} must be finite, got {value}")
        if minimum is not None and value < minimum:
            raise self.error(where, f"{what} must be >= {minimum:g}, got {value:g}")
        if below is not None and value >= below:
            raise self.error(where, f"{what} must be below {below:g}, got {value:g}")
        return value

    def string(self, value: Any, where: tuple, what: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.error(where, f"{what} must be a non-empty string, got {value!r}")
        return value

    def boolean(self, value: Any, where: tuple, what: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(where, f"{what} must be true or false, got {value!r}")
        return value

    def int_list(self, value: Any, where: tuple, what: str) -> list[int]:
        """A non-empty list of non-negative integers (sweep numbers)."""
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise self.error(where, f"{what} must be a list of sweep numbers, got {value!r}")
        if not value:
            raise self.error(where, f"{what} = [] holds no sweeps")
        for k in value:
            if k < 0:
                raise self.error(where, f"unknown sweep {k} in {what}: sweeps count from 0")
        return list(value)

    # -- values with units -------------------------------------------------------------------
    def quantity(self, value: Any, unit: str, where: tuple, what: str) -> float:
        """A finite number in ``unit``: a plain number is taken as already in ``unit``; a
        string ``"0.05 ms"`` is converted (a unit of another dimension is an error)."""
        from neurokit.units import conversion_factor

        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.error(where, f"{what}: expected a number or a quantity string, got {value!r}")
        if isinstance(value, str):
            m = _QTY.match(value)
            if not m:
                raise self.error(where, f"{what}: cannot read {value!r} as a number with a unit")
            number, given = float(m.group(1)), m.group(2) or unit
            try:
                value = number * conversion_factor(given, unit, what=what)
            except NeurokitError as exc:
                raise self.error(where, f"{what}: unit mismatch: {exc}") from None
        if not math.isfinite(value):
            raise self.error(where, f"{what}: must be finite, got {value}")
        return float(value)

    def bounds(self, value: Any, unit: str, where: tuple, what: str) -> tuple[float, float]:
        """``[low, high]`` in ``unit`` with low < high."""
        if not (isinstance(value, list) and len(value) == 2):
            raise self.error(where, f"{what}: bounds must be a list [low, high], got {value!r}")
        lo, hi = (self.quantity(v, unit, where, what) for v in value)
        if not lo < hi:
            raise self.error(where, f"{what}: lower bound {lo:g} {unit} is not below upper bound {hi:g} {unit}"
                                    " (reversed or empty bounds)")
        return lo, hi

    def unit_of(self, spec: dict, unit: str, where: tuple, name: str) -> float:
        """Factor from the ``unit`` a parameter table gives to the model's ``unit``."""
        from neurokit.units import conversion_factor

        given = spec.get("unit", unit)
        try:
            return conversion_factor(self.string(given, where + ("unit",), f"parameter {name!r} unit"), unit)
        except NeurokitError as exc:
            raise self.error(where + ("unit",), f"parameter {name!r}: unit mismatch: {given!r} is not a "
                                                f"unit of the same kind as the model's {unit!r} ({exc})") from None

    def parameter(self, name: str, spec: Any, unit: str, where: tuple, default: float | None,
                  description: str = "", extra: tuple = ()) -> Parameter:
        """A free parameter from ``[lo, hi]`` or ``{bounds, unit, transform, start}`` (values
        in ``unit`` unless the table gives its own ``unit``). A ``start`` outside the bounds
        is an error; a model default outside them falls back to the midpoint."""
        transform = None
        if isinstance(spec, dict):
            self.keys(spec, {"bounds", "unit", "transform", "start", *extra}, where, f"parameter {name!r}")
            if "bounds" not in spec:
                raise self.error(where, f"parameter {name!r}: no bounds")
            f = self.unit_of(spec, unit, where, name)
            lo, hi = self.bounds(spec["bounds"], spec.get("unit", unit), where, f"parameter {name!r}")
            lo, hi = sorted((lo * f, hi * f))
            transform = spec.get("transform")
            if "start" in spec:
                start = self.quantity(spec["start"], spec.get("unit", unit), where + ("start",),
                                      f"parameter {name!r} start") * f
                if not lo <= start <= hi:
                    raise self.error(where + ("start",), f"parameter {name!r}: start {start:g} {unit} is outside "
                                                         f"its bounds [{lo:g}, {hi:g}] {unit}")
                default = start
        else:
            lo, hi = self.bounds(spec, unit, where, f"parameter {name!r}")
        if default is not None and not lo <= default <= hi:
            default = 0.5 * (lo + hi)  # the model's default lies outside the fit's box
        try:
            return Parameter(name, unit, (lo, hi), default, transform, description)
        except NeurokitError as exc:
            raise self.error(where, str(exc)) from None

    def need_trust(self, trusted: bool, where: tuple, what: str) -> None:
        """Refuse ``what`` (importing or compiling user code) unless the user opted in."""
        if not trusted:
            raise self.error(where, f"{what} runs code from outside neurokit, which needs trust: add "
                                    "`trust = true` at the top of the file or pass --trust")
