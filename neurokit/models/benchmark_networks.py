"""Ready-made standard networks with their published parameters, at any size.

- :func:`cuba`: current-based LIF network (Vogels & Abbott 2005; Brette et al. 2007,
  benchmark 2), as in Brian2's CUBA example.
- :func:`coba`: conductance-based LIF network (Vogels & Abbott 2005; Brette et al. 2007,
  benchmark 1).
- :func:`cobahh`: conductance-based Hodgkin-Huxley network (Brette et al. 2007, benchmark 3),
  as in Brian2's COBAHH example.
- :func:`brunel`: sparse excitatory-inhibitory LIF network with delta synapses (Brunel 2000),
  with the parameters of NEST's ``brunel_delta_nest.py`` example (g = 5, eta = 2).
- :func:`song_stdp`: one LIF neuron learning from Poisson inputs through STDP (Song, Miller &
  Abbott 2000), as in Brian2's example.

Every function takes a size (``n``) or ``scale`` and keeps each neuron's expected input the
same as at full size (see each docstring), so reduced networks stay in the same regime.
"""

from __future__ import annotations

import dataclasses

from neurokit.models.network import Network, PoissonPopulation, Population
from neurokit.models.synapses import (STDP, AllToAll, Delta, ExpConductance, ExpCurrent, FixedInDegree,
                                      PoissonInput, Probability, Projection)
from neurokit.models.point import HH, LIF


def _split(n: int) -> tuple[int, int]:
    if n < 5:
        raise ValueError(f"a network needs at least 5 neurons, got {n}")
    n_e = int(round(0.8 * n))
    return n_e, n - n_e


def _p(n: int, p_full: float = 0.02, n_full: int = 4000) -> float:
    # Keep the expected in-degree of the 4000-neuron benchmark (80 inputs).
    return min(1.0, p_full * n_full / n)


def cuba(n: int = 4000) -> Network:
    """CUBA: ``n`` LIF neurons (80 % excitatory), exponential current synapses.

    tau_m 20 ms (C 200 pF, g_L 10 nS), E_L -49 mV, threshold -50 mV, reset -60 mV,
    refractory 5 ms; tau_e 5 ms, tau_i 10 ms; weights 16.2 pA and -90 pA (1.62 mV and -9 mV
    times g_L, as Brian2's example); connection probability 2 % at 4000 neurons, scaled as
    80/n for other sizes. Start potentials uniform between reset and threshold.
    """
    n_e, n_i = _split(n)
    pop = Population("P", LIF, n,
                     params=dict(C=200.0, g_L=10.0, E_L=-49.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0),
                     receptors={"e": ExpCurrent(5.0), "i": ExpCurrent(10.0)},
                     initial={"v": "V_reset + rand()*(V_th - V_reset)"}, parts={"E": n_e, "I": n_i})
    p = _p(n)
    return Network([pop], [Projection("exc", "E", "P", "e", Probability(p), 16.2),
                           Projection("inh", "I", "P", "i", Probability(p), -90.0)], name=f"cuba{n}")


def coba(n: int = 4000) -> Network:
    """COBA: ``n`` LIF neurons (80 % excitatory), exponential conductance synapses.

    tau_m 20 ms (C 200 pF, g_L 10 nS), E_L -60 mV, threshold -50 mV, reset -60 mV,
    refractory 5 ms; excitatory 0 mV / 5 ms / 6 nS, inhibitory -80 mV / 10 ms / 67 nS;
    probability 2 % at 4000 neurons (80/n otherwise). Start potentials uniform between reset
    and threshold, conductances Gaussian (4 +- 1.5 nS, 20 +- 12 nS) as Brette et al.'s scripts.
    """
    n_e, n_i = _split(n)
    pop = Population("P", LIF, n,
                     params=dict(C=200.0, g_L=10.0, E_L=-60.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0),
                     receptors={"e": ExpConductance(5.0, 0.0), "i": ExpConductance(10.0, -80.0)},
                     initial={"v": "V_reset + rand()*(V_th - V_reset)", "g_e": "(randn()*1.5 + 4)*nS",
                              "g_i": "(randn()*12 + 20)*nS"},
                     parts={"E": n_e, "I": n_i})
    p = _p(n)
    return Network([pop], [Projection("exc", "E", "P", "e", Probability(p), 6.0),
                           Projection("inh", "I", "P", "i", Probability(p), 67.0)], name=f"coba{n}")


#: Hodgkin-Huxley neuron of the COBAHH benchmark: spikes counted at -20 mV, 3 ms refractory.
HH_COBAHH = dataclasses.replace(HH, name="hh_cobahh", threshold="v > -20*mV", refractory="3*ms")


def cobahh(n: int = 4000) -> Network:
    """COBAHH: ``n`` Hodgkin-Huxley neurons (Traub-Miles, 20000 um2), conductance synapses.

    E_L -60 mV; excitatory 0 mV / 5 ms / 6 nS, inhibitory -80 mV / 10 ms / 67 nS;
    probability 2 % at 4000 neurons (80/n otherwise); start potentials E_L + N(-5, 5) mV,
    conductances N(40, 15) nS and N(200, 120) nS, as Brian2's COBAHH example.
    """
    n_e, n_i = _split(n)
    pop = Population("P", HH_COBAHH, n, params=dict(E_L=-60.0),
                     receptors={"e": ExpConductance(5.0, 0.0), "i": ExpConductance(10.0, -80.0)},
                     initial={"v": "E_L + (randn()*5 - 5)*mV", "g_e": "(randn()*1.5 + 4)*10*nS",
                              "g_i": "(randn()*12 + 20)*10*nS"},
                     parts={"E": n_e, "I": n_i})
    p = _p(n)
    return Network([pop], [Projection("exc", "E", "P", "e", Probability(p), 6.0),
                           Projection("inh", "I", "P", "i", Probability(p), 67.0)], name=f"cobahh{n}")


#: LIF with the widened voltage bounds that Brunel's parameters (E_L = 0 mV) need.
LIF_BRUNEL = LIF.with_parameters(E_L=(-90.0, 10.0), V_th=(-70.0, 40.0), V_reset=(-90.0, 30.0))


def brunel(scale: float = 1.0, g: float = 5.0, eta: float = 2.0, epsilon: float = 0.1,
           delay: float = 1.5) -> Network:
    """Brunel (2000) network of LIF neurons with delta synapses, NEST's example parameters.

    At ``scale=1``: 10000 excitatory and 2500 inhibitory neurons, each receiving
    C_E = epsilon*N_E = 1000 excitatory and C_I = 250 inhibitory inputs (fixed in-degree),
    J = 0.1 mV, inhibitory weight -g*J, delay 1.5 ms, tau_m 20 ms, threshold 20 mV, reset
    0 mV, refractory 2 ms, E_L 0 mV; external Poisson drive of C_E sources at
    eta*nu_thr with nu_thr = theta/(J*C_E*tau_m) (C 250 pF, g_L 12.5 nS give tau_m).

    ``scale`` multiplies the numbers of neurons and of inputs; J is divided by ``scale``
    so the mean recurrent input J*C_E (and nu_thr) stay those of the full network, which keeps
    a reduced network in the same (asynchronous irregular) regime.
    """
    n_e = int(round(10000 * scale))
    n_i = int(round(2500 * scale))
    c_e = max(1, int(round(epsilon * n_e)))
    c_i = max(1, int(round(epsilon * n_i)))
    J = 0.1 * 1000 / c_e if scale != 1.0 else 0.1
    tau_m, theta = 20.0, 20.0
    nu_thr = theta / (J * c_e * tau_m) * 1000.0  # Hz
    pop = Population("P", LIF_BRUNEL, n_e + n_i,
                     params=dict(C=250.0, g_L=12.5, E_L=0.0, V_th=theta, V_reset=0.0, t_ref=2.0),
                     receptors={"ex": Delta()}, parts={"E": n_e, "I": n_i})
    projections = [Projection("exc", "E", "P", "ex", FixedInDegree(c_e), J, delay=delay),
                   Projection("inh", "I", "P", "ex", FixedInDegree(c_i), -g * J, delay=delay)]
    drive = PoissonInput("ext", "P", "ex", c_e, eta * nu_thr, J)
    return Network([pop], projections, [drive], name=f"brunel{n_e + n_i}")


def song_stdp(n_inputs: int = 1000, rate: float = 15.0, w_max: float = 0.1, A_pre: float = 0.01) -> Network:
    """Song, Miller & Abbott (2000): ``n_inputs`` Poisson sources at ``rate`` Hz onto one LIF
    neuron through additive STDP synapses.

    Neuron: tau_m 10 ms (C 100 pF, g_L 10 nS), E_L -74 mV, threshold -54 mV, reset -60 mV;
    excitatory conductance 0 mV / 5 ms. STDP: tau 20 ms both sides, A_pre 0.01, A_post
    -1.05 A_pre (depression slightly dominates), weights in [0, w_max = 0.1 nS] (0.01 g_L),
    starting uniform. Weights end bimodal, clustered at 0 and w_max.
    """
    post = Population("post", LIF, 1, params=dict(C=100.0, g_L=10.0, E_L=-74.0, V_th=-54.0, V_reset=-60.0,
                                                  t_ref=0.0),
                      receptors={"e": ExpConductance(5.0, 0.0)})
    inputs = PoissonPopulation("inputs", n_inputs, rate)
    rule = STDP(w_max=w_max, A_pre=A_pre, A_post=-1.05 * A_pre, tau_pre=20.0, tau_post=20.0)
    proj = Projection("plastic", "inputs", "post", "e", AllToAll(), w_max, weight_init="rand()*w_max",
                      plasticity=rule)
    return Network([inputs, post], [proj], name="song_stdp")
