"""The neuron update of one network population on the native engine, and its start values.

:func:`population_ir` is the one generator's IR (:func:`neurokit.codegen.frontend.build_ir`)
of the population's model with its receptors added, exactly as the Brian2 backend writes the
group (:mod:`neurokit.backends.brian2.builder`), so both engines integrate the same system.
The Brian2 constructs of a point model work in a population as in a single-cell batch:

- TimedArray tables (``ta(t)``, ``ta(t, i)``) and Brian2 functions (``BinomialFunction``, a
  ``brian2.Function`` with C code) ride on the IR (``ir.tables``, ``ir.functions``); the
  network's C source pastes their support code once
  (:func:`neurokit.codegen.templates.network.support_code`), the NumPy twin binds them as
  :class:`~neurokit.codegen.targets.numpy.NumpyKernel` does.
- A parameter that the reset writes is a per-neuron variable (declared without
  ``(shared, constant)``): a per-cell state starting at the population's value.
- ``i`` is the cell index within the population (Brian2's ``NeuronGroup`` ``i``, 0 to
  size - 1), not the sample label of a single-cell batch: a per-cell state that nothing
  writes (:func:`cell_index_state`), so no per-run invariant hoists it.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from neurokit.backends.brian2.builder import population_equations
from neurokit.backends.brian2.point import integration_method
from neurokit.codegen.frontend import build_ir
from neurokit.codegen.ir import StateVar
from neurokit.errors import ModelError
from neurokit.models.network import Population
from neurokit.params import sample_rng

STIM = "nk_I_stim"  # the protocol current inside a population's equations
CELL = "i"  # Brian2's neuron index: the cell within the population
_DEFAULT_STATE = {"lastspike": -1e4, "not_refractory": 1.0}  # Brian2's start values


def population_ir(pop: Population):
    """The IR of ``pop``'s model with its receptors, as the Brian2 backend builds the group."""
    model = pop.resolved_model
    eqs = population_equations(pop, STIM) + (f"\n{STIM} : amp" if pop.stimulated else "")
    nonlinear = any(r.kind == "conductance" for r in pop.receptors.values())
    spec = SimpleNamespace(name=f"{model.name}_{pop.name}", equations=eqs, threshold=model.threshold,
                           reset=model.reset, refractory=model.refractory,
                           method=integration_method(model, pop.method, nonlinear), stimulus=STIM,
                           initial={**model.initial, **dict(pop.initial)},
                           tables=model.tables, functions=model.functions)
    return cell_index_state(build_ir(spec))


def cell_index_state(ir):
    """``ir`` with Brian2's index ``i`` (a parameter in a single-cell batch) as a per-cell
    state that the step reads and nothing writes; invariants that depend on it move into the
    step (they are per cell, not per run)."""
    if CELL not in ir.parameter_names:
        return ir
    per_cell, moved, kept = {CELL}, [], []
    for a in ir.invariants:  # in dependency order
        if {s.name for s in a.expr.free_symbols} & per_cell:
            moved.append(a)
            per_cell.add(a.target)
        else:
            kept.append(a)
    return replace(ir, parameters=tuple(p for p in ir.parameters if p.name != CELL),
                   states=(*ir.states, StateVar(CELL, "1")), invariants=tuple(kept), step=(*moved, *ir.step))


def check_constructs(net, irs: dict, target: str) -> None:
    """Raise before any compile if a population's Brian2 construct cannot run on ``target``
    (``"c"`` or ``"numpy"``), or two populations give one TimedArray or C function name
    different contents (the network's C source holds one of each).

    Raises
    ------
    ModelError
        Naming the construct, the population(s) and the target.
    """
    from neurokit.models.brian2_functions import UserFunction
    from neurokit.codegen.user_functions import all_functions

    tables, funcs = {}, {}
    for name, ir in irs.items():
        for t in ir.tables:
            other = tables.setdefault(t.name, (name, t))
            if other[1] != t:
                raise ModelError(f"network {net.name!r}: populations {other[0]!r} and {name!r} use different "
                                 f"TimedArray values under one name {t.name!r} on the native {target} target; "
                                 "give them different names")
        for f in all_functions(ir.functions):
            if not isinstance(f, UserFunction):
                continue
            other = funcs.setdefault(f.c_name, (name, f))
            if other[1] != f:
                raise ModelError(f"network {net.name!r}: populations {other[0]!r} and {name!r} define different "
                                 f"functions with the C name {f.c_name!r} on the native {target} target")
            if target == "c" and f.c_code is None:
                raise ModelError(f"network {net.name!r}: population {name!r} calls function {f.name!r}, which has "
                                 "no 'cpp' implementation, needed by the native c target")
            if target == "numpy" and f.python() is None:
                raise ModelError(f"network {net.name!r}: population {name!r} calls function {f.name!r}, which has "
                                 "no Python implementation, needed by the native numpy target")


def initial_row(net, spec, cols, seed, s_pos, sample) -> np.ndarray:
    """Start values of every neuron population of sample ``sample`` (position ``s_pos`` in
    ``cols``), states-major per population as the template reads them (SI)."""
    from neurokit.codegen.targets.numpy import NAMESPACE, _Printer

    rng = sample_rng(seed, sample)
    out = np.zeros(max(spec.n_init, 1))
    printer = _Printer()
    for pop, ps in zip(net.populations, spec.pops):
        if ps.kind != "neuron":
            continue
        ir, N = ps.ir, ps.size
        x = {s: np.full(N, _DEFAULT_STATE.get(s, 0.0)) for s in ir.state_names}
        if CELL in x:
            x[CELL] = np.arange(N, dtype=float)
        env0 = dict(NAMESPACE)
        # parameters, and the parameters the reset writes (states starting at their value)
        env0.update({n: cols[f"{pop.name}.{n}"][s_pos] for n in [*ir.parameter_names, *ir.state_names]
                     if f"{pop.name}.{n}" in cols})
        env0[CELL] = np.arange(N, dtype=float)
        for a in ir.initial:
            env = dict(env0)
            for sym in sorted(a.expr.free_symbols, key=lambda s: s.name):
                if sym.name.startswith("_randn_"):
                    env[sym.name] = rng.standard_normal(N)
                elif sym.name.startswith("_rand_"):
                    env[sym.name] = rng.random(N)
            with np.errstate(all="ignore"):
                value = eval(printer.doprint(a.expr), {"__builtins__": {}}, env)  # noqa: S307 - printed IR
            x[a.target] = np.broadcast_to(np.asarray(value, dtype=float), (N,)).copy()
        out[ps.init:ps.init + len(ir.states) * N] = np.concatenate([x[s] for s in ir.state_names])
    return out[:spec.n_init] if spec.n_init else out
