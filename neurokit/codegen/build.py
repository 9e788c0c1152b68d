"""Compile generated C into shared libraries, cached by content hash, safe across processes.

The cache key hashes the source, the flags and the compiler's identity (its ``--version``),
so new parameter values (passed as arrays at run time) never trigger a rebuild, and a
compiler upgrade does. Two processes building the same module at once do not corrupt the
cache: each compiles into its own temporary file and renames it into place atomically.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from neurokit.errors import CompilerError

DEFAULT_CFLAGS = ("-O3", "-march=native", "-ffast-math", "-fno-finite-math-only", "-fopenmp",
                  "-fPIC", "-shared", "-std=c11")
CACHE_ENV = "NEUROKIT_CACHE_DIR"


def cache_dir(kind: str = "c") -> Path:
    """Folder of compiled modules: ``$NEUROKIT_CACHE_DIR/kind`` or the user cache (platformdirs)."""
    root = os.environ.get(CACHE_ENV)
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("neurokit")
    path = Path(root) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def find_compiler() -> str | None:
    """Path of the C compiler (``$CC``, then cc, gcc, clang), or None if there is none."""
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@functools.lru_cache(maxsize=8)
def compiler_identity(compiler: str) -> str:
    try:
        out = subprocess.run([compiler, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise CompilerError(f"C compiler {compiler!r} does not run: {exc}") from None
    return out.stdout.splitlines()[0] if out.stdout else compiler


def source_hash(source: str, flags, compiler: str) -> str:
    h = hashlib.sha256()
    for part in (source, "\0".join(flags), compiler_identity(compiler)):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def _first_error_line(stderr: str, source_name: str) -> str:
    for line in stderr.splitlines():
        if "error" in line:
            return line.replace(source_name, "<generated>")
    return stderr.strip().splitlines()[0] if stderr.strip() else "unknown error"


def compile_shared(source: str, name: str = "module", flags=DEFAULT_CFLAGS, libs=("-lm",),
                   kind: str = "c") -> Path:
    """Compile C ``source`` into a shared library in the cache and return its path.

    Raises
    ------
    CompilerError
        If no compiler is found, or it rejects the source (the message quotes the first error
        and keeps the source beside it for inspection).
    """
    compiler = find_compiler()
    if compiler is None:
        raise CompilerError("no C compiler found (looked for $CC, cc, gcc, clang); "
                            "install one, or use the NumPy reference path")
    key = source_hash(source, tuple(flags) + tuple(libs), compiler)
    folder = cache_dir(kind)
    target = folder / f"{name}_{key}.so"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=folder, prefix=f".build_{name}_") as tmp:
        src = Path(tmp) / f"{name}.c"
        src.write_text(source)
        out = Path(tmp) / f"{name}.so"
        cmd = [compiler, *flags, str(src), "-o", str(out), *libs]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            kept = folder / f"{name}_{key}.failed.c"
            kept.write_text(source)
            raise CompilerError(f"compiling generated module {name!r} failed: "
                                f"{_first_error_line(proc.stderr, str(src))} (source kept at {kept})")
        os.replace(out, target)  # atomic: a concurrent builder's identical file is replaced whole
    return target


@functools.lru_cache(maxsize=64)
def _load(path: str) -> ctypes.CDLL:
    return ctypes.CDLL(path)


def load_library(path: Path) -> ctypes.CDLL:
    """Load a compiled module once per process."""
    return _load(str(path))


def build(source: str, name: str = "module", flags=DEFAULT_CFLAGS, libs=("-lm",)) -> ctypes.CDLL:
    """Compile (or fetch from the cache) and load ``source``."""
    return load_library(compile_shared(source, name, flags, libs))
