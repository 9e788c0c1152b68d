"""The CUDA target: generated for every built-in model and compiled to PTX with nvcc here (no
GPU needed); run and compared with the C target only where a GPU and CuPy exist."""

import re

import numpy as np
import pytest

from neurokit.codegen.targets.cuda import compile_ptx, find_nvcc, generate
from neurokit.codegen.frontend import build_ir
from neurokit.errors import CompilerError
from neurokit.models.point import BUILTIN, HH

needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc not installed")


@needs_nvcc
@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_every_builtin_model_compiles_to_ptx(name):
    ptx = compile_ptx(generate(build_ir(BUILTIN[name]), "float64"), name=name).read_text()
    assert ".entry nk_run" in ptx


@needs_nvcc
def test_float32_kernel_does_no_double_arithmetic():
    # a literal printed without the f suffix would promote the whole step to double
    ptx = compile_ptx(generate(build_ir(HH), "float32"), name="hh32").read_text()
    assert ".entry nk_run" in ptx
    assert not re.search(r"\b(add|sub|mul|fma\.rn|div\.rn|ex2\.approx)\.f64\b", ptx)
    assert re.search(r"\bfma\.rn\.f32\b", ptx)


@needs_nvcc
def test_ptx_is_cached_by_content(neurokit_cache):
    src = generate(build_ir(BUILTIN["lif"]), "float64")
    first = compile_ptx(src, name="lif")
    mtime = first.stat().st_mtime_ns
    assert compile_ptx(src, name="lif") == first and first.stat().st_mtime_ns == mtime
    assert str(first).startswith(str(neurokit_cache))


@needs_nvcc
def test_rejected_kernel_gives_compiler_error():
    with pytest.raises(CompilerError, match="nvcc rejected"):
        compile_ptx('extern "C" __global__ void nk_run() { undefined_thing; }', name="bad")


def test_state_lives_in_registers_and_writes_back_once():
    ir = build_ir(HH)
    src = generate(ir, "float64")
    # each state variable is read from global memory once and written back once
    for k, _ in enumerate(ir.state_names):
        assert src.count(f"state[{k}LL * n + i]") == 2


@pytest.mark.gpu
@pytest.mark.parametrize("dtype, tol_mV", [("float64", 1e-6), ("float32", 0.5)])
@pytest.mark.parametrize("name", ["lif", "adex", "hh", "gif", "izhikevich"])
def test_cuda_matches_c(name, dtype, tol_mV):
    from neurokit.backends.native import NativeSimulator
    from neurokit.protocols import step_protocol

    model = BUILTIN[name]
    params = model.space.sample(32, "sobol", seed=2) if name != "hh" else {"g_L": np.linspace(5, 20, 32)}
    proto = step_protocol([0.2, 0.6], start=0.02, stop=0.18, duration=0.2, dt=5e-5)
    c = NativeSimulator(device="cpu").simulate(model, params, proto)
    g = NativeSimulator(device="cuda", dtype=dtype).simulate(model, params, proto)
    ok = ~(c.diverged.values | g.diverged.values)
    for s in np.flatnonzero(ok):
        for w in range(2):
            tc = c.spike_time.values[(c.spike_sample.values == c.sample.values[s]) & (c.spike_sweep.values == w)]
            tg = g.spike_time.values[(g.spike_sample.values == g.sample.values[s]) & (g.spike_sweep.values == w)]
            if dtype == "float64":
                assert tc.size == tg.size
                assert np.all(np.abs(tc - tg) <= proto.dt * 1.001)
            else:
                assert abs(tc.size - tg.size) <= max(1, 0.05 * tc.size)
    if dtype == "float64":
        dv = np.abs(c.membrane_potential.values[ok] - g.membrane_potential.values[ok])
        assert np.nanmax(dv) < tol_mV
