"""Built-in point-neuron models, defined once as Brian2 equation strings.

Every backend that runs point neurons (native, brian2) takes these definitions unchanged.

Conventions
-----------
- Equations use Brian2's syntax and SI unit names; the membrane potential is ``v`` (volt).
- The injected current is the parameter ``I_stim : amp``; backends replace it with the
  protocol's current (per sweep, per step), so a model never hard-codes its input.
- Parameters are declared in the equations (``g_L : siemens``) and described by
  :class:`~neurokit.params.Parameter` entries in neurokit's canonical units (nS, pF, mV, ms),
  with bounds for fitting and published defaults.
- ``initial`` gives each state variable's start value as an expression of parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from neurokit.errors import ParameterError
from neurokit.params import Parameter, ParameterisedModel

STIMULUS = "I_stim"


@dataclass(frozen=True)
class PointModel(ParameterisedModel):
    """A point-neuron model: equations, spike condition, reset, refractoriness, parameters.

    Parameters
    ----------
    name : str
    equations : str
        Brian2 equation string, declaring every parameter (``name : unit``) and ``I_stim : amp``.
    parameters : tuple of Parameter
        Parameter descriptions in canonical units, with defaults.
    threshold, reset : str, optional
        Brian2 threshold condition and reset statements (None for a model without spikes).
    refractory : str, optional
        A duration expression (``"t_ref"``, ``"2*ms"``) or a condition (``"v > -40*mV"``).
    method : str
        Brian2 integration method name.
    initial : dict
        State variable -> start expression (Brian2 syntax, may use parameters).
    tables : tuple of TimedTable
        Brian2 ``TimedArray`` values the equations call by name (``ta(t)``, ``ta(t, i)``; see
        :mod:`neurokit.models.brian2_tables`).
    functions : tuple of Binomial or UserFunction
        Brian2 functions the equations call by name (``BinomialFunction``, a ``brian2.Function``
        with C code; see :mod:`neurokit.models.brian2_functions`).
    """

    name: str
    equations: str
    parameters: tuple[Parameter, ...]
    threshold: str | None = None
    reset: str | None = None
    refractory: str | None = None
    method: str = "euler"
    initial: dict[str, str] = field(default_factory=dict)
    voltage: str = "v"
    stimulus: str = STIMULUS
    description: str = ""
    tables: tuple = ()
    functions: tuple = ()

    def __post_init__(self):
        # What a Brian2 user passes: an Equations object, a refractory period as a Quantity.
        if type(self.equations).__module__.startswith("brian2"):
            from neurokit.models.brian2_import import equations_text

            object.__setattr__(self, "equations", equations_text(self.equations))
        object.__setattr__(self, "tables", tuple(self.tables or ()))
        object.__setattr__(self, "functions", tuple(self.functions or ()))
        ref = self.refractory
        if ref is False:
            object.__setattr__(self, "refractory", None)
        elif ref is not None and not isinstance(ref, str):
            import numpy as np

            if getattr(ref, "dim", None) is not None and str(ref.dim) != "s":
                raise ParameterError(f"model {self.name!r}: refractory {ref!r} is not a duration")
            object.__setattr__(self, "refractory", f"{float(np.asarray(ref))!r}*second")

    def stimulus_scale(self) -> float:
        """Factor from the protocol's stimulus numbers to the input variable's SI value: the
        protocol's nA for an input in amp, else its numbers as they are (the input's SI unit)."""
        m = re.search(rf"^\s*{re.escape(self.stimulus)}\s*:\s*([^(#\n]*)", self.equations, re.M)
        if m is None:
            return 1e-9
        from neurokit.units import same_dimensions

        unit = m.group(1).strip() or "1"
        try:
            return 1e-9 if same_dimensions(unit, "A") else 1.0
        except Exception:  # a unit expression neurokit's parser does not read: not a current
            return 1.0

    def with_parameters(self, **changes) -> "PointModel":
        """A copy whose named parameters get new defaults or bounds: ``gL=(1, 20)`` sets bounds,
        ``gL=5.0`` sets the default."""
        params = []
        known = {p.name for p in self.parameters}
        unknown = set(changes) - known
        if unknown:
            raise ParameterError(f"model {self.name!r} has no parameter(s) {sorted(unknown)}")
        for p in self.parameters:
            if p.name in changes:
                value = changes[p.name]
                if isinstance(value, tuple):
                    p = Parameter(p.name, p.unit, value, p.default, None, p.description)
                else:
                    p = Parameter(p.name, p.unit, p.bounds, float(value), p.transform, p.description)
            params.append(p)
        return replace(self, parameters=tuple(params))


def _P(name, unit, default, bounds=None, description="", transform=None):
    return Parameter(name, unit, bounds, default, transform, description)


LIF = PointModel(
    name="lif",
    description="Leaky integrate-and-fire with absolute refractory period.",
    equations="""
dv/dt = (g_L*(E_L - v) + I_stim)/C : volt (unless refractory)
I_stim : amp
C : farad
g_L : siemens
E_L : volt
V_th : volt
V_reset : volt
t_ref : second
""",
    parameters=(
        _P("C", "pF", 200.0, (20.0, 1000.0), "membrane capacitance"),
        _P("g_L", "nS", 10.0, (0.5, 100.0), "leak conductance"),
        _P("E_L", "mV", -70.0, (-90.0, -40.0), "leak reversal"),
        _P("V_th", "mV", -50.0, (-70.0, -20.0), "spike threshold"),
        _P("V_reset", "mV", -65.0, (-90.0, -40.0), "reset potential"),
        _P("t_ref", "ms", 2.0, (0.0, 10.0), "refractory period"),
    ),
    threshold="v > V_th",
    reset="v = V_reset",
    refractory="t_ref",
    method="exact",
    initial={"v": "E_L"},
)

ADEX = PointModel(
    name="adex",
    description="Adaptive exponential integrate-and-fire (Brette & Gerstner 2005).",
    equations="""
dv/dt = (g_L*(E_L - v) + g_L*DeltaT*exp((v - V_T)/DeltaT) - w + I_stim)/C : volt (unless refractory)
dw/dt = (a*(v - E_L) - w)/tau_w : amp
I_stim : amp
C : farad
g_L : siemens
E_L : volt
V_T : volt
DeltaT : volt
a : siemens
tau_w : second
b : amp
V_reset : volt
t_ref : second
""",
    parameters=(
        _P("C", "pF", 281.0, (20.0, 1000.0), "membrane capacitance"),
        _P("g_L", "nS", 30.0, (0.5, 100.0), "leak conductance"),
        _P("E_L", "mV", -70.6, (-90.0, -40.0), "leak reversal"),
        _P("V_T", "mV", -50.4, (-70.0, -30.0), "threshold slope point"),
        _P("DeltaT", "mV", 2.0, (0.2, 10.0), "slope factor"),
        _P("a", "nS", 4.0, (-10.0, 50.0), "subthreshold adaptation"),
        _P("tau_w", "ms", 144.0, (5.0, 1000.0), "adaptation time constant"),
        _P("b", "pA", 80.5, (0.0, 500.0), "spike-triggered adaptation"),
        _P("V_reset", "mV", -70.6, (-90.0, -30.0), "reset potential"),
        _P("t_ref", "ms", 0.0, (0.0, 10.0), "refractory period"),
    ),
    threshold="v > V_T + 5*DeltaT",
    reset="v = V_reset; w += b",
    refractory="t_ref",
    method="euler",
    initial={"v": "E_L", "w": "0*amp"},
)

IZHIKEVICH = PointModel(
    name="izhikevich",
    description="Izhikevich (2007) quadratic model in dimensional form (regular spiking defaults).",
    equations="""
dv/dt = (k*(v - v_r)*(v - v_t) - u + I_stim)/C : volt
du/dt = a*(b*(v - v_r) - u) : amp
I_stim : amp
C : farad
k : siemens/volt
v_r : volt
v_t : volt
v_peak : volt
a : hertz
b : siemens
c : volt
d : amp
""",
    parameters=(
        _P("C", "pF", 100.0, (10.0, 1000.0), "membrane capacitance"),
        _P("k", "nS/mV", 0.7, (0.05, 5.0), "quadratic gain"),
        _P("v_r", "mV", -60.0, (-90.0, -40.0), "resting potential"),
        _P("v_t", "mV", -40.0, (-70.0, -20.0), "instantaneous threshold"),
        _P("v_peak", "mV", 35.0, (0.0, 50.0), "spike cut-off"),
        _P("a", "Hz", 30.0, (1.0, 1000.0), "recovery rate"),
        _P("b", "nS", -2.0, (-20.0, 20.0), "recovery sensitivity"),
        _P("c", "mV", -50.0, (-80.0, -30.0), "reset potential"),
        _P("d", "pA", 100.0, (0.0, 1000.0), "spike-triggered recovery increment"),
    ),
    threshold="v >= v_peak",
    reset="v = c; u += d",
    method="euler",
    initial={"v": "v_r", "u": "0*amp"},
)

# Traub-Miles rates as in Brian2's COBAHH example and ../shared/bench/hh_brian2.py.
HH = PointModel(
    name="hh",
    description="Hodgkin-Huxley point neuron with Traub-Miles kinetics (Brian2 COBAHH benchmark).",
    equations="""
dv/dt = (g_L*(E_L - v) - g_Na*(m*m*m)*h*(v - E_Na) - g_K*(n*n*n*n)*(v - E_K) + I_stim)/C : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV - v + V_T)/(4*mV))/ms*(1 - m) - 0.28*(mV**-1)*5*mV/exprel((v - V_T - 40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV - v + V_T)/(5*mV))/ms*(1. - n) - .5*exp((10.*mV - v + V_T)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV - v + V_T)/(18.*mV))/ms*(1. - h) - 4./(1 + exp((40.*mV - v + V_T)/(5.*mV)))/ms*h : 1
I_stim : amp
C : farad
g_L : siemens
g_Na : siemens
g_K : siemens
E_L : volt
E_Na : volt
E_K : volt
V_T : volt
""",
    # Area 20000 um2: C = 1 uF/cm2 -> 200 pF, g_L = 5e-5 S/cm2 -> 10 nS,
    # g_Na = 100 mS/cm2 -> 20 uS, g_K = 30 mS/cm2 -> 6 uS.
    parameters=(
        _P("C", "pF", 200.0, (20.0, 2000.0), "membrane capacitance"),
        _P("g_L", "nS", 10.0, (0.5, 200.0), "leak conductance"),
        _P("g_Na", "nS", 20000.0, (1000.0, 100000.0), "sodium conductance"),
        _P("g_K", "nS", 6000.0, (500.0, 50000.0), "potassium conductance"),
        _P("E_L", "mV", -65.0, (-90.0, -40.0), "leak reversal"),
        _P("E_Na", "mV", 50.0, (30.0, 70.0), "sodium reversal"),
        _P("E_K", "mV", -90.0, (-110.0, -60.0), "potassium reversal"),
        _P("V_T", "mV", -63.0, (-75.0, -45.0), "rate-function offset"),
    ),
    threshold="v > -40*mV",
    refractory="v > -40*mV",
    method="exponential_euler",
    initial={"v": "E_L", "m": "0", "n": "0", "h": "0"},
)

GIF = PointModel(
    name="gif",
    description=("Generalised integrate-and-fire: leak, spike-triggered adaptation current and a "
                 "moving threshold that jumps at each spike and relaxes (Mensi et al. 2012 style)."),
    equations="""
dv/dt = (g_L*(E_L - v) - w + I_stim)/C : volt (unless refractory)
dw/dt = -w/tau_w : amp
dtheta/dt = (V_T0 - theta)/tau_theta : volt
I_stim : amp
C : farad
g_L : siemens
E_L : volt
V_T0 : volt
tau_w : second
b : amp
tau_theta : second
delta_theta : volt
V_reset : volt
t_ref : second
""",
    parameters=(
        _P("C", "pF", 150.0, (20.0, 1000.0), "membrane capacitance"),
        _P("g_L", "nS", 8.0, (0.5, 100.0), "leak conductance"),
        _P("E_L", "mV", -65.0, (-90.0, -40.0), "leak reversal"),
        _P("V_T0", "mV", -48.0, (-70.0, -20.0), "resting threshold"),
        _P("tau_w", "ms", 100.0, (5.0, 1000.0), "adaptation time constant"),
        _P("b", "pA", 20.0, (0.0, 500.0), "spike-triggered adaptation"),
        _P("tau_theta", "ms", 30.0, (2.0, 500.0), "threshold relaxation time"),
        _P("delta_theta", "mV", 3.0, (0.0, 20.0), "threshold jump per spike"),
        _P("V_reset", "mV", -55.0, (-90.0, -30.0), "reset potential"),
        _P("t_ref", "ms", 2.0, (0.0, 10.0), "refractory period"),
    ),
    threshold="v > theta",
    reset="v = V_reset; w += b; theta += delta_theta",
    refractory="t_ref",
    method="euler",
    initial={"v": "E_L", "w": "0*amp", "theta": "V_T0"},
)

def from_brian2(model, threshold=None, reset=None, refractory=False, method=None, namespace=None,
                initial=None, name=None, stimulus=None):
    """A :class:`PointModel` from Brian2 ``NeuronGroup`` arguments, constants from ``namespace``
    or the caller's variables (see :func:`neurokit.models.brian2_import.from_brian2`)."""
    from neurokit.models.brian2_import import model_fields

    return PointModel(**model_fields(model, threshold, reset, refractory, method, namespace, initial, name,
                                     stimulus, level=1, default_stimulus=STIMULUS))


# The built-in point models by name (looked up through neurokit.models.registry).
BUILTIN = {m.name: m for m in (LIF, ADEX, IZHIKEVICH, HH, GIF)}
