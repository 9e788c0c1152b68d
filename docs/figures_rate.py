"""Figures of docs/rate.md: Wilson-Cowan time series and phase plane, a delayed network,
Jansen-Rit alpha, and the weight trajectories of Oja's, BCM and Hebb's rules.

    python docs/figures_rate.py            # writes docs/figures/rate_*.png (~30 s)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neurokit.backends.base import get_backend  # noqa: E402
from neurokit.models.rate import JansenRit, WilsonCowan  # noqa: E402
from neurokit.models.rate_networks import GaussianInput, PatternInput, Plasticity, RateNetwork  # noqa: E402
from neurokit.models.rate_nodes import synthetic_connectome  # noqa: E402
from neurokit.protocols import Protocol  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"
NATIVE = get_backend("native")
DPI = 90


def timeseries() -> None:
    """One Wilson-Cowan node below and above its Hopf point; a delayed 20-node network."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 2.8), constrained_layout=True)
    prot = Protocol([[]], duration=0.15, dt=1e-5, record=("E", "I"), sampling_interval=1e-4)
    ds = NATIVE.simulate(WilsonCowan(), {"exc_ext": [0.6, 1.2]}, prot)
    for ax, k, title in zip(axes[:2], (0, 1), ("exc_ext = 0.6: damped", "exc_ext = 1.2: limit cycle")):
        t = ds.time.values * 1e3
        ax.plot(t, ds.E[k, 0, :, 0], label="E")
        ax.plot(t, ds.I[k, 0, :, 0], label="I")
        ax.set(title=title, xlabel="time (ms)", ylabel="activity")
    axes[0].legend(frameon=False)
    cmat, dmat = synthetic_connectome(20, seed=1)
    net = WilsonCowan(cmat=cmat, dmat=dmat)
    prot = Protocol([[]], duration=0.5, dt=1e-4, record=("activity",), sampling_interval=1e-3, seed=3)
    ds = NATIVE.simulate(net, {"exc_ext": 0.75, "K_gl": 0.8, "sigma_ou": 0.05, "signal_speed": 10.0}, prot)
    im = axes[2].imshow(ds.activity[0, 0].values.T, aspect="auto", origin="lower", cmap="magma",
                        extent=[0, 500, -0.5, 19.5])
    axes[2].set(title="20 nodes, delays, OU noise", xlabel="time (ms)", ylabel="node")
    fig.colorbar(im, ax=axes[2], label="E")
    fig.savefig(OUT / "rate_timeseries.png", dpi=DPI)
    plt.close(fig)


def phase_plane() -> None:
    """Nullclines, vector field, fixed point and trajectory of one Wilson-Cowan node."""
    wc = WilsonCowan()
    drive = 1.2
    e, i = np.meshgrid(np.linspace(0, 0.5, 200), np.linspace(0, 0.5, 200))
    de, di = wc.derivatives(e, i, drive=drive)
    fig, ax = plt.subplots(figsize=(4.6, 4), constrained_layout=True)
    ax.contour(e, i, de, levels=[0], colors="C0")
    ax.contour(e, i, di, levels=[0], colors="C1")
    es, is_ = np.meshgrid(np.linspace(0.02, 0.48, 14), np.linspace(0.02, 0.48, 14))
    u, v = wc.derivatives(es, is_, drive=drive)
    norm = np.hypot(u, v) + 1e-12
    ax.quiver(es, is_, u / norm, v / norm, color="0.7", width=0.003)
    prot = Protocol([[]], duration=0.1, dt=1e-5, record=("E", "I"), sampling_interval=1e-4)
    ds = NATIVE.simulate(WilsonCowan(initial={"E": 0.05, "I": 0.4}), {"exc_ext": drive}, prot)
    ax.plot(ds.E[0, 0, :, 0], ds.I[0, 0, :, 0], "k", lw=1)
    for E, I in wc.fixed_points(drive=drive):
        lam = np.linalg.eigvals(wc.jacobian(E, I, drive=drive))
        ax.plot(E, I, "o", mfc="w" if lam.real.max() > 0 else "k", mec="k")
    ax.plot([], [], "C0", label="dE/dt = 0")
    ax.plot([], [], "C1", label="dI/dt = 0")
    ax.set(xlabel="E", ylabel="I", title=f"Wilson-Cowan phase plane, exc_ext = {drive}", xlim=(0, 0.5), ylim=(0, 0.5))
    ax.legend(frameon=False, loc="upper right")
    fig.savefig(OUT / "rate_phase_plane.png", dpi=DPI)
    plt.close(fig)


def jansen_rit() -> None:
    prot = Protocol([[]], duration=3.0, dt=1e-4, record=("activity",), sampling_interval=1e-3, seed=1)
    ds = NATIVE.simulate(JansenRit(), {"sigma_p": 30.0}, prot)
    x = ds.activity[0, 0, :, 0].values
    fig, axes = plt.subplots(1, 2, figsize=(9, 2.6), constrained_layout=True)
    t = ds.time.values
    keep = t >= 1.0
    axes[0].plot(t[keep], x[keep], lw=0.8)
    axes[0].set(xlabel="time (s)", ylabel="y1 - y2 (mV)", title="Jansen-Rit, standard parameters")
    y = x[keep] - x[keep].mean()
    f = np.fft.rfftfreq(y.size, 1e-3)
    axes[1].semilogy(f[1:], np.abs(np.fft.rfft(y))[1:] ** 2)  # without the (removed) mean
    axes[1].axvspan(8, 12, color="C1", alpha=0.2, label="alpha band")
    axes[1].set(xlim=(0, 40), xlabel="frequency (Hz)", ylabel="power", title="spectrum")
    axes[1].legend(frameon=False)
    fig.savefig(OUT / "rate_jansen_rit.png", dpi=DPI)
    plt.close(fig)


def learning() -> None:
    """Oja's weight trajectories for several seeds, BCM selectivity, Hebb with/without norm."""
    cov = np.array([[3.0, 1.2], [1.2, 1.0]])
    pc1 = np.linalg.eigh(cov)[1][:, -1]
    src = GaussianInput([0.0, 0.0], cov, 1e-3)
    prot = Protocol([[]], duration=20.0, dt=1e-3, record=("weight",), sampling_interval=0.02, seed=11)
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), constrained_layout=True)
    ax = axes[0]
    th = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(th), np.sin(th), color="0.8", lw=1)
    for angle in np.linspace(0, 2 * np.pi, 8, endpoint=False) + 0.3:  # 8 starting points
        w0 = 0.3 * np.array([[np.cos(angle), np.sin(angle)]])
        oja = RateNetwork(np.zeros((1, 1)), source=src, plasticity=Plasticity("oja"), instantaneous=True,
                          input_weights=w0)
        w = NATIVE.simulate(oja, {"eta": 0.5}, prot).weight[0, 0, :, 0].values
        ax.plot(w[:, 0], w[:, 1], lw=1)
        ax.plot(*w[0], "k+", ms=5)
        ax.plot(*w[-1], "k.", ms=5)
    ax.plot(*zip(-1.2 * pc1, 1.2 * pc1), "k--", lw=1, label="first principal component")
    ax.set(aspect="equal", xlabel="w1", ylabel="w2", title="Oja's rule from 8 starting points")
    ax.legend(frameon=False, loc="lower right", fontsize=8)

    patterns = np.array([[1.0, 0.2], [0.2, 1.0]])
    bcm = RateNetwork(np.zeros((1, 1)), transfer="threshold_linear", source=PatternInput(patterns, 1e-3),
                      plasticity=Plasticity("bcm"), instantaneous=True, input_weights=[[0.3, 0.3]])
    prot = Protocol([[]], duration=10.0, dt=1e-3, record=("weight",), sampling_interval=0.05, seed=4)
    ds = NATIVE.simulate(bcm, {"eta": np.full(6, 5.0), "tau_theta": 0.05}, prot)
    t = ds.time.values
    for s in range(ds.sizes["sample"]):
        resp = np.maximum(ds.weight[s, 0, :, 0].values @ patterns.T, 0)
        axes[1].plot(t, resp[:, 0], "C0", lw=1)
        axes[1].plot(t, resp[:, 1], "C3", lw=1)
    axes[1].plot([], [], "C0", label="response to pattern 1")
    axes[1].plot([], [], "C3", label="response to pattern 2")
    axes[1].set(xlabel="time (s)", ylabel="y", title="BCM: each seed picks one pattern")
    axes[1].legend(frameon=False, fontsize=8)

    prot = Protocol([[]], duration=2.0, dt=1e-3, record=("weight",), sampling_interval=0.01, seed=3)
    for rule_kw, colour, label in (({}, "C3", "plain Hebb"), ({"normalise": "l2"}, "C2", "Hebb, L2-normalised")):
        net = RateNetwork(np.zeros((1, 1)), source=src, plasticity=Plasticity("hebbian", **rule_kw), instantaneous=True)
        ds = NATIVE.simulate(net, {"eta": np.full(4, 2.0)}, prot)
        norm = np.linalg.norm(ds.weight[:, 0, :, 0].values, axis=-1)
        axes[2].semilogy(ds.time.values, norm.T, colour, lw=1)
        axes[2].plot([], [], colour, label=label)
    axes[2].set(xlabel="time (s)", ylabel="|w|", title="Hebb grows without bound")
    axes[2].legend(frameon=False, fontsize=8)
    fig.savefig(OUT / "rate_learning.png", dpi=DPI)
    plt.close(fig)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    timeseries()
    phase_plane()
    jansen_rit()
    learning()
    for name in sorted(OUT.glob("rate_*.png")):
        print(name, f"{name.stat().st_size / 1024:.0f} kB")


if __name__ == "__main__":
    main()
