"""Offline data for local learning: scikit-learn's digits, natural-image patches, MNIST on request.

Every set comes back as a :class:`LearnData`: pixel values in [0, 1] (patches: centred grey
levels), a fixed stratified split into train, validation and test, and the image shape (for
receptive-field figures). Splits depend only on ``split_seed``; the validation set is carved
from the training set, so settings are chosen without looking at the test set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurokit.errors import NeurokitError
from neurokit.rng import stream_key, u01

DATASETS = ("digits", "patches", "mnist")
#: Fractions of the digits set: 30 % test, then 20 % of the rest for validation.
TEST_FRACTION, VALIDATION_FRACTION = 0.3, 0.2


@dataclass
class LearnData:
    """A data set split for unsupervised training and a linear readout.

    Attributes
    ----------
    x_train, x_val, x_test : ndarray, shape (n, n_inputs)
        Inputs (dimensionless, pixels in [0, 1]; patches centred).
    y_train, y_val, y_test : ndarray of int or None
        Labels (None for unlabelled patches).
    shape : tuple of int
        Image shape of one input (rows, columns).
    name : str
    split_seed : int
    """

    x_train: np.ndarray
    y_train: np.ndarray | None
    x_val: np.ndarray
    y_val: np.ndarray | None
    x_test: np.ndarray
    y_test: np.ndarray | None
    shape: tuple[int, int]
    name: str
    split_seed: int

    @property
    def n_inputs(self) -> int:
        return self.x_train.shape[1]

    def fit_set(self, final: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Training inputs and labels: train only (``final=False``, for choosing settings on
        the validation set) or train + validation (``final=True``, the final model)."""
        if not final:
            return self.x_train, self.y_train
        y = None if self.y_train is None else np.concatenate([self.y_train, self.y_val])
        return np.concatenate([self.x_train, self.x_val]), y

    def eval_set(self, final: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Validation (``final=False``) or test (``final=True``) inputs and labels."""
        return (self.x_test, self.y_test) if final else (self.x_val, self.y_val)


def _split(x: np.ndarray, y: np.ndarray, split_seed: int, name: str, shape) -> LearnData:
    from sklearn.model_selection import train_test_split

    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=TEST_FRACTION, stratify=y,
                                                      random_state=split_seed)
    x_tr, x_val, y_tr, y_val = train_test_split(x_rest, y_rest, test_size=VALIDATION_FRACTION,
                                                stratify=y_rest, random_state=split_seed)
    return LearnData(x_tr, y_tr, x_val, y_val, x_test, y_test, tuple(shape), name, split_seed)


def load_digits(split_seed: int = 0) -> LearnData:
    """scikit-learn's 1797 8x8 handwritten digits, pixels scaled from 0..16 to [0, 1]; split
    stratified 70/30 into train+validation / test (then 80/20 train / validation)."""
    from sklearn import datasets

    d = datasets.load_digits()
    return _split(d.data / 16.0, d.target.astype(np.int64), split_seed, "digits", (8, 8))


def load_patches(n: int = 5000, size: int = 8, split_seed: int = 0, whiten: bool = False) -> LearnData:
    """``n`` grey ``size`` x ``size`` patches from scikit-learn's two sample images, at random
    places drawn with the one RNG (key ``split_seed``); grey levels in [0, 1], the mean patch
    subtracted (centred, as PCA needs). No labels; 10 % validation, 10 % test.

    ``whiten``: ZCA-whiten with the training patches' covariance (eigenvalues floored at 1e-3 of
    the largest), then scale to a largest magnitude of 1, so that competition is about
    structure rather than mean luminance."""
    from sklearn.datasets import load_sample_images

    images = [im.mean(axis=2) / 255.0 for im in load_sample_images().images]
    key = stream_key(np.uint64(split_seed), 7)
    u = u01(key, np.arange(3 * n, dtype=np.uint64)).reshape(3, n)
    which = np.minimum((u[0] * len(images)).astype(int), len(images) - 1)
    out = np.empty((n, size * size))
    for j in range(n):
        im = images[which[j]]
        r = int(u[1, j] * (im.shape[0] - size + 1))
        c = int(u[2, j] * (im.shape[1] - size + 1))
        out[j] = im[r:r + size, c:c + size].ravel()
    out -= out.mean(axis=0)
    a, b = int(0.8 * n), int(0.9 * n)
    if whiten:
        ev, vec = np.linalg.eigh(out[:a].T @ out[:a] / a)
        out = out @ (vec @ np.diag(1.0 / np.sqrt(np.maximum(ev, 1e-3 * ev.max()))) @ vec.T)
        out /= np.abs(out[:a]).max()
    return LearnData(out[:a], None, out[a:b], None, out[b:], None, (size, size), "patches", split_seed)


def load_mnist(split_seed: int = 0, n: int | None = None) -> LearnData:
    """MNIST through :func:`sklearn.datasets.fetch_openml` (downloads; only when asked for by
    name, never in tests); pixels in [0, 1]; ``n`` keeps the first ``n`` images."""
    from sklearn.datasets import fetch_openml

    d = fetch_openml("mnist_784", version=1, as_frame=False, parser="liac-arff")
    x, y = d.data / 255.0, d.target.astype(np.int64)
    if n is not None:
        x, y = x[:n], y[:n]
    return _split(x, y, split_seed, "mnist", (28, 28))


def load(name: str, split_seed: int = 0, **options) -> LearnData:
    """The data set ``name`` (one of :data:`DATASETS`).

    Raises
    ------
    NeurokitError
        For an unknown name.
    """
    if name == "digits":
        return load_digits(split_seed)
    if name == "patches":
        return load_patches(split_seed=split_seed, **options)
    if name == "mnist":
        return load_mnist(split_seed, **options)
    raise NeurokitError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
