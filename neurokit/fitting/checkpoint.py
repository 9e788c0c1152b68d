"""Checkpoints: the whole state of a fit, written atomically after every generation.

The state is a plain dict (optimiser object with its own random generator, history arrays,
counters, phase), pickled. A write goes to a temporary file in the same folder, is flushed to
disk, then renamed over the old checkpoint, so a fit killed at any moment (SIGKILL included)
leaves either the previous or the new checkpoint, never a torn one.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from neurokit.errors import FitConfigError

FORMAT = 1


def save_checkpoint(state: dict, path: str | os.PathLike) -> Path:
    """Pickle ``state`` to ``path`` atomically (temp file, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({"format": FORMAT, "state": state}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | os.PathLike) -> dict:
    """The state saved by :func:`save_checkpoint`.

    Raises
    ------
    FitConfigError
        If there is no checkpoint at ``path`` or it was written by another format version.
    """
    path = Path(path)
    if not path.exists():
        raise FitConfigError(f"{path}: no checkpoint to resume from")
    with open(path, "rb") as fh:
        payload = pickle.load(fh)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise FitConfigError(f"{path}: checkpoint of an unknown format; start the fit again without --resume")
    return payload["state"]
