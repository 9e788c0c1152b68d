"""Brian2 functions of a model in generated code: ``BinomialFunction`` calls and user
``brian2.Function`` objects (records in :mod:`neurokit.models.brian2_functions`).

- :func:`rewrite_calls` (front end, on Brian2's abstract code): ``name()`` of a binomial
  becomes ``loc + scale*_randn_k`` (Brian2's normal approximation) or
  ``binomial_inv(_rand_k, n, p)`` (exact, :mod:`neurokit.codegen.binomial`), one counter-based
  draw per call as for ``rand()``; a user function ``f(...)`` becomes ``_uf_<C name>(...)``,
  which the C and CUDA printers print as the C name and the NumPy target binds to the
  function's Python implementation.
- :func:`c_support` / :func:`cuda_support`: the user's C code pasted before the kernel
  (``inline`` made ``static inline`` so that C99 needs no external definition; in CUDA each
  definition gets ``__device__`` and math headers, which NVRTC lacks, are dropped).
- :func:`numpy_namespace`: ``_uf_<C name>`` -> Python implementation.

A function without the implementation a target needs raises an
:class:`~neurokit.errors.EquationError` naming the function and the target.
"""

from __future__ import annotations

import keyword
import re
from typing import Callable

from neurokit.errors import EquationError

PREFIX = "_uf_"
#: Names a user function's C name must not take: the generated code's own (C keywords, libm,
#: locals of the kernels) besides the ``nk_``/``NK_`` prefix and one-letter prefixes ``s_``...
_RESERVED = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "real", "t", "dt", "n", "s", "j", "b", "lo", "rel", "key", "row", "cur", "icur",
    "ok", "lv", "fire", "live", "any", "d", "state", "param", "keys", "rec", "exp", "log", "log10", "sqrt",
    "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "fabs", "floor", "ceil", "trunc",
    "pow", "fmin", "fmax", "fmod", "expm1", "log1p", "isfinite", "main", "memcpy", "i", "count", "died",
}
_RESERVED_PATTERN = re.compile(r"^(nk_|NK_|_|[spkqavd]_|r_?[un]\d)")
_MATH_INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"](math\.h|cmath|stdlib\.h|cstdlib)[>\"]\s*$", re.M)
_DEFINITION = re.compile(r"^([ \t]*)((?:static\s+|inline\s+|const\s+|unsigned\s+|signed\s+)*"
                         r"(?:double|float|int|long|bool|char|short|void|int64_t|int32_t|uint64_t)\b[\s\*]+"
                         r"[A-Za-z_]\w*\s*\()", re.M)


def _spec_kinds():
    from neurokit.models.brian2_functions import Binomial, UserFunction

    return Binomial, UserFunction


def all_functions(functions) -> list:
    """``functions`` and their C dependencies, dependencies first, each C name once."""
    _, UserFunction = _spec_kinds()
    out, seen = [], {}

    def add(f):
        if isinstance(f, UserFunction):
            for d in f.dependencies:
                add(d)
            if f.c_name in seen:
                if seen[f.c_name] != f:
                    raise EquationError(f"functions {seen[f.c_name].name!r} and {f.name!r} both define the "
                                        f"C name {f.c_name!r}")
                return
            seen[f.c_name] = f
        out.append(f)

    for f in functions or ():
        add(f)
    return out


def check_names(functions, taken: set[str], model_name: str) -> None:
    """Raise if a user function's C name is not a plain identifier, is reserved by the
    generated code, or is also a variable of the model (``taken``)."""
    _, UserFunction = _spec_kinds()
    for f in all_functions(functions):
        if not isinstance(f, UserFunction):
            continue
        c = f.c_name
        if (not c.isidentifier() or keyword.iskeyword(c) or c in _RESERVED or _RESERVED_PATTERN.match(c)
                or c in taken):
            raise EquationError(f"model {model_name!r}: function {f.name!r} has the C name {c!r}, which "
                                "collides with a name of the generated code or the model; rename it")


def rewrite_calls(text: str, functions, draw: Callable[[str], str]) -> str:
    """Abstract code ``text`` with the calls of ``functions`` rewritten (module docstring);
    ``draw(kind)`` names the next random draw of kind ``"rand"`` or ``"randn"``."""
    Binomial, _ = _spec_kinds()
    for f in functions or ():
        if isinstance(f, Binomial):
            def binom(m, f=f):
                if f.use_normal:
                    return f"({f.loc!r} + {f.scale!r}*{draw('randn')})"
                return f"binomial_inv({draw('rand')}, {float(f.n)!r}, {f.p!r})"

            text = re.sub(rf"\b{re.escape(f.name)}\s*\(\s*\)", binom, text)
        else:
            text = re.sub(rf"(?<![\w.]){re.escape(f.name)}\s*\(", f"{PREFIX}{f.c_name}(", text)
    return text


def _used(ir) -> list:
    _, UserFunction = _spec_kinds()
    return [f for f in all_functions(getattr(ir, "functions", ())) if isinstance(f, UserFunction)]


def _c_code(ir, target: str) -> list[tuple[str, str]]:
    out = []
    for f in _used(ir):
        if f.c_code is None:
            raise EquationError(f"model {ir.name!r}: function {f.name!r} has no 'cpp' implementation, which the "
                                f"{target} target needs (add one with implementation('cpp', code))")
        out.append((f.name, f.c_code))
    return out


def c_support(ir) -> str:
    """The user functions' C code for the C target ('' without any)."""
    parts = []
    for name, code in _c_code(ir, "C"):
        if not re.search(r"\bstatic\b", code):
            code = re.sub(r"\binline\b", "static inline", code)
        parts.append(f"/* user function {name} */\n{code}\n")
    return "".join(parts)


def cuda_support(ir) -> str:
    """The user functions' C code as CUDA device functions ('' without any)."""
    parts = []
    for name, code in _c_code(ir, "CUDA"):
        code = _MATH_INCLUDE.sub("", code)
        code = _DEFINITION.sub(lambda m: f"{m.group(1)}__device__ {m.group(2)}", code)
        parts.append(f"/* user function {name} */\n{code}\n")
    return "".join(parts)


def numpy_namespace(ir) -> dict:
    """``_uf_<C name>`` -> Python implementation of every user function of ``ir``."""
    ns = {}
    for f in _used(ir):
        fn = f.python()
        if fn is None:
            raise EquationError(f"model {ir.name!r}: function {f.name!r} has no Python implementation, which the "
                                "NumPy target needs")
        ns[PREFIX + f.c_name] = fn
    return ns


def c_name(printed: str) -> str | None:
    """The C name of a printed function name ``_uf_<C name>`` (None for other names)."""
    return printed[len(PREFIX):] if printed.startswith(PREFIX) else None
