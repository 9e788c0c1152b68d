"""Ask/tell optimisers over the unbounded coordinates of a parameter space.

Each :meth:`ask` returns a whole batch, shape ``(n, d)``, that one ``simulate`` call runs;
:meth:`tell` takes the scores of that batch (lower is better). Every optimiser is a plain
picklable object holding its own ``numpy.random.Generator``, so pickling it captures the whole
state, random state included (see :mod:`neurokit.fitting.checkpoint`).

- :class:`CMAES`: the ``cma`` package, optionally several independent "islands" (restarts run
  side by side, each with its own seed) asked for in one batch.
- :class:`DifferentialEvolution`: rand/1/bin DE with a whole generation per ask.
- :class:`SobolSearch`: scrambled Sobol points of the unit cube (scipy.stats.qmc).
- :func:`local_refiner`: small-step CMA-ES started at the best candidates (local refinement).
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
import contextlib

import numpy as np
from scipy.stats import qmc

from neurokit.errors import FitConfigError


class _Randn:
    """``randn(*shape)`` for cma drawn from our own Generator (cma's default is numpy's
    global state, which a checkpoint could not capture without touching global state)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def __call__(self, *shape):
        return self.rng.standard_normal(shape)


class CubeToUnbounded:
    """Picklable map from points of the unit cube (n, d) to the unbounded coordinates of a
    :class:`~neurokit.params.ParameterSpace` (log-spaced for log parameters)."""

    def __init__(self, space):
        self.space = space

    def __call__(self, u: np.ndarray) -> np.ndarray:
        return self.space.to_unbounded(self.space.unit_cube_to_values(u))


class Optimiser(ABC):
    """Interface: ``ask() -> (n, d)`` unbounded coordinates; ``tell(z, scores)``."""

    @abstractmethod
    def ask(self) -> np.ndarray: ...

    @abstractmethod
    def tell(self, z: np.ndarray, scores: np.ndarray) -> None: ...

    @property
    @abstractmethod
    def batch_size(self) -> int: ...


class CMAES(Optimiser):
    """CMA-ES (``cma`` package) with ``islands`` independent runs asked for together.

    Parameters
    ----------
    x0 : ndarray (d,) or (islands, d)
        Start mean(s), unbounded coordinates.
    sigma0 : float
        Initial step size, unbounded coordinates (for logit-transformed parameters 1 spans
        most of the range).
    popsize : int
        Samples per island and generation.
    islands : int
        Independent runs side by side, seeds ``seed + island``.
    seed : int
    """

    def __init__(self, x0, sigma0: float = 1.0, popsize: int = 32, islands: int = 1, seed: int = 0,
                 options: dict | None = None):
        import cma

        x0 = np.atleast_2d(np.asarray(x0, dtype=float))
        if x0.shape[0] == 1 and islands > 1:
            x0 = np.repeat(x0, islands, axis=0)
        self.islands = []
        for k, start in enumerate(x0):
            rng = np.random.default_rng([int(seed), k])
            opts = {"popsize": int(popsize), "seed": int(seed) + k + 1, "randn": _Randn(rng),
                    "verbose": -9, "CMA_diagonal": False, "tolfun": 0, "tolfunhist": 0,
                    "tolx": 1e-10, "tolstagnation": 10 ** 9}
            opts.update(options or {})
            with contextlib.redirect_stdout(io.StringIO()):  # cma prints its banner on stdout
                self.islands.append(cma.CMAEvolutionStrategy(list(start), float(sigma0), opts))
        self._pending: list[np.ndarray] | None = None

    @property
    def batch_size(self) -> int:
        return sum(es.popsize for es in self.islands)

    def ask(self) -> np.ndarray:
        self._pending = [np.asarray(es.ask()) for es in self.islands]
        return np.concatenate(self._pending, axis=0)

    def tell(self, z, scores) -> None:
        scores = np.asarray(scores, dtype=float)
        start = 0
        for es, part in zip(self.islands, self._pending):
            n = part.shape[0]
            es.tell(list(part), list(scores[start:start + n]))
            start += n
        self._pending = None

    def covariances(self) -> list[np.ndarray]:
        """Each island's covariance matrix (sigma^2 C), unbounded coordinates."""
        return [es.sigma ** 2 * np.asarray(es.C) for es in self.islands]


class DifferentialEvolution(Optimiser):
    """Differential evolution, DE/rand/1/bin, on the unit cube (mapped to unbounded
    coordinates by ``to_unbounded``); one whole generation of trial vectors per ask.

    Parameters
    ----------
    d : int
        Number of parameters.
    popsize : int
    mutation, crossover : float
        Differential weight F and crossover rate CR.
    to_unbounded : callable
        Map (n, d) unit-cube points to unbounded coordinates.
    """

    def __init__(self, d: int, to_unbounded, popsize: int = 40, mutation: float = 0.6,
                 crossover: float = 0.9, seed: int = 0):
        if popsize < 4:
            raise FitConfigError(f"differential evolution needs a population of at least 4, got {popsize}")
        self.d, self.popsize = int(d), int(popsize)
        self.F, self.CR = float(mutation), float(crossover)
        self.to_unbounded = to_unbounded
        self.rng = np.random.default_rng([int(seed), 7])
        self.pop = qmc.Sobol(self.d, scramble=True, seed=self.rng).random(self.popsize)
        self.scores = None
        self._trial = None

    @property
    def batch_size(self) -> int:
        return self.popsize

    def ask(self) -> np.ndarray:
        if self.scores is None:
            self._trial = self.pop.copy()
        else:
            n, d = self.pop.shape
            idx = np.array([self.rng.choice(np.delete(np.arange(n), i), 3, replace=False) for i in range(n)])
            a, b, c = self.pop[idx[:, 0]], self.pop[idx[:, 1]], self.pop[idx[:, 2]]
            mutant = a + self.F * (b - c)
            # Reflect out-of-cube coordinates back inside rather than clipping onto the faces.
            mutant = np.where(mutant < 0, -mutant, mutant)
            mutant = np.where(mutant > 1, 2 - mutant, mutant)
            mutant = np.clip(mutant, 0, 1)
            cross = self.rng.random((n, d)) < self.CR
            cross[np.arange(n), self.rng.integers(0, d, n)] = True
            self._trial = np.where(cross, mutant, self.pop)
        return self.to_unbounded(self._trial)

    def tell(self, z, scores) -> None:
        scores = np.asarray(scores, dtype=float)
        if self.scores is None:
            self.pop, self.scores = self._trial, scores
        else:
            better = scores <= self.scores
            self.pop[better] = self._trial[better]
            self.scores[better] = scores[better]
        self._trial = None


class SobolSearch(Optimiser):
    """Random search over scrambled Sobol points of the unit cube, ``popsize`` per ask."""

    def __init__(self, d: int, to_unbounded, popsize: int = 64, seed: int = 0):
        self.d, self.popsize = int(d), int(popsize)
        self.to_unbounded = to_unbounded
        self.sampler = qmc.Sobol(self.d, scramble=True, seed=np.random.default_rng([int(seed), 11]))

    @property
    def batch_size(self) -> int:
        return self.popsize

    def ask(self) -> np.ndarray:
        return self.to_unbounded(self.sampler.random(self.popsize))

    def tell(self, z, scores) -> None:
        pass  # nothing adapts: the points were fixed by the seed


def local_refiner(starts: np.ndarray, sigma: float = 0.1, popsize: int = 12, seed: int = 0) -> CMAES:
    """Local refinement: one small-step CMA-ES island per start point, asked together."""
    starts = np.atleast_2d(starts)
    return CMAES(starts, sigma0=sigma, popsize=popsize, islands=starts.shape[0], seed=seed + 1000)


OPTIMISERS = ("cmaes", "de", "sobol")


def make_optimiser(method: str, d: int, to_unbounded, x0: np.ndarray, seed: int, popsize: int,
                   sigma0: float = 1.0, islands: int = 1, options: dict | None = None) -> Optimiser:
    """An optimiser by name: ``cmaes``, ``de`` or ``sobol``."""
    options = dict(options or {})
    if method == "cmaes":
        return CMAES(x0, sigma0=sigma0, popsize=popsize, islands=islands, seed=seed, options=options)
    if method == "de":
        return DifferentialEvolution(d, to_unbounded, popsize=popsize * islands, seed=seed, **options)
    if method == "sobol":
        return SobolSearch(d, to_unbounded, popsize=popsize * islands, seed=seed)
    raise FitConfigError(f"unknown optimiser {method!r}; use one of {', '.join(OPTIMISERS)}")
