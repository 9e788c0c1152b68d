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
