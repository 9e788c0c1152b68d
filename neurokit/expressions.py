"""The one safe evaluator for expressions that come from files.

Fit, sweep and learn files, cell scaling rules, initial values and unit strings carry small
arithmetic expressions. They are parsed with :mod:`ast` and walked over a closed whitelist:
numbers, the names the caller provides, a fixed set of math functions, arithmetic and
comparison operators. Attribute access, subscripts, calls of anything else, lambdas and
comprehensions are refused, so no text from a file can reach Python objects; exponents and
sizes are bounded, so no text can hang the process.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from typing import Mapping

import numpy as np

from neurokit.errors import ExpressionError

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_LENGTH = 2000  # characters of one expression
MAX_NODES = 500  # AST nodes of one expression
MAX_EXPONENT = 1024.0  # |exponent| of a power
MAX_POWER_BASE = 1e6  # |base| of a power whose exponent is above 64

FUNCTIONS = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "sqrt": np.sqrt, "abs": np.abs,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh, "cosh": np.cosh,
    "tanh": np.tanh, "floor": np.floor, "ceil": np.ceil, "sign": np.sign,
    "minimum": np.minimum, "maximum": np.maximum, "min": np.minimum, "max": np.maximum,
    "where": np.where, "clip": np.clip,
}
# Arguments each function takes: NumPy ufuncs take an optional ``out`` too, which would write
# into a caller's array (exp(d, d)), and other counts raise TypeError; both are refused.
ARITY = {**{name: 1 for name in FUNCTIONS}, "minimum": 2, "maximum": 2, "min": 2, "max": 2, "where": 3,
         "clip": 3}
CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf}

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Mod: operator.mod, ast.FloorDiv: operator.floordiv}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Not: np.logical_not}
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}


def check_identifier(name: str, what: str = "name") -> str:
    """Return ``name`` if it matches ``[A-Za-z_][A-Za-z0-9_]*``, else raise.

    Names that reach generated code (C, CUDA, NMODL, NumPy) pass through here first.

    Raises
    ------
    ExpressionError
        Naming ``what`` and the offending text.
    """
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise ExpressionError(f"{what} {name!r} is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)")
    return name


def parse(text: str, where: str = "expression") -> ast.Expression:
    """Parse ``text`` and check it against the whitelist, without evaluating anything.

    Parameters
    ----------
    text : str
        The expression.
    where : str
        Where it came from (``"fits/x.toml:12 key 'scaling'"``), for error messages.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"{where}: expected an expression string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"{where}: expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"{where}: cannot parse {text!r}: {exc.msg}") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"{where}: expression has more than {MAX_NODES} terms")
    for node in nodes:
        _check_node(node, text, where)
    return tree


_ALLOWED = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp, ast.Compare,
            ast.BoolOp, ast.And, ast.Or, ast.IfExp, ast.Call, ast.Pow, *_BINARY, *_UNARY, *_COMPARE)


def _check_node(node, text: str, where: str) -> None:
    if not isinstance(node, _ALLOWED):
        raise ExpressionError(f"{where}: {type(node).__name__} is not allowed in {text!r} "
                              "(only numbers, names, arithmetic, comparisons and math functions)")
    if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or
                                           not isinstance(node.value, (int, float))):
        raise ExpressionError(f"{where}: literal {node.value!r} is not a number in {text!r}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise ExpressionError(f"{where}: call of {name!r} is not allowed in {text!r}; "
                                  f"functions: {', '.join(sorted(FUNCTIONS))}")
        if len(node.args) != ARITY[node.func.id]:
            raise ExpressionError(f"{where}: {node.func.id}() takes {ARITY[node.func.id]} argument(s), "
                                  f"got {len(node.args)} in {text!r}")
    if isinstance(node, ast.Name) and node.id.startswith("__"):
        raise ExpressionError(f"{where}: name {node.id!r} is not allowed in {text!r}")


def names_in(text: str, where: str = "expression") -> set[str]:
    """Free names of ``text`` (function names and constants excluded)."""
    tree = parse(text, where)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called - set(CONSTANTS)


def evaluate(text: str, names: Mapping[str, object] | None = None, where: str = "expression"):
    """Evaluate ``text`` over ``names`` (numbers or NumPy arrays) and the whitelist.

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    ExpressionError
        Unknown names, forbidden constructs, powers too large to compute; the message names
        ``where`` and the text.
    """
    tree = parse(text, where)
    env = {**CONSTANTS, **(names or {})}
    with np.errstate(all="ignore"):
        try:
            value = _eval(tree.body, env, text, where)
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2 ** 63:
                value = float(value)  # an integer beyond int64: a float, as a power gives
        except ExpressionError:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:  # e.g. -(not x): NumPy's bool minus
            raise ExpressionError(f"{where}: cannot evaluate {text!r}: {exc}") from None
    return value


def _eval(node, env, text, where):
    if isinstance(node, ast.Constant):  # ints past 2**53 as floats: no arbitrary precision
        return float(node.value) if abs(node.value) > 2 ** 53 else node.value
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise ExpressionError(f"{where}: unknown name {node.id!r} in {text!r}; "
                                  f"known: {', '.join(sorted(env)) or 'none'}")
        return env[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, env, text, where), _eval(node.right, env, text, where)
        if isinstance(node.op, ast.Pow):
            return _power(left, right, text, where)
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise ExpressionError(f"{where}: division by zero in {text!r}") from None
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, env, text, where))
    if isinstance(node, ast.Compare):
        left, result = _eval(node.left, env, text, where), True
        for op, comp in zip(node.ops, node.comparators):
            right = _eval(comp, env, text, where)
            result = np.logical_and(result, _COMPARE[type(op)](left, right))
            left = right
        return result
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, env, text, where) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = values[0]
        for v in values[1:]:
            out = combine(out, v)
        return out
    if isinstance(node, ast.IfExp):
        return np.where(_eval(node.test, env, text, where), _eval(node.body, env, text, where),
                        _eval(node.orelse, env, text, where))
    if isinstance(node, ast.Call):
        return FUNCTIONS[node.func.id](*(_eval(a, env, text, where) for a in node.args))
    raise ExpressionError(f"{where}: cannot evaluate {ast.unparse(node)!r}")  # pragma: no cover


def _power(base, exponent, text, where):
    exp_abs = np.max(np.abs(exponent)) if np.size(exponent) else 0.0
    if not np.isfinite(exp_abs) or exp_abs > MAX_EXPONENT or (
            exp_abs > 64 and np.max(np.abs(base)) > MAX_POWER_BASE):
        raise ExpressionError(f"{where}: power too large in {text!r} (exponents up to {MAX_EXPONENT:g})")
    if isinstance(base, int) and isinstance(exponent, int):
        base = float(base)  # no arbitrary-precision integers
    return np.power(base, exponent)
