"""Front end: Brian2 equations -> :class:`~neurokit.codegen.ir.ModelIR`.

Everything that decides *what* is computed comes from Brian2 itself, so a model means here
exactly what it means in Brian2:

- the equations are parsed and their units checked by :class:`brian2.Equations` /
  :class:`brian2.NeuronGroup` (never executed here: the group only supplies its variables);
- the integration scheme is Brian2's (``StateUpdateMethod.apply_stateupdater`` through the
  group's own state updater, so ``(unless refractory)`` and refractoriness as a duration or a
  condition give Brian2's abstract code);
- threshold (``_cond = (...) and not_refractory``) and reset code are the group's own.

The abstract code is turned into sympy with Brian2's ``str_to_sympy``, unit names are
replaced by their SI values, and :mod:`neurokit.codegen.optimise` makes single-assignment
locals, hoists per-neuron invariants and eliminates common subexpressions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

import sympy

from neurokit.codegen.ir import Assign, ModelIR, ParamVar, StateVar, random_symbol
from neurokit.codegen.reset_params import written_parameters
from neurokit.codegen.user_functions import check_names, rewrite_calls
from neurokit.errors import EquationError, ModelError
from neurokit.models.brian2_tables import brian2_namespace
from neurokit.models.brian2_functions import brian2_namespace as function_namespace

_STATEMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9]*)\s*(=|\+=|-=|\*=|/=)\s*(.+?)\s*$")
_RANDOM_CALL = re.compile(r"\b(randn|rand)\s*\(\s*\)")
_POISSON_CALL = re.compile(r"\bpoisson\s*\(")
_UNSUPPORTED = {"N": "the group size", "t_in_timesteps": "t_in_timesteps"}


def _sym(name: str) -> sympy.Symbol:
    # Brian2's str_to_sympy makes real symbols; every symbol of the IR is made the same way.
    return sympy.Symbol(name, real=True)


def _si_unit(dim) -> str:
    from brian2.units.fundamentalunits import get_unit

    return "1" if dim is None or getattr(dim, "is_dimensionless", False) else str(get_unit(dim))


def _split_code(code: str) -> list[tuple[str, str, str]]:
    """Abstract code -> [(target, op, expr)], accepting ``;`` and newlines as separators."""
    out = []
    for line in re.split(r"[;\n]", code or ""):
        line = line.split("#", 1)[0]
        if not line.strip():
            continue
        m = _STATEMENT.match(line)
        if m is None:
            raise EquationError(f"cannot read statement {line.strip()!r}")
        out.append(m.groups())
    return out


class _Converter:
    """Turns Brian2 abstract code into sympy with constants replaced by their values."""

    def __init__(self, group, model_name: str):
        self.group = group
        self.model_name = model_name
        self.constants: dict[sympy.Symbol, sympy.Basic] = {}
        self.rand_counts = {"step": 0, "reset": 0}
        self.functions = ()  # Brian2 functions of the model (neurokit.codegen.user_functions)
        self.tables = {}  # TimedArray name -> TimedTable

    def expr(self, text: str, where: str, stream: str = "step") -> sympy.Basic:
        from brian2.parsing.sympytools import str_to_sympy

        # Each rand()/randn() call is its own draw: give it a unique name before sympy
        # (which would merge two identical calls into one).
        def repl(m):
            k = self.rand_counts[stream]
            self.rand_counts[stream] += 1
            return random_symbol(m.group(1), k).name + ("_r" if stream == "reset" else "")

        # poisson(lam) gets its own draws as leading arguments (inverted by the targets).
        def pois(m):
            k = self.rand_counts[stream]
            self.rand_counts[stream] += 1
            sfx = "_r" if stream == "reset" else ""
            return f"poisson({random_symbol('rand', k).name}{sfx}, {random_symbol('randn', k).name}{sfx}, "

        text = _POISSON_CALL.sub(pois, _RANDOM_CALL.sub(repl, text))
        text = rewrite_calls(text, self.functions, lambda kind: repl(re.match(r"(\w+)", kind)))
        try:
            e = str_to_sympy(text)
        except Exception as exc:  # Brian2 raises SyntaxError/ValueError/TypeError on bad code
            raise EquationError(f"model {self.model_name!r}: cannot parse {where} {text!r}: {exc}") from None
        from neurokit.codegen.timed_arrays import lookup_calls

        return lookup_calls(self._resolve(e, where), self.tables, self.model_name, where)

    def _resolve(self, e: sympy.Basic, where: str) -> sympy.Basic:
        from brian2.core.variables import Constant

        names = {s.name for s in e.free_symbols}
        external = [n for n in names if n not in self.group.variables and not n.startswith("_")]
        if external:
            try:
                resolved = self.group.resolve_all(external, run_namespace={})
            except KeyError as exc:
                raise EquationError(f"model {self.model_name!r}: unknown name in {where}: {exc}") from None
            for name, obj in resolved.items():
                value = getattr(obj, "value", None)
                if isinstance(obj, Constant) or value is not None:
                    self.constants[_sym(name)] = sympy.Float(float(value))
                else:
                    raise EquationError(f"model {self.model_name!r}: {name!r} in {where} is not a constant")
        for name in names & set(_UNSUPPORTED):
            raise EquationError(f"model {self.model_name!r}: {where} uses {_UNSUPPORTED[name]} {name!r}, "
                                "which the native backend does not support")
        # One symbol per name: Brian2 gives some names (t, dt...) other assumptions.
        e = e.xreplace({s: _sym(s.name) for s in e.free_symbols})
        return e.xreplace(self.constants)


def _make_group(model):
    from neurokit.units import brian2_module

    NeuronGroup = brian2_module().NeuronGroup

    refractory = model.refractory if model.refractory else False
    try:
        return NeuronGroup(1, model.equations, threshold=model.threshold, reset=model.reset,
                           refractory=refractory, method=model.method,
                           namespace={**brian2_namespace(getattr(model, "tables", ())),
                                      **function_namespace(getattr(model, "functions", ()))})
    except Exception as exc:  # EquationsException, SyntaxError, ValueError from Brian2
        raise EquationError(f"model {model.name!r}: {type(exc).__name__}: {exc}") from None


def _abstract_code(group, model):
    """Brian2's abstract code of one step: refractory + state update, threshold, reset."""
    from brian2.equations.unitcheck import check_units_statements
    from brian2.units.fundamentalunits import DimensionMismatchError

    name = model.name
    try:
        group.equations.check_units(group, run_namespace={})
    except DimensionMismatchError as exc:
        raise EquationError(f"model {name!r}: inconsistent units: {exc}") from None
    except (KeyError, TypeError, ValueError, SyntaxError) as exc:  # SyntaxError: a call's argument count
        raise EquationError(f"model {name!r}: {exc}") from None
    try:
        updater = group.state_updater
        updater.update_abstract_code(run_namespace={})
        update = updater.abstract_code
    except DimensionMismatchError as exc:
        raise EquationError(f"model {name!r}: refractory {model.refractory!r}: {exc}") from None
    except Exception as exc:  # UnsupportedEquationsException, TypeError, KeyError from Brian2
        raise EquationError(f"model {name!r}: cannot integrate with method {model.method!r}: "
                            f"{type(exc).__name__}: {exc}") from None
    threshold = reset = None
    if model.threshold:
        thr = group.thresholder["spike"]
        try:
            thr.update_abstract_code(run_namespace={})
        except Exception as exc:  # TypeError for a non-boolean condition, KeyError for names
            raise EquationError(f"model {name!r}: threshold {model.threshold!r}: {exc}") from None
        threshold = thr.abstract_code
    if model.reset:
        res = group.resetter["spike"]
        try:
            res.update_abstract_code(run_namespace={})
            reset = res.abstract_code
            variables = group.resolve_all(
                {s for s in re.findall(r"[A-Za-z_]\w*", reset)} - {"and", "or", "not"},
                run_namespace={})
            check_units_statements(reset, variables)
        except DimensionMismatchError as exc:
            raise EquationError(f"model {name!r}: inconsistent units in reset {model.reset!r}: {exc}") from None
        except Exception as exc:  # KeyError for unknown names, SyntaxError
            raise EquationError(f"model {name!r}: reset {model.reset!r}: {type(exc).__name__}: {exc}") from None
    return update, threshold, reset


def _subexpressions(group, conv: _Converter) -> dict[sympy.Symbol, sympy.Basic]:
    """Subexpression name -> sympy definition (Brian2 substitutes these in the update code;
    threshold and reset may still name them)."""
    subs = {}
    for name in group.equations.subexpr_names:
        subs[_sym(name)] = conv.expr(str(group.equations[name].expr), f"subexpression {name!r}")
    for _ in range(len(subs)):  # nested subexpressions
        subs = {k: v.xreplace(subs) for k, v in subs.items()}
    return subs


def build_ir(model) -> ModelIR:
    """The IR of a :class:`~neurokit.models.point.PointModel` (cached per process).

    Raises
    ------
    EquationError
        Equations that do not parse, have inconsistent units, use names the native backend
        cannot provide, or cannot be integrated with the chosen method; the message names
        the model and the offending equation or statement.
    """
    try:
        key = (model.name, model.equations, model.threshold, model.reset, model.refractory,
               model.method, model.stimulus, tuple(sorted((model.initial or {}).items())),
               tuple(getattr(model, "tables", ()) or ()), tuple(getattr(model, "functions", ()) or ()))
    except AttributeError:
        raise ModelError(f"native backend needs a PointModel, got {type(model).__name__}") from None
    return _build_ir_cached(key)


@functools.lru_cache(maxsize=64)
def _build_ir_cached(key) -> ModelIR:
    from types import SimpleNamespace

    name, equations, threshold, reset, refractory, method, stimulus, initial, tables, functions = key
    model = SimpleNamespace(name=name, equations=equations, threshold=threshold, reset=reset,
                            refractory=refractory, method=method, tables=tables, functions=functions)
    if not isinstance(equations, str) or not equations.strip():
        raise EquationError(f"model {name!r}: equations must be a non-empty Brian2 equation string")
    group = _make_group(model)
    try:
        return _translate(group, model, key)
    finally:
        group._network = "neurokit"  # only borrowed for its variables: no 'never run' warning


def _translate(group, model, key) -> ModelIR:
    from neurokit.codegen.optimise import optimise

    name, equations, threshold, reset, refractory, method, stimulus, initial, tables, functions = key
    update, thr_code, reset_code = _abstract_code(group, model)
    conv = _Converter(group, name)
    conv.functions = functions
    conv.tables = {t.name: t for t in tables}
    eqs = group.equations

    diff = sorted(eqs.diff_eq_names)
    extra = [n for n in ("not_refractory", "lastspike") if n in group.variables and refractory]
    # Brian2 stores a '(constant over dt)' subexpression per neuron, recomputed at the start
    # of every step: here a state variable whose update is the step's first statement.
    stored = [eq.varname for eq in group.user_equations.ordered
              if eq.type == "subexpression" and "constant over dt" in eq.flags]
    written = written_parameters(reset_code, eqs, stimulus, name)  # per-neuron states, start = the parameter
    states = tuple(StateVar(n, _si_unit(group.variables[n].dim)) for n in diff + stored + extra + written)
    param_names = sorted(n for n in eqs.parameter_names if n not in extra and n not in stored + written)
    stim = stimulus if stimulus in param_names else None
    params = tuple(ParamVar(n, _si_unit(group.variables[n].dim), "shared" in eqs[n].flags)
                   for n in param_names if n != stim)
    conditional = {n for n in diff if "unless refractory" in eqs[n].flags} if refractory else set()

    statements = []
    subexpr = _subexpressions(group, conv)
    for target in stored:
        text = str(group.user_equations[target].expr)
        statements.append((target, conv.expr(text, f"subexpression {target!r}").xreplace(subexpr)))
    for target, op, text in _split_code(update):
        e = conv.expr(text, f"update of {target!r}")
        e = _apply_op(_sym(target), op, e)
        statements.append((target, e))
    cond = None
    if thr_code:
        (_, _, text), = _split_code(thr_code)
        cond = conv.expr(text, f"threshold {threshold!r}").xreplace(subexpr)
    on_spike = []
    if refractory and thr_code:
        on_spike += [Assign("lastspike", _sym("t")), Assign("not_refractory", sympy.Integer(0))]
    for target, op, text in _split_code(reset_code or ""):
        if target not in {s.name for s in states}:
            raise EquationError(f"model {name!r}: reset assigns {target!r}, which is not a state variable")
        e = conv.expr(text, f"reset {reset!r}", stream="reset").xreplace(subexpr)
        on_spike.append(Assign(target, _apply_op(_sym(target), op, e)))
    init = _initial_values(group, conv, name, states, initial, subexpr, written)
    check_names(functions, {s.name for s in states} | {p.name for p in params}, name)
    # Brian2's neuron index 'i': a per-neuron input like a parameter (the sample label)
    read = [e for _, e in statements] + [a.expr for a in (*on_spike, *init)] + ([] if cond is None else [cond])
    if any(_sym("i") in e.free_symbols for e in read):
        params += (ParamVar("i", "1"),)
    return replace(optimise(
        name=name, method=method, states=states, params=params, stimulus=stim,
        statements=statements, conditional=conditional, threshold=cond, on_spike=on_spike,
        initial=init, n_rand_step=conv.rand_counts["step"], n_rand_reset=conv.rand_counts["reset"],
        source=update), tables=tuple(tables), functions=tuple(functions))


def _apply_op(target: sympy.Symbol, op: str, e: sympy.Basic) -> sympy.Basic:
    if op == "=":
        return e
    return {"+=": sympy.Add, "-=": lambda a, b: a - b, "*=": sympy.Mul, "/=": lambda a, b: a / b}[op](target, e)


#: Start values of the variables Brian2 adds for refractoriness.
_BUILTIN_START = {"lastspike": -1e4, "not_refractory": 1.0}


def _initial_values(group, conv, model_name, states, initial, subexpr, written=()) -> list[Assign]:
    """Start values as expressions of the parameters only.

    An initial value may use parameters, other state variables and subexpressions (Brian2's
    ``group.u = 'b*v'``, ``group.n = 'n_inf'``); they are resolved in dependency order and
    substituted, so every target evaluates plain functions of the parameters. A state
    without an initial value starts at 0 (Brian2's default); a parameter that the reset writes
    (``written``) starts at the parameter's value.
    """
    names = {s.name for s in states}
    given = {}
    for var, text in initial:
        if var not in names:
            raise EquationError(f"model {model_name!r}: initial value for {var!r}, which is not a state variable")
        given[var] = _initial_expr(group, conv, model_name, var, text).xreplace(subexpr)
    done = {_sym(n): sympy.Float(v) for n, v in _BUILTIN_START.items() if n in names}
    out, pending = [Assign(w, _sym(w)) for w in written if w not in given], dict(given)
    done.update({_sym(a.target): _sym(a.target) for a in out})
    while pending:
        ready = [v for v, e in pending.items()
                 if not ({s.name for s in e.free_symbols} & (set(pending) - {v}))]
        if not ready:
            raise EquationError(f"model {model_name!r}: initial values of {sorted(pending)} depend on "
                                "each other in a cycle")
        for var in ready:
            expr = pending.pop(var)
            # states with no initial value of their own start at 0 (or Brian2's value)
            zero = {_sym(n): sympy.Integer(0) for n in names if n not in given and _sym(n) not in done}
            value = expr.xreplace(done).xreplace(zero)
            done[_sym(var)] = value
            out.append(Assign(var, value))
    return out


def _initial_expr(group, conv, model_name, var, text) -> sympy.Basic:
    """Start value of ``var``: a Brian2 expression of parameters, unit-checked."""
    from brian2.parsing.expressions import parse_expression_dimensions
    from brian2.units.fundamentalunits import DimensionMismatchError, have_same_dimensions

    try:
        if float(text) == 0:
            return sympy.Integer(0)  # a bare zero fits any unit, as in Brian2 (``group.w = 0``)
    except ValueError:
        pass
    try:
        names = set(re.findall(r"[A-Za-z_]\w*", text))
        variables = group.resolve_all(names, run_namespace={})
        dims = parse_expression_dimensions(text, variables)
        if not have_same_dimensions(dims, group.variables[var].dim):
            raise DimensionMismatchError(f"initial value of {var} has dimensions {dims}, "
                                         f"expected {group.variables[var].dim}")
    except Exception as exc:  # DimensionMismatchError, KeyError, SyntaxError from Brian2
        raise EquationError(f"model {model_name!r}: initial value {text!r} of {var!r}: {exc}") from None
    return conv.expr(text, f"initial value of {var!r}")


def model_from_equations(equations: str, *, threshold: str | None = None, reset: str | None = None,
                         refractory: str | None = None, method: str = "euler",
                         initial: dict | None = None, name: str = "custom", stimulus: str = "I_stim",
                         voltage: str = "v", defaults: dict | None = None):
    """A :class:`~neurokit.models.point.PointModel` from a plain Brian2 equation string.

    Every declared parameter becomes a :class:`~neurokit.params.Parameter` in its SI unit
    (``V``, ``A``, ``S``...), with a default from ``defaults`` (in that SI unit) if given.

    Raises
    ------
    EquationError
        If the equations do not parse.
    """
    from neurokit.units import brian2_module

    Equations = brian2_module().Equations

    from neurokit.models.point import PointModel
    from neurokit.params import Parameter

    try:
        eqs = Equations(equations)
    except Exception as exc:  # Brian2's EquationsException, SyntaxError
        raise EquationError(f"model {name!r}: {type(exc).__name__}: {exc}") from None
    defaults = defaults or {}
    params = tuple(Parameter(p, _si_unit(eqs[p].dim), None, defaults.get(p))
                   for p in sorted(eqs.parameter_names) if p != stimulus)
    return PointModel(name=name, equations=equations, parameters=params, threshold=threshold,
                      reset=reset, refractory=refractory, method=method, initial=dict(initial or {}),
                      voltage=voltage, stimulus=stimulus)
