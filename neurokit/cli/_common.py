"""Helpers shared by the recording commands (``inspect``, ``plot``): loading a file with errors
that name it, and parsing sweep lists."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from neurokit.errors import NeurokitError, ParameterError, RecordingError, RecordingNotFoundError


def load(path: str | Path) -> xr.Dataset:
    """Load a recording (file or folder) for a command; every failure is a neurokit error
    naming the file, so the CLI prints one line instead of a traceback."""
    path = Path(path)
    if not path.exists():  # checked before importing the readers: a typo answers at once
        raise RecordingNotFoundError(f"no such file or folder: {path}")
    from neurokit.io import load_recording

    try:
        return load_recording(path)
    except NeurokitError as exc:
        text = str(exc)
        raise type(exc)(text if str(path) in text or path.name in text else f"{path}: {text}") from None
    # Readers wrap what they know; a third-party parser can still fail in its own way on a
    # damaged file, and a command must then say which file rather than print a traceback.
    except Exception as exc:  # noqa: BLE001
        raise RecordingError(f"cannot read {path}: {type(exc).__name__}: {exc}") from None


def parse_sweeps(text: str | None) -> list[int] | None:
    """``"0,4,8"`` or ``"0-3,8"`` -> ``[0, 4, 8]`` / ``[0, 1, 2, 3, 8]``; None -> None (all)."""
    if text is None or not text.strip():
        return None
    chosen: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = part.split("-", 1)
                chosen.extend(range(int(lo), int(hi) + 1))
            else:
                chosen.append(int(part))
        except ValueError:
            raise ParameterError(f"--sweeps: {part!r} is not a sweep number or range like 2-5 "
                                 f"(expected e.g. 0,4,8)") from None
    return chosen
