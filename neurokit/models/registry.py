"""The one lookup of built-in models by name, for every granularity.

A fit or sweep file names its model (``name = "gif"``); this table says where each built-in
lives. Point models are ready-made :class:`~neurokit.models.point.PointModel` constants; rate
models are classes and cells are builder functions, both called with the file's ``options``.
Modules are imported only when one of their models is asked for (a cell needs no NEURON to be
described, but its module is still only imported on demand).

Importing a model from user code (``"package.module:attr"``) is :func:`import_model`; callers
that read files call it only once the file or command opted in (``trust = true``/``--trust``).
"""

from __future__ import annotations

import importlib
from typing import Any

from neurokit.errors import ModelError, NeurokitError

GRANULARITIES = ("point", "rate", "cell", "network")

# name -> (granularity, module, attribute)
_BUILTIN: dict[str, tuple[str, str, str]] = {
    "lif": ("point", "neurokit.models.point", "LIF"),
    "adex": ("point", "neurokit.models.point", "ADEX"),
    "izhikevich": ("point", "neurokit.models.point", "IZHIKEVICH"),
    "hh": ("point", "neurokit.models.point", "HH"),
    "gif": ("point", "neurokit.models.point", "GIF"),
    "gif_block": ("point", "neurokit.models.point_extra", "GIF_BLOCK"),
    "wilson_cowan": ("rate", "neurokit.models.rate", "WilsonCowan"),
    "jansen_rit": ("rate", "neurokit.models.rate", "JansenRit"),
    "single_compartment_hh": ("cell", "neurokit.models.cell", "single_compartment_hh"),
    "ball_and_stick": ("cell", "neurokit.models.cell", "ball_and_stick"),
}


def builtin_models(granularity: str | None = None) -> list[str]:
    """Names of the built-in models (of one granularity, or all), sorted."""
    return sorted(n for n, (g, _, _) in _BUILTIN.items() if granularity in (None, g))


def granularity_of(name: str) -> str | None:
    """The granularity of built-in model ``name`` (``None`` if there is no such model)."""
    entry = _BUILTIN.get(name.lower())
    return entry[0] if entry else None


def build(obj: Any, options: dict | None = None, *, what: str = "model") -> Any:
    """A model from what a name points at: a model object (which takes no options), or a
    builder (a rate-model class, a cell function) called with ``options``.

    Raises
    ------
    ModelError
        If options are given to a ready-made model, or the builder rejects them.
    """
    options = dict(options or {})
    if isinstance(obj, type) or (callable(obj) and not hasattr(obj, "parameters")):
        try:
            return obj(**options)
        except (TypeError, NeurokitError) as exc:
            raise ModelError(f"{what} cannot be built with options {options}: {exc}") from None
    if options:
        raise ModelError(f"{what} takes no options (got {sorted(options)})")
    return obj


def get_model(name: str, granularity: str | None = None, options: dict | None = None) -> Any:
    """The built-in model ``name`` (case-insensitive), built with ``options``.

    Parameters
    ----------
    name : str
        ``"lif"``, ``"gif"``, ``"wilson_cowan"``, ``"single_compartment_hh"``...
    granularity : str, optional
        When given, the model must be of this granularity (``point``, ``rate``, ``cell``).
    options : dict, optional
        Builder arguments (rate-model classes, cell builders).

    Raises
    ------
    ModelError
        Unknown name (the message lists the built-in ones), a model of another granularity,
        or options the builder rejects.
    """
    if granularity is not None and granularity not in GRANULARITIES:
        raise ModelError(f"unknown granularity {granularity!r}; use one of {', '.join(GRANULARITIES)}")
    entry = _BUILTIN.get(str(name).lower())
    if entry is None or granularity not in (None, entry[0]):
        kind = f"{granularity} model" if granularity else "model"
        raise ModelError(f"unknown {kind} {name!r}; built-in: {', '.join(builtin_models(granularity))}")
    _, module, attr = entry
    try:
        obj = getattr(importlib.import_module(module), attr)
    except ImportError as exc:
        raise ModelError(f"{entry[0]} models are not available: {exc}") from None
    return build(obj, options, what=f"model {name!r}")


def import_model(path: str, options: dict | None = None) -> Any:
    """The model at ``"package.module:attr"`` (user code: call only when the user opted in).

    Raises
    ------
    ModelError
        If the module cannot be imported, lacks the attribute, or the builder rejects options.
    """
    module, sep, attr = str(path).partition(":")
    if not sep or not module or not attr:
        raise ModelError(f"model path {path!r} is not 'package.module:attr'")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ModelError(f"model {path!r} cannot be imported: {exc}") from None
    return build(obj, options, what=f"model {path!r}")
