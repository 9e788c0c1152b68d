"""One TOML layer for fit and sweep files: parsed as data, checked where values enter, with
``FILE:LINE:`` in every error.

- :mod:`neurokit.config.reader`: :func:`~neurokit.config.reader.locate` (the line of a key) and
  :class:`~neurokit.config.reader.Reader` (typed values, quantities with units, bounds).
- :mod:`neurokit.config.models`: the ``[model]`` table shared by fit and sweep files.
- :mod:`neurokit.config.fit`: fit files -> :class:`~neurokit.config.fit.FitConfig`.
- :mod:`neurokit.config.sweep`: sweep files -> :class:`~neurokit.config.sweep.SweepSpec`.

Code from a user (a model or backend named ``"module:attr"``, a mechanism folder) is only
imported when the file says ``trust = true`` or the command passes ``--trust``.
"""

from neurokit.config.fit import FitConfig
from neurokit.config.reader import Reader, locate, read_toml
from neurokit.config.sweep import Axis, SweepSpec

__all__ = ["Axis", "FitConfig", "Reader", "SweepSpec", "locate", "read_toml"]
