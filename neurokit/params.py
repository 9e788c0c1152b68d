"""Parameters with units, bounds and transforms; parameter spaces that draw sample batches.

A batch of parameter sets is an ``xarray.Dataset`` with a ``sample`` dim, one variable per
parameter with its ``units`` attr. Random numbers for a sample come from a stream keyed on
``(seed, sample index)`` (:func:`sample_rng`), so a sample's result never depends on how a
batch was split or where it ran.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

from neurokit.errors import ParameterError
from neurokit.rng import GOLDEN, mix64 as _splitmix
from neurokit.units import conversion_factor

TRANSFORMS = ("identity", "log", "logit")


def sample_seed_sequence(seed: int, sample: int) -> np.random.SeedSequence:
    """The seed sequence of sample ``sample`` of a batch seeded with ``seed``."""
    return np.random.SeedSequence(entropy=int(seed), spawn_key=(int(sample),))


def sample_rng(seed: int, sample: int) -> np.random.Generator:
    """A NumPy generator for sample ``sample`` under batch seed ``seed`` (chunking-independent)."""
    return np.random.default_rng(sample_seed_sequence(seed, sample))


def sample_seeds(seed: int, samples: Iterable[int]) -> np.ndarray:
    """One uint64 per sample, keyed on ``(seed, sample)``: seeds for compiled generators.

    Vectorised (a batch may hold millions of samples): the batch seed is expanded once by
    NumPy's SeedSequence, then mixed with each sample index by the splitmix64 finaliser.
    """
    base = np.random.SeedSequence(int(seed)).generate_state(1, np.uint64)[0]
    idx = np.asarray(list(samples) if not isinstance(samples, np.ndarray) else samples, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _splitmix(base ^ _splitmix(idx * GOLDEN + np.uint64(1)))


@dataclass(frozen=True)
class Parameter:
    """A model parameter.

    Parameters
    ----------
    name : str
        Name as used in the model's equations.
    unit : str
        Unit string of its values (``"mV"``, ``"nS"``, ``"1"``...).
    bounds : tuple of float, optional
        ``(low, high)`` in ``unit``; needed to sample or fit it.
    default : float, optional
        Default value in ``unit``.
    transform : {"identity", "log", "logit"}, optional
        Map to an unbounded space for optimisers. Default: ``"logit"`` when bounded,
        else ``"identity"``. ``"log"`` needs a positive lower bound.
    """

    name: str
    unit: str = "1"
    bounds: tuple[float, float] | None = None
    default: float | None = None
    transform: str | None = None
    description: str = ""

    def __post_init__(self):
        from neurokit.units import check_unit

        check_unit(self.unit)  # raises UnitError naming the unit
        if self.bounds is not None:
            lo, hi = (float(b) for b in self.bounds)
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise ParameterError(f"parameter {self.name!r}: bounds must be finite, got {self.bounds}")
            if not lo < hi:
                raise ParameterError(f"parameter {self.name!r}: lower bound {lo} is not below upper bound {hi}")
            object.__setattr__(self, "bounds", (lo, hi))
        transform = self.transform or ("logit" if self.bounds else "identity")
        if transform not in TRANSFORMS:
            raise ParameterError(f"parameter {self.name!r}: unknown transform {transform!r}; use one of {TRANSFORMS}")
        if transform == "logit" and self.bounds is None:
            raise ParameterError(f"parameter {self.name!r}: transform 'logit' needs bounds")
        if transform == "log" and self.bounds is not None and self.bounds[0] <= 0:
            raise ParameterError(f"parameter {self.name!r}: transform 'log' needs a positive lower bound")
        object.__setattr__(self, "transform", transform)
        if self.default is not None:
            self.validate(self.default)

    def validate(self, value, samples=None) -> np.ndarray:
        """Check values: finite and inside the bounds. Returns them as a float array.

        ``samples`` (optional) labels the values of a 1-D batch (its ``sample`` coordinate);
        an error names the first bad sample by it, or by position in a batch of several.
        """
        arr = np.asarray(value, dtype=float)
        bad = ~np.isfinite(arr)
        what = "non-finite value"
        if not np.any(bad) and self.bounds is not None:
            bad = (arr < self.bounds[0]) | (arr > self.bounds[1])
            what = "value"
        if np.any(bad):
            i = int(np.flatnonzero(bad.ravel())[0])
            label = np.asarray(samples).ravel() if samples is not None else None
            where = (f"sample {label[i]}: " if label is not None and label.size == arr.size
                     else f"sample {i}: " if arr.ndim == 1 and arr.size > 1 else "")
            msg = f"parameter {self.name!r}: {where}{what} {arr.ravel()[i]:g} {self.unit}"
            if self.bounds is not None and what == "value":
                msg += f" outside bounds [{self.bounds[0]:g}, {self.bounds[1]:g}]"
            raise ParameterError(msg)
        return arr

    def forward(self, value) -> np.ndarray:
        """Physical value (in ``unit``) -> unbounded optimiser coordinate."""
        x = np.asarray(value, dtype=float)
        if self.transform == "identity":
            return x
        if self.transform == "log":
            return np.log(x)
        lo, hi = self.bounds
        p = np.clip((x - lo) / (hi - lo), 1e-12, 1 - 1e-12)
        return np.log(p) - np.log1p(-p)

    def inverse(self, z) -> np.ndarray:
        """Unbounded optimiser coordinate -> physical value (in ``unit``), inside the bounds."""
        z = np.asarray(z, dtype=float)
        if self.transform == "identity":
            return z
        if self.transform == "log":
            x = np.exp(z)
            return np.clip(x, *self.bounds) if self.bounds else x
        lo, hi = self.bounds
        return lo + (hi - lo) / (1.0 + np.exp(-z))

    def in_unit(self, value, unit: str) -> np.ndarray:
        """Convert ``value`` given in ``unit`` to this parameter's unit (UnitError on mismatch)."""
        return np.asarray(value, dtype=float) * conversion_factor(unit, self.unit, what=f"parameter {self.name!r}")


@dataclass
class ParameterSpace:
    """An ordered set of :class:`Parameter` that draws and checks sample batches."""

    parameters: Sequence[Parameter] = field(default_factory=list)

    def __post_init__(self):
        self.parameters = list(self.parameters)
        for p in self.parameters:
            if not isinstance(p, Parameter):
                raise ParameterError(f"parameters must be Parameter entries, got {p!r}")
        names = [p.name for p in self.parameters]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ParameterError(f"parameters named more than once: {sorted(dup)}")

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def __getitem__(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ParameterError(f"unknown parameter {name!r}; known: {', '.join(self.names)}")

    def __len__(self) -> int:
        return len(self.parameters)

    def _bounded(self) -> list[Parameter]:
        missing = [p.name for p in self.parameters if p.bounds is None]
        if missing:
            raise ParameterError(f"parameters without bounds cannot be sampled: {missing}")
        return self.parameters

    def unit_cube_to_values(self, u: np.ndarray) -> xr.Dataset:
        """Map points of the unit cube, shape (n, n_params), onto a parameter batch
        (log-spaced for parameters with the ``log`` transform)."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        cols = {}
        for j, p in enumerate(self._bounded()):
            lo, hi = p.bounds
            if p.transform == "log":
                col = np.exp(np.log(lo) + u[:, j] * (np.log(hi) - np.log(lo)))
            else:
                col = lo + u[:, j] * (hi - lo)
            cols[p.name] = np.clip(col, lo, hi)  # rounding must not leave the bounds
        return self.batch(cols)

    def sample(self, n: int, method: str = "sobol", seed: int = 0) -> xr.Dataset:
        """Draw ``n`` parameter sets.

        Parameters
        ----------
        n : int
            Number of samples (for ``grid``, points per parameter axis; the batch holds
            ``n ** len(self)`` samples).
        method : {"sobol", "lhs", "random", "grid"}
        seed : int
            Seed of the (scrambled) design; the same seed gives the same batch.
        """
        d = len(self._bounded())
        if n < 1:
            raise ParameterError(f"number of samples must be positive, got {n}")
        if method == "sobol":
            from scipy.stats import qmc  # 0.6 s to import: only when sampling

            u = qmc.Sobol(d, scramble=True, seed=seed).random(n)
        elif method == "lhs":
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d, seed=seed).random(n)
        elif method == "random":
            u = np.random.default_rng(seed).random((n, d))
        elif method == "grid":
            axes = [np.linspace(0, 1, n)] * d
            u = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
        else:
            raise ParameterError(f"unknown sampling method {method!r}; use sobol, lhs, random or grid")
        ds = self.unit_cube_to_values(u)
        ds.attrs.update(method=method, seed=int(seed))
        return ds

    def defaults(self) -> xr.Dataset:
        """A one-sample batch of the default values."""
        missing = [p.name for p in self.parameters if p.default is None]
        if missing:
            raise ParameterError(f"parameters without a default: {missing}")
        return self.batch({p.name: [p.default] for p in self.parameters})

    def batch(self, values: Mapping[str, Sequence[float]]) -> xr.Dataset:
        """A batch Dataset from columns of values (in each parameter's unit), validated."""
        unknown = set(values) - set(self.names)
        if unknown:
            raise ParameterError(f"unknown parameter(s) {sorted(unknown)}; known: {', '.join(self.names)}")
        data = {}
        for p in self.parameters:
            if p.name not in values:
                if p.default is None:
                    raise ParameterError(f"parameter {p.name!r} has no value and no default")
                continue
            arr = p.validate(np.atleast_1d(values[p.name]))
            data[p.name] = xr.DataArray(arr, dims="sample", attrs={"units": p.unit, "long_name": p.description or p.name})
        ds = xr.Dataset(data)
        n = ds.sizes.get("sample", 1)
        return ds.assign_coords(sample=np.arange(n))

    def validate(self, params: xr.Dataset) -> xr.Dataset:
        """Check a batch: known names, units convertible to each parameter's, finite, in bounds.
        Returns a copy converted into each parameter's unit."""
        out = {}
        for name, da in params.data_vars.items():
            p = self[str(name)]
            unit = da.attrs.get("units", p.unit)
            vals = p.in_unit(da.values, unit)
            labels = da["sample"].values if da.dims == ("sample",) and "sample" in da.coords else None
            out[p.name] = xr.DataArray(p.validate(vals, labels), dims=da.dims,
                                       attrs={"units": p.unit, "long_name": p.name})
        return xr.Dataset(out, coords=params.coords, attrs=params.attrs)

    def to_unbounded(self, params: xr.Dataset) -> np.ndarray:
        """Batch -> array (n_samples, n_params) of optimiser coordinates."""
        return np.stack([p.forward(params[p.name].values) for p in self.parameters], axis=-1)

    def from_unbounded(self, z: np.ndarray) -> xr.Dataset:
        """Array (n_samples, n_params) of optimiser coordinates -> batch."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        return self.batch({p.name: p.inverse(z[:, j]) for j, p in enumerate(self.parameters)})


class ParameterisedModel:
    """Mixin for model definitions that list their free ``parameters`` (a sequence of
    :class:`Parameter`): gives them ``space`` and ``defaults``."""

    @property
    def space(self) -> ParameterSpace:
        """The model's parameters as a :class:`ParameterSpace`."""
        return ParameterSpace(self.parameters)

    def defaults(self) -> dict[str, float]:
        """Default parameter values, each in its parameter's unit."""
        return {p.name: p.default for p in self.parameters}


def as_batch(params, space: ParameterSpace | None = None) -> xr.Dataset:
    """Normalise ``params`` (a mapping of scalars or arrays, or a Dataset) to a batch with a
    ``sample`` dim. Brian2 quantities and plain numbers are accepted; with ``space`` the
    batch is validated and converted into each parameter's unit."""
    if isinstance(params, xr.Dataset):
        ds = params
        if "sample" not in ds.dims:
            ds = ds.expand_dims("sample")
    elif isinstance(params, Mapping):
        data = {}
        for name, value in params.items():
            attrs = {}
            # A Brian2 quantity (checked by module: plain numbers never import Brian2).
            if type(value).__module__.startswith("brian2") and hasattr(value, "dim"):
                if space is None:
                    raise ParameterError(f"parameter {name!r}: a quantity needs a parameter space to fix its unit")
                unit = space[name].unit
                from neurokit.units import magnitude
                value = magnitude(value, unit, what=f"parameter {name!r}")
                attrs["units"] = unit
            data[name] = (np.atleast_1d(np.asarray(value, dtype=float)).ravel(), attrs)
        sizes = {v.size for v, _ in data.values()} - {1}
        if len(sizes) > 1:
            raise ParameterError(f"parameter arrays of different lengths {sorted(sizes)}: "
                                 + ", ".join(f"{k}={v.size}" for k, (v, _) in data.items()))
        n = sizes.pop() if sizes else 1
        ds = xr.Dataset({k: ("sample", np.broadcast_to(v, n).copy(), a) for k, (v, a) in data.items()})
    elif params is None:
        ds = xr.Dataset()
    else:
        raise ParameterError(f"parameters must be a mapping or an xarray.Dataset, got {type(params).__name__}")
    if ds.sizes.get("sample", 1) == 0:  # nothing to simulate: say so before a backend reshapes it
        raise ParameterError("empty parameter batch: no samples (0) to simulate; give at least one value")
    if "sample" in ds.dims and "sample" not in ds.coords:
        ds = ds.assign_coords(sample=np.arange(ds.sizes["sample"]))
    if space is not None:
        ds = space.validate(ds)
    return ds


def batch_columns(params, space: ParameterSpace, units: Mapping[str, str] | None = None,
                  what: str = "model") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The one defaults filler: a batch as full per-parameter columns.

    Parameters
    ----------
    params : mapping, xarray.Dataset or None
        Values (a ``sample`` dim is a batch); see :func:`as_batch`.
    space : ParameterSpace
        Every parameter of the model; missing ones take their defaults.
    units : mapping, optional
        Parameter name -> unit wanted in the returned column (e.g. the SI unit a kernel
        integrates in); others stay in their parameter's unit.
    what : str
        The model's name, for error messages.

    Returns
    -------
    samples : numpy.ndarray
        The batch's ``sample`` coordinate, shape (n,).
    columns : dict of str to numpy.ndarray
        One float array of shape (n,) per parameter of ``space``, in its parameter's unit
        (or the one ``units`` asks for).

    Raises
    ------
    ParameterError
        A parameter with another dim than ``sample``, or without a value and a default.
    """
    ds = as_batch(params if params is not None else {}, space)
    n = int(ds.sizes.get("sample", 1))
    samples = ds["sample"].values if "sample" in ds.coords else np.arange(n)
    columns = {}
    for p in space.parameters:
        if p.name in ds:
            da = ds[p.name]
            extra = [d for d in da.dims if d != "sample"]
            if extra:
                raise ParameterError(f"{what}: parameter {p.name!r} has dims {da.dims}; only 'sample' is allowed")
            col = np.broadcast_to(np.asarray(da.values, dtype=float).reshape(-1), (n,)).copy()
        elif p.default is not None:
            col = np.full(n, float(p.default))
        else:
            raise ParameterError(f"{what}: parameter {p.name!r} has no value and no default")
        if units and p.name in units:
            col = col * conversion_factor(p.unit, units[p.name], what=f"parameter {p.name!r} of {what}")
        columns[p.name] = col
    return samples, columns
