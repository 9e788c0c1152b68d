"""Triplet STDP (Pfister & Gerstner 2006) in the spiking-network loop
(:mod:`neurokit.codegen.templates.network`): the C pieces and the NumPy twin.

As the brian2 backend writes :class:`~neurokit.models.synapses.TripletSTDP`: per synapse
(and per run) the event-driven traces ``r1`` (``tau_plus``), ``r2`` (``tau_x``), ``o1``
(``tau_minus``), ``o2`` (``tau_y``) and the step of their last update. At a delivered
presynaptic spike (``on_pre``, after the delay) the traces decay to now, the target receives
the *old* weight, then ``w = clip(w - w_max*o1*(A2m + A3m*r2), 0, w_max)``, ``r1 += 1``,
``r2 += 1``. At a postsynaptic spike (``on_post``, no delay, after every projection's
``on_pre`` of the step) the traces decay, ``w = clip(w + w_max*r1*(A2p + A3p*o2), 0, w_max)``,
``o1 += 1``, ``o2 += 1``: the triplet terms use ``r2``, ``o2`` from just before the spike.

``SynSpec.triplet`` = ``(w_max, A2p, A3p, A2m, A3m, tau_plus, tau_minus, tau_x, tau_y)``
(SI: ``w_max`` in the weight's SI unit, times in s) is baked into the C source. The
postsynaptic pathway walks the index of :func:`.network_plastic.post_index`.
"""

from __future__ import annotations

import numpy as np

from neurokit.codegen.templates import c_double as _c
from neurokit.codegen.templates.network_plastic import INNER, post_walk



def alloc_lines(m: int, ind: str = "        ") -> list[str]:
    """Per-run traces (Q1..Q4 = r1, r2, o1, o2, start 0) and last-update steps (QL)."""
    L = [f"{ind}double *Q{n}_{m} = (double *)calloc(nk_nnz[{m}] + 1, sizeof(double));" for n in range(1, 5)]
    return L + [f"{ind}int64_t *QL{m} = (int64_t *)calloc(nk_nnz[{m}] + 1, sizeof(int64_t));",
                f"{ind}if (!Q1_{m} || !Q2_{m} || !Q3_{m} || !Q4_{m} || !QL{m}) nk_oom = 1;"]


def free_lines(m: int, ind: str = "        ") -> list[str]:
    return [f"{ind}free(Q1_{m}); free(Q2_{m}); free(Q3_{m}); free(Q4_{m}); free(QL{m});"]


def _decay(m: int, tri: tuple, ind: str) -> list[str]:
    tau_plus, tau_minus, tau_x, tau_y = tri[5:]
    return [f"{ind}const double el = (double)(s - QL{m}[k]) * dt;",
            f"{ind}const double r1 = Q1_{m}[k] * exp(-el / {_c(tau_plus)});",
            f"{ind}const double r2 = Q2_{m}[k] * exp(-el / {_c(tau_x)});",
            f"{ind}const double o1 = Q3_{m}[k] * exp(-el / {_c(tau_minus)});",
            f"{ind}const double o2 = Q4_{m}[k] * exp(-el / {_c(tau_y)});"]


def pre_lines(m: int, tri: tuple, ind: str) -> list[str]:
    """``on_pre`` for synapse ``k`` after its target got ``nk_w[k]`` (inside the delivery loop)."""
    w_max, _, _, a2m, a3m = tri[:5]
    return ([f"{ind}{{"] + _decay(m, tri, ind + "  ")
            + [f"{ind}  nk_w[k] = nk_clip(nk_w[k] - {_c(w_max)} * o1 * ({_c(a2m)} + {_c(a3m)} * r2),",
               f"{ind}                    0.0, {_c(w_max)});",
               f"{ind}  Q1_{m}[k] = r1 + 1.0; Q2_{m}[k] = r2 + 1.0; Q3_{m}[k] = o1; Q4_{m}[k] = o2;",
               f"{ind}  QL{m}[k] = s;",
               f"{ind}}}"])


def post_block(m: int, syn, base: int) -> list[str]:
    """``on_post`` of projection ``m`` for the target cells that fired this step."""
    w_max, a2p, a3p = syn.triplet[:3]
    return post_walk(m, syn, base, "triplet on_post", _decay(m, syn.triplet, INNER) + [
        f"{INNER}nk_w[k] = nk_clip(nk_w[k] + {_c(w_max)} * r1 * ({_c(a2p)} + {_c(a3p)} * o2),",
        f"{INNER}                  0.0, {_c(w_max)});",
        f"{INNER}Q1_{m}[k] = r1; Q2_{m}[k] = r2; Q3_{m}[k] = o1 + 1.0; Q4_{m}[k] = o2 + 1.0;",
        f"{INNER}QL{m}[k] = s;"])


class TripletTraces:
    """NumPy twin: the traces of one triplet-STDP projection in one run (the interface of
    :class:`.network_plastic.Traces`)."""

    def __init__(self, nnz: int, tri: tuple):
        self.w_max, self.a2p, self.a3p, self.a2m, self.a3m = tri[:5]
        self.taus = tri[5:]  # tau_plus, tau_minus, tau_x, tau_y
        self.tr = np.zeros((4, nnz))  # r1, r2, o1, o2
        self.last = np.zeros(nnz, dtype=np.int64)

    def _decay(self, ks: np.ndarray, s: int, dt: float):
        tau_plus, tau_minus, tau_x, tau_y = self.taus
        el = (s - self.last[ks]).astype(float) * dt
        self.last[ks] = s
        taus = (tau_plus, tau_x, tau_minus, tau_y)  # of r1, r2, o1, o2
        return tuple(self.tr[n, ks] * np.exp(-el / tau) for n, tau in enumerate(taus))

    def on_pre(self, w: np.ndarray, ks: np.ndarray, s: int, dt: float) -> None:
        r1, r2, o1, o2 = self._decay(ks, s, dt)
        w[ks] = np.minimum(np.maximum(w[ks] - self.w_max * o1 * (self.a2m + self.a3m * r2), 0.0), self.w_max)
        self.tr[:, ks] = r1 + 1.0, r2 + 1.0, o1, o2

    def on_post(self, w: np.ndarray, ks: np.ndarray, s: int, dt: float) -> None:
        r1, r2, o1, o2 = self._decay(ks, s, dt)
        w[ks] = np.minimum(np.maximum(w[ks] + self.w_max * r1 * (self.a2p + self.a3p * o2), 0.0), self.w_max)
        self.tr[:, ks] = r1, r2, o1 + 1.0, o2 + 1.0
