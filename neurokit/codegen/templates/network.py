"""The spiking-network loop: a C template around the per-population neuron updates printed
from the IR (:func:`neurokit.codegen.targets.c_printer.step_body`); ctypes runner in
:mod:`.network_run`, NumPy twin (the same arithmetic) in :mod:`.network_numpy`.

A *run* is one (sample, sweep); runs are independent and spread over OpenMP threads. Each
step follows Brian2's schedule, so that both engines mean the same network:

1. record the states of the recorded cells (``start`` slot, before the update);
2. every neuron population takes one IR step (``groups``), spiking cells are listed
   (``thresholds``; :mod:`.network_neurons`); Poisson populations fire with probability
   ``rate*dt``, spike sources at their scheduled steps;
3. ``synapses``: each projection pushes the spikes of its source site into a ring buffer of
   pending events, one slot per delay step (``D = max delay + 1`` slots, each a growable
   list of synapse groups: the synapses of one presynaptic cell with one delay, contiguous
   in CSR order), then delivers the slot of this step (``target += weight``; delta synapses
   onto the membrane potential are gated by ``not_refractory``, which is 0 for the cells
   that just fired), with short-term plasticity and STDP's ``on_pre``, then STDP's ``on_post``
   (:mod:`.network_delivery`); Poisson inputs add ``poisson(lambda)*weight`` per target cell;
4. ``resets``: the IR's spike statements for the cells that fired.

Structure (sizes, sites, which state each synapse type targets, recorded cells) is baked
into the source; parameter values (row ``P`` per run), initial states, connectivity (CSR
arrays) and delays are run-time arrays, so new values or a new seed never recompile.

Random numbers (:mod:`neurokit.codegen.rng`), from the run's key ``K``: Poisson population
``q`` draws ``u01(stream(K, 1024 + q), s*N + j)``; Poisson input ``m`` inverts the Poisson
CDF at ``u01(stream(K, 16 + m), s*n + j)`` (normal approximation above lambda = 30); the
model's own ``rand()`` of population ``q`` use ``stream(K, 2048 + q)`` at counter
``(s*N + j)*n_rand + k``; reset draws key ``mix(stream(K, 3072 + q) + j)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neurokit.codegen.ir import ModelIR
from neurokit.codegen.templates.network_delivery import (alloc_lines, free_lines, input_block, post_blocks,
                                                        projection_block)
from neurokit.codegen.templates.network_neurons import invariant_block, neuron_block, reset_block
from neurokit.errors import BackendError

#: Added to the point kernels' flags (:func:`neurokit.codegen.build.kernel_cflags`: full
#: fast math, so that glibc's vector exp/log vectorise the neuron loops): no contraction, since
#: a fused multiply-add rounds differently from NumPy's multiply then add, and the NumPy twin
#: must give the same spikes. The loop never tests for NaN/inf in C.
EXTRA_CFLAGS = ("-ffp-contract=off",)
POISSON_NORMAL_ABOVE = 30.0  # lambda above which Poisson counts use the normal approximation

_EXTRA = r"""
#ifndef __CUDACC__ /* C; the CUDA build (network_cuda) defines these for the device */
#include <stdlib.h>
#define NK_FN static inline
#define NK_RUN_PARAMS
#define NK_RUN_START
void nk_free(void *p) { free(p); }
#endif
NK_FN int64_t nk_poisson(uint64_t key, uint64_t c, double lam, double elam) {
    if (lam > __BIG__) {
        const double k = floor(lam + sqrt(lam) * nk_normal(key, c) + 0.5);
        return k > 0.0 ? (int64_t)k : 0;
    }
    const double u = nk_uniform(key, c);
    double p = elam, F = elam;
    int64_t k = 0;
    while (u > F && k < 1000) { k++; p = p * lam / (double)k; F = F + p; }
    return k;
}
#define NK_PUSH(buf, len, cap, val) do { \
    if ((len) == (cap)) { \
        const int64_t nk_nc_ = (cap) ? 2 * (cap) : 64; \
        int32_t *nk_nb_ = (int32_t *)realloc((buf), sizeof(int32_t) * nk_nc_); \
        if (!nk_nb_) { nk_oom = 1; break; } \
        (buf) = nk_nb_; (cap) = nk_nc_; \
    } \
    (buf)[(len)++] = (int32_t)(val); \
} while (0)
""".replace("__BIG__", repr(POISSON_NORMAL_ABOVE))


@dataclass(frozen=True)
class PopSpec:
    """One population: ``kind`` "neuron" (with ``ir``), "poisson" or "source"; ``par`` is the
    offset of its values in a run's parameter row (neuron: the IR's parameters in order;
    poisson: ``rate*dt``), ``init`` the offset of its states in a run's initial row
    (states-major, ``len(ir.states) * size``); ``stim``: gets the protocol current."""

    kind: str
    size: int
    par: int = 0
    init: int = 0
    ir: ModelIR | None = None
    stim: bool = False

    @property
    def gate(self) -> int | None:
        """Index of ``not_refractory`` (delta synapses are gated by it), or None."""
        if self.ir is None or "not_refractory" not in self.ir.state_names:
            return None
        return self.ir.state_names.index("not_refractory")


@dataclass(frozen=True)
class SynSpec:
    """A projection (``src`` population and site ``[src_start, src_stop)``) or a Poisson input
    (``src`` = -1) onto state ``state`` (index) of population ``tgt`` from cell ``tgt_start``
    (``tgt_size`` cells for inputs); ``gated``: delta synapse onto a refractory model. ``w``:
    offset of the scalar weight in the parameter row, or -1 for per-synapse weights; ``lam``:
    offset of an input's ``n*rate*dt``; ``stdp``: ``(w_max, dApre, dApost, tau_pre, tau_post)``
    (SI) of a pair-based STDP projection (per-synapse weights), see :mod:`.network_plastic`;
    ``triplet``: triplet STDP's constants (:mod:`.network_triplet`); ``stp``: Tsodyks-Markram
    ``(U, tau_d, tau_f)`` (:mod:`.network_stp`)."""

    src: int
    src_start: int
    src_stop: int
    tgt: int
    tgt_start: int
    tgt_size: int
    state: int
    gated: bool
    w: int
    lam: int = -1
    stdp: tuple[float, ...] | None = None
    triplet: tuple[float, ...] | None = None
    stp: tuple[float, ...] | None = None

    @property
    def plastic(self) -> bool:
        """Whether runs change the weights (pair or triplet STDP, with an ``on_post``)."""
        return self.stdp is not None or self.triplet is not None


@dataclass(frozen=True)
class RecSpec:
    """Recorded states (indices) of cells ``cells`` (absolute) of population ``pop``."""

    pop: int
    states: tuple[int, ...]
    cells: tuple[int, ...]

    @property
    def length(self) -> int:
        return len(self.states) * len(self.cells)


@dataclass(frozen=True)
class NetSpec:
    """The structure of a network as the template sees it."""

    name: str
    pops: tuple[PopSpec, ...]
    projections: tuple[SynSpec, ...]
    inputs: tuple[SynSpec, ...]
    records: tuple[RecSpec, ...]
    n_par: int
    n_init: int

    @property
    def cell_offsets(self) -> list[int]:
        """Global id of each population's first cell (spike output)."""
        return list(np.concatenate([[0], np.cumsum([p.size for p in self.pops])])[:-1])

    @property
    def rec_length(self) -> int:
        return sum(r.length for r in self.records)


@dataclass
class NetArrays:
    """Run-time inputs: ``P`` (runs, n_par) and ``init`` (runs, n_init) in SI; ``keys``
    (runs,); ``cur`` (rows, n_total) protocol current (A, absolute steps) and ``cur_row``
    (runs,) (-1: none); per projection ``csr[m]`` = (gptr, gstart, gend, gdelay, post) int64
    (groups: the synapses of one presynaptic cell with one delay in steps) and
    ``weights[m]`` (runs, nnz) or None; per spike source ``schedule[q]`` = (sptr (n_total+1,),
    cells); per STDP projection, pair or triplet (in projection order) ``post_index`` =
    (optr, oidx) int64 (see :func:`.network_plastic.post_index`)."""

    P: np.ndarray
    init: np.ndarray
    keys: np.ndarray
    cur: np.ndarray
    cur_row: np.ndarray
    csr: list
    weights: list
    schedule: dict = field(default_factory=dict)
    post_index: list = field(default_factory=list)
    n_total: int = 0
    n_settle: int = 0
    every: int = 1
    n_rec: int = 0
    dt: float = 1e-4


# --------------------------------------------------------------------------- C source
def support_code(spec: NetSpec) -> str:
    """The populations' TimedArray lookups and user functions' C code, each once (the point
    kernels' own support code: :func:`neurokit.codegen.timed_arrays.c_support`,
    :func:`neurokit.codegen.user_functions.c_support`; binomial draws are in the prelude)."""
    from types import SimpleNamespace

    from neurokit.codegen.timed_arrays import c_support
    from neurokit.codegen.user_functions import c_support as user_c_support

    irs = [p.ir for p in spec.pops if p.ir is not None]
    tables = {t.name: t for ir in irs for t in ir.tables}  # same name, same values: checked by the caller
    functions = tuple(f for ir in irs for f in ir.functions)
    return c_support(tables.values()) + user_c_support(SimpleNamespace(name=spec.name, functions=functions))


def source(spec: NetSpec, dtype: str = "float64") -> str:
    """C source of ``nk_net`` for the network structure ``spec``; ``dtype`` ``"float32"``
    keeps the neuron states (``X<q>``) and their step in float (half the memory traffic of
    the neuron loop; parameters, weights, recordings and the NumPy twin stay in double)."""
    from neurokit.codegen.targets.c import PRELUDE
    from neurokit.codegen.targets.c_printer import comment_text, names

    if dtype not in ("float64", "float32"):
        raise BackendError(f"native network: dtype {dtype!r} is not supported; use 'float64' or 'float32'")
    T = "double" if dtype == "float64" else "float"
    for pop in spec.pops:
        if pop.ir is not None:
            names(pop.ir)  # validates every name printed below
    L = [PRELUDE, _EXTRA, support_code(spec), f"/* neurokit network {comment_text(spec.name)} */"]
    L += run_function(spec, T)
    L += ["int nk_net(int64_t n_runs, int64_t n_total, int64_t n_settle, int64_t every, int64_t n_rec,",
          "           double dt, const double *P, const double *init, const uint64_t *keys,",
          "           const double *cur, int64_t cur_len, const int64_t *cur_row,",
          "           const int64_t *const *nk_ia, const int64_t *nk_nnz, double *const *nk_wa,",
          "           double *rec, int32_t **spk, int64_t *spk_n, int threads)", "{",
          "    int nk_failed = 0;",
          "    #pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(|:nk_failed)",
          "    for (int64_t run = 0; run < n_runs; run++)",
          "        nk_failed |= nk_net_run(run, n_total, n_settle, every, n_rec, dt, P, init, keys, cur, cur_len,",
          "                                cur_row, nk_ia, nk_nnz, nk_wa, rec, spk, spk_n);",
          "    return nk_failed;", "}", ""]
    return "\n".join(L)


def run_function(spec: NetSpec, T: str) -> list[str]:
    """``nk_net_run``: one run (sample, sweep) of the network loop, returning 1 where an
    allocation failed; ``T`` the neuron states' C type. Shared by the C loop (OpenMP over the
    runs, above) and the CUDA kernel (one thread per run, :mod:`.network_cuda`), which define
    ``NK_FN`` (qualifiers), ``NK_RUN_PARAMS``/``NK_RUN_START`` (extra parameters and set-up:
    the device's per-run memory) and ``malloc``/``free``."""
    L = ["NK_FN int nk_net_run(int64_t run, int64_t n_total, int64_t n_settle, int64_t every, int64_t n_rec,",
         "           double dt, const double *P, const double *init, const uint64_t *keys,",
         "           const double *cur, int64_t cur_len, const int64_t *cur_row,",
         "           const int64_t *const *nk_ia, const int64_t *nk_nnz, double *const *nk_wa,",
         "           double *rec, int32_t **spk, int64_t *spk_n NK_RUN_PARAMS)", "{",
         "        NK_RUN_START",
         "        int nk_oom = 0;",
         f"        const double *nk_P = P + run * {spec.n_par};",
         "        const uint64_t nk_K = keys[run]; (void)nk_K;",
         "        const double *nk_cur = cur_row[run] >= 0 ? cur + cur_row[run] * cur_len : NULL; (void)nk_cur;",
         f"        double *nk_rec = rec + run * {max(spec.rec_length, 1)} * n_rec; (void)nk_rec;",
         "        int32_t *nk_sp = NULL; int64_t nk_ns = 0, nk_sc = 0;"]
    for q, pop in enumerate(spec.pops):
        L.append(f"        int32_t *F{q} = (int32_t *)malloc(sizeof(int32_t) * {pop.size}); int64_t NF{q} = 0;")
        L.append(f"        if (!F{q}) nk_oom = 1;")
        if pop.kind == "neuron":
            n, start = len(pop.ir.state_names) * pop.size, f"init + run * {spec.n_init} + {pop.init}"
            L += [f"        {T} *X{q} = ({T} *)malloc(sizeof({T}) * {n});",
                  f"        double *G{q} = (double *)calloc({pop.size}, sizeof(double));",
                  f"        if (!X{q} || !G{q}) nk_oom = 1;",
                  f"        else memcpy(X{q}, {start}, sizeof(double) * {n});" if T == "double" else
                  f"        else for (int64_t i = 0; i < {n}; i++) X{q}[i] = (float)({start})[i];"]
    for m, syn in enumerate(spec.projections):
        L += [f"        int64_t D{m} = 1;",
              f"        {{ const int64_t *gptr = nk_ia[{5 * m}], *gdl = nk_ia[{5 * m + 3}];",
              f"          for (int64_t g = 0; g < gptr[{syn.src_stop - syn.src_start}]; g++) "
              f"if (gdl[g] + 1 > D{m}) D{m} = gdl[g] + 1; }}",
              f"        int32_t **R{m} = (int32_t **)calloc(D{m}, sizeof(int32_t *));",
              f"        int64_t *RL{m} = (int64_t *)calloc(D{m}, sizeof(int64_t)), *RC{m} = (int64_t *)calloc(D{m}, sizeof(int64_t));",
              f"        if (!R{m} || !RL{m} || !RC{m}) nk_oom = 1;"]
        L += alloc_lines(m, syn)
    for q, pop in enumerate(spec.pops):
        if pop.kind == "neuron":
            L += invariant_block(q, pop)
    L += ["        for (int64_t s = 0; s < n_total && !nk_oom; s++) {",
          "            const int64_t rel = s - n_settle;",
          "            const double t = (double)rel * dt; (void)t;",
          "            if (rel >= 0 && rel % every == 0) {",
          "                const int64_t kk = rel / every; (void)kk;"]
    off = 0
    for r in spec.records:
        for v in r.states:
            for c in r.cells:
                L.append(f"                nk_rec[{off} * n_rec + kk] = X{r.pop}[{v * spec.pops[r.pop].size + c}];")
                off += 1
    L.append("            }")
    for q, pop in enumerate(spec.pops):
        if pop.kind == "neuron":
            L += neuron_block(q, pop, spec, T)
        elif pop.kind == "poisson":
            L += [f"            {{ const double pr = nk_P[{pop.par}]; const uint64_t kq = nk_stream(nk_K, {1024 + q}ULL);",
                  "              int64_t nf = 0;",
                  f"              for (int64_t j = 0; j < {pop.size}; j++)",
                  f"                  if (nk_uniform(kq, (uint64_t)s * {pop.size}ULL + (uint64_t)j) < pr) F{q}[nf++] = (int32_t)j;",
                  f"              NF{q} = nf; }}"]
        else:
            L += [f"            {{ const int64_t *sptr = nk_ia[{5 * len(spec.projections) + q}];",
                  f"              const int64_t *sc = nk_ia[{5 * len(spec.projections) + len(spec.pops) + q}];",
                  f"              NF{q} = 0; for (int64_t e = sptr[s]; e < sptr[s + 1]; e++) F{q}[NF{q}++] = (int32_t)sc[e]; }}"]
    offsets = spec.cell_offsets
    L.append("            if (rel >= 0) {")
    for q, pop in enumerate(spec.pops):
        if pop.kind == "neuron":
            L += [f"                for (int64_t f = 0; f < NF{q}; f++) {{",
                  "                    NK_PUSH(nk_sp, nk_ns, nk_sc, rel);",
                  f"                    NK_PUSH(nk_sp, nk_ns, nk_sc, {offsets[q]} + F{q}[f]);", "                }"]
    L.append("            }")
    for m, syn in enumerate(spec.projections):
        L += projection_block(m, syn, spec)
    L += post_blocks(spec, 5 * len(spec.projections) + 2 * len(spec.pops))  # (optr, oidx) per STDP projection
    for m, syn in enumerate(spec.inputs):
        L += input_block(m, syn, spec)
    for q, pop in enumerate(spec.pops):
        if pop.kind == "neuron":
            L += reset_block(q, pop, T)
    L += ["        }", "        spk[run] = nk_sp; spk_n[run] = nk_ns / 2;"]
    for q, pop in enumerate(spec.pops):
        L.append(f"        free(F{q});" + (f" free(X{q}); free(G{q}); free(RF{q});" if pop.kind == "neuron" else ""))
    for m, syn in enumerate(spec.projections):
        L += [f"        if (R{m}) for (int64_t e = 0; e < D{m}; e++) free(R{m}[e]);",
              f"        free(R{m}); free(RL{m}); free(RC{m});"] + free_lines(m, syn)
    return L + ["        return nk_oom;", "}", ""]
