"""The neuron populations of the spiking-network loop (:mod:`neurokit.codegen.templates.network`):
per-run invariants, the vectorised step with its threshold test, and the resets.

The step of a population is one ``#pragma omp simd`` loop over blocks of :data:`BLOCK`
cells. The loop is bound by the traffic of the state arrays through L2 (a few
multiply-adds per cell and step against a handful of arrays), so it moves as few bytes as it
can (and ``ctype="float"`` halves them):

- the threshold flags of a block go to a buffer that stays in L1 and is scanned right
  after the block (spikes are rare: 16 flags at a time, by one vector sum); the
  population's ``G`` array ("fired at this step", read by gated delta synapses) is kept up
  to date sparsely, set for the cells that fired and cleared at the next step;
- a state's new value is stored only where something reads it later (:func:`stored_states`):
  e.g. ``not_refractory``, recomputed from ``lastspike`` at every step, is stored only when
  a gated synapse reads it or it is recorded.

``spec`` below is a :class:`.network.NetSpec` and ``pop`` a :class:`.network.PopSpec`.
"""

from __future__ import annotations

#: Cells per block of the neuron loop: 64 doubles of threshold flags (512 bytes, in L1).
BLOCK = 64


def stored_states(q: int, spec) -> set[str]:
    """States of population ``q`` whose new value the step must store: the old value is read
    by the step itself or by the resets, the state is recorded, or a synapse or input writes
    it or gates on it."""
    pop = spec.pops[q]
    ir = pop.ir
    names = ir.state_names
    exprs = [a.expr for a in ir.step] + [a.expr for a in ir.on_spike]
    keep = {s.name for e in exprs for s in e.free_symbols} & set(names)
    keep |= {names[v] for r in spec.records if r.pop == q for v in r.states}
    for syn in (*spec.projections, *spec.inputs):
        if syn.tgt == q:
            keep.add(names[syn.state])
            if syn.gated and pop.gate is not None:
                keep.add(names[pop.gate])
    return keep


def invariant_block(q: int, pop) -> list[str]:
    """Per-run constants of population ``q`` (propagators such as ``exp(-dt/tau)``: functions
    of parameters and ``dt`` only), computed once before the time loop into ``KV{q}``."""
    from neurokit.codegen.targets.c_printer import invariant_lines

    ir, ind = pop.ir, " " * 12
    L = [f"        double KV{q}[{max(len(ir.invariants), 1)}] = {{0}};", f"        {{ /* population {q}: invariants */"]
    L += [f"{ind}const double p_{p} = nk_P[{pop.par + k}]; (void)p_{p};" for k, p in enumerate(ir.parameter_names)]
    L += invariant_lines(ir, ind) + [f"{ind}KV{q}[{k}] = k_{a.target};" for k, a in enumerate(ir.invariants)]
    return L + ["        }"]


def neuron_block(q: int, pop, spec, ctype: str = "double") -> list[str]:
    """One step of neuron population ``q``: states updated in place in ``X{q}``, the cells that
    fired listed in ``F{q}[0:NF{q}]`` and flagged in ``G{q}``. ``ctype``: ``"double"`` or
    ``"float"`` (states and arithmetic; parameters and invariants are rounded from double)."""
    from neurokit.codegen.targets.c_printer import step_body, used_draws

    ir, N, T = pop.ir, pop.size, ctype
    one, zero = ("1.0f", "0.0f") if T == "float" else ("1.0", "0.0")
    ind, ind2, ind3 = " " * 16, " " * 20, " " * 24
    stored = stored_states(q, spec)
    L = [f"            {{ /* population {q}: groups and thresholds */"]
    L += [f"{ind}const {T} p_{p} = ({T})nk_P[{pop.par + k}]; (void)p_{p};" for k, p in enumerate(ir.parameter_names)]
    L += [f"{ind}const {T} k_{a.target} = ({T})KV{q}[{k}]; (void)k_{a.target};" for k, a in enumerate(ir.invariants)]
    if ir.stimulus:
        cur = "(nk_cur && rel >= 0) ? nk_cur[s] : 0.0" if pop.stim else "0.0"
        L.append(f"{ind}const {T} I_stim = ({T})({cur});")
    L += [f"{ind}const uint64_t nk_kq = nk_stream(nk_K, {2048 + q}ULL); (void)nk_kq;",
          f"{ind}const {T} nk_t = ({T})t, nk_dt = ({T})dt;",
          f"{ind}for (int64_t f = 0; f < NF{q}; f++) G{q}[F{q}[f]] = 0.0; /* last step's flags */",
          f"{ind}int64_t nk_nf = 0;",
          f"{ind}for (int64_t j0 = 0; j0 < {N}; j0 += {BLOCK}) {{",
          f"{ind2}const int64_t nb = j0 + {BLOCK} < {N} ? {BLOCK} : {N} - j0;",
          f"{ind2}const {T} t = nk_t, dt = nk_dt; (void)t; (void)dt; /* in the step's type */",
          f"{ind2}{T} nk_g[{BLOCK}];"]
    L += [f"{ind2}{T} *restrict a_{st} = X{q} + {k * N} + j0;" for k, st in enumerate(ir.state_names)]
    L += [f"{ind2}#pragma omp simd", f"{ind2}for (int64_t j = 0; j < nb; j++) {{"]
    L += [f"{ind3}const {T} s_{st} = a_{st}[j];" for st in ir.state_names]
    nr = max(ir.n_rand_step, 1)
    exprs = [a.expr for a in ir.step]
    for kind, fn, pre in (("_rand_", "nk_uniform", "r_u"), ("_randn_", "nk_normal", "r_n")):
        for k, _ in used_draws(exprs, kind):
            counter = f"((uint64_t)s * {N}ULL + (uint64_t)(j0 + j)) * {nr}ULL + {k}ULL"
            L.append(f"{ind3}const {T} {pre}{k} = ({T}){fn}(nk_kq, {counter});")
    L += step_body(ir, ind3, ctype=T)
    L += [f"{ind3}a_{o.state}[j] = k_{o.value};" for o in ir.outputs if o.state in stored]
    cond = f"((k_{ir.threshold}) != 0 ? {one} : {zero})" if ir.threshold else zero
    L += [f"{ind3}nk_g[j] = {cond};", f"{ind2}}}"]
    if ir.threshold:
        # Spiking cells are rare: test 16 flags (0 or 1) by one vector sum, single cells only
        # where the sum is not 0.
        L += [f"{ind2}for (int64_t i0 = 0; i0 < nb; i0 += 16) {{",
              f"{ind3}const int64_t ie = i0 + 16 < nb ? i0 + 16 : nb;",
              f"{ind3}{T} nk_any = {zero};",
              f"{ind3}for (int64_t i = i0; i < ie; i++) nk_any += nk_g[i];",
              f"{ind3}if (nk_any != 0)",
              f"{ind3}    for (int64_t i = i0; i < ie; i++) if (nk_g[i] != 0) F{q}[nk_nf++] = (int32_t)(j0 + i);",
              f"{ind2}}}"]
    L += [f"{ind}}}", f"{ind}NF{q} = nk_nf;",
          f"{ind}for (int64_t f = 0; f < nk_nf; f++) G{q}[F{q}[f]] = 1.0;", "            }"]
    return L


def reset_block(q: int, pop, ctype: str = "double") -> list[str]:
    """The resets of the cells of population ``q`` that fired at this step."""
    from neurokit.codegen.targets.c_printer import reset_lines

    ir, N = pop.ir, pop.size
    if not ir.threshold or not ir.on_spike:
        return []
    ind = " " * 16
    L = [f"            if (NF{q}) {{ /* population {q}: resets */"]
    L += [f"{ind}const {ctype} p_{p} = ({ctype})nk_P[{pop.par + k}]; (void)p_{p};"
          for k, p in enumerate(ir.parameter_names)]
    L += [f"{ind}{ctype} *restrict a_{st} = X{q} + {k * N};" for k, st in enumerate(ir.state_names)]
    L += [f"{ind}const uint64_t nk_kr = nk_stream(nk_K, {3072 + q}ULL); (void)nk_kr;",
          f"{ind}for (int64_t f = 0; f < NF{q}; f++) {{", f"{ind}    const int64_t j = F{q}[f];"]
    L += reset_lines(ir, ind + "    ", state="a_{}[j]", param="p_{}", key="nk_mix(nk_kr + (uint64_t)j)",
                     ctype=ctype)
    L += [f"{ind}}}", "            }"]
    return L
