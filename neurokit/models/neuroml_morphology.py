"""NeuroML2 morphology -> unbranched sections with regions (see :mod:`neurokit.models.neuroml`).

Each unbranched segment group (neuroLexId ``sao864921383``) is one section; a segment in no
such group is a section of its own. Sections are cylinders whose length is the sum of their
segments' lengths (um) and whose diameter keeps the frusta's lateral area; regions come from
group ids and neuroLexIds (:data:`REGION_GROUPS`). Pure data: libNeuroML objects in, neurokit
:class:`~neurokit.models.morphology.SectionSpec` entries out.
"""

from __future__ import annotations

import numpy as np

from neurokit.errors import ModelError
from neurokit.models.morphology import SectionSpec

SECTION_LEX_ID = "sao864921383"  # NeuroML's "unbranched segment group" (a NEURON section)
# region -> (group ids, neuroLexIds, id substrings); checked in this order.
REGION_GROUPS = {
    "soma": ({"soma_group", "soma"}, {"GO:0043025", "sao1044911821"}, ()),
    "axon": ({"axon_group", "axon"}, {"GO:0030424", "sao1770195789"}, ()),
    "apical": (set(), {"GO:0097440"}, ("apical",)),
    "basal": ({"dendrite_group", "dendrites", "dend"}, {"GO:0097441", "GO:0030425", "sao1211023249"}, ("basal",)),
}


# -- sections ------------------------------------------------------------------------------
def segment_groups(morph, where: str) -> dict:
    """Group id -> libNeuroML segmentGroup; ``path``/``subTree`` groups are refused."""
    groups = {g.id: g for g in morph.segment_groups}
    for g in morph.segment_groups:
        for kind in ("paths", "sub_trees"):
            if getattr(g, kind):
                raise ModelError(f"{where}: segmentGroup {g.id!r}: {kind} are not supported (use members/includes)")
    return groups


def group_segments(groups: dict, gid: str, all_ids: list, where: str, _stack=()) -> list:
    """Segment ids of group ``gid`` (members, then includes, in order); ``all`` without a group
    of that name is every segment."""
    if gid not in groups:
        if gid == "all":
            return list(all_ids)
        raise ModelError(f"{where}: unknown segmentGroup {gid!r} (have {sorted(groups)})")
    if gid in _stack:
        raise ModelError(f"{where}: segmentGroup {gid!r} includes itself")
    ids = [int(m.segments) for m in groups[gid].members]
    for inc in groups[gid].includes:
        ids += group_segments(groups, inc.segment_groups, all_ids, where, (*_stack, gid))
    return list(dict.fromkeys(ids))


def _region_of(gid: str, group) -> str | None:
    for region, (ids, lex, parts) in REGION_GROUPS.items():
        if gid in ids or group.neuro_lex_id in lex or any(p in gid.lower() for p in parts):
            return region
    return None


def morphology_sections(morph, where: str) -> tuple[list[SectionSpec], dict[int, str], dict[str, list[int]]]:
    """Sections, segment id -> section name, and region -> segment ids of a NeuroML morphology."""
    segs = {int(s.id): s for s in morph.segments}
    if not segs:
        raise ModelError(f"{where}: the morphology has no segments")
    groups = segment_groups(morph, where)
    ids = list(segs)
    pts = {}
    for i, s in segs.items():
        parent = None if s.parent is None else int(s.parent.segments)
        if parent is not None and parent not in segs:
            raise ModelError(f"{where}: segment {i} has unknown parent {parent}")
        frac = 1.0 if s.parent is None else float(s.parent.fraction_along)
        if s.proximal is not None:
            prox = s.proximal
            p0, d0 = np.array([prox.x, prox.y, prox.z], float), float(prox.diameter)
        elif parent is None:
            raise ModelError(f"{where}: root segment {i} has no proximal point")
        else:
            p0 = d0 = None  # from the parent, once its points are known
        dist = s.distal
        pts[i] = [p0, d0, np.array([dist.x, dist.y, dist.z], float), float(dist.diameter), parent, frac]
    for i in ids:  # NeuroML lists parents before children
        p0, _, _, _, parent, frac = pts[i]
        if p0 is None:
            a, da, b, db = pts[parent][:4]
            pts[i][0], pts[i][1] = a + frac * (b - a), da + frac * (db - da)
    sec_of, members = {}, {}
    for gid, g in groups.items():
        if g.neuro_lex_id == SECTION_LEX_ID:
            chain = [int(m.segments) for m in g.members]
            for k, i in enumerate(chain):
                if i not in segs:
                    raise ModelError(f"{where}: segmentGroup {gid!r} names unknown segment {i}")
                if i in sec_of:
                    raise ModelError(f"{where}: segment {i} is in two unbranched groups ({sec_of[i]!r}, {gid!r})")
                if k and (pts[i][4] != chain[k - 1] or pts[i][5] != 1.0):
                    raise ModelError(f"{where}: unbranched segmentGroup {gid!r}: segment {i} does not "
                                     f"continue segment {chain[k - 1]}")
                sec_of[i] = gid
            members[gid] = chain
    for i in ids:
        if i not in sec_of:
            sec_of[i] = f"segment_{i}"
            members[sec_of[i]] = [i]
    found: dict[str, set] = {}
    for gid, g in groups.items():
        region = _region_of(gid, g)
        if region is not None:
            for i in group_segments(groups, gid, ids, where):
                found.setdefault(sec_of[i], set()).add(region)
    region_of = {}
    for name, regions in found.items():
        if "apical" in regions:
            regions.discard("basal")  # a generic dendrite group holds apical dendrites too
        if len(regions) > 1:
            raise ModelError(f"{where}: section {name!r} is in groups of several regions {sorted(regions)}")
        region_of[name] = regions.pop()
    sections, offsets = [], {}
    for name, chain in sorted(members.items(), key=lambda kv: ids.index(kv[1][0])):
        if name not in region_of:
            raise ModelError(f"{where}: section {name!r} (segments {chain}) is in no soma, axon or dendrite "
                             f"group (by id, e.g. 'soma_group', or neuroLexId)")
        lengths, areas = [], []
        for i in chain:
            p0, d0, p1, d1 = pts[i][:4]
            length = float(np.linalg.norm(p1 - p0))
            if length == 0.0:  # NeuroML's sphere: a cylinder of the same area
                length, d0, d1 = d1, d1, d1
            lengths.append(length)
            areas.append(0.5 * (d0 + d1) * length)
        total = sum(lengths)
        offsets.update({i: (sum(lengths[:k]), lengths[k], total) for k, i in enumerate(chain)})
        sections.append((name, chain, total, sum(areas) / total))
    specs = []
    for name, chain, total, diam in sections:
        parent = pts[chain[0]][4]
        parent_name, x = None, 1.0
        if parent is not None:
            start, length, sec_len = offsets[parent]
            parent_name, x = sec_of[parent], min(1.0, (start + pts[chain[0]][5] * length) / sec_len)
        specs.append(SectionSpec(name, region_of[name], total, diam, parent_name, x))
    by_region = {}
    for i in ids:
        by_region.setdefault(region_of[sec_of[i]], []).append(i)
    return specs, sec_of, by_region


