"""Typed errors. Each names its culprit (parameter, file, line, variable) in its message.

Every error neurokit raises on bad input derives from :class:`NeurokitError`, so callers can
catch the whole family; each also derives from the matching builtin (``ValueError``,
``FileNotFoundError``...) so generic handlers keep working.
"""

from __future__ import annotations


class NeurokitError(Exception):
    """Base class of every neurokit error."""


class UnitError(NeurokitError, ValueError):
    """An unknown unit, or a quantity whose dimensions do not match what is expected."""


class ParameterError(NeurokitError, ValueError):
    """A parameter value that is NaN, out of bounds, unknown or of the wrong shape."""


class ProtocolError(NeurokitError, ValueError):
    """A protocol that cannot be run: non-positive dt, stimulus past the end, bad shape."""


class SchemaError(NeurokitError, ValueError):
    """A dataset that does not follow neurokit's data format (see :mod:`neurokit.schema`)."""


class RecordingError(NeurokitError, ValueError):
    """A recording file that cannot be read: truncated, corrupt or of an unknown layout."""


class RecordingNotFoundError(RecordingError, FileNotFoundError):
    """A recording or data file that does not exist."""


class BackendError(NeurokitError, RuntimeError):
    """A backend that is unknown, unavailable, or failed while simulating."""


class ModelError(NeurokitError, ValueError):
    """A model definition (equations, morphology, mechanism) that cannot be built."""


class EquationError(ModelError):
    """Equations that do not parse, are inconsistent in units, or use unknown names."""


class CompilerError(NeurokitError, RuntimeError):
    """A compiler that is missing or that rejected generated or user code."""


class FitConfigError(NeurokitError, ValueError):
    """A fit or sweep file with an error; the message names the file and line."""


class ExpressionError(NeurokitError, ValueError):
    """An expression from a file that is not allowed: unknown name, forbidden construct, too large."""
