"""The cache folder of neurokit and the verified JSON entries kept there.

Compiled kernels (:mod:`neurokit.codegen.build`), model IRs with their generated source
(:mod:`neurokit.codegen.cache`) and the unit table (:mod:`neurokit.units`) live under one
root: ``$NEUROKIT_CACHE_DIR`` or the user cache folder (platformdirs). Entries are data,
never pickles: a JSON object whose ``sha256`` field is the hash of the rest, so an entry
truncated by a killed writer or edited by hand is reported as missing and rebuilt, never
trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from neurokit.files import write_text

CACHE_ENV = "NEUROKIT_CACHE_DIR"


def cache_dir(kind: str = "c") -> Path:
    """Folder ``kind`` of the cache: ``$NEUROKIT_CACHE_DIR/kind`` or the user cache (platformdirs)."""
    root = os.environ.get(CACHE_ENV)
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("neurokit")
    path = Path(root) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def _digest(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def write_entry(path: Path, payload: dict) -> None:
    """Write ``payload`` (JSON-able, no NaN) to ``path`` atomically, with its hash."""
    write_text(path, json.dumps({"sha256": _digest(payload), "payload": payload}, sort_keys=True))


def read_entry(path: Path) -> dict | None:
    """The payload stored at ``path``, or None when the file is missing, not JSON, or its
    hash does not match (the caller then rebuilds the entry)."""
    try:
        doc = json.loads(Path(path).read_text())
        payload = doc["payload"]
        if not isinstance(payload, dict) or doc["sha256"] != _digest(payload):
            return None
        return payload
    except (OSError, ValueError, KeyError, TypeError):
        return None
