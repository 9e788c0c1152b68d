"""Figures of docs/neuron.md: the CA1 morphology coloured by path distance and by membrane
potential during a back-propagating spike, and traces at the soma and along the apical tree.

    python docs/figures_neuron.py          # writes docs/figures/neuron_*.png (~30 s)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from neurokit.backends.neuron import NeuronSimulator  # noqa: E402
from neurokit.backends.neuron.build import instantiate  # noqa: E402
from neurokit.models.cell import CellModel, Location, Region  # noqa: E402
from neurokit.models.morphology import Morphology  # noqa: E402
from neurokit.protocols import step_protocol  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures"
DPI = 90


def ca1_model(recordings=()) -> CellModel:
    """CA1 cell: Na/Kdr at the soma and (weaker) in the dendrites, Ih growing with distance."""
    return CellModel(
        "ca1_demo", Morphology.from_file(ROOT / "data" / "morphologies" / "ca1_n120.swc"),
        regions=(Region("all", ("nk_leak",), {"cm": 1.0, "Ra": 150.0, "g_nk_leak": 5e-5,
                                             "e_nk_leak": -70.0}),
                 Region("soma", ("nk_na", "nk_kdr"), {"gbar_nk_na": 0.3, "gbar_nk_kdr": 0.1,
                                                      "ena": 50.0, "ek": -85.0}),
                 Region("apical", ("nk_na", "nk_kdr", "nk_ih"),
                        {"gbar_nk_na": 0.03, "gbar_nk_kdr": 0.01, "gbar_nk_ih": 2e-5,
                         "ena": 50.0, "ek": -85.0})),
        scaling={"gbar_nk_ih.apical": "exp(d / 300)"},
        v_init=-70.0, recordings=tuple(recordings))


def geometry(model: CellModel):
    """Per segment: its (x, y) polyline from the 3-D points, and (section, x) to record it."""
    cell = instantiate(model)
    lines, locs = [], []
    for name, _, sec in cell.sections:
        n = sec.n3d()
        pts = np.array([[sec.x3d(i), sec.y3d(i)] for i in range(n)])
        arc = np.array([sec.arc3d(i) for i in range(n)]) / max(sec.L, 1e-9)
        for seg in sec:
            lo, hi = seg.x - 0.5 / sec.nseg, seg.x + 0.5 / sec.nseg
            inside = (arc >= lo) & (arc <= hi)
            poly = np.vstack([np.array([np.interp(lo, arc, pts[:, 0]), np.interp(lo, arc, pts[:, 1])]),
                              pts[inside],
                              np.array([np.interp(hi, arc, pts[:, 0]), np.interp(hi, arc, pts[:, 1])])])
            lines.append(poly)
            locs.append(Location(name, float(seg.x)))
    cell.close()
    return lines, locs


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    lines, locs = geometry(ca1_model())
    model = ca1_model(recordings=locs)
    proto = step_protocol([1.0], start=0.005, stop=0.007, duration=0.02, dt=2.5e-5,
                          sampling_interval=1e-4, settle=0.1)
    with NeuronSimulator() as sim:
        ds = sim.simulate(model, {}, proto)
    v = ds.membrane_potential.isel(sample=0, sweep=0)
    dist = ds.path_distance.values
    t_ms = ds.time.values * 1e3

    # Morphology: path distance, and the membrane potential 1.5 ms after the somatic spike peak.
    soma_idx = int(np.argmin(dist))
    t_peak = int(np.argmax(v.isel(compartment=soma_idx).values))
    snap = min(t_peak + 15, v.sizes["time"] - 1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 5.2), constrained_layout=True)
    for ax, values, cmap, label in (
            (axes[0], dist, "viridis", "path distance from soma (um)"),
            (axes[1], v.isel(time=snap).values, "inferno", f"membrane potential at {t_ms[snap]:.1f} ms (mV)")):
        lc = LineCollection(lines, array=values, cmap=cmap, linewidths=1.4)
        ax.add_collection(lc)
        ax.autoscale()
        ax.set_aspect("equal")
        ax.axis("off")
        fig.colorbar(lc, ax=ax, shrink=0.7, label=label)
    axes[0].set_title("CA1 pyramidal cell (ca1_n120.swc)")
    axes[1].set_title("back-propagating spike\n(2 ms, 1 nA pulse at the soma)")
    fig.savefig(OUT / "neuron_morphology.png", dpi=DPI)
    plt.close(fig)

    # Traces: soma and apical segments at increasing distance.
    apical = np.where(ds.region.values == "apical")[0]
    fig, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
    picks = [soma_idx] + [int(apical[np.argmin(np.abs(dist[apical] - d))]) for d in (100, 200, 300, 400)]
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(picks)))
    for idx, c in zip(picks, colors):
        label = "soma" if idx == soma_idx else f"apical, {dist[idx]:.0f} um"
        ax.plot(t_ms, v.isel(compartment=idx).values, color=c, label=label, lw=1.2)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("membrane potential (mV)")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("soma and apical dendrite: the spike back-propagates with a delay")
    fig.savefig(OUT / "neuron_traces.png", dpi=DPI)
    plt.close(fig)
    print("wrote", OUT / "neuron_morphology.png", OUT / "neuron_traces.png")


if __name__ == "__main__":
    main()
