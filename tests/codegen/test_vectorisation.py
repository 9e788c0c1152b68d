"""The neuron loop of the generated C is vectorised (GCC's vectorisation report), with this
CPU's flags and with 256-bit vectors as on an AVX2-only machine, in float64 and float32."""

from __future__ import annotations

import subprocess

import pytest

from neurokit.codegen.build import find_compiler, kernel_cflags
from neurokit.codegen.targets.c import generate
from neurokit.codegen.frontend import build_ir
from neurokit.models.point import BUILTIN


def _gcc():
    cc = find_compiler()
    if cc is None:
        return None
    text = subprocess.run([cc, "--version"], capture_output=True, text=True).stdout
    return cc if "Free Software Foundation" in text else None  # GCC (also when called cc)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("width", ["cpu", "256"])
@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_simd_neuron_loop_is_vectorised(name, width, dtype, tmp_path):
    cc = _gcc()
    if cc is None:
        pytest.skip("the vectorisation report flag is GCC's")
    src = generate(build_ir(BUILTIN[name]), dtype)
    flags = [f for f in kernel_cflags() if not f.startswith("-mprefer-vector-width")]
    flags += ["-mprefer-vector-width=256"] if width == "256" else list(kernel_cflags()[len(flags):])
    path = tmp_path / f"{name}.c"
    path.write_text(src)
    # the step loop: the last simd loop (the first one computes the invariants)
    pragma = src[: src.rindex("#pragma omp simd")].count("\n") + 1
    out = subprocess.run([cc, *flags, str(path), "-o", str(tmp_path / "m.so"), "-lm",
                          "-fopt-info-vec-optimized"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [ln for ln in out.stderr.splitlines()
             if any(f"{path.name}:{pragma + k}:" in ln for k in (1, 2)) and "loop vectorized" in ln]
    assert lines, f"neuron loop of {name!r} not vectorised:\n{out.stderr[-3000:]}"
