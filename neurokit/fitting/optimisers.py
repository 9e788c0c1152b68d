"""Ask/tell optimisers over the unbounded coordinates of a parameter space.

Each :meth:`ask` returns a whole batch, shape ``(n, d)``, that one ``simulate`` call runs;
:meth:`tell` takes the scores of that batch (lower is better). Every optimiser holds its own
``numpy.random.Generator`` and writes its whole state, random state included, as plain data
(:meth:`Optimiser.to_state`: numbers, lists, arrays), from which :func:`optimiser_from_state`
rebuilds it exactly (see :mod:`neurokit.fitting.checkpoint`).

- :class:`CMAES`: the ``cma`` package, optionally several independent "islands" (restarts run
  side by side, each with its own seed) asked for in one batch.
- :class:`DifferentialEvolution`: rand/1/bin DE with a whole generation per ask.
- :class:`SobolSearch`: scrambled Sobol points of the unit cube (scipy.stats.qmc).
- :func:`local_refiner`: small-step CMA-ES started at the best candidates (local refinement).
- :func:`sobol_points`: a few scrambled Sobol points (island starts), kept in the cache folder
  so a warm start does not import scipy.stats.

``cma`` is imported only for CMA-ES, and ``scipy.stats`` only for DE and Sobol search (0.3-0.5 s each).
"""

from __future__ import annotations

import io
import sys
import warnings
from abc import ABC, abstractmethod
import contextlib

import numpy as np

from neurokit.errors import FitConfigError


def _import_cma():
    """The ``cma`` package, imported without matplotlib and scipy.stats.

    ``cma/__init__`` imports ``cma.s``, whose first line imports ``matplotlib.pyplot`` (0.3-0.5 s,
    for cma's own plots), and ``cma.fitness_models`` imports ``scipy.stats`` (0.3-0.5 s, for the
    Kendall tau of its surrogate models, with a NumPy fallback). neurokit uses neither. While
    ``cma`` is first imported, those not yet imported are marked absent in ``sys.modules`` so
    their import fails fast (cma catches the ImportError); the marks are removed right after.
    """
    if "cma" in sys.modules:
        import cma

        return cma
    blocked = [m for m in ("matplotlib", "scipy" if "scipy" not in sys.modules else "scipy.stats")
               if m not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # "import name" -> ImportError
    try:
        with warnings.catch_warnings():  # "Could not import matplotlib.pyplot": expected here
            warnings.simplefilter("ignore")
            import cma
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return cma


def sobol_points(d: int, n: int, seed: int) -> np.ndarray:
    """``n`` scrambled Sobol points of the unit cube ``[0, 1)^d`` (scipy.stats.qmc, scrambled
    with ``seed``), read back from the cache folder after the first call.

    scipy.stats takes 0.3-0.9 s to import, more than the rest of a warm fit's start; the points
    depend only on ``(d, n, seed)`` and SciPy's version, so they are kept as data (JSON; floats
    written with repr, read back bit-identical).
    """
    from importlib.metadata import version  # not "import scipy": 0.07 s

    from neurokit.data_cache import cache_dir, read_entry, write_entry

    key = {"d": int(d), "n": int(n), "seed": int(seed), "scipy": version("scipy")}
    path = cache_dir("sobol") / f"sobol-{d}-{n}-{seed}-{key['scipy']}.json"
    entry = read_entry(path)
    if entry is not None and entry.get("key") == key:
        return np.asarray(entry["points"], dtype=float).reshape(int(n), int(d))
    with warnings.catch_warnings():  # a few points of a Sobol sequence: balance is moot
        warnings.simplefilter("ignore", UserWarning)
        from scipy.stats import qmc

        u = qmc.Sobol(int(d), scramble=True, seed=int(seed)).random(int(n))
    write_entry(path, {"key": key, "points": u.ravel().tolist()})
    return u


class _Randn:
    """``randn(*shape)`` for cma drawn from our own Generator (cma's default is numpy's
    global state, which a checkpoint could not capture without touching global state)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def __call__(self, *shape):
        return self.rng.standard_normal(shape)


class CubeToUnbounded:
    """Map from points of the unit cube (n, d) to the unbounded coordinates of a
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

    @abstractmethod
    def to_state(self) -> dict:
        """The whole state between generations as plain data (JSON types and ndarrays)."""


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
        cma = _import_cma()

        x0 = np.atleast_2d(np.asarray(x0, dtype=float))
        if x0.shape[0] == 1 and islands > 1:
            x0 = np.repeat(x0, islands, axis=0)
        self.settings = {"x0": x0, "sigma0": float(sigma0), "popsize": int(popsize), "seed": int(seed),
                         "options": dict(options or {})}
        self.islands, self.rngs = [], []
        for k, start in enumerate(x0):
            rng = np.random.default_rng([int(seed), k])
            opts = {"popsize": int(popsize), "seed": int(seed) + k + 1, "randn": _Randn(rng),
                    "verbose": -9, "CMA_diagonal": False, "tolfun": 0, "tolfunhist": 0,
                    "tolx": 1e-10, "tolstagnation": 10 ** 9}
            opts.update(options or {})
            with contextlib.redirect_stdout(io.StringIO()):  # cma prints its banner on stdout
                self.islands.append(cma.CMAEvolutionStrategy(list(start), float(sigma0), opts))
            self.rngs.append(rng)
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

    def to_state(self) -> dict:
        """Settings plus, per island, what cma's update reads: mean, sigma, C with its
        eigendecomposition (B, D), evolution paths pc and ps, counters, the random state."""
        islands = []
        for es, rng in zip(self.islands, self.rngs):
            sm, csa = es.sm, es.adapt_sigma
            islands.append({
                "mean": np.array(es.mean, dtype=float), "mean_old": np.array(getattr(es, "mean_old", es.mean), dtype=float),
                "sigma": float(es.sigma), "C": np.array(sm.C, dtype=float), "B": np.array(sm.B, dtype=float),
                "D": np.array(sm.D, dtype=float), "pc": np.array(es.pc, dtype=float),
                "ps": np.array(csa.ps, dtype=float), "countiter": int(es.countiter),
                "countevals": int(es.countevals), "itereigenupdated": int(es.itereigenupdated),
                "ps_updated_iteration": int(csa._ps_updated_iteration),
                "sampler": {"last_update": int(sm.last_update), "count_tell": int(sm.count_tell),
                            "count_eigen": int(sm.count_eigen)},
                "flatfit_iterations": int(es.fit.flatfit_iterations),
                "fit_history": [float(f) for f in es.fit.hist],
                "rng": rng.bit_generator.state})
        return {"kind": "cmaes", "settings": {**self.settings, "islands": len(self.islands)}, "islands": islands}

    @classmethod
    def from_state(cls, state: dict) -> "CMAES":
        """The optimiser :meth:`to_state` wrote, in the same state (the next ask is the same)."""
        from cma.utilities.utils import ElapsedWCTime

        st = state["settings"]
        opt = cls(np.asarray(st["x0"], dtype=float), st["sigma0"], st["popsize"], st["islands"], st["seed"],
                  st["options"])
        for es, rng, isl in zip(opt.islands, opt.rngs, state["islands"]):
            if isl["countiter"] == 0:
                continue  # nothing told yet: the fresh island is that state
            es.timer = ElapsedWCTime()  # cma makes it on the first ask
            es.mean, es.mean_old = np.array(isl["mean"], dtype=float), np.array(isl["mean_old"], dtype=float)
            es.sigma = float(isl["sigma"])
            es.sm.C, es.sm.B, es.sm.D = (np.array(isl[k], dtype=float) for k in ("C", "B", "D"))
            for key, value in isl["sampler"].items():
                setattr(es.sm, key, int(value))
            es.pc, es.adapt_sigma.ps = np.array(isl["pc"], dtype=float), np.array(isl["ps"], dtype=float)
            es.adapt_sigma._ps_updated_iteration = int(isl["ps_updated_iteration"])
            es.countiter, es.countevals = int(isl["countiter"]), int(isl["countevals"])
            es.itereigenupdated = int(isl["itereigenupdated"])
            es.fit.flatfit_iterations = int(isl["flatfit_iterations"])
            es.fit.hist[:] = list(isl["fit_history"])
            rng.bit_generator.state = isl["rng"]
        return opt


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
        self.seed = int(seed)
        self.rng = np.random.default_rng([int(seed), 7])
        from scipy.stats import qmc  # 0.5 s to import: only when this optimiser is used

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

    def to_state(self) -> dict:
        return {"kind": "de", "d": self.d, "popsize": self.popsize, "mutation": self.F, "crossover": self.CR,
                "seed": self.seed, "pop": self.pop.copy(),
                "scores": None if self.scores is None else self.scores.copy(), "rng": self.rng.bit_generator.state}

    @classmethod
    def from_state(cls, state: dict, to_unbounded) -> "DifferentialEvolution":
        opt = cls(state["d"], to_unbounded, state["popsize"], state["mutation"], state["crossover"], state["seed"])
        opt.pop = np.array(state["pop"], dtype=float)
        opt.scores = None if state["scores"] is None else np.array(state["scores"], dtype=float)
        opt.rng.bit_generator.state = state["rng"]
        return opt


class SobolSearch(Optimiser):
    """Random search over scrambled Sobol points of the unit cube, ``popsize`` per ask."""

    def __init__(self, d: int, to_unbounded, popsize: int = 64, seed: int = 0):
        self.d, self.popsize, self.seed = int(d), int(popsize), int(seed)
        self.to_unbounded = to_unbounded
        self.drawn = 0
        from scipy.stats import qmc

        self.sampler = qmc.Sobol(self.d, scramble=True, seed=np.random.default_rng([int(seed), 11]))

    @property
    def batch_size(self) -> int:
        return self.popsize

    def ask(self) -> np.ndarray:
        self.drawn += self.popsize
        return self.to_unbounded(self.sampler.random(self.popsize))

    def tell(self, z, scores) -> None:
        pass  # nothing adapts: the points were fixed by the seed

    def to_state(self) -> dict:
        return {"kind": "sobol", "d": self.d, "popsize": self.popsize, "seed": self.seed, "drawn": self.drawn}

    @classmethod
    def from_state(cls, state: dict, to_unbounded) -> "SobolSearch":
        """The same scrambled sequence (from the seed), moved on past the points drawn."""
        opt = cls(state["d"], to_unbounded, state["popsize"], state["seed"])
        if state["drawn"]:
            opt.sampler.fast_forward(int(state["drawn"]))
        opt.drawn = int(state["drawn"])
        return opt


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


def optimiser_from_state(state: dict, to_unbounded) -> Optimiser:
    """The optimiser whose :meth:`Optimiser.to_state` gave ``state`` (``to_unbounded``: the
    map of the fit's parameter space, which is not part of the state)."""
    kind = state.get("kind")
    if kind == "cmaes":
        return CMAES.from_state(state)
    if kind == "de":
        return DifferentialEvolution.from_state(state, to_unbounded)
    if kind == "sobol":
        return SobolSearch.from_state(state, to_unbounded)
    raise FitConfigError(f"checkpoint holds an optimiser of unknown kind {kind!r}")
