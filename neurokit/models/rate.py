"""Rate models of coupled nodes: Wilson-Cowan and Jansen-Rit (structure and parameters only).

Each node model states its local dynamics as Brian2 equations (``dynamics``, a
:class:`~neurokit.models.rate_nodes.NodeDynamics`):
time in s, with an external input variable ``inp`` that the network fills at every step with
``K_gl * sum_j cmat[i, j] * out_j(t - delay_ij) + input_gain * I_protocol(t) * input_nodes[i]``
(``out`` is the node's :attr:`NodeDynamics.coupled` expression) and Ornstein-Uhlenbeck noise
terms written with ``xi``. ``cmat`` holds structural connection strengths (row = target,
column = source), ``dmat`` fibre lengths in mm; delays are ``dmat / signal_speed`` rounded to
whole steps. The native backend (:mod:`neurokit.backends.native.rate`) simulates them through
the code generator. Rate networks with learning rules are in :mod:`neurokit.models.rate_networks`.

Output datasets (:mod:`neurokit.schema`): ``activity`` (sample, sweep, time, node) in the
model's unit (Wilson-Cowan ``"1"``, Jansen-Rit ``"mV"`` for the pyramidal PSP ``y1 - y2``),
any state variable named in ``protocol.record`` (in :attr:`NodeNetwork.state_units`), and a
boolean ``diverged`` (sample).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurokit.models.rate_nodes import NodeDynamics, NodeNetwork
from neurokit.params import Parameter


_ms = "ms"
WC_PARAMETERS = (
    Parameter("tau_exc", _ms, (0.5, 50.0), 2.5, description="excitatory time constant"),
    Parameter("tau_inh", _ms, (0.5, 50.0), 3.75, description="inhibitory time constant"),
    Parameter("c_excexc", "1", (0.0, 50.0), 16.0, description="local E to E coupling"),
    Parameter("c_excinh", "1", (0.0, 50.0), 15.0, description="local E to I coupling"),
    Parameter("c_inhexc", "1", (0.0, 50.0), 12.0, description="local I to E coupling"),
    Parameter("c_inhinh", "1", (0.0, 50.0), 3.0, description="local I to I coupling"),
    Parameter("a_exc", "1", (0.05, 20.0), 1.5, description="excitatory sigmoid gain"),
    Parameter("a_inh", "1", (0.05, 20.0), 1.5, description="inhibitory sigmoid gain"),
    Parameter("mu_exc", "1", (-10.0, 20.0), 3.0, description="excitatory sigmoid threshold"),
    Parameter("mu_inh", "1", (-10.0, 20.0), 3.0, description="inhibitory sigmoid threshold"),
    Parameter("exc_ext", "1", (-10.0, 10.0), 0.0, description="constant drive to E"),
    Parameter("inh_ext", "1", (-10.0, 10.0), 0.0, description="constant drive to I"),
    Parameter("K_gl", "1", (0.0, 20.0), 0.6, description="global coupling strength"),
    Parameter("signal_speed", "m/s", (0.0, 200.0), 20.0, transform="identity",
              description="axonal signal speed (0: no delays)"),
    Parameter("tau_ou", _ms, (0.1, 100.0), 5.0, description="OU noise time constant"),
    Parameter("sigma_ou", "1", (0.0, 5.0), 0.0, description="OU noise intensity, per sqrt(ms)"),
    Parameter("exc_ou_mean", "1", (-5.0, 5.0), 0.0, description="OU mean added to dE/dt (x tau_exc)"),
    Parameter("inh_ou_mean", "1", (-5.0, 5.0), 0.0, description="OU mean added to dI/dt (x tau_inh)"),
    Parameter("input_gain", "1/nA", (-1000.0, 1000.0), 1.0, transform="identity",
              description="protocol current to excitatory drive"),
)


WILSON_COWAN_DYNAMICS = NodeDynamics(
    name="wilson_cowan",
    # neurolib's WCModel; the OU terms enter outside the sigmoid; sigma_ou is per sqrt(ms).
    equations="""
        dE/dt = (-E + (1 - E) / (1 + exp(-a_exc * (c_excexc * E - c_inhexc * I + inp + exc_ext - mu_exc)))
                 + ou_E) / tau_exc : 1
        dI/dt = (-I + (1 - I) / (1 + exp(-a_inh * (c_excinh * E - c_inhinh * I + inh_ext - mu_inh)))
                 + ou_I) / tau_inh : 1
        dou_E/dt = (exc_ou_mean - ou_E) / tau_ou + sigma_ou * xi_E / sqrt(ms) : 1
        dou_I/dt = (inh_ou_mean - ou_I) / tau_ou + sigma_ou * xi_I / sqrt(ms) : 1
        tau_exc : second
        tau_inh : second
        tau_ou : second
        c_excexc : 1
        c_excinh : 1
        c_inhexc : 1
        c_inhinh : 1
        a_exc : 1
        a_inh : 1
        mu_exc : 1
        mu_inh : 1
        exc_ext : 1
        inh_ext : 1
        sigma_ou : 1
        exc_ou_mean : 1
        inh_ou_mean : 1
        inp : 1
    """,
    coupled="E",
    noise_param="sigma_ou",
)


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class WilsonCowan(NodeNetwork):
    """Wilson-Cowan excitatory-inhibitory node(s), with neurolib's parameters and update.

    Per node (times in ms, activities dimensionless)::

        tau_exc dE/dt = -E + (1 - E) S_E(c_excexc E - c_inhexc I + K_gl sum_j C_ij E_j(t - D_ij/v)
                                         + exc_ext + input) + ou_E
        tau_inh dI/dt = -I + (1 - I) S_I(c_excinh E - c_inhinh I + inh_ext) + ou_I
        S_X(x) = 1 / (1 + exp(-a_X (x - mu_X)))

    ``ou_E``/``ou_I`` are Ornstein-Uhlenbeck processes (``tau_ou``, ``sigma_ou``). The
    ``activity`` output is ``E``.

    Parameters
    ----------
    cmat : ndarray (N, N), optional
        Structural connectivity (row = target); None for one node.
    dmat : ndarray (N, N), optional
        Fibre lengths, mm; delays are ``dmat / signal_speed`` rounded to steps.
    input_nodes : ndarray (N,), optional
        Weight of the protocol input at each node (default 1 everywhere).
    initial : dict, optional
        Start values per state (``"E"``, ``"I"``, ``"ou_E"``, ``"ou_I"``), scalars or (N,)
        arrays; the delay history is filled with the start values.
    """

    name = "wilson_cowan"
    dynamics = WILSON_COWAN_DYNAMICS
    states = ("E", "I", "ou_E", "ou_I")
    activity_unit = "1"
    state_units = {"E": "1", "I": "1", "ou_E": "1", "ou_I": "1"}
    state_names = {"E": "excitatory activity", "I": "inhibitory activity",
                   "ou_E": "OU noise on E", "ou_I": "OU noise on I"}
    base_parameters = WC_PARAMETERS
    activity_states = ("E",)
    default_initial = {"E": 0.05, "I": 0.05}

    def activity(self, states: dict):
        """``activity`` from recorded states (in :attr:`state_units`)."""
        return states["E"]

    # ------------------------------------------------------------- theory (one node)
    def _p(self, params) -> dict:
        p = self.defaults()
        p.update(params or {})
        return p

    def derivatives(self, E, I, params: dict | None = None, drive: float = 0.0):
        """dE/dt, dI/dt (1/ms) of one uncoupled node without noise; ``drive`` adds to exc_ext."""
        p = self._p(params)
        xe = p["c_excexc"] * E - p["c_inhexc"] * I + p["exc_ext"] + drive
        xi = p["c_excinh"] * E - p["c_inhinh"] * I + p["inh_ext"]
        se = 1 / (1 + np.exp(-p["a_exc"] * (xe - p["mu_exc"])))
        si = 1 / (1 + np.exp(-p["a_inh"] * (xi - p["mu_inh"])))
        return (-E + (1 - E) * se) / p["tau_exc"], (-I + (1 - I) * si) / p["tau_inh"]

    def fixed_points(self, params: dict | None = None, drive: float = 0.0) -> np.ndarray:
        """All fixed points (E, I) of one uncoupled node without noise, shape (k, 2).

        Found along the E-nullcline ``I(E)`` (solved in closed form) by sign changes of dI/dt
        and Brent's method.
        """
        from scipy.optimize import brentq

        p = self._p(params)

        def i_on_nullcline(E):
            # (1 - E) S_E(x) = E  =>  x = mu + logit(E / (1 - E)) / a
            q = E / (1 - E)
            x = p["mu_exc"] + np.log(q / (1 - q)) / p["a_exc"]
            return (p["c_excexc"] * E + p["exc_ext"] + drive - x) / p["c_inhexc"]

        def g(E):
            return self.derivatives(E, i_on_nullcline(E), p)[1]

        grid = np.linspace(1e-9, 0.5 - 1e-9, 20001)
        vals = g(grid)
        roots = []
        for k in np.nonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))[0]:
            e = brentq(g, grid[k], grid[k + 1], xtol=1e-14)
            roots.append((e, i_on_nullcline(e)))
        return np.array(roots).reshape(-1, 2)

    def jacobian(self, E: float, I: float, params: dict | None = None, drive: float = 0.0) -> np.ndarray:
        """Jacobian (1/ms) of one uncoupled node at (E, I)."""
        p = self._p(params)
        xe = p["c_excexc"] * E - p["c_inhexc"] * I + p["exc_ext"] + drive
        xi = p["c_excinh"] * E - p["c_inhinh"] * I + p["inh_ext"]
        se = 1 / (1 + np.exp(-p["a_exc"] * (xe - p["mu_exc"])))
        si = 1 / (1 + np.exp(-p["a_inh"] * (xi - p["mu_inh"])))
        dse, dsi = p["a_exc"] * se * (1 - se), p["a_inh"] * si * (1 - si)
        return np.array([
            [(-1 - se + (1 - E) * dse * p["c_excexc"]) / p["tau_exc"], (1 - E) * dse * -p["c_inhexc"] / p["tau_exc"]],
            [(1 - I) * dsi * p["c_excinh"] / p["tau_inh"], (-1 - si + (1 - I) * dsi * -p["c_inhinh"]) / p["tau_inh"]],
        ])


JR_PARAMETERS = (
    Parameter("A", "mV", (1.0, 10.0), 3.25, description="excitatory PSP amplitude"),
    Parameter("B", "mV", (5.0, 50.0), 22.0, description="inhibitory PSP amplitude"),
    Parameter("a", "Hz", (10.0, 300.0), 100.0, description="excitatory PSP rate constant"),
    Parameter("b", "Hz", (5.0, 200.0), 50.0, description="inhibitory PSP rate constant"),
    Parameter("C", "1", (10.0, 500.0), 135.0, description="connectivity constant"),
    Parameter("e0", "Hz", (0.5, 10.0), 2.5, description="half of the maximal firing rate"),
    Parameter("v0", "mV", (0.0, 20.0), 6.0, description="firing threshold"),
    Parameter("r", "1/mV", (0.1, 2.0), 0.56, description="sigmoid steepness"),
    Parameter("p", "Hz", (0.0, 500.0), 220.0, description="mean external input rate"),
    Parameter("sigma_p", "Hz", (0.0, 500.0), 0.0, description="SD of the OU input fluctuation"),
    Parameter("tau_p", "ms", (0.1, 100.0), 1.0, description="time constant of the input fluctuation"),
    Parameter("K_gl", "1", (0.0, 1000.0), 0.0, transform="identity", description="global coupling (Hz per Hz)"),
    Parameter("signal_speed", "m/s", (0.0, 200.0), 5.0, transform="identity",
              description="axonal signal speed (0: no delays)"),
    Parameter("input_gain", "Hz/nA", (-1e4, 1e4), 1.0, transform="identity",
              description="protocol current to input rate"),
)


JANSEN_RIT_DYNAMICS = NodeDynamics(
    name="jansen_rit",
    equations="""
        dy0/dt = y3 : volt
        dy1/dt = y4 : volt
        dy2/dt = y5 : volt
        dy3/dt = A * a * Sv - 2 * a * y3 - a**2 * y0 : volt/second
        dy4/dt = A * a * (p + ou_p + inp + 0.8 * C * S1) - 2 * a * y4 - a**2 * y1 : volt/second
        dy5/dt = B * b * 0.25 * C * S3 - 2 * b * y5 - b**2 * y2 : volt/second
        dou_p/dt = -ou_p / tau_p + sigma_p * sqrt(2 / tau_p) * xi_p : Hz
        Sv = 2 * e0 / (1 + exp(r * (v0 - (y1 - y2)))) : Hz
        S1 = 2 * e0 / (1 + exp(r * (v0 - C * y0))) : Hz
        S3 = 2 * e0 / (1 + exp(r * (v0 - 0.25 * C * y0))) : Hz
        A : volt
        B : volt
        a : Hz
        b : Hz
        C : 1
        e0 : Hz
        v0 : volt
        r : 1/volt
        p : Hz
        sigma_p : Hz
        tau_p : second
        inp : Hz
    """,
    # A node sends its pyramidal firing rate S(y1 - y2) (Hz) to the others.
    coupled="2 * e0 / (1 + exp(r * (v0 - (y1 - y2))))",
    noise_param="sigma_p",
)


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class JansenRit(NodeNetwork):
    """Jansen-Rit neural mass (Jansen & Rit 1995), one node or a delayed network.

    Per node (times in s, PSPs in mV, rates in Hz)::

        y0' = y3,  y3' = A a S(y1 - y2) - 2 a y3 - a^2 y0
        y1' = y4,  y4' = A a (p + ou_p + K_gl sum_j C_ij S(y1_j - y2_j)(t - D_ij/v) + input
                              + 0.8 C S(C y0)) - 2 a y4 - a^2 y1
        y2' = y5,  y5' = B b 0.25 C S(0.25 C y0) - 2 b y5 - b^2 y2
        S(v) = 2 e0 / (1 + exp(r (v0 - v)))

    ``ou_p`` is an OU fluctuation of the input rate with SD ``sigma_p`` and time constant
    ``tau_p``. The ``activity`` output is the pyramidal PSP ``y1 - y2`` in mV (the EEG-like
    signal). Structure arguments as :class:`WilsonCowan`.
    """

    name = "jansen_rit"
    dynamics = JANSEN_RIT_DYNAMICS
    states = ("y0", "y1", "y2", "y3", "y4", "y5", "ou_p")
    activity_unit = "mV"
    state_units = {"y0": "mV", "y1": "mV", "y2": "mV", "y3": "mV/s", "y4": "mV/s", "y5": "mV/s", "ou_p": "Hz"}
    state_names = {"y0": "pyramidal PSP", "y1": "excitatory PSP", "y2": "inhibitory PSP",
                   "y3": "d y0/dt", "y4": "d y1/dt", "y5": "d y2/dt", "ou_p": "input rate fluctuation"}
    base_parameters = JR_PARAMETERS
    activity_states = ("y1", "y2")

    def activity(self, states: dict):
        """``activity`` from recorded states (in :attr:`state_units`)."""
        return states["y1"] - states["y2"]


__all__ = ["WilsonCowan", "JansenRit"]
