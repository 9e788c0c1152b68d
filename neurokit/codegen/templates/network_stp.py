"""Tsodyks-Markram short-term plasticity in the spiking-network loop
(:mod:`neurokit.codegen.templates.network`): the C pieces and the NumPy twin.

As the brian2 backend writes :class:`~neurokit.models.synapses.TsodyksMarkram` synapses:
per synapse (and per run) the facilitation ``u`` and the resources ``x`` are event-driven
(``du/dt = -u/tau_f``, ``dx/dt = (1 - x)/tau_d``), brought to the present at each delivered
presynaptic spike (after the delay), then ``u += U*(1 - u)``, ``r = u*x``, ``x -= r``, and the
target receives ``weight*r``. With ``tau_f = 0`` there is no ``u``: ``r = U*x``. Start values
``u = 0``, ``x = 1`` (as the brian2 backend sets them).

``SynSpec.stp`` = ``(U, tau_d, tau_f)`` (``tau`` in s) is baked into the C source.
"""

from __future__ import annotations

import numpy as np

from neurokit.codegen.templates import c_double as _c



def alloc_lines(m: int, ind: str = "        ") -> list[str]:
    """Per-run ``u`` (TU), ``x`` (TX, start 1) and last-update step (TL) of projection ``m``."""
    return [f"{ind}double *TU{m} = (double *)calloc(nk_nnz[{m}] + 1, sizeof(double));",
            f"{ind}double *TX{m} = (double *)malloc(sizeof(double) * (nk_nnz[{m}] + 1));",
            f"{ind}int64_t *TL{m} = (int64_t *)calloc(nk_nnz[{m}] + 1, sizeof(int64_t));",
            f"{ind}if (!TU{m} || !TX{m} || !TL{m}) nk_oom = 1;",
            f"{ind}else for (int64_t k = 0; k <= nk_nnz[{m}]; k++) TX{m}[k] = 1.0;"]


def free_lines(m: int, ind: str = "        ") -> list[str]:
    return [f"{ind}free(TU{m}); free(TX{m}); free(TL{m});"]


def release_lines(m: int, stp: tuple, ind: str) -> list[str]:
    """Statements for synapse ``k`` at a delivered spike, before the target update: they set
    ``nk_r``, the released fraction."""
    U, tau_d, tau_f = stp
    L = [f"{ind}const double nk_el = (double)(s - TL{m}[k]) * dt;",
         f"{ind}const double nk_x = 1.0 - (1.0 - TX{m}[k]) * exp(-nk_el / {_c(tau_d)});"]
    if tau_f > 0:
        L += [f"{ind}double nk_u = TU{m}[k] * exp(-nk_el / {_c(tau_f)});",
              f"{ind}nk_u = nk_u + {_c(U)} * (1.0 - nk_u);",
              f"{ind}TU{m}[k] = nk_u;",
              f"{ind}const double nk_r = nk_u * nk_x;"]
    else:
        L.append(f"{ind}const double nk_r = {_c(U)} * nk_x;")
    return L + [f"{ind}TX{m}[k] = nk_x - nk_r; TL{m}[k] = s;"]


class ShortTerm:
    """NumPy twin: the ``u``, ``x`` states of one Tsodyks-Markram projection in one run."""

    def __init__(self, nnz: int, stp: tuple):
        self.U, self.tau_d, self.tau_f = stp
        self.u, self.x = np.zeros(nnz), np.ones(nnz)
        self.last = np.zeros(nnz, dtype=np.int64)

    def release(self, ks: np.ndarray, s: int, dt: float) -> np.ndarray:
        """Released fractions ``r`` of synapses ``ks`` (each at most once) spiking at step ``s``."""
        el = (s - self.last[ks]).astype(float) * dt
        x = 1.0 - (1.0 - self.x[ks]) * np.exp(-el / self.tau_d)
        if self.tau_f > 0:
            u = self.u[ks] * np.exp(-el / self.tau_f)
            u = u + self.U * (1.0 - u)
            self.u[ks] = u
            r = u * x
        else:
            r = self.U * x
        self.x[ks] = x - r
        self.last[ks] = s
        return r
