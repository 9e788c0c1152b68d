"""Rate networks (structure only): linear, threshold-linear or sigmoidal units with recurrent
weights, an optional input source and a local learning rule on the feed-forward weights.

Simulated by the native backend (:mod:`neurokit.backends.native.rate_network`). External input
comes from the protocol: its current (nA) times ``input_gain`` times each unit's entry of
``input_nodes`` is added to every unit's drive. Output datasets: ``activity`` (sample, sweep,
time, node) in the network's ``unit``, learned weights as ``weight`` (sample, sweep, time,
post, pre), ``bcm_threshold`` for BCM, and a boolean ``diverged`` (sample).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurokit.errors import ModelError
from neurokit.params import Parameter, ParameterisedModel

#: Transfer functions ``f(h)`` of rate units.
TRANSFERS = ("linear", "threshold_linear", "sigmoid")
#: Learning rules of :class:`Plasticity`.
RULES = ("hebbian", "oja", "bcm")
#: Weight normalisations after each update, by name.
NORMALISE = (None, "l1", "l2")


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class GaussianInput:
    """Input vector drawn from N(mean, cov) every ``interval`` s and held in between."""

    mean: np.ndarray
    cov: np.ndarray
    interval: float

    def __post_init__(self):
        mean = np.atleast_1d(np.asarray(self.mean, dtype=float))
        cov = np.atleast_2d(np.asarray(self.cov, dtype=float))
        if cov.shape != (mean.size, mean.size):
            raise ModelError(f"GaussianInput: cov shape {cov.shape} does not match mean of size {mean.size}")
        try:
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ModelError("GaussianInput: cov is not symmetric positive definite") from None
        if not self.interval > 0:
            raise ModelError(f"GaussianInput: interval {self.interval!r} s must be > 0")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "cov", cov)

    @property
    def size(self) -> int:
        return self.mean.size


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class PatternInput:
    """One of ``patterns`` (rows), chosen uniformly every ``interval`` s, plus Gaussian noise
    of SD ``noise`` per component."""

    patterns: np.ndarray
    interval: float
    noise: float = 0.0

    def __post_init__(self):
        pats = np.atleast_2d(np.asarray(self.patterns, dtype=float))
        if pats.shape[0] < 1 or not np.all(np.isfinite(pats)):
            raise ModelError("PatternInput: patterns must be a finite (n_patterns, n_inputs) array")
        if not self.interval > 0:
            raise ModelError(f"PatternInput: interval {self.interval!r} s must be > 0")
        if not self.noise >= 0:
            raise ModelError(f"PatternInput: noise {self.noise!r} must be >= 0")
        object.__setattr__(self, "patterns", pats)

    @property
    def size(self) -> int:
        return self.patterns.shape[1]


@dataclass(frozen=True)
class Plasticity:
    """A local learning rule on the feed-forward weights ``W_in`` (post x pre) of a
    :class:`RateNetwork`; ``y`` = post activity, ``x`` = input::

        hebbian:  dW/dt = eta y x
        oja:      dW/dt = eta y (x - y W)
        bcm:      dW/dt = eta x y (y - theta),   tau_theta dtheta/dt = y^2 / y0 - theta

    Parameters
    ----------
    rule : {"hebbian", "oja", "bcm"}
    bounds : (float, float), optional
        Weights are clipped into ``[low, high]`` after each update.
    normalise : {None, "l1", "l2"}
        Rescale each post unit's weight vector to norm ``norm_target`` after each update.
    """

    rule: str = "oja"
    bounds: tuple[float, float] | None = None
    normalise: str | None = None
    norm_target: float = 1.0

    def __post_init__(self):
        if self.rule not in RULES:
            raise ModelError(f"unknown learning rule {self.rule!r}; use 'hebbian', 'oja' or 'bcm'")
        if self.normalise not in NORMALISE:
            raise ModelError(f"normalise must be None, 'l1' or 'l2', got {self.normalise!r}")
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ModelError(f"weight bounds {self.bounds} must be (low, high) with low < high")
        if not self.norm_target > 0:
            raise ModelError(f"norm_target must be > 0, got {self.norm_target!r}")


@dataclass(frozen=True, eq=False)  # array fields: compare by identity
class RateNetwork(ParameterisedModel):
    """``N`` rate units with recurrent weights, optional input source and learning rule.

    Dynamics (``tau`` in ms, activity in ``unit``)::

        h = bias + w_scale W r + W_in x + input_gain I_protocol input_nodes
        tau dr/dt = -r + f(h) + sigma xi(t)      (or r = f(h), noiseless, when ``instantaneous``)

    with ``f`` linear (``f(h) = h``), threshold-linear (``max(0, h - theta)``) or sigmoidal
    (``r_max / (1 + exp(-(h - theta) / slope))``).

    Parameters
    ----------
    weights : ndarray (N, N)
        Recurrent weights (row = post), dimensionless. Use zeros for a feed-forward layer.
    transfer : {"linear", "threshold_linear", "sigmoid"}
    bias : ndarray (N,), optional
        Constant drive, in ``unit``.
    source : GaussianInput or PatternInput, optional
        Input vector ``x`` (M components, in ``unit``), generated in the loop from the
        sample's random stream.
    input_weights : ndarray (N, M), optional
        Initial feed-forward weights (default: see ``initial_weight_seed``).
    plasticity : Plasticity, optional
        Learning rule on ``input_weights``.
    instantaneous : bool
        ``r = f(h)`` at every step (needs zero recurrent weights).
    unit : {"1", "Hz"}
        Unit of activity.
    initial_weight_seed : int, optional
        When ``input_weights`` is None: draw them uniformly in [0, 0.1) from this seed
        (same for every sample), so symmetric rules can break the symmetry.
    """

    weights: np.ndarray
    transfer: str = "linear"
    bias: np.ndarray | None = None
    source: GaussianInput | PatternInput | None = None
    input_weights: np.ndarray | None = None
    plasticity: Plasticity | None = None
    instantaneous: bool = False
    unit: str = "1"
    input_nodes: np.ndarray | None = None
    initial: np.ndarray | None = None
    initial_weight_seed: int = 0

    name = "rate_network"

    def __post_init__(self):
        W = np.atleast_2d(np.asarray(self.weights, dtype=float))
        if W.shape[0] != W.shape[1] or not np.all(np.isfinite(W)):
            raise ModelError(f"rate network: weights must be a finite square matrix, got shape {W.shape}")
        object.__setattr__(self, "weights", W)
        n = W.shape[0]
        if self.transfer not in TRANSFERS:
            raise ModelError(f"unknown transfer function {self.transfer!r}; use one of {sorted(TRANSFERS)}")
        if self.unit not in ("1", "Hz"):
            raise ModelError(f"rate network unit must be '1' or 'Hz', got {self.unit!r}")
        if self.instantaneous and np.any(W != 0):
            raise ModelError("an instantaneous rate network needs zero recurrent weights")
        for attr in ("bias", "input_nodes", "initial"):
            v = getattr(self, attr)
            if v is not None:
                v = np.broadcast_to(np.asarray(v, dtype=float).ravel(), (n,)).copy() \
                    if np.size(v) in (1, n) else None
                if v is None:
                    raise ModelError(f"rate network: {attr} must have {n} entries")
                object.__setattr__(self, attr, v)
        m = self.source.size if self.source is not None else 0
        if self.input_weights is not None:
            win = np.atleast_2d(np.asarray(self.input_weights, dtype=float))
            if win.shape != (n, m):
                raise ModelError(f"rate network: input_weights shape {win.shape}, expected ({n}, {m})")
            object.__setattr__(self, "input_weights", win)
        if self.plasticity is not None and self.source is None:
            raise ModelError("rate network: a learning rule needs an input source")

    @property
    def n_nodes(self) -> int:
        return self.weights.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.source.size if self.source is not None else 0

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        u = self.unit
        ps = [Parameter("tau", "ms", (0.01, 1000.0), 10.0, description="activity time constant"),
              Parameter("w_scale", "1", (-10.0, 10.0), 1.0, transform="identity",
                        description="scale of the recurrent weights"),
              Parameter("input_gain", f"{u}/nA" if u != "1" else "1/nA", (-1e4, 1e4), 1.0, transform="identity",
                        description="protocol current to drive"),
              Parameter("sigma", u, (0.0, 100.0), 0.0, transform="identity",
                        description="activity noise intensity, per sqrt(s)")]
        if self.transfer in ("threshold_linear", "sigmoid"):
            ps.append(Parameter("theta", u, (-100.0, 100.0), 0.0, transform="identity",
                                description="transfer threshold"))
        if self.transfer == "sigmoid":
            ps += [Parameter("r_max", u, (1e-3, 1000.0), 1.0, description="maximal activity"),
                   Parameter("slope", u, (1e-3, 100.0), 1.0, description="sigmoid slope")]
        if self.plasticity is not None:
            eta_unit = "1/s" if u == "1" else "s"  # dW/dt = eta y x with W dimensionless
            ps.append(Parameter("eta", eta_unit, (0.0, 1e3), 0.01, transform="identity",
                                description="learning rate"))
            if self.plasticity.rule == "bcm":
                ps += [Parameter("tau_theta", "s", (1e-3, 1e3), 1.0, description="BCM threshold time constant"),
                       Parameter("y0", u, (1e-3, 1e3), 1.0, description="BCM target activity scale")]
        return tuple(ps)


    def recordable(self) -> dict[str, str]:
        rec = {"activity": self.unit}
        if self.source is not None:
            rec["weight"] = "1"
        if self.plasticity is not None and self.plasticity.rule == "bcm":
            rec["bcm_threshold"] = self.unit
        return rec

    def initial_input_weights(self) -> np.ndarray:
        if self.input_weights is not None:
            return self.input_weights
        rng = np.random.default_rng(self.initial_weight_seed)
        return rng.uniform(0.0, 0.1, size=(self.n_nodes, self.n_inputs))

    def steady_state_linear(self, params: dict | None = None, drive: np.ndarray | None = None) -> np.ndarray:
        """Fixed point of a linear network: ``(1 - w_scale W)^-1 (bias + drive)``."""
        if self.transfer != "linear":
            raise ModelError("steady_state_linear needs transfer='linear'")
        p = self.defaults()
        p.update(params or {})
        b = (self.bias if self.bias is not None else np.zeros(self.n_nodes)) + (0 if drive is None else drive)
        return np.linalg.solve(np.eye(self.n_nodes) - p["w_scale"] * self.weights, b)


__all__ = ["GaussianInput", "PatternInput", "Plasticity", "RateNetwork", "TRANSFERS", "RULES", "NORMALISE"]
