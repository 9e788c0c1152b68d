"""The Simulator interface and the backend registry.

Built-in backends are named here and imported lazily (as xarray does for its engines); third
parties register a ``Simulator`` subclass under the ``neurokit.backends`` entry-point group.
There is no global current backend: callers name the one they want.
"""

from __future__ import annotations

import importlib
import logging
from abc import ABC, abstractmethod
from importlib.metadata import entry_points

import xarray as xr

from neurokit.errors import BackendError

LOG = logging.getLogger("neurokit.backends")

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


def backend_class(backend) -> type[Simulator]:
    """The Simulator class named by ``backend``: the one backend lookup of neurokit.

    Parameters
    ----------
    backend : str or type
        A registered name (``"native"``, a third party's entry point), a ``"module:Class"``
        path (code that calls this opted in to importing it), or a Simulator subclass.

    Raises
    ------
    BackendError
        If no backend has that name (the message lists the available ones), if its module
        fails to import, or if what it names is not a Simulator subclass.
    """
    if isinstance(backend, type):
        cls = backend
    elif isinstance(backend, str) and backend in BUILTIN_BACKENDS:
        try:
            return _load(BUILTIN_BACKENDS[backend])
        except ImportError as exc:
            raise BackendError(f"backend {backend!r} cannot be imported: {exc}") from exc
    elif isinstance(backend, str) and ":" in backend:
        try:
            cls = _load(backend)
        except (ImportError, AttributeError) as exc:
            raise BackendError(f"backend {backend!r} cannot be imported: {exc}") from exc
    else:
        third = _third_party()
        if backend not in third:
            raise BackendError(f"unknown backend {backend!r}; available: "
                               f"{', '.join(available_backends()) or 'none'} (registered: {', '.join(list_backends())})")
        cls = third[backend].load()
    if not (isinstance(cls, type) and issubclass(cls, Simulator)):
        raise BackendError(f"backend {backend!r} is not a Simulator subclass")
    return cls


def available_backends() -> list[str]:
    """Names of the registered backends that can run on this machine."""
    names = []
    for name in list_backends():
        try:
            cls = backend_class(name)
            if cls.is_available():
                names.append(name)
            else:
                LOG.warning("backend %r skipped: %s", name, cls.unavailable_reason())
        except (BackendError, ImportError) as exc:
            LOG.warning("backend %r skipped: %s", name, exc)
            continue
    return names


def get_backend(name, **options) -> Simulator:
    """An instance of backend ``name`` (anything :func:`backend_class` takes) built with ``options``.

    Raises
    ------
    BackendError
        Unknown name (listing the available ones) or a backend not available here.
    """
    cls = backend_class(name)
    if not cls.is_available():
        raise BackendError(f"backend {name!r} is not available here: {cls.unavailable_reason()}")
    return cls(**options)
