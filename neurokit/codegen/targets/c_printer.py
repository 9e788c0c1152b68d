"""Printing IR statements as C: the expression printer and the per-neuron statement blocks
shared by the C and CUDA targets (:mod:`neurokit.codegen.targets.c`, ``.cuda``).

Every name that reaches generated code passes :func:`neurokit.expressions.check_identifier`
(:func:`names`), and free text (a model's name) only enters a comment through
:func:`comment_text`, so nothing from a model file can close a comment or a string.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy.printing.c import C99CodePrinter

from neurokit.codegen.ir import ModelIR
from neurokit.errors import EquationError
from neurokit.expressions import check_identifier

_FUNCS = {"exprel": "nk_exprel", "poisson": "nk_poisson_inv", "binomial_inv": "nk_binomial_inv", "timestep": "nk_timestep", "clip": "nk_clip", "sign": "nk_sign",
          "int_": "trunc", "Abs": "fabs", "ceiling": "ceil", "floor": "floor", "asin": "asin",
          "acos": "acos", "atan": "atan", "exp": "exp", "log": "log", "log10": "log10",
          "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh",
          "cosh": "cosh", "tanh": "tanh", "expm1": "expm1", "log1p": "log1p"}


def comment_text(text: object, limit: int = 60) -> str:
    """``text`` reduced to characters that cannot end a C comment or string (letters, digits,
    ``_ - . +`` and spaces; anything else becomes ``_``)."""
    return "".join(ch if ch.isalnum() or ch in "_-.+ " else "_" for ch in str(text))[:limit]


class CPrinter(C99CodePrinter):
    """Prints IR expressions as C, mapping IR names through ``names`` (symbol -> C text).

    ``single``: literals and libm calls in float (``1.5f``, ``expf``), so that a float32
    kernel is never promoted to double.
    """

    #: Whether libm names take C's ``f`` suffix in single precision (not in CUDA's C++).
    suffix_functions = True

    def __init__(self, names: dict[str, str], single: bool = False):
        super().__init__({"strict": False})
        self.names = names
        self.single = single

    def _lit(self, x: float) -> str:
        if np.isnan(x):
            return "NAN"
        if np.isinf(x):
            return "INFINITY" if x > 0 else "(-INFINITY)"
        return f"{float(x)!r}f" if self.single else repr(float(x))

    def _print_Symbol(self, expr):
        return self.names.get(expr.name, f"k_{expr.name}")

    def _print_Float(self, expr):
        return self._lit(float(expr))

    def _print_Integer(self, expr):
        return self._lit(float(int(expr)))

    def _print_Rational(self, expr):
        return self._lit(float(expr))

    # Brian2's constants pi, e, inf as literals (C99's M_PI/M_E are not in strict ISO C).
    def _print_NumberSymbol(self, expr):
        return self._lit(float(expr))

    _print_Pi = _print_Exp1 = _print_NumberSymbol

    def _print_Infinity(self, expr):
        return self._lit(float("inf"))

    def _print_NegativeInfinity(self, expr):
        return self._lit(float("-inf"))

    def _print_NaN(self, expr):
        return self._lit(float("nan"))

    def _print_Mod(self, expr):
        # Brian2's '%' is Python's floored modulo (sign of the divisor), not C's fmod.
        a, b = (self._print(x) for x in expr.args)
        return f"{self._fn('nk_mod')}({a}, {b})"

    def _print_BooleanTrue(self, expr):
        return "1"

    def _print_BooleanFalse(self, expr):
        return "0"

    def _print_Pow(self, expr):
        # Integer powers as products (no pow() call, which does not vectorise as well).
        b, e = expr.base, expr.exp
        base = self._print(b)
        if e.is_Integer and 0 < int(e) <= 8:
            return "(" + "*".join([f"({base})"] * int(e)) + ")"
        if e.is_Integer and -8 <= int(e) < 0:
            return f"({self._lit(1.0)}/(" + "*".join([f"({base})"] * -int(e)) + "))"
        if e == sympy.Rational(1, 2):
            return f"{self._fn('sqrt')}({base})"
        return f"{self._fn('pow')}({base}, {self._print(e)})"

    def _fn(self, c_name: str) -> str:
        if self.single and self.suffix_functions:
            return c_name + ("_f" if c_name.startswith("nk_") else "f")
        return c_name

    # Booleans as 0/1 ints combined bitwise: short-circuit && / || on double operands make
    # gcc mix mask types and give up vectorising the loop.
    def _print_And(self, expr):
        return "(" + " & ".join(f"(({self._print(a)}) != 0)" for a in expr.args) + ")"

    def _print_Or(self, expr):
        return "(" + " | ".join(f"(({self._print(a)}) != 0)" for a in expr.args) + ")"

    def _print_Not(self, expr):
        return f"(({self._print(expr.args[0])}) == 0)"

    def _print_Relational(self, expr):
        # A comparison is a 0/1 number in arithmetic (Brian2's int(v > E)): cast it to the
        # floating type so that it mixes with doubles the same way in every target.
        op = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[expr.rel_op]
        ctype = "float" if self.single else "double"
        return f"(({ctype})(({self._print(expr.lhs)}) {op} ({self._print(expr.rhs)})))"

    def _print_Function(self, expr):
        name = type(expr).__name__
        args = [self._print(a) for a in expr.args]
        if name == "where_":
            return f"((({args[0]}) != 0) ? ({args[1]}) : ({args[2]}))"
        if name in _FUNCS:
            return f"{self._fn(_FUNCS[name])}({', '.join(args)})"
        if name.startswith("_uf_"):  # a user function: its own C name (neurokit.codegen.user_functions)
            return f"{check_identifier(name[4:], 'function')}({', '.join(args)})"
        if name.startswith("nk_ta_"):  # a TimedArray lookup (double in, double out)
            return f"{check_identifier(name, 'TimedArray')}({', '.join(args)})"
        raise EquationError(f"function {name!r} has no C implementation")

    _print_exp = _print_log = _print_sqrt = _print_sin = _print_cos = _print_tan = _print_Function
    _print_sinh = _print_cosh = _print_tanh = _print_asin = _print_acos = _print_atan = _print_Function
    _print_Abs = _print_ceiling = _print_floor = _print_sign = _print_Function


def names(ir: ModelIR) -> dict[str, str]:
    """IR symbol -> C local name; every state, parameter and stimulus name is checked to be a
    plain identifier first.

    Raises
    ------
    ExpressionError
        A name that is not ``[A-Za-z_][A-Za-z0-9_]*``.
    """
    for s in ir.state_names:
        check_identifier(s, "state variable")
    for p in ir.parameter_names:
        check_identifier(p, "parameter")
    out = {s: f"s_{s}" for s in ir.state_names}
    out.update({p: f"p_{p}" for p in ir.parameter_names})
    out.update({"t": "t", "dt": "dt"})
    if ir.stimulus:
        out[check_identifier(ir.stimulus, "stimulus")] = "I_stim"
    for k in range(ir.n_rand_step):
        out[f"_rand_{k}"] = f"r_u{k}"
        out[f"_randn_{k}"] = f"r_n{k}"
    return out


def used_draws(exprs, prefix: str, suffix: str = "") -> list[tuple[int, str]]:
    """``(k, symbol name)`` of the random draws ``<prefix>k<suffix>`` the expressions use."""
    used = set()
    for e in exprs:
        for s in e.free_symbols:
            if s.name.startswith(prefix) and s.name.endswith(suffix):
                used.add(s.name)
    out = []
    for name in sorted(used):
        core = name[len(prefix):len(name) - len(suffix)] if suffix else name[len(prefix):]
        out.append((int(core), name))
    return out


def step_body(ir: ModelIR, indent: str = "    ", ctype: str = "double") -> list[str]:
    """The per-neuron step as C statements on scalar locals.

    Expects ``s_<state>``, ``p_<param>``, ``k_<invariant>``, ``t``, ``dt``, ``I_stim`` and the
    random draws ``r_u<k>``/``r_n<k>`` to be defined; defines ``k_<output>`` and the threshold
    local ``k_l_cond``. ``ctype``: ``"double"`` or ``"float"``.
    """
    printer = CPrinter(names(ir), single=ctype == "float")
    return [f"{indent}const {ctype} k_{a.target} = {printer.doprint(a.expr)};" for a in ir.step]


def invariant_lines(ir: ModelIR, indent: str, ctype: str = "double") -> list[str]:
    """The per-neuron invariants (functions of parameters and ``dt``) as C statements."""
    printer = CPrinter(names(ir), single=ctype == "float")
    return [f"{indent}const {ctype} k_{a.target} = {printer.doprint(a.expr)};" for a in ir.invariants]


def reset_lines(ir: ModelIR, indent: str, state: str = "a_{}[j]", param: str = "q_{}[j]",
                key: str = "key[j]", ctype: str = "double", printer=None) -> list[str]:
    """The reset statements applied to a neuron that spiked, with their random draws from the
    reset stream. ``state``/``param`` format how a target names a neuron's state variables
    and parameters (arrays in C, registers in CUDA); ``printer`` builds the expression printer
    from that name map (default: :class:`CPrinter` in ``ctype``)."""
    names(ir)  # validates the names formatted below
    table = {s: state.format(s) for s in ir.state_names}
    table.update({p: param.format(p) for p in ir.parameter_names})
    table.update({"t": "t", "dt": "dt"})
    exprs = [a.expr for a in ir.on_spike]
    lines = []
    for kind, fn, prefix in (("_rand_", "nk_uniform", "ru"), ("_randn_", "nk_normal", "rn")):
        for k, name in used_draws(exprs, kind, "_r"):
            table[name] = f"{prefix}{k}"
            lines.append(f"{indent}const {ctype} {prefix}{k} = ({ctype}){fn}({key}, NK_RESET_STREAM + "
                         f"(uint64_t)s * {ir.n_rand_reset} + {k});")
    pr = printer(table) if printer is not None else CPrinter(table, single=ctype == "float")
    return lines + [f"{indent}{state.format(a.target)} = {pr.doprint(a.expr)};" for a in ir.on_spike]
