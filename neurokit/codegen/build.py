"""Compile generated C into shared libraries, cached by content hash, safe across processes.

The cache key hashes the source, the flags and the compiler's identity (its ``--version``),
so new parameter values (passed as arrays at run time) never trigger a rebuild, and a
compiler upgrade does. Two processes building the same module at once do not corrupt the
cache: each compiles into its own temporary file and renames it into place atomically.
The key also covers the CPU's feature flags, since ``-march=native`` code built on one machine
may not run on another that shares the cache folder.

Each library ``<name>_<key>.so`` has its SHA-256 in ``<name>_<key>.so.sha256`` beside it,
written after the library; a cached library whose hash is missing or differs (a build killed
half-way, a truncated or edited file) is rebuilt instead of loaded.
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

from neurokit.data_cache import cache_dir  # the one cache folder (also for callers of build.cache_dir)
from neurokit.errors import CompilerError
from neurokit.files import write_text

DEFAULT_CFLAGS = ("-O3", "-march=native", "-ffast-math", "-fno-finite-math-only", "-fopenmp",
                  "-fPIC", "-shared", "-std=c11")
#: Flags of the point-neuron kernels (:mod:`neurokit.codegen.targets.c`): full -ffast-math,
#: since their divergence test reads exponent bits and needs no NaN/inf semantics; without
#: -fno-finite-math-only glibc's headers declare its vector math at every width.
_BUILD_SCHEME = "compile-then-link"  # part of the cache key: libraries linked the old way are rebuilt
_LINK_FLAGS = ("-shared", "-fopenmp", "-fPIC", "-pthread")
KERNEL_CFLAGS = ("-O3", "-march=native", "-ffast-math", "-fopenmp", "-fPIC", "-shared", "-std=c11")


@functools.lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (``/proc/cpuinfo``; empty where that file does not exist)."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith(("flags", "Features")):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def kernel_cflags() -> tuple[str, ...]:
    """:data:`KERNEL_CFLAGS` for this CPU: 512-bit vectors where it has AVX-512F (gcc prefers
    256-bit ones on -march=native even there, and calls the 4-wide vector exp)."""
    extra = ("-mprefer-vector-width=512",) if "avx512f" in cpu_flags() else ()
    return KERNEL_CFLAGS + extra


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
    for part in (source, "\0".join(flags), compiler_identity(compiler), " ".join(sorted(cpu_flags()))):
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
    key = source_hash(source, tuple(flags) + tuple(libs) + (_BUILD_SCHEME,), compiler)
    folder = cache_dir(kind)
    target = folder / f"{name}_{key}.so"
    if _intact(target):
        return target
    with tempfile.TemporaryDirectory(dir=folder, prefix=f".build_{name}_") as tmp:
        src = Path(tmp) / f"{name}.c"
        src.write_text(source)
        out = Path(tmp) / f"{name}.so"
        obj = Path(tmp) / f"{name}.o"
        # Compile and link apart: a link with -ffast-math pulls in crtfastmath.o, whose
        # constructor turns on flush-to-zero for the whole process (NumPy included).
        compile_flags = [f for f in flags if f != "-shared"]
        link_flags = [f for f in flags if f in _LINK_FLAGS]
        proc = subprocess.run([compiler, *compile_flags, "-c", str(src), "-o", str(obj)],
                              capture_output=True, text=True)
        if proc.returncode == 0:
            proc = subprocess.run([compiler, *link_flags, str(obj), "-o", str(out), *libs],
                                  capture_output=True, text=True)
        if proc.returncode != 0:
            kept = folder / f"{name}_{key}.failed.c"
            kept.write_text(source)
            raise CompilerError(f"compiling generated module {name!r} failed: "
                                f"{_first_error_line(proc.stderr, str(src))} (source kept at {kept})")
        digest = file_hash(out)
        os.replace(out, target)  # atomic: a concurrent builder's identical file is replaced whole
    write_text(_hash_path(target), digest + "\n")  # after the library: no hash, no trust
    return target


def file_hash(path: Path) -> str:
    """SHA-256 (hex) of the file at ``path``."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hash_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _intact(target: Path) -> bool:
    """True if ``target`` exists and matches the hash recorded beside it."""
    try:
        recorded = _hash_path(target).read_text().strip()
        return bool(recorded) and file_hash(target) == recorded
    except OSError:  # either file missing or unreadable: rebuild
        return False


@functools.lru_cache(maxsize=64)
def _load(path: str) -> ctypes.CDLL:
    try:
        return ctypes.CDLL(path)
    except OSError as exc:
        raise CompilerError(f"cannot load compiled module {path!r}: {exc}") from None


def load_library(path: Path) -> ctypes.CDLL:
    """Load a compiled module once per process."""
    return _load(str(path))


def build(source: str, name: str = "module", flags=DEFAULT_CFLAGS, libs=("-lm",)) -> ctypes.CDLL:
    """Compile (or fetch from the cache) and load ``source``."""
    return load_library(compile_shared(source, name, flags, libs))
