"""The one atomic writer: every file neurokit writes appears whole or not at all.

A writer works on a temporary name beside the target (same file system, so the final
``os.replace`` is atomic) and the temporary is removed on any failure. A process killed
mid-write can still leave one behind; :func:`clean_stale` removes those whose writing process
is gone, and every writer calls it for its folder first.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Iterator

from neurokit.errors import NeurokitError

TMP_MARK = ".nktmp"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def clean_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove temporaries left in ``folder`` by writers that were killed.

    Returns
    -------
    list of Path
        The files removed.
    """
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for tmp in folder.glob(f".*{TMP_MARK}*"):
        # name: .{target}.{pid}.{hex}{TMP_MARK}{suffix}
        head = tmp.name[1:tmp.name.rfind(TMP_MARK)].rsplit(".", 2)
        pid = int(head[1]) if len(head) == 3 and head[1].isdigit() else None
        if pid is not None and pid != os.getpid() and not _pid_alive(pid):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto ``path`` when the block succeeds.

    The temporary keeps the target's suffix (so writers that infer a format from it work) and
    gets the usual permissions (not mkstemp's 0600). On any exception it is removed and
    ``path`` is left as it was; an ``OSError`` becomes a :class:`NeurokitError` naming ``path``.

    Examples
    --------
    >>> with atomic_path("out/result.nc") as tmp:       # doctest: +SKIP
    ...     ds.to_netcdf(tmp)
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NeurokitError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    clean_stale(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}{TMP_MARK}{path.suffix}")
    try:
        yield tmp
        if tmp.is_dir() and path.is_dir():  # a folder store (zarr): swap it in whole
            old = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}{TMP_MARK}.old")
            os.replace(path, old)
            os.replace(tmp, path)
            _remove(old)
        else:
            os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise NeurokitError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(p: Path) -> None:
    if p.is_dir():
        import shutil

        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
