"""Cell shapes: unbranched sections built programmatically, or an SWC / Neurolucida file.

Pure data (no NEURON objects): :mod:`neurokit.backends.neuron.build` turns a
:class:`Morphology` into NEURON sections, reading files with NEURON's Import3d. Lengths and
diameters are um; areas um2.

Two build options travel with the morphology, so every worker process rebuilds the same cell:

- ``replace_axon``: ``None`` keeps the file's axon; ``"bluepyopt"`` replaces it by BluePyOpt's
  stub (two 30 um sections from soma(1), diameters taken from the original axon's first section
  and from the first axonal section whose centre lies over 60 um from the soma centre, one
  segment each); a number ``L`` makes the same stub with total length ``L`` um.
- ``nseg``: the segment rule. ``None`` uses the cell's ``d_lambda`` settings; ``"d_lambda"``
  forces that rule; ``"length:40"`` gives ``1 + 2*int(L/40)`` segments (any positive um);
  ``"bluepyopt"`` is ``"length:40"`` (BluePyOpt's ``nseg_frequency``). A section's own ``nseg``
  (programmatic sections) and the replaced axon's stub keep theirs.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from neurokit.errors import ModelError

REGIONS = ("soma", "axon", "basal", "apical")
# Import3d's section array names -> neurokit regions.
IMPORT3D_REGIONS = {"soma": "soma", "axon": "axon", "dend": "basal", "apic": "apical"}


def positive(value, name: str, unit: str) -> float:
    """``value`` as a float if it is finite and > 0, else a :class:`ModelError` naming ``name``."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ModelError(f"{name} must be a number of {unit}, got {value!r}") from None
    if not (math.isfinite(x) and x > 0):
        raise ModelError(f"{name} must be finite and > 0 {unit}, got {value!r}")
    return x


@dataclass(frozen=True)
class SectionSpec:
    """One unbranched cable of a programmatic morphology.

    Parameters
    ----------
    name : str
        Unique section name (``"soma"``, ``"dend0"``...).
    region : str
        One of ``soma``, ``axon``, ``basal``, ``apical``.
    length, diam : float
        Length and diameter, um.
    parent : str, optional
        Name of the section this one grows from (None for the root).
    parent_x : float
        Where on the parent it attaches (0..1).
    nseg : int, optional
        Fixed number of segments (overrides the d_lambda rule for this section).
    """

    name: str
    region: str
    length: float
    diam: float
    parent: str | None = None
    parent_x: float = 1.0
    nseg: int | None = None

    def __post_init__(self):
        if self.region not in REGIONS:
            raise ModelError(f"section {self.name!r}: region {self.region!r} is not one of {REGIONS}")
        object.__setattr__(self, "length", positive(self.length, f"section {self.name!r}: length", "um"))
        object.__setattr__(self, "diam", positive(self.diam, f"section {self.name!r}: diam", "um"))
        if self.nseg is not None:
            try:
                nseg = operator.index(self.nseg)
            except TypeError:
                nseg = 0
            if nseg < 1:
                raise ModelError(f"section {self.name!r}: nseg must be a positive integer, got {self.nseg!r}")
            object.__setattr__(self, "nseg", nseg)
        if not 0 <= self.parent_x <= 1:
            raise ModelError(f"section {self.name!r}: parent_x {self.parent_x} must be in [0, 1]")


def segment_rule(nseg) -> tuple[str, float | None]:
    """A segment rule as ``(kind, length um)``: ``(None, None)`` for the cell's default,
    ``("d_lambda", None)`` or ``("length", L)``.

    Raises
    ------
    ModelError
        Anything but ``None``, ``"d_lambda"``, ``"bluepyopt"`` or ``"length:<positive um>"``.
    """
    if nseg is None or nseg == "d_lambda":
        return nseg, None
    if nseg == "bluepyopt":
        return "length", BLUEPYOPT_NSEG_LENGTH
    if isinstance(nseg, str) and nseg.startswith("length:"):
        return "length", positive(nseg.partition(":")[2], f"segment rule {nseg!r}", "um")
    raise ModelError(f"segment rule {nseg!r} is not one of None, 'd_lambda', 'bluepyopt' or "
                     f"'length:<um>' (e.g. 'length:40')")


BLUEPYOPT_NSEG_LENGTH = 40.0  # um per 2 segments (BluePyOpt's nseg_frequency)
BLUEPYOPT_AXON_LENGTH = 60.0  # um, two sections of 30 um (BluePyOpt's axon_stub_length)


@dataclass(frozen=True)
class Morphology:
    """A cell's shape: a file (SWC or Neurolucida ASC) or programmatic sections, with the
    build options ``replace_axon`` and ``nseg`` described in the module docstring."""

    path: str | None = None
    sections: tuple[SectionSpec, ...] = ()
    replace_axon: str | float | None = None
    nseg: str | None = None

    def __post_init__(self):
        segment_rule(self.nseg)
        if self.replace_axon is not None:
            if self.replace_axon == "bluepyopt":
                pass
            elif isinstance(self.replace_axon, str) or isinstance(self.replace_axon, bool):
                raise ModelError(f"replace_axon {self.replace_axon!r} must be None, 'bluepyopt' or a "
                                 f"stub length in um")
            else:
                object.__setattr__(self, "replace_axon", positive(self.replace_axon, "replace_axon", "um"))
        if (self.path is None) == (not self.sections):
            if self.path is None:
                raise ModelError("a morphology needs a file path or at least one section")
            raise ModelError("a morphology takes a file path or sections, not both")
        if self.sections:
            names = [s.name for s in self.sections]
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise ModelError(f"section names used twice: {sorted(dup)}")
            roots = [s.name for s in self.sections if s.parent is None]
            if len(roots) != 1:
                raise ModelError(f"a morphology needs exactly one root section, got {roots}")
            for s in self.sections:
                if s.parent is not None and s.parent not in names:
                    raise ModelError(f"section {s.name!r}: unknown parent {s.parent!r}")

    @property
    def format(self) -> str:
        """``"swc"``, ``"asc"`` or ``"sections"``."""
        if self.path is None:
            return "sections"
        return Path(self.path).suffix.lower().lstrip(".")

    @property
    def axon_stub_length(self) -> float | None:
        """Total length (um) of the replacement axon, or None when the axon is kept."""
        if self.replace_axon is None:
            return None
        return BLUEPYOPT_AXON_LENGTH if self.replace_axon == "bluepyopt" else float(self.replace_axon)

    @classmethod
    def from_file(cls, path, replace_axon: str | float | None = None,
                  nseg: str | None = None) -> "Morphology":
        """A morphology read from an SWC (``.swc``) or Neurolucida (``.asc``) file.

        ``replace_axon`` (None, ``"bluepyopt"`` or a stub length in um) and ``nseg`` (None,
        ``"d_lambda"``, ``"length:<um>"``, ``"bluepyopt"``) as in the module docstring.

        Raises
        ------
        ModelError
            The file does not exist or has another extension; an unknown option.
        """
        p = Path(path)
        if not p.is_file():
            raise ModelError(f"morphology file {str(p)!r} does not exist")
        if p.suffix.lower() not in (".swc", ".asc"):
            raise ModelError(f"morphology file {str(p)!r}: unknown format {p.suffix!r} (use .swc or .asc)")
        return cls(path=str(p.resolve()), replace_axon=replace_axon, nseg=nseg)

    @classmethod
    def from_sections(cls, sections: Sequence[SectionSpec], replace_axon: str | float | None = None,
                      nseg: str | None = None) -> "Morphology":
        return cls(sections=tuple(sections), replace_axon=replace_axon, nseg=nseg)

    @classmethod
    def single_compartment(cls, area: float = 20000.0) -> "Morphology":
        """One cylindrical soma section of lateral surface ``area`` um2 (length = diameter)."""
        d = math.sqrt(positive(area, "area", "um2") / math.pi)
        return cls(sections=(SectionSpec("soma", "soma", d, d, nseg=1),))

    @classmethod
    def ball_and_stick(cls, soma_diam: float = 20.0, dend_length: float = 500.0,
                       dend_diam: float = 2.0, n_dends: int = 1, region: str = "apical",
                       axon_length: float | None = None, axon_diam: float = 1.0) -> "Morphology":
        """A spherical-equivalent soma (cylinder, length = diameter, um) with ``n_dends``
        unbranched dendrites from its end, and optionally an axon from its start."""
        if not isinstance(n_dends, int) or n_dends < 1:
            raise ModelError(f"n_dends must be a positive integer, got {n_dends!r}")
        soma_diam = positive(soma_diam, "soma_diam", "um")
        dend_length, dend_diam = positive(dend_length, "dend_length", "um"), positive(dend_diam, "dend_diam", "um")
        if axon_length is not None:
            axon_length = positive(axon_length, "axon_length", "um")
        secs = [SectionSpec("soma", "soma", soma_diam, soma_diam)]
        secs += [SectionSpec(f"dend{i}" if n_dends > 1 else "dend", region, dend_length, dend_diam,
                             "soma", 1.0) for i in range(n_dends)]
        if axon_length:
            secs.append(SectionSpec("axon", "axon", axon_length, axon_diam, "soma", 0.0))
        return cls(sections=tuple(secs))

    @classmethod
    def y_cell(cls, soma_diam: float = 20.0, trunk=(200.0, 3.0), branches=(150.0, 1.5),
               basal=(150.0, 2.0)) -> "Morphology":
        """A soma, a basal dendrite, an apical trunk that splits into two branches
        ((length, diam) pairs in um): the smallest cell with every dendritic region and a branch point."""
        return cls(sections=(
            SectionSpec("soma", "soma", soma_diam, soma_diam),
            SectionSpec("basal", "basal", *basal, parent="soma", parent_x=0.0),
            SectionSpec("trunk", "apical", *trunk, parent="soma", parent_x=1.0),
            SectionSpec("tuft0", "apical", *branches, parent="trunk"),
            SectionSpec("tuft1", "apical", *branches, parent="trunk"),
        ))
