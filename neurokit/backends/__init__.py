"""Simulators behind the one contract ``simulate(model, params, protocol) -> Dataset``."""

from neurokit.backends.base import Simulator, available_backends, get_backend, list_backends

__all__ = ["Simulator", "available_backends", "get_backend", "list_backends"]
