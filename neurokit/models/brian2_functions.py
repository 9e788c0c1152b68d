"""Brian2 functions a point model calls, held as data: ``BinomialFunction`` draws and user
``brian2.Function`` objects with a C implementation.

:func:`function_spec` turns the object a Brian2 script has in its namespace into a frozen
record (:class:`Binomial`, :class:`UserFunction`) whose compared fields (numbers, the C code,
a digest of the Python code) decide the generated code and the IR cache key; the user's own
object rides along uncompared, for the NumPy target (its Python implementation, as Brian2's
NumPy target calls it) and the Brian2 backend (passed to Brian2 as it is).

The C code of a user function is the user's own, given in their Python script; it is never
read from a fit or sweep file (those name models, they cannot define functions).
"""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass, field

from neurokit.errors import EquationError


def _b2():
    from neurokit.units import brian2_module

    return brian2_module()


@dataclass(frozen=True)
class Binomial:
    """``name()`` draws from Brian2's ``BinomialFunction``: a normal number ``loc + scale*z``
    (Brian2's approximation, where ``approximate`` and ``n p > 5`` and ``n (1-p) > 5``),
    else an exact binomial number of ``n`` trials with probability ``p`` (inversion)."""

    name: str
    n: int | None = None
    p: float | None = None
    loc: float | None = None
    scale: float | None = None
    original: object = field(default=None, compare=False, repr=False)

    @property
    def use_normal(self) -> bool:
        return self.loc is not None

    def brian2(self):
        """The Brian2 object (the user's own where known)."""
        if self.original is not None:
            return self.original
        if self.use_normal:  # n, p from loc = n p and scale**2 = n p (1 - p)
            p = 1.0 - self.scale ** 2 / self.loc
            return _b2().BinomialFunction(round(self.loc / p), p, approximate=True)
        return _b2().BinomialFunction(self.n, self.p, approximate=False)


@dataclass(frozen=True)
class UserFunction:
    """A pure user function ``name(args)``: ``c_code`` defines ``c_name`` (None where the
    Function has no ``'cpp'`` implementation), ``dependencies`` are the functions that code
    calls; ``python_digest`` fingerprints the Python implementation (empty: none)."""

    name: str
    c_name: str
    c_code: str | None
    python_digest: str
    dependencies: tuple = ()
    original: object = field(default=None, compare=False, repr=False)

    def brian2(self):
        return self.original

    def python(self):
        """The Python implementation as Brian2's NumPy target calls it (SI numbers in, units
        checked), or None."""
        f = self.original
        if f is None:
            return None
        impls = f.implementations._implementations
        if "numpy" in impls:
            return impls["numpy"].get_code(None)
        if f.pyfunc is None:
            return None
        from brian2.core.functions import FunctionImplementationContainer

        box = FunctionImplementationContainer(f)  # a fresh container: the user's Function is not changed
        box.add_numpy_implementation(f.pyfunc)
        return box._implementations["numpy"].get_code(None)


def _closure(func) -> dict:
    code = getattr(func, "__code__", None)
    cells = getattr(func, "__closure__", None) or ()
    return dict(zip(code.co_freevars, (c.cell_contents for c in cells))) if code else {}


def _binomial(ident: str, value) -> Binomial:
    """The numbers of a ``BinomialFunction`` (kept by Brian2 only in its sampler's closure)."""
    try:
        sampler = _closure(value.pyfunc)["sample_function"]
        env = _closure(sampler)
        if "loc" in env:
            return Binomial(ident, loc=float(env["loc"]), scale=float(env["scale"]), original=value)
        return Binomial(ident, n=int(env["n"]), p=float(env["p"]), original=value)
    except (KeyError, TypeError, AttributeError):
        raise EquationError(f"BinomialFunction {ident!r}: cannot read its n and p from this Brian2 "
                            "version") from None


def _digest(func) -> str:
    code = getattr(getattr(func, "_orig_func", func), "__code__", None)
    if code is None:
        return "" if func is None else repr(func)
    return hashlib.sha256(marshal.dumps(code)).hexdigest()[:16]


def _c_code(ident: str, impl) -> str:
    if impl.dynamic:
        raise EquationError(f"Function {ident!r}: a dynamic 'cpp' implementation is not supported by the "
                            "native targets")
    code = impl.get_code(None)
    if isinstance(code, dict):
        unknown = set(code) - {"support_code", "hashdefine_code"}
        if unknown:
            raise EquationError(f"Function {ident!r}: 'cpp' code blocks {sorted(unknown)} are not supported "
                                "by the native targets (only support_code, hashdefine_code)")
        code = "\n".join(code.get(k) or "" for k in ("hashdefine_code", "support_code"))
    if not isinstance(code, str):
        raise EquationError(f"Function {ident!r}: its 'cpp' implementation is a {type(code).__name__}, "
                            "not C code")
    kwds = dict(impl.compiler_kwds or {})
    headers = kwds.pop("headers", [])
    if kwds:
        raise EquationError(f"Function {ident!r}: compiler options {sorted(kwds)} are not supported by the "
                            "native targets (only headers)")
    return "".join(f"#include {h}\n" for h in headers) + code


def function_spec(ident: str, value, _seen: tuple = ()) -> Binomial | UserFunction:
    """The record of the Brian2 function ``value`` that the equations call ``ident``.

    Raises
    ------
    EquationError
        A stateful or auto-vectorised function other than ``BinomialFunction``, C code the
        native targets cannot take, or dependencies that form a cycle.
    """
    from brian2.input.binomial import BinomialFunction

    if isinstance(value, BinomialFunction):
        return _binomial(ident, value)
    if not value.stateless or value.auto_vectorise:
        raise EquationError(f"Function {ident!r} is stateful or auto-vectorised: the native targets take "
                            "only pure user functions (and BinomialFunction)")
    if ident in _seen:
        raise EquationError(f"Function {ident!r}: its 'cpp' dependencies form a cycle")
    impls = value.implementations._implementations
    impl = impls.get("cpp")
    code, c_name, deps = None, ident, ()
    if impl is not None:
        code = _c_code(ident, impl)
        c_name = impl.name or ident
        deps = tuple(function_spec(k, v, (*_seen, ident)) for k, v in sorted((impl.dependencies or {}).items()))
        if any(isinstance(d, Binomial) for d in deps):
            raise EquationError(f"Function {ident!r}: a BinomialFunction as a 'cpp' dependency is not supported")
    python = impls["numpy"].get_code(None) if "numpy" in impls else value.pyfunc
    return UserFunction(ident, c_name, code, _digest(python), deps, original=value)


def is_function(value) -> bool:
    """True for a Brian2 ``Function`` (user function or BinomialFunction), not a TimedArray."""
    b2 = _b2()
    return isinstance(value, b2.Function) and not isinstance(value, b2.TimedArray)


def brian2_namespace(functions) -> dict:
    """Identifier -> Brian2 object of every function of a model (for a ``NeuronGroup``)."""
    return {f.name: f.brian2() for f in functions or ()}
