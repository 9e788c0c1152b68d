"""What a :class:`~neurokit.models.cell.CellModel` becomes in NEURON, without private access.

:func:`inspect_cell` builds the model in this process exactly as a simulator or a worker
process does (same mechanisms, morphology options, segment rule, values), reads back sections,
segments and every assigned value per segment, and removes the cell again. Use it to check an
imported cell (say, one from :func:`neurokit.models.cell.from_bluepyopt`) before fitting it.

``neuron`` is imported only inside functions.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import xarray as xr

from neurokit.backends.neuron.build import instantiate
from neurokit.models.cell import SECTION_PROPERTIES, CellModel


def inspect_cell(model: CellModel, values: Mapping[str, float] | None = None) -> dict:
    """Build ``model`` in this process's NEURON, summarise it, and remove it again.

    Parameters
    ----------
    model : CellModel
    values : mapping, optional
        Free parameter values (name -> value in its unit); defaults elsewhere.

    Returns
    -------
    dict
        ``n_sections``, ``n_segments``; ``sections``: one dict per section (``name``,
        ``region``, ``L`` um, ``diam`` um (at its centre), ``nseg``, ``parent`` name or None,
        ``mechanisms`` inserted); ``segments``: an :class:`xarray.Dataset` along
        ``compartment`` with coords ``section``, ``region``, ``x``, ``path_distance`` (um from
        the soma centre) and one variable per assigned NEURON variable (``gIhbar_Ih``,
        ``cm``, ``Ra``... in NEURON's units), NaN where a segment lacks it.
    """
    cell = instantiate(model)
    try:
        if values:
            cell.apply(dict(values))
        return _summary(cell)
    finally:
        cell.close()


def _summary(cell) -> dict:
    # NEURON hands out a new Python wrapper per access: match sections by NEURON's own name.
    names = {sec.name(): name for name, _, sec in cell.sections}
    mechs_of = {}
    for region in cell.model.regions:
        for sec in cell.sections_in(region.name):
            mechs_of.setdefault(sec.name(), []).extend(region.mechanisms)
    sections = []
    for name, region, sec in cell.sections:
        parent = sec.parentseg()
        sections.append({"name": name, "region": region, "L": float(sec.L), "diam": float(sec.diam),
                         "nseg": int(sec.nseg),
                         "parent": None if parent is None else names.get(parent.sec.name(), parent.sec.name()),
                         "mechanisms": sorted(set(mechs_of.get(sec.name(), [])))})
    rows = cell.compartments()
    segs = [seg for _, _, sec in cell.sections for seg in sec]
    variables = sorted({a.var for a in cell._assignments} | {"cm", "Ra"})
    data = {}
    for var in variables:
        if var in SECTION_PROPERTIES:
            col = [float(getattr(seg.sec, var)) for seg in segs]
        else:
            col = [float(getattr(seg, var)) if hasattr(seg, var) else np.nan for seg in segs]
        data[var] = ("compartment", np.asarray(col, dtype=float))
    coords = {"section": ("compartment", [r[0] for r in rows]),
              "region": ("compartment", [r[1] for r in rows]),
              "x": ("compartment", np.array([r[2] for r in rows])),
              "path_distance": ("compartment", np.array([r[3] for r in rows]), {"units": "um"})}
    ds = xr.Dataset(data, coords=coords, attrs={"model": cell.model.name})
    return {"n_sections": len(sections), "n_segments": len(segs), "sections": sections, "segments": ds}
