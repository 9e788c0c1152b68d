"""Figures of a learning run: receptive fields, learning curves, accuracy against training cost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.files import atomic_path


def _save(fig, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def receptive_fields(ds: xr.Dataset, path: Path, sample: int = 0, n: int = 64, title: str = "") -> Path:
    """The first ``n`` units' weights of sample index ``sample``, drawn as images (red:
    positive, blue: negative, each unit on its own symmetric scale)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shape = tuple(ds.attrs.get("input_shape", (1, ds.sizes["input"])))
    W = ds["weight"].isel(sample=sample).values[:n]
    cols = int(np.ceil(np.sqrt(len(W))))
    rows = int(np.ceil(len(W) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.9, rows * 0.9 + 0.4), squeeze=False)
    for ax, w in zip(axes.ravel(), W):
        m = np.abs(w).max() or 1.0
        ax.imshow(w.reshape(shape), cmap="bwr", vmin=-m, vmax=m)
    for ax in axes.ravel():
        ax.set_axis_off()
    fig.suptitle(title or f"{ds.attrs['rule']}: receptive fields (sample {int(ds['sample'][sample])})", fontsize=9)
    return _save(fig, path)


def learning_curve(ds: xr.Dataset, path: Path) -> Path:
    """Relative weight change per epoch, one line per sample (log scale)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.2))
    for s in range(ds.sizes["sample"]):
        ax.semilogy(ds["epoch"], ds["weight_change"].isel(sample=s), lw=0.8, alpha=0.7)
    ax.set_xlabel("epoch")
    ax.set_ylabel("relative weight change")
    ax.set_title(f"{ds.attrs['rule']}: learning curve ({ds.sizes['sample']} sets)", fontsize=9)
    fig.tight_layout()
    return _save(fig, path)


def accuracy_cost(points: list[tuple[str, float, float]], path: Path, xlabel: str = "training FLOPs") -> Path:
    """Accuracy (y) against a training cost (x, log scale): ``(label, cost, accuracy)`` points."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.4))
    for label, cost, acc in points:
        ax.scatter(cost, acc, s=18)
        if label:
            ax.annotate(label, (cost, acc), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("readout accuracy")
    fig.tight_layout()
    return _save(fig, path)
