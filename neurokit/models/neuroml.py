"""Reading a NeuroML2 cell (``<cell>`` in a .cell.nml / .nml file) as :class:`CellModel` fields.

:func:`cell_fields` returns plain data (regions as ``(name, mechanisms, values)``);
:func:`neurokit.models.cell.from_neuroml` makes the :class:`CellModel` (this module does not
import :mod:`neurokit.models.cell`, so the two form no import cycle). The file is read with
libNeuroML (``neuroml.loaders.read_neuroml2_file``, imported inside :func:`cell_fields`);
``<include>``\\ s are followed relative to the including file. Files are data: no code from them
runs, expressions go only through :mod:`neurokit.expressions`, and a document type declaration
(``<!DOCTYPE``/``<!ENTITY``, which could pull other files in) is refused.

Morphology
----------
Each unbranched segment group (neuroLexId ``sao864921383``) becomes one section named by the
group's id; a segment in no such group becomes a section of its own (``segment_<id>``). A
section is a cylinder (:class:`~neurokit.models.morphology.SectionSpec`): its length is the sum
of its segments' lengths (um) and its diameter keeps the lateral membrane area of the frusta
(length-weighted mean diameter; taper within a section and the slant of frusta are not kept).
A zero-length segment is NeuroML's sphere: a cylinder of length = diameter (same area). A
child attaches at the point its first segment's parent segment and ``fractionAlong`` give.
Regions come from the NeuroML conventions, by group id or neuroLexId (:data:`REGION_GROUPS`):
soma, axon, apical, basal; other dendrites are basal. A section in none of them, or in two, is
a :class:`ModelError`.

Biophysics
----------
``specificCapacitance`` -> ``cm`` (uF/cm2), ``resistivity`` -> ``Ra`` (ohm*cm),
``initMembPotential`` -> ``v_init``, ``spikeThresh`` -> ``spike_threshold`` (mV). A
``channelDensity`` / ``channelDensityNernst`` / ``channelDensityNonUniform`` of ion channel
``X`` inserts the NMODL mechanism with ``SUFFIX X`` (from ``mod_folder`` or the shipped
mechanisms/ folder) and sets its one conductance-density PARAMETER (unit S/cm2; ``gbar`` or
``gmax`` when there are several) converted with :mod:`neurokit.units` to S/cm2. ``erev`` sets
``e<ion>`` (``ena``, ``ek``...) when the mechanism reads that ion, else the mechanism's reversal
PARAMETER (mV, name starting with ``e``) for a non-specific current; ``channelDensityNernst``
leaves the reversal potential to NEURON. A ``segmentGroup`` target must be a union of whole
regions. ``channelDensityNonUniform``'s ``inhomogeneousValue`` (SI units, S/m2) becomes a
scaling expression of ``d``, neurokit's path distance from the soma centre (um), standing for
the ``inhomogeneousParameter`` variable (NeuroML measures it from the root segment's start: the
two differ by up to half the soma's length).

Ion channels written in NeuroML/LEMS XML (``ionChannel``, ``ionChannelHH``...) need a .mod
file of the same name in ``mod_folder``: neurokit does not convert them (jNeuroML does). Any
other element neurokit cannot express (species, GHK densities, channel populations, paths and
subTrees in groups...) is a :class:`ModelError` naming the file and the element.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from neurokit.errors import ExpressionError, ModelError, UnitError
from neurokit.expressions import IDENTIFIER, evaluate, names_in
from neurokit.models.morphology import Morphology
from neurokit.models.neuroml_morphology import group_segments, morphology_sections, segment_groups
from neurokit.units import conversion_factor

# The project's mechanisms/ folder (the NEURON backend compiles it with every cell).
BUILTIN_MECHANISMS = Path(__file__).resolve().parents[2] / "mechanisms"
UNSUPPORTED_MEMBRANE = {"channel_populations": "channelPopulation", "channel_density_v_shifts": "channelDensityVShift",
                        "channel_density_ghks": "channelDensityGHK", "channel_density_ghk2s": "channelDensityGHK2",
                        "channel_density_non_uniform_nernsts": "channelDensityNonUniformNernst",
                        "channel_density_non_uniform_ghks": "channelDensityNonUniformGHK"}
LEMS_CHANNELS = ("ion_channel", "ion_channel_hhs", "ion_channel_kses", "ion_channel_v_shifts")
_QUANTITY = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z_0-9]*)\s*\Z")
_PROBE_DISTANCES = np.array([0.0, 10.0, 100.0, 300.0, 1000.0])  # um, to check an inhomogeneous value


def quantity(text, unit: str, where: str) -> float:
    """A NeuroML quantity (``"10mS_per_cm2"``, ``"-65 mV"``, ``"0.1 kohm_cm"``) in ``unit``."""
    m = _QUANTITY.match(str(text)) if text is not None else None
    if not m or not m.group(2):
        raise ModelError(f"{where}: {text!r} is not a NeuroML quantity (number and unit, e.g. '10mS_per_cm2')")
    src = m.group(2).replace("_per_", "/").replace("_", "*")
    try:
        return float(m.group(1)) * conversion_factor(src, unit, what=where)
    except UnitError as exc:
        raise ModelError(f"{where}: {exc}") from None


# -- reading files ---------------------------------------------------------------------------
def read_documents(path) -> list:
    """The NeuroML documents of ``path`` and of its ``<include>``\\ s (first the file's own)."""
    try:
        from neuroml.loaders import read_neuroml2_file
        from neuroml.nml.nml import NeuroMLDocument
    except ImportError:
        raise ModelError("reading NeuroML2 needs libNeuroML (pip install 'neurokit[neuroml]')") from None

    docs, seen, todo = [], set(), [(Path(path), None)]
    while todo:
        p, by = todo.pop(0)
        p = p.resolve()
        if p in seen:
            continue
        seen.add(p)
        what = f"NeuroML2 file {str(p)!r}" + (f" (included by {str(by)!r})" if by else "")
        if not p.is_file():  # libNeuroML calls sys.exit() for a missing file
            raise ModelError(f"{what} does not exist")
        try:
            head = p.read_bytes()
        except OSError as exc:
            raise ModelError(f"{what} cannot be read: {exc}") from None
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise ModelError(f"{what}: document type declarations are refused (they can read other files)")
        try:
            doc = read_neuroml2_file(str(p), include_includes=False)
        except Exception as exc:  # lxml / generateDS raise many kinds for a malformed file
            raise ModelError(f"{what} is not a readable NeuroML2 document: {exc}") from None
        if not isinstance(doc, NeuroMLDocument):
            raise ModelError(f"{what} is not a NeuroML2 document")
        docs.append((p, doc))
        for inc in doc.includes:
            href = Path(str(inc.href))
            if href.suffix not in (".nml", ".xml"):
                raise ModelError(f"{what}: <include href={inc.href!r}>: only .nml/.xml files are read")
            todo.append((href if href.is_absolute() else p.parent / href, p))
    return docs


def mod_info(folders) -> dict[str, dict]:
    """``SUFFIX`` -> ``{"file", "ions", "nonspecific", "conductances", "potentials"}`` of the
    .mod files in ``folders`` (read as text: RANGE-able PARAMETERs with their units)."""
    out = {}
    for folder in folders:
        for f in sorted(Path(folder).glob("*.mod")):
            text = re.sub(r"COMMENT.*?ENDCOMMENT", "", f.read_text(errors="replace"), flags=re.S)
            text = re.sub(r":[^\n]*", "", text)
            suffix = re.search(r"\bSUFFIX\s+(\w+)", text)
            if not suffix or suffix.group(1) in out:
                continue
            params = re.search(r"\bPARAMETER\s*\{(.*?)\}", text, re.S)
            declared = re.findall(r"^\s*(\w+)\s*(?:=\s*[-+\w.]+\s*)?\(([^)]*)\)", params.group(1) if params else "", re.M)
            out[suffix.group(1)] = {
                "file": str(f),
                "ions": re.findall(r"\bUSEION\s+(\w+)\s+READ\s+[^\n]*?\be\1\b", text),
                "nonspecific": bool(re.search(r"\bNONSPECIFIC_CURRENT\b", text)),
                "conductances": [n for n, u in declared if u.replace(" ", "") in ("S/cm2", "mho/cm2", "siemens/cm2")],
                "potentials": [n for n, u in declared if u.strip() == "mV" and n.startswith("e")],
            }
    return out


# -- biophysics ------------------------------------------------------------------------------
class _Biophysics:
    """Regions' mechanisms and values, and scaling rules, gathered from membrane properties."""

    def __init__(self, where, groups, seg_ids, by_region, mods, lems_channels, folders):
        self.where, self.groups, self.seg_ids, self.by_region = where, groups, seg_ids, by_region
        self.mods, self.lems, self.folders = mods, lems_channels, folders
        self.mechs: dict[str, list[str]] = {r: [] for r in by_region}
        self.values: dict[str, dict[str, float]] = {r: {} for r in by_region}
        self.scaling: dict[str, str] = {}

    def regions(self, group: str | None, what: str) -> list[str]:
        """The regions a ``segmentGroup`` target covers (it must be a union of whole regions)."""
        ids = set(group_segments(self.groups, group or "all", self.seg_ids, f"{self.where}: {what}"))
        covered = [r for r, segs in self.by_region.items() if set(segs) <= ids]
        if not ids or set().union(*(set(self.by_region[r]) for r in covered)) != ids:
            raise ModelError(f"{self.where}: {what}: segmentGroup {group!r} is not a union of whole regions "
                             f"{sorted(self.by_region)}; neurokit sets values per region")
        return covered

    def set(self, regions, var: str, value: float, what: str) -> None:
        for r in regions:
            old = self.values[r].get(var)
            if old is not None and not np.isclose(old, value, rtol=1e-12, atol=0.0):
                raise ModelError(f"{self.where}: {what}: {var} in region {r!r} is already {old!r}, not {value!r}")
            self.values[r][var] = value

    def mechanism(self, channel: str, what: str) -> dict:
        if channel in self.mods:
            return self.mods[channel]
        if channel in self.lems:
            raise ModelError(f"{self.where}: {what}: ion channel {channel!r} is defined in NeuroML/LEMS XML, "
                             f"which NEURON cannot simulate without conversion: put a .mod file with "
                             f"SUFFIX {channel} ({channel}.mod) in mod_folder (neurokit does not run jNeuroML)")
        raise ModelError(f"{self.where}: {what}: unknown ion channel {channel!r}: no NeuroML definition and no "
                         f".mod file with SUFFIX {channel} in {self.folders}")

    def channel(self, cd, kind: str) -> None:
        what = f"<{kind} id={cd.id!r} ionChannel={cd.ion_channel!r}>"
        if getattr(cd, "segments", None) is not None:
            raise ModelError(f"{self.where}: {what}: a single-segment target is not supported (use a segmentGroup)")
        if kind == "channelDensity" and cd.variable_parameters:
            raise ModelError(f"{self.where}: {what}: variableParameter is supported in channelDensityNonUniform only")
        mod = self.mechanism(cd.ion_channel, what)
        suffix = cd.ion_channel
        gvars = mod["conductances"]
        if len(gvars) > 1:
            gvars = [g for g in ("gbar", "gmax") if g in gvars] or gvars
        if len(gvars) != 1:
            raise ModelError(f"{self.where}: {what}: {mod['file']} has {len(gvars)} conductance-density "
                             f"PARAMETERs (S/cm2) {mod['conductances']}; neurokit needs exactly one (or gbar/gmax)")
        gvar = f"{gvars[0]}_{suffix}"
        if kind == "channelDensityNonUniform":
            pairs = self.nonuniform(cd, gvar, what)
        else:
            pairs = [(self.regions(cd.segment_groups, what),
                      quantity(cd.cond_density, "S/cm2", f"{self.where}: {what} condDensity"))]
        for regions, g in pairs:
            for r in regions:
                if suffix not in self.mechs[r]:
                    self.mechs[r].append(suffix)
            self.set(regions, gvar, g, what)
            if kind != "channelDensityNernst" and cd.erev is not None:
                self.set(regions, self.reversal(cd, mod, what), quantity(cd.erev, "mV", f"{self.where}: {what} erev"), what)

    def reversal(self, cd, mod: dict, what: str) -> str:
        if cd.ion in mod["ions"]:
            return f"e{cd.ion}"
        if mod["nonspecific"] and len(mod["potentials"]) == 1:
            return f"{mod['potentials'][0]}_{cd.ion_channel}"
        raise ModelError(f"{self.where}: {what}: ion {cd.ion!r}: {mod['file']} neither reads e{cd.ion} nor has "
                         f"one reversal PARAMETER (mV, e*) of a non-specific current")

    def nonuniform(self, cd, gvar: str, what: str) -> list:
        pairs = []
        factor = conversion_factor("S/m2", "S/cm2")  # inhomogeneous values are SI
        for vp in cd.variable_parameters:
            if vp.parameter != "condDensity" or vp.inhomogeneous_value is None:
                raise ModelError(f"{self.where}: {what}: variableParameter {vp.parameter!r} is not supported "
                                 f"(only condDensity with an inhomogeneousValue)")
            group = self.groups.get(vp.segment_groups)
            iv = vp.inhomogeneous_value
            params = {p.id: p for p in (group.inhomogeneous_parameters if group is not None else [])}
            ip = params.get(iv.inhomogeneous_parameters)
            if ip is None:
                raise ModelError(f"{self.where}: {what}: inhomogeneousParameter {iv.inhomogeneous_parameters!r} "
                                 f"is not defined in segmentGroup {vp.segment_groups!r}")
            if ip.metric != "Path Length from root" or ip.distal is not None or (
                    ip.proximal is not None and float(ip.proximal.translation_start) != 0.0):
                raise ModelError(f"{self.where}: {what}: inhomogeneousParameter {ip.id!r}: only the metric "
                                 f"'Path Length from root' without proximal/distal details is supported")
            check = f"{self.where}: {what} inhomogeneousValue"
            if not IDENTIFIER.match(str(ip.variable)):
                raise ModelError(f"{check}: variable {ip.variable!r} is not a name")
            try:
                unknown = names_in(iv.value, check) - {ip.variable}
                if unknown:
                    raise ModelError(f"{check}: {iv.value!r} uses unknown name(s) {sorted(unknown)} "
                                     f"(only {ip.variable!r}, numbers and math functions)")
                expr = re.sub(rf"\b{re.escape(ip.variable)}\b", "d", str(iv.value))
                probe = np.asarray(evaluate(expr, {"d": _PROBE_DISTANCES}, check), float)
            except ExpressionError as exc:
                raise ModelError(f"{check}: {exc}") from None
            if not np.all(np.isfinite(probe)):
                raise ModelError(f"{check}: {iv.value!r} is not finite over path distances {_PROBE_DISTANCES} um")
            regions = self.regions(vp.segment_groups, what)
            for r in regions:
                key = f"{gvar}.{r}"
                if key in self.scaling:
                    raise ModelError(f"{self.where}: {what}: {key} has two inhomogeneous values")
                self.scaling[key] = expr
            pairs.append((regions, factor))
        return pairs

    def membrane(self, mp, ip) -> dict:
        """Fill regions from membrane and intracellular properties; returns cell options."""
        options = {}
        if mp is None:
            from neuroml import MembraneProperties

            mp = MembraneProperties()
        for attr, element in UNSUPPORTED_MEMBRANE.items():
            for item in getattr(mp, attr) or ():
                raise ModelError(f"{self.where}: <{element} id={getattr(item, 'id', None)!r}> is not supported")
        if ip is not None and ip.species:
            raise ModelError(f"{self.where}: species {ip.species[0].id!r}: ion concentration models are not "
                             f"supported (insert a concentration mechanism as a channel density instead)")
        for kind, attr in (("channelDensity", "channel_densities"), ("channelDensityNernst", "channel_density_nernsts"),
                           ("channelDensityNonUniform", "channel_density_non_uniforms")):
            for cd in getattr(mp, attr):
                self.channel(cd, kind)
        for item in mp.specific_capacitances:
            self.set(self.regions(item.segment_groups, "specificCapacitance"), "cm",
                     quantity(item.value, "uF/cm2", f"{self.where}: specificCapacitance"), "specificCapacitance")
        for item in (ip.resistivities if ip is not None else ()):
            self.set(self.regions(item.segment_groups, "resistivity"), "Ra",
                     quantity(item.value, "ohm*cm", f"{self.where}: resistivity"), "resistivity")
        for attr, key in (("init_memb_potentials", "v_init"), ("spike_threshes", "spike_threshold")):
            found = {quantity(item.value, "mV", f"{self.where}: {attr}") for item in getattr(mp, attr)}
            if len(found) > 1:
                raise ModelError(f"{self.where}: {attr}: one value per cell, got {sorted(found)}")
            if found:
                options[key] = found.pop()
        return options


def _one(docs, attr: str, ident: str, where: str):
    found = [x for _, d in docs for x in getattr(d, attr) if x.id == ident]
    if not found:
        raise ModelError(f"{where}: no {attr} {ident!r} in the file or its includes")
    return found[0]


def cell_fields(path, mod_folder=None, cell_id: str | None = None, *, name: str | None = None,
                nseg: str | None = None, **options) -> dict:
    """:class:`CellModel` fields from a NeuroML2 cell file (see the module docstring); ``regions``
    as ``(name, mechanisms, values)`` tuples.

    Parameters
    ----------
    path : path
        A .cell.nml / .nml file holding the ``<cell>`` (or including it).
    mod_folder : path, optional
        Folder of .mod files named as the file's ion channels (beside the shipped mechanisms/).
    cell_id : str, optional
        Which ``<cell>``, when the file holds several.
    name : str, optional
        The model's name (default: the cell's id).
    nseg : str, optional
        The morphology's segment rule (see :mod:`neurokit.models.morphology`).
    options
        Other :class:`CellModel` fields (``celsius``, ``recordings``...).

    Raises
    ------
    ModelError
        A missing or malformed file, an unsupported element (named with the file and its id),
        an ion channel without a .mod file, a segment group that splits a region.
    """
    docs = read_documents(path)
    where = f"NeuroML2 file {str(docs[0][0])!r}"
    cells = [(p, c) for p, d in docs for c in d.cells]
    if cell_id is not None:
        cells = [(p, c) for p, c in cells if c.id == cell_id]
    if len(cells) != 1:
        have = [c.id for _, d in docs for c in d.cells]
        raise ModelError(f"{where}: " + (f"no <cell id={cell_id!r}>" if cell_id is not None and not cells else
                                        "expected one <cell> (give cell_id)" if cells else "no <cell> element (only "
                                        "morphologically detailed cells are read)") + f"; cells: {have}")
    cell_path, cell = cells[0]
    where = f"NeuroML2 file {str(cell_path)!r}, <cell id={cell.id!r}>"
    morph = cell.morphology or (_one(docs, "morphology", cell.morphology_attr, where) if cell.morphology_attr else None)
    bio = cell.biophysical_properties or (_one(docs, "biophysical_properties", cell.biophysical_properties_attr, where)
                                          if cell.biophysical_properties_attr else None)
    if morph is None:
        raise ModelError(f"{where}: no morphology")
    sections, _, by_region = morphology_sections(morph, f"{where}, <morphology id={morph.id!r}>")
    folders = ([str(Path(mod_folder).resolve())] if mod_folder is not None else []) + [str(BUILTIN_MECHANISMS)]
    if mod_folder is not None and not Path(mod_folder).is_dir():
        raise ModelError(f"{where}: mod_folder {str(mod_folder)!r} is not a folder")
    lems = {c.id for _, d in docs for attr in LEMS_CHANNELS for c in getattr(d, attr)}
    seg_ids = [int(s.id) for s in morph.segments]
    biophys = _Biophysics(where, segment_groups(morph, where), seg_ids, by_region, mod_info(folders), lems, folders)
    if bio is not None:
        if bio.extracellular_properties is not None:
            raise ModelError(f"{where}: extracellularProperties are not supported")
        for key, value in biophys.membrane(bio.membrane_properties, bio.intracellular_properties).items():
            options.setdefault(key, value)
    regions = [(r, tuple(biophys.mechs[r]), biophys.values[r]) for r in by_region]
    options.setdefault("description", f"imported from NeuroML2 {Path(cell_path).name} (cell {cell.id})")
    return dict(options, name=name or cell.id, morphology=Morphology.from_sections(sections, nseg=nseg),
                regions=regions, scaling=biophys.scaling,
                mechanism_folders=() if mod_folder is None else (str(mod_folder),))
