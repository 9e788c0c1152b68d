"""Train a layer with a local rule, every hyperparameter set of a batch in one call.

:func:`train` returns an ``xarray.Dataset`` (dims ``sample``, ``unit``, ``input``, ``epoch``;
``units`` attrs on every variable). Random numbers come from the one counter-based RNG, keyed
on ``(seed, sample index)``: initial weights (stream 1), presentation orders (stream 2) and
Poisson inputs (stream 3; responses stream 4). A sample's result therefore does not depend on
the other samples of its batch: training samples one by one gives the same weights.
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr

from neurokit.errors import NeurokitError, ParameterError
from neurokit.learning import cuda, kernels, rules, stdp
from neurokit.params import Parameter, ParameterSpace, batch_columns, sample_seeds
from neurokit.rng import normal, stream_key, u01

ENGINES = ("c", "numpy")
ALL_RULES = {**rules.RULES, "stdp": stdp.STDP}
#: Presentation of one image to the spiking network: steps of dt (s).
STDP_STEPS, STDP_DT = 50, 0.001


def rule_space(rule: str) -> ParameterSpace:
    """The hyperparameters of ``rule`` as a parameter space (defaults filled in by
    :func:`neurokit.params.batch_columns`)."""
    if rule not in ALL_RULES:
        raise NeurokitError(f"unknown learning rule {rule!r}; known: {', '.join(ALL_RULES)}")
    return ParameterSpace([Parameter(h.name, h.unit, default=h.default, description=h.description)
                           for h in ALL_RULES[rule].hypers])


def sample_keys(seed: int, samples) -> np.ndarray:
    """One uint64 RNG key per sample (:func:`neurokit.params.sample_seeds`)."""
    return sample_seeds(seed, np.asarray(samples, dtype=np.int64))


def initial_weights(rule: str, keys: np.ndarray, units: int, inputs: int, h: dict) -> np.ndarray:
    """Initial weights (S, U, I) from stream 1 of each key: normals (x 0.1 for the PCA rules;
    absolute values on unit-norm rows for the competitive ones); STDP: uniform in
    ``[0, 0.3 w_max)``, rows rescaled to ``w_sum``."""
    c = np.arange(units * inputs, dtype=np.uint64)
    k1 = stream_key(keys, 1)[:, None]
    shape = (len(keys), units, inputs)
    if rule == "stdp":
        W = u01(k1, c[None, :]).reshape(shape) * 0.3 * h["w_max"][:, None, None]
        return W * (h["w_sum"][:, None, None] / W.sum(axis=2, keepdims=True))
    W = normal(k1, c[None, :]).reshape(shape)
    if rule in ("oja", "sanger"):
        return 0.1 * W
    if rule in ("wta", "bcm"):
        W = np.abs(W)
        return W / np.sqrt((W * W).sum(axis=2, keepdims=True))
    return W


def orders(keys: np.ndarray, epochs: int, n: int) -> np.ndarray:
    """Presentation orders (S, E, N): a permutation per sample and epoch, from stream 2
    (argsort of uniforms numbered ``epoch * n + k``)."""
    c = np.arange(epochs * n, dtype=np.uint64)
    u = u01(stream_key(keys, 2)[:, None], c[None, :]).reshape(len(keys), epochs, n)
    return np.argsort(u, axis=2, kind="stable").astype(np.int32)


def train(rule: str, x: np.ndarray, hyper=None, *, units: int, epochs: int, seed: int = 0,
          batch: int = 100, engine: str = "c", device: str = "cpu", input_shape: tuple[int, int] | None = None,
          steps: int = STDP_STEPS, dt: float = STDP_DT) -> xr.Dataset:
    """Train ``units`` units on inputs ``x`` (N, I) with ``rule`` for each hyperparameter set.

    Parameters
    ----------
    rule : str
        ``oja``, ``sanger``, ``wta``, ``bcm``, ``krotov`` (:mod:`neurokit.learning.rules`) or
        ``stdp`` (:mod:`neurokit.learning.stdp`).
    x : ndarray (N, I)
        Training inputs (dimensionless; STDP: rates as fractions of ``rate_max``, in [0, 1]).
    hyper : mapping or xarray.Dataset, optional
        Hyperparameter values; a ``sample`` dim is a batch (its coordinate numbers the samples
        and keys their random streams); missing ones take the rule's defaults.
    units, epochs : int
        Layer size and passes over the data.
    seed : int
        Seed of the batch.
    batch : int
        Minibatch size of the Krotov-Hopfield rule.
    engine : {"c", "numpy"}
        Generated code (C with OpenMP over samples, or CUDA: see ``device``) or the NumPy
        reference.
    device : {"cpu", "cuda", "auto"}
        Where the generated code runs: ``"cuda"`` launches the CUDA kernels through CuPy (one
        block per hyperparameter set; same rule arithmetic and RNG as the C, so the weights
        agree with ``"cpu"`` up to floating-point reduction order); ``"auto"`` picks the GPU
        when CuPy sees one.
    input_shape : (rows, cols), optional
        Image shape of an input, kept as attrs for receptive-field figures.
    steps, dt : int, float
        STDP only: steps per image and the step (s).

    Returns
    -------
    xarray.Dataset
        ``weight`` (sample, unit, input), ``weight_change`` (sample, epoch); ``theta``
        (sample, unit) for BCM and STDP; ``spikes_per_image`` (sample, epoch) for STDP; the
        hyperparameters along ``sample``. Attrs: rule, engine, device, seed, epochs, batch,
        ``train_seconds`` (wall time of the training call), ``flops`` (estimate per sample).
    """
    space = rule_space(rule)
    if engine not in ENGINES:
        raise NeurokitError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    device = cuda.resolve_device(device, engine)
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ParameterError(f"inputs must be a 2-d array (samples, inputs), got shape {x.shape}")
    if units < 1 or epochs < 1:
        raise ParameterError(f"units and epochs must be >= 1, got {units} and {epochs}")
    samples, h = batch_columns(hyper, space, what=f"rule {rule!r}")
    if rule == "krotov":
        bad = (h["k"] < 2) | (h["k"] > units)
        if bad.any() or not 1 <= batch <= len(x):
            raise ParameterError(f"krotov: k must be in [2, units={units}] and batch in [1, {len(x)}]; "
                                 f"got k={h['k'][bad][:3]}, batch={batch}")
    keys = sample_keys(seed, samples)
    W = initial_weights(rule, keys, units, x.shape[1], h)
    perm = orders(keys, epochs, len(x))
    theta = np.zeros(W.shape[:2])
    t0 = time.perf_counter()
    data = {}
    if rule == "stdp":
        fn = {"numpy": stdp.simulate_reference, "c": stdp.simulate_c, "cuda": cuda.simulate_cuda}[
            engine if device == "cpu" else device]
        curves = fn(x, W, theta, h, stream_key(keys, 3), steps=steps, dt=dt, perm=perm)
        change = curves[:, :, 0]
        data["spikes_per_image"] = (("sample", "epoch"), curves[:, :, 1],
                                    {"units": "1", "long_name": "output spikes per image"})
        flops = epochs * stdp.flops_per_epoch(len(x), units, x.shape[1], steps)
    else:
        fn = {"numpy": rules.train_reference, "c": kernels.train_c, "cuda": cuda.train_cuda}[
            engine if device == "cpu" else device]
        W, change, theta = fn(rule, x, W, perm, h, batch=batch)
        flops = epochs * rules.flops_per_epoch(rule, len(x), units, x.shape[1], batch)
    seconds = time.perf_counter() - t0
    data["weight"] = (("sample", "unit", "input"), W, {"units": "1", "long_name": "input weight"})
    data["weight_change"] = (("sample", "epoch"), change,
                             {"units": "1", "long_name": "relative weight change in the epoch"})
    if rule in ("bcm", "stdp"):
        data["theta"] = (("sample", "unit"), theta, {"units": "1", "long_name": "adaptive threshold"})
    for p in space.parameters:
        data[p.name] = (("sample",), h[p.name], {"units": p.unit, "long_name": p.description})
    ds = xr.Dataset(data, coords={"sample": samples, "unit": np.arange(units), "input": np.arange(x.shape[1]),
                                  "epoch": np.arange(1, epochs + 1)})
    ds.attrs.update(rule=rule, engine=engine, device=device, seed=int(seed), epochs=int(epochs), batch=int(batch),
                    n_train=len(x), train_seconds=seconds, flops=float(flops),
                    description=ALL_RULES[rule].description)
    if rule == "stdp":
        ds.attrs.update(steps=int(steps), dt_s=float(dt))
    if input_shape is not None:
        ds.attrs["input_shape"] = list(input_shape)
    return ds


def hyper_of(ds: xr.Dataset) -> dict:
    """The hyperparameter columns of a trained dataset (for :func:`stdp` responses)."""
    return {n: ds[n].values for n in ALL_RULES[ds.attrs["rule"]].names}
