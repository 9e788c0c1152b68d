"""The intermediate form (IR) of a batch of unconnected point neurons.

One :class:`ModelIR` is what every target (NumPy reference, C, later CUDA) executes. All
quantities are plain floats in SI base units (volt, amp, second, siemens, farad); unit names
that appeared in the equations are already replaced by their values.

Semantics of one integration step of one neuron (Brian2's order: state update, threshold,
reset; see :mod:`neurokit.codegen.frontend`):

1. ``invariants`` (computed once per neuron before the time loop): expressions of the
   parameters and ``dt`` only, hoisted out of the step.
2. ``step``: assignments in order, each to a fresh local name (single assignment), reading
   the state variables, parameters, invariants, ``t``, ``dt``, the stimulus ``I_stim`` and
   random draws ``_rand_k``/``_randn_k`` (one per step and neuron, see ``n_rand_step``).
3. ``outputs``: each state variable's new value is a local (Brian2's conditional write of
   ``(unless refractory)`` variables is already folded in as ``where_(not_refractory, new,
   old)``, see :mod:`neurokit.codegen.optimise`).
4. ``threshold``: a local holding the spike condition (already ``and not_refractory``).
5. For neurons that spiked: ``on_spike`` statements, in order, on the state variables
   (``lastspike = t``, ``not_refractory = 0``, then the model's reset). They may use
   ``_rand_k``/``_randn_k`` drawn from the reset stream (``n_rand_reset``).

Expressions are sympy objects; targets print them (:mod:`neurokit.codegen.targets.c`,
:mod:`neurokit.codegen.targets.numpy`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

#: Functions the targets implement (Brian2's default functions, by sympy class name).
FUNCTIONS = ("exp", "log", "log10", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
             "asin", "acos", "atan", "Abs", "sign", "ceiling", "floor", "clip", "exprel",
             "expm1", "log1p", "int_", "timestep")


@dataclass(frozen=True)
class StateVar:
    """A per-neuron state variable.

    Attributes
    ----------
    name : str
    unit : str
        SI unit of its values inside the IR (``"V"``, ``"A"``, ``"1"``...).
    """

    name: str
    unit: str


@dataclass(frozen=True)
class ParamVar:
    """A parameter: one value per neuron (per sample), SI ``unit``; ``shared`` if Brian2's
    ``(shared)`` flag was given (still one value per sample here)."""

    name: str
    unit: str
    shared: bool = False


@dataclass(frozen=True)
class Assign:
    """``target = expr`` (sympy expression)."""

    target: str
    expr: sympy.Basic


@dataclass(frozen=True)
class Output:
    """The new value of state variable ``state`` is the step's local ``value``."""

    state: str
    value: str


class IRQueries:
    """Questions every IR form answers the same way (:class:`ModelIR` and the cached IR)."""

    @property
    def state_names(self) -> list[str]:
        return [s.name for s in self.states]

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def stochastic(self) -> bool:
        return (self.n_rand_step + self.n_rand_reset) > 0

    def unit_of(self, name: str) -> str:
        for v in (*self.states, *self.parameters):
            if v.name == name:
                return v.unit
        raise KeyError(name)


@dataclass(frozen=True)
class ModelIR(IRQueries):
    """A compiled-ready description of a point-neuron model (see the module docstring)."""

    name: str
    states: tuple[StateVar, ...]
    parameters: tuple[ParamVar, ...]
    stimulus: str | None
    invariants: tuple[Assign, ...]
    step: tuple[Assign, ...]
    outputs: tuple[Output, ...]
    threshold: str | None
    on_spike: tuple[Assign, ...]
    initial: tuple[Assign, ...]
    n_rand_step: int = 0
    n_rand_reset: int = 0
    uses_t: bool = False
    method: str = ""
    source: str = field(default="", compare=False)
    #: Brian2 TimedArray tables the step reads (:mod:`neurokit.codegen.timed_arrays`).
    tables: tuple = ()
    #: Brian2 functions the code calls (:mod:`neurokit.codegen.user_functions`).
    functions: tuple = ()

    def digest(self) -> str:
        """Content hash of everything that shapes generated code."""
        import sympy  # imported lazily, as by every IR user: a cached kernel needs no sympy

        h = hashlib.sha256()
        for part in (self.name, self.states, self.parameters, self.stimulus, self.invariants,
                     self.step, self.outputs, self.threshold, self.on_spike,
                     self.n_rand_step, self.n_rand_reset, self.tables, self.functions):
            h.update(sympy.srepr(part).encode() if isinstance(part, sympy.Basic) else repr(part).encode())
            h.update(b"\0")
        return h.hexdigest()[:20]


def random_symbol(kind: str, k: int) -> sympy.Symbol:
    """Symbol of the ``k``-th draw of ``kind`` (``"rand"`` uniform (0,1], ``"randn"`` normal)."""
    import sympy

    return sympy.Symbol(f"_{kind}_{k}", real=True)
