"""From Brian2's abstract code (sequential, re-assigning) to the IR's single-assignment step.

Three passes, all semantics-preserving:

1. single assignment: every statement gets a fresh local, later reads are renamed; Brian2's
   conditional write of ``(unless refractory)`` variables becomes ``where_(not_refractory,
   new, old)``;
2. hoisting: subexpressions that depend only on parameters and ``dt`` and cost something (a
   function call or a division) are computed once per neuron before the time loop (Brian2
   itself hoists only shared values, so per-neuron ``exp(V_T/4mV)`` would be recomputed at
   every step);
3. common subexpression elimination (sympy's ``cse``) over the whole step.

Before hoisting, the new value of a ``(unless refractory)`` variable is specialised to the
branch that uses it: Brian2 multiplies such derivatives by ``int(not_refractory)``, so the exact
update of a LIF keeps ``exp(int(nr)*dt/tau)`` and divisions per neuron per step; inside
``where_(nr, new, old)`` the flag is true, so ``new`` is rewritten with ``int_(nr) = 1``, which
leaves only parameter-dependent propagators (hoisted) and products per neuron.
"""

from __future__ import annotations

import sympy

from neurokit.codegen.ir import Assign, ModelIR, Output


class where_(sympy.Function):  # noqa: N801 - printed by name in the targets
    """``where_(c, a, b)``: ``a`` where ``c`` is non-zero, else ``b`` (elementwise)."""

    nargs = 3


def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def _costly(e: sympy.Basic) -> bool:
    for node in sympy.preorder_traversal(e):
        if isinstance(node, sympy.Function):
            return True
        if node.is_Pow and not (node.exp.is_Integer and node.exp > 0):
            return True
    return False


class _Hoister:
    def __init__(self, invariant_symbols: set[sympy.Symbol]):
        self.base = set(invariant_symbols)
        self.table: dict[sympy.Basic, sympy.Symbol] = {}

    def _is_inv(self, e) -> bool:
        return e.free_symbols <= self.base

    def _name(self, e) -> sympy.Symbol:
        if e not in self.table:
            self.table[e] = _sym(f"inv{len(self.table)}")
        return self.table[e]

    def __call__(self, e: sympy.Basic) -> sympy.Basic:
        if e.is_Atom:
            return e
        if self._is_inv(e):
            return self._name(e) if _costly(e) else e
        if isinstance(e, (sympy.Add, sympy.Mul)):
            inv = [a for a in e.args if not a.is_Number and self._is_inv(a)]
            rest = [a for a in e.args if a.is_Number or not self._is_inv(a)]
            if inv:
                part = e.func(*inv)
                if _costly(part):
                    return e.func(self._name(part), *[self(a) for a in rest])
        return e.func(*[self(a) for a in e.args])

    def assignments(self) -> list[Assign]:
        return [Assign(s.name, e) for e, s in self.table.items()]


def _fewer_divisions(e: sympy.Basic) -> sympy.Basic:
    """Put sums of fractions over one denominator (``a/b - c/d -> (a*d - c*b)/(b*d)``).

    Brian2's exponential Euler expands ``1/exprel(x)`` into nested fractions with three
    divisions each; a division costs as much as an exp in vector code, so this rewrite
    (exact in real arithmetic) is worth its rounding differences (relative 1e-15).
    """
    if not isinstance(e, sympy.Expr) or e.has(where_):
        return e
    try:
        return sympy.together(e, deep=True)
    except Exception:  # together fails on some non-commutative or boolean pieces: keep e
        return e


#: Functions through which a linear coefficient can be exactly zero for some states.
_STEP_FUNCTIONS = {"int_", "sign", "floor", "ceiling", "clip", "where_", "Heaviside", "Piecewise"}


def _may_vanish(e: sympy.Basic) -> bool:
    """True if ``e`` holds a comparison or a step-like function (``int(v > E)``), so that it
    can be exactly zero on a set of states of positive measure."""
    if e.atoms(sympy.core.relational.Relational):
        return True
    return any(type(f).__name__ in _STEP_FUNCTIONS for f in e.atoms(sympy.Function))


def _exprel(x: sympy.Basic) -> sympy.Basic:
    from brian2.parsing.sympytools import str_to_sympy

    return str_to_sympy("exprel(_x)").func(x)


def _zero_safe_exponential_euler(statements: list[tuple[str, sympy.Basic]]) -> list[tuple[str, sympy.Basic]]:
    """Rewrite Brian2's exponential-Euler update where its linear coefficient can vanish.

    Brian2 writes ``_BA_x = B/A; _x = (x + _BA_x)*exp(A*dt) - _BA_x``, which is 0/0 -> NaN
    wherever ``A`` is zero (``dv/dt = (E - v*int(v > E))/tau`` below ``E``), although the
    step has the finite limit ``x + B*dt`` there. Where ``A`` holds a comparison or a step
    function, the update becomes ``x + (A*x + B)*dt*exprel(A*dt)``: the same value in real
    arithmetic, and ``exprel(0) = 1`` gives the limit. Smooth coefficients keep Brian2's form.
    """
    out = list(statements)
    ba_defs: dict[str, sympy.Basic] = {}
    dt = _sym("dt")
    for k, (target, expr) in enumerate(statements):
        if target.startswith("_BA_"):
            ba_defs[target[4:]] = expr
            continue
        var = target[1:]
        if not target.startswith("_") or var not in ba_defs:
            continue
        ba = ba_defs.pop(var)
        s_var, s_ba = _sym(var), _sym(f"_BA_{var}")
        terms = sympy.Add.make_args(expr)
        if len(terms) != 2 or -s_ba not in terms:
            continue
        factors = sympy.Mul.make_args(terms[1] if terms[0] == -s_ba else terms[0])
        exps = [f for f in factors if isinstance(f, sympy.exp)]
        if len(exps) != 1 or sympy.Mul(*[f for f in factors if f is not exps[0]]) != s_var + s_ba:
            continue
        x = exps[0].args[0]  # A*dt
        if not _may_vanish(x):
            continue
        b_dt = ba * x  # B*dt: sympy cancels A's factors (int_(v > E)**-1 * int_(v > E) -> 1)
        if any(p.exp.is_negative and _may_vanish(p.base) for p in b_dt.atoms(sympy.Pow)):
            continue  # A did not cancel: keep Brian2's form
        out[k] = (target, s_var + (x * s_var + b_dt) * _exprel(x))
    return out


def _specialise_refractory(ssa: list[tuple[str, sympy.Basic]], kept: set[str]) -> list[tuple[str, sympy.Basic]]:
    """Set the refractory flag to true in the locals that only the true branch of a
    ``where_(flag, local, old)`` reads (exact: the other branch ignores them). ``kept``: names
    read outside the step (outputs, threshold)."""
    defs = {n: k for k, (n, _) in enumerate(ssa)}
    reads: dict[str, int] = {}
    for _, e in ssa:
        for sym in e.free_symbols:
            reads[sym.name] = reads.get(sym.name, 0) + 1
    out = list(ssa)
    for _, e in ssa:
        if not isinstance(e, where_):
            continue
        flag, new = e.args[0], e.args[1]
        if not (isinstance(flag, sympy.Symbol) and isinstance(new, sympy.Symbol)):
            continue
        k = defs.get(new.name)
        if k is None or reads.get(new.name, 0) != 1 or new.name in kept:
            continue
        body = out[k][1]
        ints = {f: sympy.Integer(1) for f in body.atoms(sympy.Function)
                if type(f).__name__ == "int_" and f.args == (flag,)}
        if ints:  # other uses of the flag stay as they are (true there anyway)
            out[k] = (out[k][0], body.xreplace(ints))
    return out


def _cse_ordered(assigns: list[tuple[str, sympy.Basic]], prefix: str) -> list[Assign]:
    """CSE over single-assignment statements, emitted in a valid order."""
    if not assigns:
        return []
    names = [a for a, _ in assigns]
    try:
        reps, reduced = sympy.cse([e for _, e in assigns], symbols=sympy.numbered_symbols(prefix, real=True))
    except Exception:  # sympy's cse fails on some boolean trees: keep the statements as they are
        return [Assign(n, e) for n, e in assigns]
    defs = dict(reps)
    out: list[Assign] = []
    done: set[sympy.Symbol] = set()

    def need(expr):
        for s in sorted(expr.free_symbols, key=lambda s: s.name):
            if s in defs and s not in done:
                need(defs[s])
                out.append(Assign(s.name, defs[s]))
                done.add(s)

    for name, expr in zip(names, reduced):
        need(expr)
        out.append(Assign(name, expr))
    return out


def optimise(*, name, method, states, params, stimulus, statements, conditional, threshold,
             on_spike, initial, n_rand_step, n_rand_reset, source) -> ModelIR:
    """Assemble a :class:`ModelIR` from Brian2's statements (see the module docstring)."""
    state_names = [s.name for s in states]
    if method == "exponential_euler":
        statements = _zero_safe_exponential_euler(list(statements))
    current: dict[str, sympy.Basic] = {}
    ssa: list[tuple[str, sympy.Basic]] = []
    for k, (target, expr) in enumerate(statements):
        expr = expr.xreplace({_sym(n): v for n, v in current.items()})
        if target in conditional:
            nr = current.get("not_refractory", _sym("not_refractory"))
            expr = where_(nr, expr, current.get(target, _sym(target)))
        local = f"l{k}_{target.strip('_')}"
        ssa.append((local, expr))
        current[target] = _sym(local)
    outputs = tuple(Output(s, current[s].name) for s in state_names
                    if s in current and current[s] != _sym(s))
    thr_name = None
    if threshold is not None:
        thr_name = "l_cond"
        ssa.append((thr_name, threshold.xreplace({_sym(n): v for n, v in current.items()})))

    ssa = _specialise_refractory(ssa, {o.value for o in outputs} | ({thr_name} if thr_name else set()))
    ssa = [(n, _fewer_divisions(e)) for n, e in ssa]
    invariant_base = {_sym(p.name) for p in params} | {_sym("dt")}
    hoist = _Hoister(invariant_base)
    ssa = [(n, hoist(e)) for n, e in ssa]
    invariants = _cse_ordered([(a.target, a.expr) for a in hoist.assignments()], "ic")
    step = _cse_ordered(ssa, "c")
    uses_t = any(_sym("t") in a.expr.free_symbols for a in step)
    return ModelIR(name=name, states=tuple(states), parameters=tuple(params), stimulus=stimulus,
                   invariants=tuple(invariants), step=tuple(step), outputs=outputs,
                   threshold=thr_name, on_spike=tuple(on_spike), initial=tuple(initial),
                   n_rand_step=n_rand_step, n_rand_reset=n_rand_reset, uses_t=uses_t,
                   method=method, source=source)
