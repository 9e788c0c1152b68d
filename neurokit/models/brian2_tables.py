"""Brian2 ``TimedArray`` tables carried by a point model as data.

A Brian2 user drives a neuron with ``ta = TimedArray(values, dt=...)`` and writes ``ta(t)``
(1-D values) or ``ta(t, i)`` (2-D values, time first) in the equations, threshold or reset.
:func:`neurokit.models.point.from_brian2` turns each such object into a :class:`TimedTable`:
its values in SI as plain numbers (never a pickle, never code), its step ``dt`` in seconds and
its SI unit. The code generator (:mod:`neurokit.codegen.timed_arrays`) makes a lookup function
of it with Brian2's exact rounding and clipping rule, and the Brian2 backend rebuilds the
``TimedArray`` (:meth:`TimedTable.brian2_object`).

In a neurokit batch, ``i`` (the neuron index of Brian2) is the sample label: per-neuron values
of a Brian2 group become the samples of a batch (``params={"x": [...]}``), so
``ta(t, i)`` gives sample ``k`` the column ``k``, whatever the chunking of the batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from neurokit.errors import EquationError


@dataclass(frozen=True, repr=False)
class TimedTable:
    """A TimedArray as data: ``values`` (float64 SI, C order, shape ``shape``; the first axis
    is time), one row per ``dt`` seconds, in SI unit ``unit`` (Brian2 unit text, ``"1"`` for
    a number).

    Equality and hash go by content, so two models with different values never share an IR
    or a compiled library.
    """

    name: str
    values: bytes
    shape: tuple
    dt: float
    unit: str = "1"

    def __post_init__(self):
        if len(self.shape) not in (1, 2) or any(int(n) < 1 for n in self.shape):
            raise EquationError(f"TimedArray {self.name!r}: values of shape {self.shape} (need 1 or 2 "
                                "dimensions, time first, not empty)")
        if len(self.values) != 8 * int(np.prod(self.shape)):
            raise EquationError(f"TimedArray {self.name!r}: {len(self.values)} bytes for shape {self.shape}")
        if not (self.dt > 0 and np.isfinite(self.dt)):
            raise EquationError(f"TimedArray {self.name!r}: dt must be a positive duration, got {self.dt!r} s")

    @classmethod
    def from_array(cls, name: str, values, dt: float, unit: str = "1") -> "TimedTable":
        """A table of ``values`` (SI numbers, time first) with step ``dt`` (s)."""
        arr = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
        return cls(name, arr.tobytes(), tuple(int(n) for n in arr.shape), float(dt), unit)

    @classmethod
    def from_brian2(cls, name: str, timed_array) -> "TimedTable":
        """The table of a ``brian2.TimedArray`` (its values are stored in SI already)."""
        from brian2.units.fundamentalunits import get_unit

        dim = timed_array.dim
        unit = "1" if dim is None or dim.is_dimensionless else repr(get_unit(dim))
        return cls.from_array(name, timed_array.values, float(timed_array.dt), unit)

    @property
    def array(self) -> np.ndarray:
        """The values, read-only, shape ``shape`` (SI)."""
        return np.frombuffer(self.values, dtype=np.float64).reshape(self.shape)

    @property
    def two_d(self) -> bool:
        return len(self.shape) == 2

    @property
    def digest(self) -> str:
        """Hash of the content (values, shape, dt, unit)."""
        h = hashlib.sha256(self.values)
        h.update(repr((self.name, self.shape, self.dt, self.unit)).encode())
        return h.hexdigest()[:24]

    def __repr__(self) -> str:
        # Also what cache keys hash (json default=str): the digest stands for the values.
        return (f"TimedTable({self.name!r}, shape={self.shape}, dt={self.dt!r}, unit={self.unit!r}, "
                f"sha256={self.digest})")

    def brian2_object(self, pad_rows: int = 0):
        """The ``brian2.TimedArray`` of this table; ``pad_rows`` copies of the first row put
        in front (a Brian2 run that starts ``pad_rows*dt`` before the protocol's time 0)."""
        from neurokit.units import brian2_module

        b2 = brian2_module()
        arr = self.array
        if pad_rows:
            arr = np.concatenate([np.repeat(arr[:1], pad_rows, axis=0), arr], axis=0)
        unit = b2.Quantity(1.0, dim=b2.Equations(f"nk_u : {self.unit}")["nk_u"].dim)
        return b2.TimedArray(arr * unit, dt=self.dt * b2.second)


def brian2_namespace(tables, settle: float = 0.0) -> dict:
    """Name -> ``brian2.TimedArray`` of ``tables``, for a Brian2 group that runs ``settle``
    seconds before time 0 (each table padded with its first row over that time).

    Raises
    ------
    EquationError
        ``settle`` is not a whole number of a table's steps (its rows would shift).
    """
    out = {}
    for table in tables or ():
        rows = settle / table.dt
        if abs(rows - round(rows)) > 1e-9 * max(rows, 1.0):
            raise EquationError(f"TimedArray {table.name!r}: the protocol's settle time {settle!r} s is not a "
                                f"whole number of its steps ({table.dt!r} s); the Brian2 backend runs the settle "
                                "time before t = 0 and cannot shift the table")
        out[table.name] = table.brian2_object(int(round(rows)))
    return out
