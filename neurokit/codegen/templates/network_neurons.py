"""The neuron populations of the spiking-network loop (:mod:`neurokit.codegen.templates.network`):
per-run invariants, the vectorised step with its threshold test, and the resets.

The step of a population is one ``#pragma omp simd`` loop over blocks of :data:`BLOCK`
cells. The loop is bound by the traffic of the state arrays through L2 (a few
multiply-adds per cell and step against a handful of arrays), so it moves as few bytes as it
can (and ``ctype="float"`` halves them):

- the threshold flags of a block go to a byte buffer that stays in L1 and is scanned right
  after the block only where their OR (a reduction of the vector loop) is 1; the
  population's ``G`` array ("fired at this step", read by gated delta synapses) is kept up
  to date sparsely, set for the cells that fired and cleared at the next step;
- a state's new value is stored only where something reads it later (:func:`stored_states`):
  e.g. ``not_refractory``, recomputed from ``lastspike`` at every step, is stored only when
  a gated synapse reads it or it is recorded;
- Brian2's refractory test ``not_refractory = timestep(t - lastspike, dt) >= K`` (``K`` one
  value per run and population: refractoriness as a duration, a parameter or an expression
  of them) is not evaluated per cell and step (:func:`refractory_plan`): once true it stays
  true until the cell fires again, so only the cells that fired recently evaluate it, from
  ``lastspike``, before the vector loop (the queue ``RQ{q}`` in firing order, tested from its
  head; the list ``RF{q}``, all cells at the start, whatever their initial ``lastspike``);
  the loop reads the result as one byte per cell, ``RB{q}[j]`` (1 for every other cell: 4 kB
  for 4000 cells, in L1), instead of the ``lastspike`` double and its arithmetic. Same values
  as the test itself, so the same spikes; ``lastspike`` is written at each spike as before.

``spec`` below is a :class:`.network.NetSpec` and ``pop`` a :class:`.network.PopSpec`.
"""

from __future__ import annotations

#: Cells per block of the neuron loop (its threshold flags: 64 bytes, in L1).
BLOCK = 64


def refractory_plan(pop) -> tuple[str, tuple, set] | None:
    """``(local, statements, dropped)`` where population ``pop`` uses the refractory list (see
    the module docstring): ``local`` is the step's new ``not_refractory``, ``statements`` the
    step statements that compute it, ``dropped`` those of them the vector loop leaves out (the
    only ones reading ``lastspike``). ``None`` where the test is not Brian2's duration form
    ``timestep(t - lastspike, dt) >= K`` with ``K`` free of states and ``t`` (e.g. a boolean
    refractory condition), or where a reset writes ``lastspike`` (synapses: :func:`_plan`)."""
    import sympy

    ir = pop.ir
    if ir is None or not ir.threshold or not {"lastspike", "not_refractory"} <= set(ir.state_names):
        return None
    outs = {o.state: o.value for o in ir.outputs}
    local = outs.get("not_refractory")
    if local is None or "lastspike" in outs:
        return None
    t, ls, dt = (sympy.Symbol(n, real=True) for n in ("t", "lastspike", "dt"))
    if [a for a in ir.on_spike if a.target == "lastspike"] != [a for a in ir.on_spike[:1] if a.expr == t]:
        return None
    defs = {a.target: a.expr for a in ir.step}
    chain, todo = set(), [local]
    while todo:  # the locals the new not_refractory needs
        x = todo.pop()
        if x in defs and x not in chain:
            chain.add(x)
            todo += [s.name for s in defs[x].free_symbols]
    tainted = set()  # locals reading lastspike other than through the new not_refractory
    for a in ir.step:
        if a.target != local and (ls in a.expr.free_symbols or {s.name for s in a.expr.free_symbols} & tainted):
            tainted.add(a.target)
    if not tainted <= chain or tainted & (set(outs.values()) | {ir.threshold}):
        return None
    thr = defs.get(ir.threshold)
    if thr is None or thr.xreplace({sympy.Symbol(local, real=True): sympy.false}) != sympy.false:
        return None  # a cell could fire while refractory: the queue would lose its order
    e = sympy.Symbol(local, real=True)
    for _ in range(len(chain) + 1):
        e = e.xreplace({sympy.Symbol(n, real=True): defs[n] for n in chain})
    constant = {sympy.Symbol(n, real=True) for n in ir.parameter_names} | {dt}
    constant |= {sympy.Symbol(a.target, real=True) for a in ir.invariants}
    if not (isinstance(e, (sympy.GreaterThan, sympy.StrictGreaterThan))
            and e.lhs == sympy.Function("timestep")(t - ls, dt) and e.rhs.free_symbols <= constant):
        return None  # only this form is known to stay true until the next spike
    return local, tuple(a for a in ir.step if a.target in chain), tainted | {local}


def _plan(q: int, spec):
    """:func:`refractory_plan` of population ``q``, ``None`` also where a synapse or an input
    writes its ``lastspike``."""
    pop = spec.pops[q]
    plan = refractory_plan(pop)
    if plan is None or any(syn.tgt == q and pop.ir.state_names[syn.state] == "lastspike"
                           for syn in (*spec.projections, *spec.inputs)):
        return None
    return plan


def list_alloc_lines(q: int, pop) -> list[str]:
    """The refractory lists of population ``q`` (one allocation, freed with ``free(RF{q})``):
    ``RF{q}[0:NR{q}]``, cells in any order (at the start: all, since initial ``lastspike``
    values may be anything), the queue ``RQ{q}`` (``QN{q}`` cells from ``QH{q}``, a ring) of
    the cells that fired since, in firing order, and the one-byte results ``RB{q}`` (0 for
    exactly the listed and queued cells)."""
    N = pop.size
    if refractory_plan(pop) is None:
        return [f"        int32_t *RF{q} = NULL; (void)RF{q};"]
    return [f"        int32_t *RF{q} = (int32_t *)malloc(9 * (size_t){N}), *RQ{q} = RF{q} + {N};",
            f"        unsigned char *RB{q} = (unsigned char *)(RF{q} + {2 * N});",
            f"        int64_t NR{q} = {N}, QH{q} = 0, QN{q} = 0;",
            f"        if (!RF{q}) nk_oom = 1;",
            f"        else for (int64_t j = 0; j < {N}; j++) {{ RF{q}[j] = (int32_t)j; RB{q}[j] = 0; }}"]


def _list_pass(q: int, pop, plan, ctype: str) -> list[str]:
    """Before the vector loop: the cells where the refractory test now holds get ``RB = 1``
    and leave the list or the queue. All of ``RF`` is tested; the queue only from its head:
    its cells fired in order, so ``t - lastspike`` does not increase along it, nor does the
    test hold behind a cell where it fails (``K`` is one value for the population)."""
    from neurokit.codegen.targets.c_printer import step_body

    local, chain, _ = plan
    ir, T, N = pop.ir, ctype, pop.size
    ind, ind2 = " " * 20, " " * 24
    ls = ir.state_names.index("lastspike") * N
    test = [f"{ind2}const {T} s_lastspike = X{q}[{ls} + j];"]
    test += step_body(_with_step(ir, chain), ind2, ctype=T)
    return [" " * 16 + "{ /* refractory lists */",
            f"{ind}const {T} t = nk_t, dt = nk_dt; (void)t; (void)dt;",
            f"{ind}int64_t nk_keep = 0;",
            f"{ind}for (int64_t f = 0; f < NR{q}; f++) {{",
            f"{ind2}const int64_t j = RF{q}[f];", *test,
            f"{ind2}RB{q}[j] = (k_{local}) != 0;",
            f"{ind2}if (!RB{q}[j]) RF{q}[nk_keep++] = (int32_t)j;",
            f"{ind}}}", f"{ind}NR{q} = nk_keep;",
            f"{ind}while (QN{q}) {{",
            f"{ind2}const int64_t j = RQ{q}[QH{q}];", *test,
            f"{ind2}if ((k_{local}) == 0) break;",
            f"{ind2}RB{q}[j] = 1; QN{q}--; QH{q} = QH{q} + 1 == {N} ? 0 : QH{q} + 1;",
            f"{ind}}}", " " * 16 + "}"]


def _with_step(ir, step):
    from dataclasses import replace

    return replace(ir, step=tuple(step))


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
    L = list_alloc_lines(q, pop)
    L += [f"        double KV{q}[{max(len(ir.invariants), 1)}] = {{0}};", f"        {{ /* population {q}: invariants */"]
    L += [f"{ind}const double p_{p} = nk_P[{pop.par + k}]; (void)p_{p};" for k, p in enumerate(ir.parameter_names)]
    L += invariant_lines(ir, ind) + [f"{ind}KV{q}[{k}] = k_{a.target};" for k, a in enumerate(ir.invariants)]
    return L + ["        }"]


def neuron_block(q: int, pop, spec, ctype: str = "double") -> list[str]:
    """One step of neuron population ``q``: states updated in place in ``X{q}``, the cells that
    fired listed in ``F{q}[0:NF{q}]`` and flagged in ``G{q}``. ``ctype``: ``"double"`` or
    ``"float"`` (states and arithmetic; parameters and invariants are rounded from double)."""
    from neurokit.codegen.targets.c_printer import step_body, used_draws

    ir, N, T = pop.ir, pop.size, ctype
    ind, ind2, ind3 = " " * 16, " " * 20, " " * 24
    stored = stored_states(q, spec)
    plan = _plan(q, spec)
    body = ir
    if plan is not None:  # the step without the refractory test: one byte per cell instead
        body = _with_step(ir, [a for a in ir.step if a.target not in plan[2]])
    L = [f"            {{ /* population {q}: groups and thresholds */"]
    L += [f"{ind}const {T} p_{p} = ({T})nk_P[{pop.par + k}]; (void)p_{p};" for k, p in enumerate(ir.parameter_names)]
    L += [f"{ind}const {T} k_{a.target} = ({T})KV{q}[{k}]; (void)k_{a.target};" for k, a in enumerate(ir.invariants)]
    if ir.stimulus:
        cur = "(nk_cur && rel >= 0) ? nk_cur[s] : 0.0" if pop.stim else "0.0"
        L.append(f"{ind}const {T} I_stim = ({T})({cur});")
    L += [f"{ind}const uint64_t nk_kq = nk_stream(nk_K, {2048 + q}ULL); (void)nk_kq;",
          f"{ind}const {T} nk_t = ({T})t, nk_dt = ({T})dt;",
          f"{ind}for (int64_t f = 0; f < NF{q}; f++) G{q}[F{q}[f]] = 0.0; /* last step's flags */",
          f"{ind}int64_t nk_nf = 0;"]
    if plan is not None:
        L += _list_pass(q, pop, plan, T)
    L += [f"{ind}for (int64_t j0 = 0; j0 < {N}; j0 += {BLOCK}) {{",
          f"{ind2}const int64_t nb = j0 + {BLOCK} < {N} ? {BLOCK} : {N} - j0;",
          f"{ind2}const {T} t = nk_t, dt = nk_dt; (void)t; (void)dt; /* in the step's type */",
          f"{ind2}unsigned char nk_g[{BLOCK}], nk_any = 0;"]
    L += [f"{ind2}{T} *restrict a_{st} = X{q} + {k * N} + j0;" for k, st in enumerate(ir.state_names)]
    L += [f"{ind2}#pragma omp simd" + (" reduction(|:nk_any)" if ir.threshold else ""),
          f"{ind2}for (int64_t j = 0; j < nb; j++) {{"]
    L += [f"{ind3}const {T} s_{st} = a_{st}[j];" for st in ir.state_names
          if plan is None or st != "lastspike"]
    if plan is not None:
        L.append(f"{ind3}const {T} k_{plan[0]} = ({T})RB{q}[j0 + j];")
    nr = max(ir.n_rand_step, 1)
    exprs = [a.expr for a in ir.step]
    for kind, fn, pre in (("_rand_", "nk_uniform", "r_u"), ("_randn_", "nk_normal", "r_n")):
        for k, _ in used_draws(exprs, kind):
            counter = f"((uint64_t)s * {N}ULL + (uint64_t)(j0 + j)) * {nr}ULL + {k}ULL"
            L.append(f"{ind3}const {T} {pre}{k} = ({T}){fn}(nk_kq, {counter});")
    L += step_body(body, ind3, ctype=T)
    L += [f"{ind3}a_{o.state}[j] = k_{o.value};" for o in ir.outputs if o.state in stored]
    if ir.threshold:
        # Spiking cells are rare: one flag byte per cell and their OR, scanned only where it is 1.
        L += [f"{ind3}nk_g[j] = (k_{ir.threshold}) != 0;", f"{ind3}nk_any |= nk_g[j];", f"{ind2}}}",
              f"{ind2}if (nk_any)",
              f"{ind2}    for (int64_t i = 0; i < nb; i++) if (nk_g[i]) F{q}[nk_nf++] = (int32_t)(j0 + i);"]
    else:
        L += [f"{ind2}}}", f"{ind2}(void)nk_g; (void)nk_any;"]
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
    if refractory_plan(pop) is not None:  # listed and queued cells have RB 0: queued once
        L.append(f"{ind}    if (RB{q}[j]) {{ RB{q}[j] = 0; RQ{q}[QH{q} + QN{q} < {N} ? QH{q} + QN{q} : "
                 f"QH{q} + QN{q} - {N}] = (int32_t)j; QN{q}++; }}")
    L += [f"{ind}}}", "            }"]
    return L
