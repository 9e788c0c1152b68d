"""The compiled-module cache: content-hash records beside each library, rebuilt when broken."""

from __future__ import annotations

import pytest

from neurokit.codegen.build import build, compile_shared, cpu_flags, file_hash, find_compiler, kernel_cflags

SOURCE = "int nk_answer(void) { return 42; }\n"

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


def _hash_file(path):
    return path.with_name(path.name + ".sha256")


def test_built_library_has_its_hash_beside_it():
    path = compile_shared(SOURCE, name="answer")
    assert _hash_file(path).read_text().strip() == file_hash(path)
    assert compile_shared(SOURCE, name="answer") == path  # cache hit: same file, not rebuilt


@pytest.mark.parametrize("damage", ["truncate", "change", "drop_hash", "drop_library"])
def test_damaged_cache_entry_is_rebuilt(damage):
    source = SOURCE.replace("42", str(len(damage)))  # one cache entry per case
    path = compile_shared(source, name="answer")
    good = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(good[: len(good) // 3])
    elif damage == "change":
        path.write_bytes(good[:-1] + bytes([good[-1] ^ 0xFF]))
    elif damage == "drop_hash":
        _hash_file(path).unlink()
    else:
        path.unlink()
    again = compile_shared(source, name="answer")
    assert again == path and file_hash(path) == _hash_file(path).read_text().strip()
    lib = build(source, name="answer")
    assert lib.nk_answer() == len(damage)


def test_kernel_flags_follow_the_cpu():
    flags = kernel_cflags()
    assert "-fno-finite-math-only" not in flags and "-ffast-math" in flags
    assert ("-mprefer-vector-width=512" in flags) == ("avx512f" in cpu_flags())


def test_loading_a_kernel_keeps_subnormals(neurokit_cache):
    # A library linked with -ffast-math carries crtfastmath.o, whose constructor sets
    # flush-to-zero for the whole process; kernels are compiled and linked apart.
    import subprocess
    import sys

    code = ("import numpy as np; from neurokit.codegen.build import build, kernel_cflags; "
            "build('double f(double x){return x*2;}', 'ftz_probe', kernel_cflags()); "
            "t = np.finfo(float).tiny; print(bool((np.array([t]) / 2 > 0)[0]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
