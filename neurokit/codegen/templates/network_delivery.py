"""Synaptic delivery in the spiking-network loop (:mod:`neurokit.codegen.templates.network`):
the C blocks of projections (ring buffer of delayed events, target update, short-term and
spike-timing plasticity) and Poisson inputs, and the per-run plasticity state they need.

Per delivered synapse ``k``, in the brian2 backend's ``on_pre`` order: Tsodyks-Markram
release (:mod:`.network_stp`), ``target += weight*r`` (gated for delta synapses onto a
refractory model), then the weight update of pair (:mod:`.network_plastic`) or triplet
(:mod:`.network_triplet`) STDP. Their ``on_post`` pathways follow every projection's
delivery (:func:`post_blocks`).

``syn`` below is a :class:`.network.SynSpec` and ``spec`` a :class:`.network.NetSpec`.
"""

from __future__ import annotations

from neurokit.codegen.templates import network_plastic, network_stp, network_triplet


def alloc_lines(m: int, syn) -> list[str]:
    """Per-run plasticity state of projection ``m`` (after its ring buffer)."""
    L = network_stp.alloc_lines(m) if syn.stp is not None else []
    if syn.stdp is not None:
        L += network_plastic.alloc_lines(m)
    if syn.triplet is not None:
        L += network_triplet.alloc_lines(m)
    return L


def free_lines(m: int, syn) -> list[str]:
    L = network_stp.free_lines(m) if syn.stp is not None else []
    if syn.stdp is not None:
        L += network_plastic.free_lines(m)
    if syn.triplet is not None:
        L += network_triplet.free_lines(m)
    return L


def post_blocks(spec, base: int) -> list[str]:
    """``on_post`` of every STDP projection, in projection order; ``base``: index in ``nk_ia``
    of the first ``optr`` (then ``oidx``, then the next projection's pair)."""
    L = []
    for n, m in enumerate([m for m, p in enumerate(spec.projections) if p.plastic]):
        syn = spec.projections[m]
        mod = network_plastic if syn.stdp is not None else network_triplet
        L += mod.post_block(m, syn, base + 2 * n)
    return L


def projection_block(m: int, syn, spec) -> list[str]:
    tgt = spec.pops[syn.tgt]
    ind = " " * 16
    L = [f"            {{ /* projection {m} */",
         f"{ind}const int64_t *gptr = nk_ia[{5 * m}], *gst = nk_ia[{5 * m + 1}], *gen = nk_ia[{5 * m + 2}];",
         f"{ind}const int64_t *gdl = nk_ia[{5 * m + 3}], *post = nk_ia[{5 * m + 4}];",
         f"{ind}for (int64_t f = 0; f < NF{syn.src}; f++) {{",
         f"{ind}    const int64_t i = F{syn.src}[f] - {syn.src_start};",
         f"{ind}    if (i < 0 || i >= {syn.src_stop - syn.src_start}) continue;",
         f"{ind}    for (int64_t g = gptr[i]; g < gptr[i + 1]; g++) {{",
         f"{ind}        const int64_t sl = (s + gdl[g]) % D{m};",
         f"{ind}        NK_PUSH(R{m}[sl], RL{m}[sl], RC{m}[sl], g);",
         f"{ind}    }}", f"{ind}}}",
         f"{ind}const int64_t sl = s % D{m};",
         f"{ind}__typeof__(*X{syn.tgt}) *restrict tg = X{syn.tgt} + {syn.state * tgt.size + syn.tgt_start};"]
    gate = ""
    if syn.gated:
        L += [f"{ind}const __typeof__(*X{syn.tgt}) *nk_nr = X{syn.tgt} + {tgt.gate * tgt.size + syn.tgt_start};",
              f"{ind}const double *nk_fl = G{syn.tgt} + {syn.tgt_start};"]
        gate = " * nk_nr[post[k]] * (1.0 - nk_fl[post[k]])"
    w = f"nk_P[{syn.w}]" if syn.w >= 0 else "nk_w[k]"
    if syn.w < 0:
        L.append(f"{ind}double *restrict nk_w = nk_wa[{m}] + run * nk_nnz[{m}];")
    L += [f"{ind}for (int64_t e = 0; e < RL{m}[sl]; e++) {{",
          f"{ind}    const int64_t g = R{m}[sl][e];"]
    if syn.stp is None and not syn.plastic:
        L.append(f"{ind}    for (int64_t k = gst[g]; k < gen[g]; k++) tg[post[k]] += {w}{gate};")
    else:
        body = ind + "        "
        L.append(f"{ind}    for (int64_t k = gst[g]; k < gen[g]; k++) {{")
        if syn.stp is not None:
            L += network_stp.release_lines(m, syn.stp, body)
            w += " * nk_r"
        L.append(f"{body}tg[post[k]] += {w}{gate};")
        if syn.stdp is not None:
            L += network_plastic.pre_lines(m, syn.stdp, body)
        if syn.triplet is not None:
            L += network_triplet.pre_lines(m, syn.triplet, body)
        L.append(f"{ind}    }}")
    L += [f"{ind}}}", f"{ind}RL{m}[sl] = 0;", "            }"]
    return L


def input_block(m: int, syn, spec) -> list[str]:
    tgt = spec.pops[syn.tgt]
    ind = " " * 16
    L = [f"            {{ /* Poisson input {m} */",
         f"{ind}const double lam = nk_P[{syn.lam}], w = nk_P[{syn.w}], elam = exp(-lam);",
         f"{ind}const uint64_t kk = nk_stream(nk_K, {16 + m}ULL);",
         f"{ind}__typeof__(*X{syn.tgt}) *restrict tg = X{syn.tgt} + {syn.state * tgt.size + syn.tgt_start};"]
    gate = ""
    if syn.gated:
        L += [f"{ind}const __typeof__(*X{syn.tgt}) *nk_nr = X{syn.tgt} + {tgt.gate * tgt.size + syn.tgt_start};",
              f"{ind}const double *nk_fl = G{syn.tgt} + {syn.tgt_start};"]
        gate = " * nk_nr[j] * (1.0 - nk_fl[j])"
    L += [f"{ind}for (int64_t j = 0; j < {syn.tgt_size}; j++) {{",
          f"{ind}    const int64_t c = nk_poisson(kk, (uint64_t)s * {syn.tgt_size}ULL + (uint64_t)j, lam, elam);",
          f"{ind}    if (c) tg[j] += (double)c * w{gate};",
          f"{ind}}}", "            }"]
    return L
