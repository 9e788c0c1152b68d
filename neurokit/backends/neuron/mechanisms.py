"""NMODL mechanisms for the NEURON backend: compiled with nrnivmodl on demand, cached, loaded once.

The built-in set lives in the project's ``mechanisms/`` folder (SUFFIX names ``nk_*``, listed in
``mechanisms/README.md``). A user's own folders of ``.mod`` files (from ModelDB, say) are
compiled together with it into one library. The library is cached under
``neurokit.codegen.build.cache_dir("nmodl")/<hash>``, where the hash covers the name and content
of every ``.mod`` file and the NEURON version: a changed file means a new build, an unchanged set
is never rebuilt. Builds are made in a temporary folder and renamed into place, so two processes
building the same set at once do not corrupt the cache.

NEURON can load a given mechanism name only once per process. :func:`load_mechanisms` therefore
asks NEURON which mechanisms it already knows and loads a library only if its mechanisms are
new; a second, *different* build of an already loaded mechanism name raises :class:`ModelError`
(restart the process, or run in worker processes, to pick up an edited ``.mod`` file).

``neuron`` is imported only inside functions, so importing neurokit never loads NEURON.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from neurokit.errors import CompilerError, ModelError

BUILTIN_DIR = Path(__file__).resolve().parents[3] / "mechanisms"
LIBRARY_NAMES = ("x86_64/libnrnmech.so", "aarch64/libnrnmech.so", "arm64/libnrnmech.dylib",
                 "x86_64/.libs/libnrnmech.so", "arm64/libnrnmech.so", "nrnmech.dll")
_SUFFIX_RE = re.compile(r"\b(?:SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL)\s+(\w+)")
_NOCMODL_LINE_RE = re.compile(r"line\s+(\d+)\s+in\s+file\s+(\S+?\.mod)", re.IGNORECASE)
_CPP_ERROR_RE = re.compile(r"([\w./-]+?)\.(?:cpp|c):(\d+):(?:\d+:)?\s*(?:fatal )?error:\s*(.*)")


def builtin_dir() -> Path:
    """The folder of neurokit's own ``.mod`` files."""
    return BUILTIN_DIR


def mod_files(folders: Iterable[str | os.PathLike] | None = None, builtin: bool = True) -> list[Path]:
    """The ``.mod`` files to compile: the built-in set (if ``builtin``) plus every ``.mod`` in
    ``folders``, sorted by name.

    Raises
    ------
    ModelError
        A folder that does not exist or holds no ``.mod`` file, or two files of the same name
        (nrnivmodl would compile only one of them).
    """
    dirs = ([BUILTIN_DIR] if builtin else []) + [Path(f) for f in (folders or [])]
    found: dict[str, Path] = {}
    for d in dirs:
        if not d.is_dir():
            raise ModelError(f"mechanism folder {str(d)!r} does not exist")
        files = sorted(d.glob("*.mod"))
        if not files:
            raise ModelError(f"mechanism folder {str(d)!r} holds no .mod file")
        for f in files:
            if f.name in found and found[f.name].resolve() != f.resolve():
                raise ModelError(f"two mechanism files named {f.name!r}: {found[f.name]} and {f}")
            found[f.name] = f
    return [found[k] for k in sorted(found)]


def suffixes(files: Sequence[Path]) -> dict[str, Path]:
    """Mechanism name (SUFFIX / POINT_PROCESS) -> file, for ``files``; a name defined twice is
    a :class:`ModelError` naming both files."""
    names: dict[str, Path] = {}
    for f in files:
        for name in _SUFFIX_RE.findall(_strip_comments(f.read_text(errors="replace"))):
            if name in names:
                raise ModelError(f"mechanism {name!r} is defined in both {names[name]} and {f}")
            names[name] = f
    return names


def _strip_comments(text: str) -> str:
    text = re.sub(r"^\s*COMMENT.*?^\s*ENDCOMMENT", "", text, flags=re.MULTILINE | re.DOTALL)
    return re.sub(r":.*", "", text)


def _neuron_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("NEURON")
    except PackageNotFoundError:  # a source build of NEURON: ask it
        import neuron

        return str(neuron.__version__)


def build_hash(files: Sequence[Path]) -> str:
    """Content hash of a set of ``.mod`` files (names and bytes) and the NEURON version."""
    h = hashlib.sha256()
    h.update(_neuron_version().encode())
    for f in files:
        h.update(b"\0" + f.name.encode() + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()[:20]


def _built_library(folder: Path) -> Path | None:
    """The library nrnivmodl left in ``folder`` (its location differs by platform)."""
    for name in LIBRARY_NAMES:
        if (folder / name).exists():
            return folder / name
    return None


def _library_in(folder: Path) -> Path | None:
    # The loadable copy carries the build hash in its file name: the dynamic loader treats a
    # second file called libnrnmech.so as the library it already loaded, so a user library
    # loaded after the built-in one would silently register nothing.
    found = sorted(folder.glob("libnrnmech_*"))
    return found[0] if found else None


def find_nrnivmodl() -> str | None:
    """Path of NEURON's ``nrnivmodl``, or None.

    Looked up beside the running Python first (``Path(sys.executable).parent``: a virtual
    environment's ``bin``, where pip puts it, even when that Python runs by full path with the
    environment not activated), then on ``PATH``.
    """
    exe = Path(sys.executable).parent / ("nrnivmodl.exe" if os.name == "nt" else "nrnivmodl")
    if exe.is_file() and os.access(exe, os.X_OK):
        return str(exe)
    return shutil.which("nrnivmodl")


def _nrnivmodl() -> str:
    exe = find_nrnivmodl()
    if exe is None:
        raise CompilerError(f"nrnivmodl not found beside {sys.executable} nor on PATH: install NEURON "
                            f"(pip install neuron) in this Python's environment")
    return exe


def parse_nrnivmodl_error(output: str, sources: dict[str, Path]) -> str:
    """A one-line summary naming the failing ``.mod`` file and line from nrnivmodl's output.

    ``sources`` maps file names (``nk_na.mod``) to the user's original paths, so the message
    names the file the user edits, not the build copy.
    """
    lines = output.splitlines()
    for i, line in enumerate(lines):
        m = _NOCMODL_LINE_RE.search(line)
        if m:
            name = Path(m.group(2)).name
            # nocmodl prints the kind of error on the lines just above "at line N in file F".
            context = [s.strip() for s in lines[max(0, i - 3):i + 1] if s.strip()
                       and not s.startswith("Translating")]
            what = "; ".join(context)
            return f"{sources.get(name, name)}, line {m.group(1)}: {what}"
    for line in lines:
        m = _CPP_ERROR_RE.search(line)
        if m:
            name = Path(m.group(1)).name + ".mod"
            return (f"{sources.get(name, name)}: C++ compilation of the translated file failed "
                    f"(translated line {m.group(2)}): {m.group(3).strip()}")
    tail = [s for s in lines if s.strip()][-5:]
    return "nrnivmodl failed: " + " | ".join(tail)


def compile_mechanisms(folders: Iterable[str | os.PathLike] | None = None, builtin: bool = True,
                       timeout: float = 600.0) -> Path:
    """Compile the built-in mechanisms plus those of ``folders`` (once) and return the library.

    Parameters
    ----------
    folders : iterable of path, optional
        Extra folders of ``.mod`` files, compiled together with the built-in set.
    builtin : bool
        Include neurokit's own ``mechanisms/`` folder.
    timeout : float
        Seconds nrnivmodl may take.

    Returns
    -------
    pathlib.Path
        Path of the shared library (``<cache>/nmodl/<hash>/libnrnmech_<hash>.so``) to load.

    Raises
    ------
    CompilerError
        nrnivmodl is missing or rejects a file; the message names the file and line.
    ModelError
        A folder is missing or empty, or two files define the same mechanism.
    """
    from neurokit.codegen.build import cache_dir

    files = mod_files(folders, builtin)
    suffixes(files)  # duplicate mechanism names fail here, with both files named
    key = build_hash(files)
    root = cache_dir("nmodl")
    final = root / key
    lib = _library_in(final)
    if lib is not None:
        return lib
    work = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
    try:
        for f in files:
            shutil.copy2(f, work / f.name)
        try:
            proc = subprocess.run([_nrnivmodl(), "."], cwd=work, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CompilerError(f"nrnivmodl took more than {timeout:g} s on {len(files)} files") from None
        output = proc.stdout + "\n" + proc.stderr
        built = _built_library(work)
        if proc.returncode != 0 or built is None:
            raise CompilerError(parse_nrnivmodl_error(output, {f.name: f for f in files}))
        shutil.copy2(built, work / f"libnrnmech_{key}{built.suffix}")
        try:
            os.rename(work, final)
        except OSError:
            # Another process finished the same build first: use theirs. A folder without the
            # library is a stale or interrupted build: replace it.
            if _library_in(final) is None:
                shutil.rmtree(final, ignore_errors=True)
                os.rename(work, final)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    lib = _library_in(final)
    if lib is None:
        raise CompilerError(f"nrnivmodl produced no library in {final}")
    return lib


def loaded_mechanisms() -> set[str]:
    """Names of every density mechanism and point process NEURON knows in this process."""
    from neuron import h

    names: set[str] = set()
    for kind in (0, 1):
        mt = h.MechanismType(kind)
        ref = h.ref("")
        for i in range(int(mt.count())):
            mt.select(i)
            mt.selected(ref)
            names.add(ref[0])
    return names


def load_mechanisms(folders: Iterable[str | os.PathLike] | None = None, builtin: bool = True) -> list[Path]:
    """Compile (if needed) and load mechanisms into this process's NEURON, once.

    The built-in set and the user's folders are built as two libraries, so adding a user folder
    later in a process that already loaded the built-in set works. Calling it again with the
    same files does nothing.

    Returns
    -------
    list of pathlib.Path
        The libraries (built-in first).

    Raises
    ------
    ModelError
        A user mechanism reuses a built-in name, or some of a library's mechanism names are
        already loaded from another build (an edited ``.mod`` needs a new process).
    """
    folders = [Path(f) for f in (folders or [])]
    suffixes(mod_files(folders, builtin))  # names clashing between user and built-in files
    groups = ([(None, True)] if builtin else []) + ([(folders, False)] if folders else [])
    libs = []
    for group_folders, group_builtin in groups:
        names = set(suffixes(mod_files(group_folders, group_builtin)))
        lib = compile_mechanisms(group_folders, group_builtin)
        libs.append(lib)
        present = names & loaded_mechanisms()
        if names and present == names:
            continue
        if present:
            raise ModelError(f"mechanisms {sorted(present)} are already loaded in this process "
                             f"from another build; NEURON cannot reload them (use worker "
                             f"processes or restart)")
        from neuron import h

        if not h.nrn_load_dll(str(lib)):
            raise CompilerError(f"NEURON could not load the mechanism library {lib}")
    return libs
