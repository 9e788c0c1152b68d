"""The Simulator interface and the backend registry.

Built-in backends are named here and imported lazily (as xarray does for its engines); third
parties register a ``Simulator`` subclass under the ``neurokit.backends`` entry-point group.
There is no global current backend: callers name the one they want.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from importlib.metadata import entry_points

import xarray as xr

from neurokit.errors import BackendError

ENTRY_POINT_GROUP = "neurokit.backends"

# name -> "module:Class", imported only when asked for.
BUILTIN_BACKENDS: dict[str, str] = {
    "native": "neurokit.backends.native:NativeSimulator",
    "brian2": "neurokit.backends.brian2:Brian2Simulator",
    "neuron": "neurokit.backends.neuron:NeuronSimulator",
}


class Simulator(ABC):
    """A backend: simulates a model for a batch of parameter sets under a protocol.

    Subclasses take their settings (target, device, threads...) in ``__init__`` and keep no
    state between ``simulate`` calls that changes results.
    """

    name: str = "abstract"

    @classmethod
    def is_available(cls) -> bool:
        """True if this backend can run here (its simulator imports, a compiler exists...)."""
        return True

    @classmethod
    def unavailable_reason(cls) -> str:
        """Why :meth:`is_available` is False (empty when available)."""
        return ""

    @abstractmethod
    def simulate(self, model, params, protocol) -> xr.Dataset:
        """Simulate ``model`` for every parameter set of ``params`` under ``protocol``.

        Parameters
        ----------
        model
            A model definition this backend supports (structure only, no values baked in).
        params : mapping or xarray.Dataset
            Parameter values; a ``sample`` dim is a batch, run in one call.
        protocol : neurokit.protocols.Protocol
            Stimuli, duration, dt, what to record, seed.

        Returns
        -------
        xarray.Dataset
            A dataset in neurokit's format (:func:`neurokit.schema.assert_conforms`).
        """

    def supports(self, model) -> bool:
        """True if this backend can simulate ``model``."""
        return True


def _load(spec: str) -> type[Simulator]:
    module, _, cls = spec.partition(":")
    return getattr(importlib.import_module(module), cls)


def _third_party() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def list_backends() -> list[str]:
    """Names of every registered backend, available here or not."""
    return sorted(set(BUILTIN_BACKENDS) | set(_third_party()))


def backend_class(name: str) -> type[Simulator]:
    """The Simulator class registered as ``name``.

    Raises
    ------
    BackendError
        If no backend has that name (the message lists the available ones), or if its
        module fails to import.
    """
    if name in BUILTIN_BACKENDS:
        spec = BUILTIN_BACKENDS[name]
        try:
            return _load(spec)
        except ImportError as exc:
            raise BackendError(f"backend {name!r} cannot be imported: {exc}") from exc
    third = _third_party()
    if name in third:
        cls = third[name].load()
        if not (isinstance(cls, type) and issubclass(cls, Simulator)):
            raise BackendError(f"entry point {name!r} in {ENTRY_POINT_GROUP} is not a Simulator subclass")
        return cls
    raise BackendError(f"unknown backend {name!r}; available: {', '.join(available_backends()) or 'none'}"
                       f" (registered: {', '.join(list_backends())})")


def available_backends() -> list[str]:
    """Names of the registered backends that can run on this machine."""
    names = []
    for name in list_backends():
        try:
            if backend_class(name).is_available():
                names.append(name)
        except (BackendError, ImportError):
            continue
    return names


def get_backend(name: str, **options) -> Simulator:
    """An instance of backend ``name`` built with ``options``.

    Raises
    ------
    BackendError
        Unknown name (listing the available ones) or a backend not available here.
    """
    cls = backend_class(name)
    if not cls.is_available():
        raise BackendError(f"backend {name!r} is not available here: {cls.unavailable_reason()}")
    return cls(**options)
