"""Pair-based STDP in the spiking-network loop (:mod:`neurokit.codegen.templates.network`):
the C pieces and the NumPy twin of the same arithmetic.

Brian2's additive STDP with event-driven traces (the brian2 backend's ``STDP`` synapses):
each synapse keeps ``Apre``, ``Apost`` and the step of its last update. At a delivered
presynaptic spike (``on_pre``, after the delay) both traces decay to now
(``A*exp(-(t - lastupdate)/tau)``), the target receives the *old* weight, then
``Apre += dApre`` and ``w = clip(w + Apost, 0, w_max)``. At a postsynaptic spike (``on_post``,
no delay, after every projection's ``on_pre`` of the step, as Brian2 orders its pathways)
the traces decay, ``Apost += dApost`` and ``w = clip(w + Apre, 0, w_max)``.

The rule's constants (``SynSpec.stdp`` = ``(w_max, dApre, dApost, tau_pre, tau_post)`` in SI,
``dA = A*w_max``) are baked into the C source; weights are per synapse and per run, updated
in place. The postsynaptic pathway walks an index of the synapses onto each target cell
(``optr``, ``oidx``: positions in the CSR order).
"""

from __future__ import annotations

import numpy as np

from neurokit.codegen.templates import c_double as _c



def alloc_lines(m: int, ind: str = "        ") -> list[str]:
    """Per-run trace arrays of plastic projection ``m`` (zero, as Brian2 starts them)."""
    return [f"{ind}double *AP{m} = (double *)calloc(nk_nnz[{m}] + 1, sizeof(double));",
            f"{ind}double *AQ{m} = (double *)calloc(nk_nnz[{m}] + 1, sizeof(double));",
            f"{ind}int64_t *LU{m} = (int64_t *)calloc(nk_nnz[{m}] + 1, sizeof(int64_t));",
            f"{ind}if (!AP{m} || !AQ{m} || !LU{m}) nk_oom = 1;"]


def free_lines(m: int, ind: str = "        ") -> list[str]:
    return [f"{ind}free(AP{m}); free(AQ{m}); free(LU{m});"]


def pre_lines(m: int, stdp: tuple, ind: str) -> list[str]:
    """``on_pre`` for synapse ``k`` after its target got ``nk_w[k]`` (inside the delivery loop)."""
    w_max, d_pre, _, tau_pre, tau_post = stdp
    return [f"{ind}{{ const double el = (double)(s - LU{m}[k]) * dt;",
            f"{ind}  const double apost = AQ{m}[k] * exp(-el / {_c(tau_post)});",
            f"{ind}  AP{m}[k] = AP{m}[k] * exp(-el / {_c(tau_pre)}) + {_c(d_pre)};",
            f"{ind}  AQ{m}[k] = apost; LU{m}[k] = s;",
            f"{ind}  nk_w[k] = nk_clip(nk_w[k] + apost, 0.0, {_c(w_max)}); }}"]


def post_walk(m: int, syn, base: int, label: str, body: list[str]) -> list[str]:
    """The loop over the synapses (``k``) of projection ``m`` onto each target cell that fired
    this step, around ``body`` (lines indented by :data:`INNER`);
    ``base``: index in ``nk_ia`` of its ``optr`` (``oidx`` follows)."""
    ind = " " * 16
    return ([f"            {{ /* projection {m}: {label} */",
             f"{ind}const int64_t *optr = nk_ia[{base}], *oidx = nk_ia[{base + 1}];",
             f"{ind}double *nk_w = nk_wa[{m}] + run * nk_nnz[{m}];",
             f"{ind}for (int64_t f = 0; f < NF{syn.tgt}; f++) {{",
             f"{ind}    const int64_t j = F{syn.tgt}[f] - {syn.tgt_start};",
             f"{ind}    if (j < 0 || j >= {syn.tgt_size}) continue;",
             f"{ind}    for (int64_t o = optr[j]; o < optr[j + 1]; o++) {{",
             f"{ind}        const int64_t k = oidx[o];"]
            + body + [f"{ind}    }}", f"{ind}}}", "            }"])


#: Indent of the lines inside :func:`post_walk`'s inner loop.
INNER = " " * 24


def post_block(m: int, syn, base: int) -> list[str]:
    """``on_post`` of plastic projection ``m`` for the target cells that fired this step."""
    w_max, _, d_post, tau_pre, tau_post = syn.stdp
    return post_walk(m, syn, base, "on_post", [
        f"{INNER}const double el = (double)(s - LU{m}[k]) * dt;",
        f"{INNER}const double apre = AP{m}[k] * exp(-el / {_c(tau_pre)});",
        f"{INNER}AQ{m}[k] = AQ{m}[k] * exp(-el / {_c(tau_post)}) + {_c(d_post)};",
        f"{INNER}AP{m}[k] = apre; LU{m}[k] = s;",
        f"{INNER}nk_w[k] = nk_clip(nk_w[k] + apre, 0.0, {_c(w_max)});"])


def post_index(post: np.ndarray, n_post: int) -> tuple[np.ndarray, np.ndarray]:
    """``(optr, oidx)``: the synapses (CSR positions) onto each target cell, in CSR order."""
    oidx = np.argsort(post, kind="stable").astype(np.int64)
    optr = np.searchsorted(post[oidx], np.arange(n_post + 1)).astype(np.int64)
    return optr, oidx


class Traces:
    """NumPy twin: the traces of one plastic projection in one run."""

    def __init__(self, nnz: int, stdp: tuple):
        self.w_max, self.d_pre, self.d_post, self.tau_pre, self.tau_post = stdp
        self.apre, self.apost = np.zeros(nnz), np.zeros(nnz)
        self.last = np.zeros(nnz, dtype=np.int64)

    def _decay(self, ks: np.ndarray, s: int, dt: float) -> tuple[np.ndarray, np.ndarray]:
        el = (s - self.last[ks]).astype(float) * dt
        self.last[ks] = s
        return self.apre[ks] * np.exp(-el / self.tau_pre), self.apost[ks] * np.exp(-el / self.tau_post)

    def on_pre(self, w: np.ndarray, ks: np.ndarray, s: int, dt: float) -> None:
        apre, apost = self._decay(ks, s, dt)
        self.apre[ks], self.apost[ks] = apre + self.d_pre, apost
        w[ks] = np.minimum(np.maximum(w[ks] + apost, 0.0), self.w_max)

    def on_post(self, w: np.ndarray, ks: np.ndarray, s: int, dt: float) -> None:
        apre, apost = self._decay(ks, s, dt)
        self.apre[ks], self.apost[ks] = apre, apost + self.d_post
        w[ks] = np.minimum(np.maximum(w[ks] + apre, 0.0), self.w_max)
