"""Figures of docs/brian2.md: raster and population rate of a Brunel network, and the weight
distribution before and after STDP (Song, Miller & Abbott 2000).

    python docs/figures_brian2.py    # writes docs/figures/brian2_*.png

Takes a few minutes (one cpp_standalone build, 100 s of STDP).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neurokit.backends.brian2 import Brian2Simulator  # noqa: E402
from neurokit.models.benchmark_networks import brunel, song_stdp  # noqa: E402
from neurokit.protocols import Protocol  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"


def brunel_figures() -> None:
    net = brunel(0.1, g=6.0, eta=4.0)
    proto = Protocol([[]], duration=0.6, dt=1e-4, sampling_interval=1e-3, seed=3)
    ds = Brian2Simulator("cython").simulate(net, None, proto)

    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=110)
    for pop, color, offset in (("E", "tab:blue", 0), ("I", "tab:red", 1000)):
        sel = (ds.spike_population.values == pop) & (ds.spike_cell.values < (200 if pop == "E" else 50))
        ax.plot(ds.spike_time.values[sel], ds.spike_cell.values[sel] + (0 if pop == "E" else 200), ".",
                ms=1.5, color=color, label=pop)
    ax.set(xlabel="time (s)", ylabel="cell (200 E, 50 I shown)", xlim=(0.1, 0.6),
           title="Brunel (2000) network, 1250 cells, g = 6, eta = 4 (AI)")
    ax.legend(loc="upper right", markerscale=6, fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "brian2_raster.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.4, 2.6), dpi=110)
    t = ds.time.values
    for pop, color in (("E", "tab:blue"), ("I", "tab:red")):
        rate = ds.rate.sel(population=pop).isel(sample=0, sweep=0).values
        smooth = np.convolve(rate, np.ones(5) / 5, mode="same")  # 5 ms boxcar
        ax.plot(t, smooth, color=color, lw=1, label=f"{pop} ({rate[100:].mean():.0f} Hz mean)")
    ax.set(xlabel="time (s)", ylabel="rate (Hz)", xlim=(0.1, 0.6), title="population rate (5 ms boxcar)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "brian2_rate.png")
    plt.close(fig)


def stdp_figure() -> None:
    net = song_stdp()  # the published setup: 100 s, A_pre 0.01
    proto = Protocol([[]], duration=100.0, dt=1e-4, sampling_interval=0.1, seed=2)
    with tempfile.TemporaryDirectory() as build:
        ds = Brian2Simulator("cpp_standalone", build_dir=build).simulate(net, None, proto)
    w_max = net.projections[0].plasticity.w_max
    fig, ax = plt.subplots(figsize=(6.4, 2.8), dpi=110)
    bins = np.linspace(0, 1, 21)
    ax.hist(ds.weight_initial.values.ravel() / w_max, bins, alpha=0.6, label="start (uniform)")
    ax.hist(ds.weight.values.ravel() / w_max, bins, alpha=0.6, label="after 100 s of STDP")
    ax.set(xlabel="weight / w_max", ylabel="synapses",
           title="Song, Miller & Abbott (2000): 1000 Poisson inputs, one LIF neuron")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "brian2_stdp_weights.png")
    plt.close(fig)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NEUROKIT_CACHE_DIR", tempfile.mkdtemp(prefix="nk-figs-"))
    brunel_figures()
    stdp_figure()
    print("wrote", *sorted(p.name for p in OUT.glob("brian2_*.png")))


if __name__ == "__main__":
    main()
