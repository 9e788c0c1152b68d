"""Brian2 ``TimedArray`` lookups in the IR and in every target.

The front end replaces a call ``ta(time)`` (1-D table) or ``ta(time, index)`` (2-D table) of a
:class:`~neurokit.models.brian2_tables.TimedTable` by ``nk_ta_<name>(time, dt)`` or
``nk_ta_<name>(time, dt, index)``: ``dt`` (the simulation step) is an argument because Brian2's
rounding depends on it. Each target implements the lookup as Brian2's C++/Cython code does
(``brian2/input/timedarray.py``)::

    K       = max(int(2**ceil(log2(8/dt*dt_table))), 1)    # upsampling against rounding
    epsilon = dt_table / K                                  # dt_table printed with 18 decimals
    row     = (int)((time/epsilon + 0.5)/K), clipped to [0, rows - 1]
    value   = values[row]            (1-D)
            = values[row, (int)index], NaN where index is outside [0, cols)   (2-D)

The time argument may be any expression (Brian2's Runge-Kutta methods write ``ta(t + dt/2)``).
The values become a constant array in the generated C/CUDA source, so new values give new
source and a new library (never a stale one); the NumPy target indexes the array.
"""

from __future__ import annotations

import numpy as np
import sympy

from neurokit.errors import EquationError

PREFIX = "nk_ta_"


def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def lookup_calls(e: sympy.Basic, tables, model: str, where: str) -> sympy.Basic:
    """``e`` with each call of a table in ``tables`` (name -> TimedTable) replaced by its
    ``nk_ta_<name>`` lookup.

    Raises
    ------
    EquationError
        A table called with the wrong number of arguments, or used in an initial value
        (where the native targets have no time).
    """
    if not tables:
        return e
    from sympy.core.function import AppliedUndef

    def is_call(x):
        return isinstance(x, AppliedUndef) and x.func.__name__ in tables

    def lookup(x):
        table = tables[x.func.__name__]
        need = 2 if table.two_d else 1
        if len(x.args) != need:
            form = f"{table.name}(t, i)" if table.two_d else f"{table.name}(t)"
            raise EquationError(f"model {model!r}: {where} calls TimedArray {table.name!r} of shape "
                                f"{table.shape} with {len(x.args)} argument(s); write {form}")
        if where.startswith("initial value"):
            raise EquationError(f"model {model!r}: TimedArray {table.name!r} in the {where} is not supported "
                                "by the native targets (C, CUDA, NumPy); give the start value as a number or "
                                "an expression of parameters")
        return sympy.Function(PREFIX + table.name)(x.args[0], _sym("dt"), *x.args[1:])

    return e.replace(is_call, lookup)


def table_of(name: str, tables):
    """The table whose lookup function is ``name`` (``nk_ta_<table>``), or None."""
    if not name.startswith(PREFIX):
        return None
    for table in tables or ():
        if PREFIX + table.name == name:
            return table
    return None


def _lit(x: float, cuda: bool) -> str:
    if np.isnan(x):
        return "(0.0*(1e300*1e300))" if cuda else "NAN"
    if np.isinf(x):
        inf = "(1e300*1e300)" if cuda else "INFINITY"
        return inf if x > 0 else f"(-{inf})"
    return repr(float(x))


def c_support(tables, cuda: bool = False) -> str:
    """C (or CUDA ``__device__``) definitions of the tables' values and lookup functions."""
    from neurokit.expressions import check_identifier

    out = []
    for table in tables or ():
        name = check_identifier(table.name, "TimedArray")
        values = table.array
        rows = values.shape[0]
        cols = values.shape[1] if table.two_d else 1
        flat = values.ravel()
        # Brian2 computes K with dt as a number but prints dt with 18 decimals into epsilon.
        dt_k, dt_eps = repr(float(table.dt)), repr(float(f"{table.dt:.18f}"))
        qual = "__device__ static const" if cuda else "static const"
        fn = "__device__ __forceinline__ double" if cuda else "static inline double"
        itype = "long long" if cuda else "int64_t"
        nan = "(0.0*(1e300*1e300))" if cuda else "NAN"
        body = ",\n    ".join(", ".join(_lit(v, cuda) for v in flat[k:k + 8]) for k in range(0, flat.size, 8))
        args = "const double t, const double dt" + (", const double i" if table.two_d else "")
        out += [f"/* TimedArray {name}: {rows} x {cols} values, dt {dt_k} s (Brian2's lookup rule) */",
                f"{qual} double nk_tv_{name}[{flat.size}] = {{\n    {body}\n}};",
                f"{fn} {PREFIX}{name}({args}) {{",
                f"    double K = floor(exp2(ceil(log2(8.0 / dt * {dt_k}))));",
                "    if (!(K >= 1.0)) K = 1.0;",
                f"    const double eps = {dt_eps} / K;",
                "    double x = (t / eps + 0.5) / K;",
                f"    x = x < 0.0 ? 0.0 : (x > {rows - 1}.0 ? {rows - 1}.0 : x);"]
        if table.two_d:
            out += [f"    if (!(i > -1.0 && i < {cols}.0)) return {nan};",
                    f"    return nk_tv_{name}[({itype})x * {cols} + ({itype})i];", "}", ""]
        else:
            out += [f"    return nk_tv_{name}[({itype})x];", "}", ""]
    return "\n".join(out)


def _rows(table, t, dt) -> np.ndarray:
    K = max(int(2 ** np.ceil(np.log2(8 / dt * table.dt))), 1)
    eps = float(f"{table.dt:.18f}") / K
    x = (np.asarray(t, dtype=float) / eps + 0.5) / K
    return np.trunc(np.clip(x, 0.0, table.shape[0] - 1)).astype(np.int64)


def numpy_functions(tables) -> dict:
    """``nk_ta_<name>`` -> NumPy implementation of the lookup (same rule as the C code)."""
    out = {}
    for table in tables or ():
        values = table.array
        if table.two_d:
            def fn(t, dt, i, values=values, table=table):
                col = np.asarray(i, dtype=float)
                ok = (col > -1.0) & (col < values.shape[1])
                c = np.where(ok, np.trunc(np.where(ok, col, 0.0)), 0.0).astype(np.int64)
                return np.where(ok, values[_rows(table, t, dt), c], np.nan)
        else:
            def fn(t, dt, values=values, table=table):
                return values[_rows(table, t, dt)]
        out[PREFIX + table.name] = fn
    return out
