"""Learned features and the linear readout that measures them (scikit-learn).

Features of the rate rules are the layer's responses ``y = W x``, rectified and raised to a
power ``n`` for the competitive rules (Krotov & Hopfield's ``relu(h)^n``), linear for the PCA
rules; features of the spiking network are the spike counts of each unit while an image is
shown with plasticity off. A standardised :class:`~sklearn.linear_model.LogisticRegression`
(or :class:`~sklearn.linear_model.RidgeClassifier`) on those features gives the accuracy.
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr

from neurokit.errors import NeurokitError
from neurokit.learning import stdp
from neurokit.learning.train import hyper_of, sample_keys
from neurokit.rng import stream_key

CLASSIFIERS = ("logistic", "ridge")
LINEAR_RULES = ("oja", "sanger")


def features(ds: xr.Dataset, x: np.ndarray, power: float = 1.0, steps: int | None = None) -> np.ndarray:
    """Features (S, N, U) of inputs ``x`` (N, I) for every sample of a trained dataset
    (STDP: spike counts over ``steps`` steps per image, default 4x the training presentation,
    since counts of a short presentation are Poisson noise)."""
    W = ds["weight"].values
    if ds.attrs["rule"] == "stdp":
        keys = stream_key(sample_keys(ds.attrs["seed"], ds["sample"].values), 4)
        return stdp.simulate_c(x, W.copy(), ds["theta"].values.copy(), hyper_of(ds), keys,
                               steps=int(steps or 4 * ds.attrs["steps"]), dt=float(ds.attrs["dt_s"]))
    y = np.einsum("sui,ni->snu", W, x)
    if ds.attrs["rule"] in LINEAR_RULES:
        return y
    return np.maximum(y, 0.0) ** power


def readout(f_train: np.ndarray, y_train: np.ndarray, f_eval: np.ndarray, y_eval: np.ndarray, *,
            classifier: str = "logistic", c: float = 1.0) -> tuple[float, float]:
    """Fit a linear classifier on ``f_train`` (N, F); its accuracy on ``f_eval`` and the
    seconds the fit took. ``c``: inverse regularisation (logistic ``C``; ridge ``alpha = 1/c``)."""
    from sklearn.linear_model import LogisticRegression, RidgeClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if classifier not in CLASSIFIERS:
        raise NeurokitError(f"unknown classifier {classifier!r}; known: {', '.join(CLASSIFIERS)}")
    model = LogisticRegression(C=c, max_iter=2000) if classifier == "logistic" else RidgeClassifier(alpha=1.0 / c)
    pipe = make_pipeline(StandardScaler(), model)
    t0 = time.perf_counter()
    pipe.fit(f_train, y_train)
    seconds = time.perf_counter() - t0
    return float(pipe.score(f_eval, y_eval)), seconds


def accuracies(ds: xr.Dataset, x_fit, y_fit, x_eval, y_eval, *, power: float = 1.0,
               classifier: str = "logistic", c: float = 1.0, progress=None) -> xr.Dataset:
    """Readout accuracy and fit time of every sample of ``ds`` (dataset along ``sample``)."""
    f_fit, f_eval = features(ds, x_fit, power), features(ds, x_eval, power)
    acc, sec = [], []
    for s in range(ds.sizes["sample"]):
        a, t = readout(f_fit[s], y_fit, f_eval[s], y_eval, classifier=classifier, c=c)
        acc.append(a)
        sec.append(t)
        if progress is not None:
            progress(1)
    return xr.Dataset({"accuracy": ("sample", np.array(acc), {"units": "1", "long_name": "readout accuracy"}),
                       "readout_seconds": ("sample", np.array(sec), {"units": "s", "long_name": "readout fit time"})},
                      coords={"sample": ds["sample"].values})
