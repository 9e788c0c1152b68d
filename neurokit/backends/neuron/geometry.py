"""Build options of a morphology in NEURON: axon replacement and segment rules.

Both options are data on :class:`~neurokit.models.morphology.Morphology` (``replace_axon``,
``nseg``), so a worker process that rebuilds the model makes the same sections and segments.
The axon stub follows BluePyOpt's ``NrnFileMorphology.replace_axon`` (Van Geit et al. 2016):
two sections of half the stub length each, ``axon[0](0)`` on ``soma(1)``, ``axon[1](0)`` on
``axon[0](1)``; the first takes the diameter of the original first axonal section, the second
that of the first axonal section whose centre lies further than the stub length from the soma
centre (else the first's), read with the original axon cut into ``1 + 2*int(L/40)`` segments
as BluePyOpt has it then (with 3-D points a section's diameter is its middle segment's); each gets ``1 + 2*int(L/40)`` segments. A cell without an axon gets
1 um diameters. Lengths and diameters are um.

``neuron`` is imported only inside functions.
"""

from __future__ import annotations

import math

from neurokit.models.cell import CellModel
from neurokit.models.morphology import BLUEPYOPT_NSEG_LENGTH, segment_rule


def replace_axon(sections: list, soma, length: float) -> tuple[list, set]:
    """Delete the axonal sections of ``sections`` (``(name, region, section)`` tuples) and add the
    stub of total ``length`` um. Returns the new list and the set of stub section names."""
    from neuron import h

    axon = [s for _, r, s in sections if r == "axon"]
    diams = [1.0, 1.0]
    if axon:
        # BluePyOpt reads the diameters after its 1 + 2*int(L/40) discretisation; with 3-D
        # points, a section's diam is its middle segment's mean, so the count matters.
        for sec in axon:
            sec.nseg = 1 + 2 * int(sec.L / BLUEPYOPT_NSEG_LENGTH)
        diams = [axon[0].diam, axon[0].diam]
        origin = soma(0.5)
        for sec in axon:  # BluePyOpt checks the first section too
            if h.distance(origin, sec(0.5)) > length:
                diams[1] = sec.diam
                break
    for sec in axon:
        h.delete_section(sec=sec)
    kept = [t for t in sections if t[1] != "axon"]
    stub, parent = [], soma
    for i, diam in enumerate(diams):
        name = f"axon[{i}]"
        sec = h.Section(name=name)
        sec.L, sec.diam = length / 2, diam
        sec.nseg = 1 + 2 * int(sec.L / BLUEPYOPT_NSEG_LENGTH)
        sec.connect(parent(1.0), 0.0)
        stub.append((name, "axon", sec))
        parent = sec
    return kept + stub, {name for name, _, _ in stub}


def segment_count(sec, model: CellModel) -> int:
    """Segments for ``sec`` under the morphology's rule (or the cell's ``d_lambda`` settings)."""
    kind, length = segment_rule(model.morphology.nseg)
    if kind == "length":
        return 1 + 2 * int(sec.L / length)
    d_lambda = model.d_lambda
    if kind == "d_lambda" and d_lambda is None:
        d_lambda = 0.1
    if d_lambda is None:
        return 1
    # AC length constant (um) at d_lambda_freq Hz (Hines & Carnevale 2001).
    lam = 1e5 * math.sqrt(sec.diam / (4 * math.pi * model.d_lambda_freq * sec.Ra * sec.cm))
    return int((sec.L / (d_lambda * lam) + 0.9) / 2) * 2 + 1
