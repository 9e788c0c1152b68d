"""Built-in point models beyond the classic ones: a GIF that enters depolarisation block.

``gif_block``: the GIF of :mod:`neurokit.models.point` with subthreshold adaptation (``a``, as
in AdEx) and a slow sodium-inactivation-like variable ``q`` that raises the spike threshold
when the membrane stays depolarised::

    dq/dt = (g_q * k_q * log(1 + exp((v - V_q) / k_q)) - q) / tau_q

Below ``V_q`` ``q`` stays near 0 and the model is the GIF; a sustained depolarisation above
``V_q`` raises the threshold by ``g_q`` mV per mV (a softplus of slope ``g_q``). With
``g_q > 1`` the threshold outruns the voltage itself, so a strong enough current holds the
membrane depolarised without spikes (depolarisation block), as cells do when their sodium
channels stay inactivated; a weak current never reaches ``V_q`` long enough to matter.
"""

from __future__ import annotations

from neurokit.models.point import GIF, PointModel
from neurokit.models.point import _P  # the built-ins' one parameter shorthand


GIF_BLOCK = PointModel(
    name="gif_block",
    description=("GIF with subthreshold adaptation and a slow threshold rise under sustained "
                 "depolarisation (sodium-inactivation-like spike failure, depolarisation block)."),
    equations="""
dv/dt = (g_L*(E_L - v) - w + I_stim)/C : volt (unless refractory)
dw/dt = (a*(v - E_L) - w)/tau_w : amp
dtheta/dt = (V_T0 - theta)/tau_theta : volt
dq/dt = (g_q*k_q*log(1 + exp((v - V_q)/k_q)) - q)/tau_q : volt
I_stim : amp
C : farad
g_L : siemens
E_L : volt
V_T0 : volt
a : siemens
tau_w : second
b : amp
tau_theta : second
delta_theta : volt
V_reset : volt
t_ref : second
V_q : volt
k_q : volt
g_q : 1
tau_q : second
""",
    parameters=tuple(GIF.parameters[:4]) + (
        _P("a", "nS", 0.0, (-5.0, 20.0), "subthreshold adaptation conductance"),
    ) + tuple(GIF.parameters[4:]) + (
        _P("V_q", "mV", -40.0, (-70.0, 0.0), "half-activation of the threshold rise"),
        _P("k_q", "mV", 2.0, (0.1, 20.0), "softness of the threshold rise"),
        _P("g_q", "1", 0.0, (0.0, 5.0), "threshold rise per mV of depolarisation above V_q"),
        _P("tau_q", "ms", 200.0, (5.0, 5000.0), "time constant of the threshold rise"),
    ),
    threshold="v > theta + q",
    reset="v = V_reset; w += b; theta += delta_theta",
    refractory="t_ref",
    method="euler",
    initial={"v": "E_L", "w": "0*amp", "theta": "V_T0", "q": "0*volt"},
)
