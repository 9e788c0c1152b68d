"""Figures of docs/learning.md: receptive fields of the competitive rules and of the STDP
network on digits and of Krotov-Hopfield on whitened image patches, and Sanger against the
principal components of image patches.

    python docs/figures_learning.py        # writes docs/figures/learning_*.png (~1 min)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neurokit.files import atomic_path  # noqa: E402
from neurokit.learning import train  # noqa: E402
from neurokit.learning.data import load_digits, load_patches  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"
DPI = 90


def _save(fig, name: str) -> None:
    with atomic_path(OUT / name) as tmp:
        fig.savefig(tmp, dpi=DPI, format="png")
    plt.close(fig)


def _grid(ax_row, W, shape, signed=True):
    for ax, w in zip(ax_row, W):
        m = np.abs(w).max() or 1.0
        ax.imshow(w.reshape(shape), cmap="bwr" if signed else "gray_r", vmin=-m if signed else 0, vmax=m)
        ax.set_axis_off()


def receptive_fields() -> None:
    """16 units of each competitive rule, and of the STDP network, trained on digits; units
    chosen as the most used ones (largest total response to the training set)."""
    d = load_digits()
    runs = [("wta", dict(units=100, epochs=20), {"eta": 0.05}, False),
            ("krotov", dict(units=100, epochs=60, batch=5), {"eta": 0.1, "p": 3.0, "k": 2, "delta": 0.2}, True),
            ("bcm", dict(units=100, epochs=20), {"eta": 0.02}, False),
            ("stdp", dict(units=100, epochs=2), {}, False)]
    fig, axes = plt.subplots(len(runs), 16, figsize=(12, 0.85 * len(runs) + 0.3))
    for row, (rule, kw, hyper, signed) in zip(axes, runs):
        ds = train(rule, d.x_train, hyper, seed=1, input_shape=(8, 8), **kw)
        W = ds["weight"].values[0]
        use = np.maximum(d.x_train @ W.T, 0).sum(0)
        _grid(row, W[np.argsort(-use)[:16]], (8, 8), signed)
        row[0].set_title(rule, fontsize=9, loc="left")
    fig.suptitle("digits: learned receptive fields (red +, blue -; grey: non-negative weights)", fontsize=9)
    _save(fig, "learning_receptive_fields.png")


def localisation(W: np.ndarray) -> np.ndarray:
    """Per unit: the fraction of its squared weight held by its 8 strongest of 64 pixels."""
    w2 = np.sort(W ** 2, axis=1)[:, ::-1]
    return w2[:, :8].sum(1) / w2.sum(1)


def patch_fields() -> None:
    """Krotov-Hopfield on whitened natural-image patches: localised, oriented fields. The
    localisation index (strongest 8 of 64 pixels' share of the squared weight) is compared
    with the same units' random initial weights."""
    x = load_patches(n=8000, whiten=True).x_train
    ds = train("krotov", x, {"eta": 0.1, "p": 3.0, "k": 2, "delta": 0.2}, units=64, epochs=60, batch=10, seed=1)
    W = ds["weight"].values[0]
    use = np.abs(x @ W.T).sum(0)
    top = W[np.argsort(-use)[:32]]
    W0 = train("krotov", x[:10], {"eta": 0.0}, units=64, epochs=1, batch=10, seed=1)["weight"].values[0]
    fig, axes = plt.subplots(2, 16, figsize=(12, 2.0))
    _grid(axes.ravel(), top, (8, 8))
    fig.suptitle(f"whitened 8x8 image patches, Krotov-Hopfield (p=3): 32 most used of 64 units; localisation "
                 f"index {localisation(W).mean():.2f} (random start {localisation(W0).mean():.2f})", fontsize=8)
    _save(fig, "learning_patch_fields.png")


def pca_patches() -> None:
    """Sanger's rule on natural-image patches against the leading principal components."""
    x = load_patches(n=3000).x_train
    ev, vec = np.linalg.eigh(x.T @ x / len(x))
    pcs = vec[:, ::-1][:, :3].T  # the 4th and 5th eigenvalues nearly coincide
    ds = train("sanger", x, {"eta": 0.02}, units=3, epochs=10, seed=2)
    W = ds["weight"].values[0]
    W = W * np.sign((W * pcs).sum(1))[:, None]
    fig, axes = plt.subplots(2, 3, figsize=(4, 2.8))
    _grid(axes[0], pcs, (8, 8))
    _grid(axes[1], W, (8, 8))
    for u in range(3):
        cos = abs(W[u] @ pcs[u]) / np.linalg.norm(W[u])
        axes[1, u].set_title(f"|cos| {cos:.4f}", fontsize=7)
    axes[0, 0].set_title("PCA", fontsize=8, loc="left")
    fig.suptitle("8x8 image patches: principal components (top) and Sanger's rule (bottom)", fontsize=8)
    _save(fig, "learning_pca_patches.png")


def learning_curves() -> None:
    """Relative weight change per epoch of 12 Krotov-Hopfield sets trained in one call."""
    d = load_digits()
    eta = np.repeat([0.05, 0.1, 0.2], 4)
    delta = np.tile([0.1, 0.2, 0.3, 0.4], 3)
    ds = train("krotov", d.x_train, {"eta": eta, "delta": delta}, units=100, epochs=30, batch=5, seed=1)
    fig, ax = plt.subplots(figsize=(4.5, 3))
    for s in range(ds.sizes["sample"]):
        label = f"eta {eta[s]}" if s % 4 == 0 else None
        ax.semilogy(ds["epoch"], ds["weight_change"][s], lw=0.8, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("relative weight change")
    ax.legend(fontsize=6)
    fig.tight_layout()
    _save(fig, "learning_curves.png")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    receptive_fields()
    patch_fields()
    pca_patches()
    learning_curves()
