"""The NumPy reference integrator: executes a :class:`~neurokit.codegen.ir.ModelIR` step by
step over arrays of neurons.

It is the definition the C target is checked against (same statements in the same order,
same counter-based random numbers); it is slow (a Python loop over time steps), so it is
meant for tests, small batches and machines without a C compiler.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from neurokit.codegen import runtime
from neurokit.codegen.binomial import binomial_inv
from neurokit.codegen.ir import ModelIR
from neurokit.expressions import check_identifier


class _Printer(NumPyPrinter):
    def __init__(self):
        super().__init__({"allow_unknown_functions": True, "fully_qualified_modules": False})

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Rational(self, expr):
        return repr(float(expr))

    def _print_Integer(self, expr):
        return repr(float(expr))

    def _print_Pow(self, expr, rational=False):
        b, e = expr.base, expr.exp
        if e.is_Integer and 0 < int(e) <= 8:
            return "(" + "*".join([f"({self._print(b)})"] * int(e)) + ")"
        if e == -1:
            return f"(1.0/({self._print(b)}))"
        return f"power({self._print(b)}, {self._print(e)})"

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"


def _exprel(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(np.abs(x) < 1e-16, 1.0, np.where(x > 717, np.inf, np.expm1(x) / x))


def _trunc(x):
    # Brian2's int(): a number, also of a comparison (np.trunc keeps booleans boolean, and
    # -True is a TypeError in NumPy).
    return np.trunc(np.asarray(x, dtype=float))


def _timestep(x, dt):
    return np.trunc((x + 1e-3 * dt) / dt)


def _poisson(u, z, lam):
    """Brian2's ``poisson(lam)`` from the call's draws (the C ``nk_poisson_inv``): the CDF
    inverted at uniform ``u``; a rounded normal (``z``) above a mean of 30."""
    u, z, lam = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (u, z, lam)))
    lam_pos = np.where(lam > 0.0, lam, 0.0)
    small = np.minimum(lam_pos, 30.0)
    p = np.exp(-small)
    F, k = p.copy(), np.zeros(u.shape)
    todo = (u > F) & (lam_pos <= 30.0) & (lam_pos > 0.0)
    while todo.any():
        k = np.where(todo, k + 1.0, k)
        p = np.where(todo, p * small / np.where(todo, k, 1.0), p)
        F = np.where(todo, F + p, F)
        todo &= (u > F) & (k < 1000.0)
    big = np.maximum(np.floor(lam_pos + np.sqrt(lam_pos) * z + 0.5), 0.0)
    return np.where(lam_pos > 30.0, big, np.where(lam_pos > 0.0, k, 0.0))


NAMESPACE = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asin": np.arcsin,
    "acos": np.arccos, "atan": np.arctan, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "abs": np.abs, "sign": np.sign, "ceil": np.ceil, "floor": np.floor,
    "ceiling": np.ceil, "clip": np.clip, "exprel": _exprel, "expm1": np.expm1, "log1p": np.log1p,
    "int_": _trunc, "timestep": _timestep, "where_": lambda c, a, b: np.where(c, a, b),
    "power": np.power, "logical_and": np.logical_and, "logical_or": np.logical_or,
    "logical_not": np.logical_not, "greater": np.greater, "greater_equal": np.greater_equal,
    "less": np.less, "less_equal": np.less_equal, "equal": np.equal, "not_equal": np.not_equal,
    "select": np.select, "nan": np.nan, "inf": np.inf, "pi": np.pi, "e": np.e, "mod": np.mod,
    "remainder": np.mod, "fmod": np.fmod, "poisson": _poisson, "binomial_inv": binomial_inv,
}


def _check_functions(exprs, extra=()) -> None:
    """Raise a typed error for a function the NumPy target does not implement (``extra``:
    names of the model's own functions, such as TimedArray lookups)."""
    from neurokit.errors import EquationError

    for e in exprs:
        for f in e.atoms(sympy.Function):
            fname = type(f).__name__
            if fname not in NAMESPACE and fname not in extra and fname not in ("Abs", "Mod", "Heaviside", "Piecewise", "Min", "Max"):
                raise EquationError(f"function {fname!r} has no implementation in the NumPy target")


def _function(name: str, args: list[str], body: list[tuple[str, sympy.Basic]], returns: str,
              extra: dict | None = None):
    extra = extra or {}
    _check_functions((e for _, e in body), extra)
    printer = _Printer()
    lines = [f"def {name}({', '.join(args)}):"]
    for target, expr in body:
        lines.append(f"    {target} = {printer.doprint(expr)}")
    lines.append(f"    return {returns}")
    src = "\n".join(lines)
    ns = {**NAMESPACE, **extra}
    exec(compile(src, f"<neurokit-numpy {name}>", "exec"), ns)  # noqa: S102 - our own generated code
    return ns[name], src


class NumpyKernel:
    """Python functions generated from an IR: invariants, one step, the spike statements."""

    def __init__(self, ir: ModelIR):
        # The names become Python parameters of exec'd functions: only plain identifiers.
        for name in (*ir.state_names, *ir.parameter_names, *([ir.stimulus] if ir.stimulus else [])):
            check_identifier(name, "state, parameter or stimulus name")
        self.ir = ir
        self.stim = ir.stimulus or "I_stim"
        from neurokit.codegen.timed_arrays import numpy_functions

        from neurokit.codegen.user_functions import numpy_namespace

        tables = {**numpy_functions(getattr(ir, "tables", ())), **numpy_namespace(ir)}
        # the stimulus under its own name (``I_stim`` for point models; rate nodes use ``inp``)
        ins = ir.state_names + ir.parameter_names + ["t", "dt", self.stim]
        ins += [f"_rand_{k}" for k in range(ir.n_rand_step)] + [f"_randn_{k}" for k in range(ir.n_rand_step)]
        inv_names = [a.target for a in ir.invariants]
        self.inv_fn, _ = _function("invariants", ir.parameter_names + ["dt"],
                                   [(a.target, a.expr) for a in ir.invariants],
                                   "{" + ", ".join(f"'{n}': {n}" for n in inv_names) + "}", tables)
        outs = [o.value for o in ir.outputs]
        ret = "(" + ", ".join(outs) + ("," if len(outs) == 1 else "") + ")"
        ret = f"{ret}, {ir.threshold or 'None'}"
        self.step_fn, self.step_source = _function(
            "step", ins + inv_names, [(a.target, a.expr) for a in ir.step], ret, tables)
        self.spike_fns = []
        for a in ir.on_spike:
            fn, _ = _function("on_spike", ir.state_names + ir.parameter_names + ["t", "dt"] +
                              [f"_rand_{k}_r" for k in range(ir.n_rand_reset)] +
                              [f"_randn_{k}_r" for k in range(ir.n_rand_reset)], [("_value", a.expr)], "_value",
                              tables)
            self.spike_fns.append((a.target, fn))

    def run(self, inp: runtime.BatchInputs) -> runtime.RawResult:
        """Integrate the batch ``inp`` (see :class:`~neurokit.codegen.runtime.BatchInputs`)."""
        ir, n = self.ir, inp.n
        state = {s: np.array(inp.init.get(s, np.zeros(n)), dtype=float) for s in ir.state_names}
        params = {p: np.asarray(inp.params[p], dtype=float) for p in ir.parameter_names}
        inv = self.inv_fn(**params, dt=inp.dt)
        inv = {k: np.broadcast_to(v, (n,)) for k, v in inv.items()}
        rec = {name: np.full((n, inp.n_rec), np.nan) for name in inp.record}
        cap = inp.spike_capacity
        spike_steps = np.full((n, cap), -1, dtype=np.int32)
        counts = np.zeros(n, dtype=np.int64)
        dead = np.zeros(n, dtype=bool)
        zero = np.zeros(n)
        rows = np.asarray(inp.stim_rows)
        keys = np.asarray(inp.keys, dtype=np.uint64)
        for step in range(inp.n_settle + inp.n_steps):
            rel = step - inp.n_settle
            t = rel * inp.dt
            if rel >= 0 and rel % inp.every == 0:
                for name, scale in zip(inp.record, inp.scales):
                    rec[name][:, rel // inp.every] = state[name] * scale
            current = inp.currents[rows, rel] if (rel >= 0 and inp.currents.size) else zero
            draws = {}
            for k in range(ir.n_rand_step):
                counter = step * ir.n_rand_step + k
                draws[f"_rand_{k}"] = runtime.uniform(keys, counter)
                draws[f"_randn_{k}"] = runtime.normal(keys, counter)
            with np.errstate(all="ignore"):
                values, cond = self.step_fn(**state, **params, t=t, dt=inp.dt, **{self.stim: current}, **draws, **inv)
            new = {}
            for out, value in zip(ir.outputs, values):
                new[out.state] = np.where(dead, state[out.state], np.broadcast_to(value, (n,)).astype(float))
            bad = np.zeros(n, dtype=bool)
            for value in new.values():
                bad |= ~np.isfinite(value)
            bad &= ~dead
            state.update(new)
            if bad.any():
                dead |= bad
                for s in ir.state_names:
                    state[s] = np.where(bad, np.nan, state[s])
            if cond is None:
                continue
            fired = np.broadcast_to(np.asarray(cond, dtype=bool), (n,)) & ~dead
            if not fired.any():
                continue
            idx = np.flatnonzero(fired)
            if rel >= 0:
                slot = counts[idx]
                ok = slot < cap
                spike_steps[idx[ok], slot[ok]] = rel
                counts[idx] += 1
            self._apply_spikes(idx, state, params, t, inp.dt, keys, step)
        return runtime.RawResult(rec, spike_steps, counts, dead)

    def _apply_spikes(self, idx, state, params, t, dt, keys, step):
        ir = self.ir
        draws = {}
        for k in range(ir.n_rand_reset):
            counter = runtime.RESET_STREAM + np.uint64(step * ir.n_rand_reset + k)
            draws[f"_rand_{k}_r"] = runtime.uniform(keys[idx], counter)
            draws[f"_randn_{k}_r"] = runtime.normal(keys[idx], counter)
        for target, fn in self.spike_fns:
            sub = {s: state[s][idx] for s in ir.state_names}
            sub.update({p: params[p][idx] for p in ir.parameter_names})
            with np.errstate(all="ignore"):
                value = fn(**sub, t=t, dt=dt, **draws)
            state[target][idx] = value
