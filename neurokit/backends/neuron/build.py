"""Building a :class:`~neurokit.models.cell.CellModel` in this process's NEURON.

:func:`instantiate` loads the cell's mechanisms (compiled on demand by
:mod:`neurokit.backends.neuron.mechanisms`), makes its sections (programmatically, or from an
SWC / Neurolucida file through NEURON's Import3d), inserts mechanisms per region, discretises by
the d_lambda rule and places the probes. :meth:`BuiltCell.apply` then sets one parameter set's
values, with distance scaling rules evaluated by :func:`neurokit.expressions.evaluate`.

NEURON's state is global per process: a process holds one built cell at a time (the runner and
the worker pool see to that). ``neuron`` is imported only inside functions, so importing this
module never loads NEURON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from neurokit.backends.neuron.geometry import replace_axon, segment_count
from neurokit.backends.neuron.mechanisms import load_mechanisms
from neurokit.errors import ModelError
from neurokit.expressions import evaluate, names_in
from neurokit.models.cell import DISTANCE_NAMES, SECTION_PROPERTIES, CellModel, Region
from neurokit.models.morphology import IMPORT3D_REGIONS, REGIONS, Morphology
from neurokit.models.sites import Location

_TEMPLATE = """
begintemplate NeurokitCell
public soma, axon, dend, apic, all, somatic, axonal, basal, apical
create soma[1], axon[1], dend[1], apic[1]
objref all, somatic, axonal, basal, apical
proc init() {
    all = new SectionList()
    somatic = new SectionList()
    axonal = new SectionList()
    basal = new SectionList()
    apical = new SectionList()
}
endtemplate NeurokitCell
"""


def _h():
    from neuron import h

    h.load_file("stdrun.hoc")
    h.load_file("import3d.hoc")
    if not hasattr(h, "NeurokitCell"):
        h(_TEMPLATE)
    return h


@dataclass
class _Assignment:
    """One ``variable.where`` value: its target sections and per-segment distance factors."""

    key: str
    var: str
    sections: list
    segments: list
    distances: np.ndarray
    expr: str | None = None  # scaling expression (text, for expressions.evaluate), or None
    where: str = ""  # where the expression came from, for error messages
    factors: np.ndarray | None = None  # the expression's values when it uses only ``d``
    by_section: bool = False  # unscaled, and every target segment has ``var``: set per section


class BuiltCell:
    """A :class:`CellModel` instantiated in this process's NEURON.

    Built once (sections, mechanisms, discretisation, probes); :meth:`apply` sets the values of
    one parameter set. Deleting the object (or :meth:`close`) removes its sections.
    """

    def __init__(self, model: CellModel):
        load_mechanisms(model.mechanism_folders)
        h = _h()
        self.model = model
        self._holder = None
        self.sections: list[tuple[str, str, object]] = []  # (name, region, section)
        try:
            self._build(h, model)
        except BaseException:
            # A failed build must not leave its sections behind: NEURON would integrate them
            # with every cell built later in this process.
            self.close()
            raise

    def _build(self, h, model: CellModel) -> None:
        if model.morphology.path is not None:
            self._load_file(h, model.morphology)
        else:
            self._build_sections(h, model.morphology)
        somas = [s for _, r, s in self.sections if r == "soma"]
        if not somas:
            raise ModelError(f"cell {model.name!r}: the morphology has no soma section")
        self.soma = somas[0]
        self._stub = set()
        stub_length = model.morphology.axon_stub_length
        if stub_length is not None:
            self.sections, self._stub = replace_axon(self.sections, self.soma, stub_length)
        self._insert_mechanisms()
        self._apply_fixed_defaults()
        self._discretise()
        self.origin = self.soma(0.5)
        self._assignments = self._plan()
        self.apply(model.defaults())
        self._make_probes(h)

    # -- structure -----------------------------------------------------------------------
    def _load_file(self, h, morph: Morphology) -> None:
        holder = h.NeurokitCell()
        try:
            if morph.format == "swc":
                reader = h.Import3d_SWC_read()
            else:
                reader = h.Import3d_Neurolucida3()
            reader.quiet = 1
            reader.input(morph.path)
            gui = h.Import3d_GUI(reader, False)
            gui.instantiate(holder)
        except RuntimeError as exc:
            raise ModelError(f"morphology {morph.path!r} could not be read by NEURON's Import3d: {exc}") from None
        # The template's placeholder sections (one per array, for the types a file lacks) have
        # no 3-D points; everything Import3d made has them.
        kept = []
        for array in ("soma", "axon", "dend", "apic"):
            for sec in list(getattr(holder, array)):
                if sec.n3d() == 0:
                    h.delete_section(sec=sec)
                else:
                    kept.append(sec.hname())
        kept = set(kept)
        for sec in [s for s in holder.all if s.hname() in kept]:
            short = sec.name().rsplit(".", 1)[-1]
            self.sections.append((short, IMPORT3D_REGIONS.get(short.split("[")[0], "basal"), sec))
        self._holder = holder

    def _build_sections(self, h, morph: Morphology) -> None:
        made = {}
        for spec in morph.sections:
            sec = h.Section(name=spec.name)
            sec.L, sec.diam = spec.length, spec.diam
            made[spec.name] = sec
            self.sections.append((spec.name, spec.region, sec))
        for spec in morph.sections:
            if spec.parent is not None:
                made[spec.name].connect(made[spec.parent](spec.parent_x), 0)
        self._specs = {s.name: s for s in morph.sections}

    def sections_in(self, where: str) -> list:
        """Sections of region ``where`` (or every section for ``all``)."""
        return [s for _, r, s in self.sections if where == "all" or r == where]

    def _insert_mechanisms(self) -> None:
        for region in self.model.regions:
            for sec in self.sections_in(region.name):
                for mech in region.mechanisms:
                    try:
                        sec.insert(mech)
                    except ValueError:
                        raise ModelError(f"cell {self.model.name!r}: region {region.name!r}: unknown "
                                         f"mechanism {mech!r} (not in mechanisms/ or the cell's "
                                         f"mechanism_folders)") from None

    def _region_order(self) -> list[Region]:
        # "all" first, so a region's own value overrides it.
        return sorted(self.model.regions, key=lambda r: r.name != "all")

    def _apply_fixed_defaults(self) -> None:
        # Ra and cm before discretising: the d_lambda rule depends on them.
        for region in self._region_order():
            for var in ("Ra", "cm"):
                if var in region.values:
                    for s in self.sections_in(region.name):
                        setattr(s, var, float(region.values[var]))
        for p in self.model.parameters:
            var, _, where = p.name.partition(".")
            if var in ("Ra", "cm") and where:
                for s in self.sections_in(where):
                    setattr(s, var, float(p.default))

    def _discretise(self) -> None:
        specs = getattr(self, "_specs", {})
        for name, _, sec in self.sections:
            spec = specs.get(name)
            if spec is not None and spec.nseg:
                sec.nseg = spec.nseg
            elif name not in self._stub:  # the axon stub keeps BluePyOpt's count
                sec.nseg = segment_count(sec, self.model)

    def _plan(self) -> list[_Assignment]:
        from neuron import h

        model = self.model
        keys = []
        for region in self._region_order():
            keys += [f"{var}.{region.name}" for var in region.values]
        free = [p.name for p in model.parameters if "." in p.name and not p.name.startswith("weight.")]
        keys += sorted(free, key=lambda k: k.partition(".")[2] != "all")
        plan = []
        for key in dict.fromkeys(keys):
            var, _, where = key.partition(".")
            secs = self.sections_in(where)
            if not secs and key in free:
                raise ModelError(f"cell {model.name!r}: parameter {key!r} targets region {where!r}, "
                                 f"which this morphology does not have")
            segs = [seg for s in secs for seg in s] if var not in SECTION_PROPERTIES else []
            d = np.array([h.distance(self.origin, seg) for seg in segs])
            expr = model.scaling.get(key)
            where = f"cell {model.name!r}: scaling of {key!r}"
            factors = None
            if expr is not None and names_in(expr, where) <= set(DISTANCE_NAMES):
                # Depends on distance only: evaluate once here, not for every sample.
                factors = _factors(expr, {}, d, where)
            # A section-level assignment sets all its segments in one call; only where each
            # segment has the variable, so a missing mechanism still fails as it did per segment.
            by_section = var in SECTION_PROPERTIES or (
                expr is None and all(hasattr(s(0.5), var) for s in secs))
            plan.append(_Assignment(key, var, secs, segs, d, expr, where, factors, by_section))
        return plan

    # -- values --------------------------------------------------------------------------
    def apply(self, values: Mapping[str, float]) -> None:
        """Set one parameter set (free parameter name -> value in its unit; missing names get
        their defaults), then every fixed value, with distance scaling, on every segment."""
        from neuron import h

        model = self.model
        # The fixed values and defaults never change: merged once per cell, not per sample.
        base = getattr(self, "_base_values", None)
        if base is None:
            base = self._base_values = {**model.fixed_values(), **model.defaults()}
        merged = {**base, **values}
        h.celsius = float(merged.get("celsius", model.celsius))
        self.v_init = float(merged.get("v_init", model.v_init))
        scope = None
        for a in self._assignments:
            value = float(merged[a.key])
            try:
                if a.by_section:
                    # One call per section instead of one per segment (the per-sample hot path).
                    for s in a.sections:
                        setattr(s, a.var, value)
                    continue
                factors = a.factors
                if a.expr is None:
                    for seg in a.segments:
                        setattr(seg, a.var, value)
                    continue
                if factors is None:
                    if scope is None:
                        scope = {k: v for k, v in merged.items() if "." not in k}
                    factors = _factors(a.expr, scope, a.distances, a.where)
                for seg, f in zip(a.segments, factors):
                    setattr(seg, a.var, value * float(f))
            except (AttributeError, NameError, LookupError) as exc:
                raise ModelError(f"cell {model.name!r}: cannot set {a.key!r}: {exc} (is the mechanism "
                                 f"inserted in that region?)") from None
        for syn in getattr(self, "netcons_in", []):
            name, nc = syn
            nc.weight[0] = float(merged.get(f"weight.{name}", self._syn_weight[name]))

    # -- probes --------------------------------------------------------------------------
    def locate(self, loc: Location):
        """The segment at ``loc``: ``(section, x, name, region, path distance um)``."""
        from neuron import h

        if loc.where in REGIONS:
            secs = [(n, r, s) for n, r, s in self.sections if r == loc.where]
            if not secs:
                raise ModelError(f"cell {self.model.name!r}: no section in region {loc.where!r}")
            if loc.distance is not None:
                best = min(((abs(h.distance(self.origin, seg) - loc.distance), n, r, s, seg.x)
                            for n, r, s in secs for seg in s), key=lambda t: t[0])
                _, n, r, s, x = best
            else:
                n, r, s = secs[0]
                x = loc.x
        else:
            found = [(n, r, s) for n, r, s in self.sections if n == loc.where]
            if not found:
                names = [n for n, _, _ in self.sections]
                raise ModelError(f"cell {self.model.name!r}: no section named {loc.where!r} "
                                 f"(have {names[:8]}{'...' if len(names) > 8 else ''})")
            n, r, s = found[0]
            x = s(loc.x).x if loc.x not in (0.0, 1.0) else loc.x
        return s, float(x), n, r, float(h.distance(self.origin, s(x)))

    def _make_probes(self, h) -> None:
        model = self.model
        sec, x, *_ = self.locate(model.stimulus_location)
        self.iclamp = h.IClamp(sec(x))
        self.iclamp.delay, self.iclamp.dur, self.iclamp.amp = 0.0, 1e9, 0.0
        locs = model.recordings or (Location("soma"),)
        self.record_sites = [self.locate(loc) for loc in locs]
        self.spike_detector = h.NetCon(self.soma(0.5)._ref_v, None, sec=self.soma)
        self.spike_detector.threshold = model.spike_threshold
        self.synapses, self.netcons_in, self._syn_weight = [], [], {}
        for syn in model.synapses:
            s, x, *_ = self.locate(syn.location)
            if syn.kind == "exp2":
                obj = h.Exp2Syn(s(x))
                obj.tau1, obj.tau2 = syn.tau_rise, syn.tau_decay
            else:
                obj = h.ExpSyn(s(x))
                obj.tau = syn.tau_decay
            obj.e = syn.e_rev
            nc = h.NetCon(None, obj)
            nc.delay = syn.delay
            nc.weight[0] = syn.weight
            self._syn_weight[syn.name] = syn.weight
            self.synapses.append((syn, obj))
            self.netcons_in.append((syn.name, nc))
        self.seclamp = None
        if model.voltage_clamp is not None:
            vc = model.voltage_clamp
            s, x, *_ = self.locate(vc.location)
            self.seclamp = h.SEClamp(s(x))
            self.seclamp.rs = vc.rs
            self.seclamp.dur1, self.seclamp.dur2, self.seclamp.dur3 = 1e9, 0.0, 0.0
        self.apply({})

    def compartments(self) -> list[tuple[str, str, float, float]]:
        """Every segment: ``(section name, region, x, path distance um)``."""
        from neuron import h

        return [(n, r, seg.x, h.distance(self.origin, seg)) for n, r, s in self.sections for seg in s]

    def close(self) -> None:
        """Remove this cell's sections and point processes from NEURON."""
        from neuron import h

        self.synapses = self.netcons_in = []
        self.iclamp = self.seclamp = self.spike_detector = None
        self.record_sites = []
        self._assignments = []
        for _, _, sec in self.sections:
            try:
                h.delete_section(sec=sec)
            except Exception:  # already gone with its template holder
                pass
        self.sections = []
        self._holder = None
        self.soma = self.origin = None


def _factors(expr: str, scope: Mapping[str, float], d: np.ndarray, where: str) -> np.ndarray:
    """Per-segment factors of a scaling rule at path distances ``d`` (um)."""
    names = {**scope, **{name: d for name in DISTANCE_NAMES}}
    return np.broadcast_to(np.asarray(evaluate(expr, names, where), dtype=float), d.shape)


def instantiate(model: CellModel) -> BuiltCell:
    """Build ``model`` in this process's NEURON (loading its mechanisms first)."""
    return BuiltCell(model)
