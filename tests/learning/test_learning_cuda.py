"""The CUDA learning kernels: compiled to PTX with nvcc here (no GPU needed), printed from the
same rule arithmetic as the C kernels, and compared with the C kernels where a GPU and CuPy
exist (``gpu`` marker)."""

import numpy as np
import pytest

from neurokit.codegen.targets.cuda import compile_ptx, find_nvcc, gpu_available
from neurokit.errors import BackendError, NeurokitError
from neurokit.learning import kernels, stdp, train
from neurokit.learning.cuda import resolve_device
from neurokit.learning.cuda_source import source
from neurokit.learning.data import load_digits
from neurokit.learning.rule_math import RULE_MATH, prelude

needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc not installed: the CUDA kernels are not compiled")
no_gpu = pytest.mark.skipif(gpu_available(), reason="a GPU with CuPy is present")


@pytest.fixture(scope="module")
def x():
    return load_digits().x_train[:40]


@needs_nvcc
def test_every_learning_kernel_compiles_to_ptx():
    ptx = compile_ptx(source(), name="learning").read_text()
    for entry in ("nk_learn", "nk_stdp"):
        assert f".entry {entry}" in ptx


def test_c_and_cuda_print_the_same_rule_math():
    for src in (kernels.SOURCE, stdp.SOURCE, source()):
        assert RULE_MATH in src
    # the kernels call the shared definitions rather than restating them
    for name in ("nk_hebb", "nk_bcm_gain", "nk_bcm_theta", "nk_krotov_power", "nk_topk"):
        assert f"{name}(" in kernels.SOURCE.replace(RULE_MATH, "")
        assert f"{name}(" in source().replace(RULE_MATH, "")
    for name in ("nk_poisson_spike", "nk_stdp_weight", "nk_epoch_rate"):
        assert f"{name}(" in stdp.SOURCE.replace(RULE_MATH, "")
    with pytest.raises(NeurokitError, match="opencl"):
        prelude("opencl")


def test_device_choice_names_the_culprit():
    with pytest.raises(BackendError, match="'tpu'"):
        resolve_device("tpu")
    with pytest.raises(BackendError, match="engine 'numpy'"):
        resolve_device("cuda", "numpy")
    assert resolve_device("auto", "numpy") == "cpu"
    assert resolve_device("cpu") == "cpu"


@no_gpu
def test_without_gpu_cuda_refuses_and_auto_runs_on_cpu(x):
    with pytest.raises(BackendError, match="no CUDA device"):
        train("oja", x, units=3, epochs=1, device="cuda")
    ds = train("oja", x, units=3, epochs=1, device="auto")
    assert ds.attrs["device"] == "cpu"


def _hyper(rule):
    import xarray as xr

    grids = {"oja": {"eta": [0.01, 0.02]}, "sanger": {"eta": [0.01, 0.02]}, "wta": {"eta": [0.02, 0.05]},
             "bcm": {"eta": [0.01, 0.02], "tau_theta": [50.0, 100.0]},
             "krotov": {"eta": [0.04, 0.02], "p": [3.0, 2.5], "k": [2.0, 3.0]},
             "stdp": {"eta": [0.05, 0.03]}}
    return xr.Dataset({k: ("sample", v) for k, v in grids[rule].items()})


@pytest.mark.gpu
@pytest.mark.parametrize("rule", ["oja", "sanger", "wta", "bcm", "krotov", "stdp"])
def test_cuda_matches_c(x, rule):
    kw = dict(units=6, epochs=3, seed=4, batch=10, steps=20)
    gpu = train(rule, x, _hyper(rule), device="cuda", **kw)
    cpu = train(rule, x, _hyper(rule), device="cpu", **kw)
    assert gpu.attrs["device"] == "cuda"
    np.testing.assert_allclose(gpu["weight"].values, cpu["weight"].values, rtol=0, atol=1e-10)
    np.testing.assert_allclose(gpu["weight_change"].values, cpu["weight_change"].values, rtol=0, atol=1e-10)
    if "theta" in cpu:
        np.testing.assert_allclose(gpu["theta"].values, cpu["theta"].values, rtol=0, atol=1e-10)


@pytest.mark.gpu
def test_cuda_stdp_responses_match_c(x):
    from neurokit.learning.cuda import simulate_cuda
    from neurokit.learning.train import hyper_of, sample_keys
    from neurokit.rng import stream_key

    ds = train("stdp", x, _hyper("stdp"), units=5, epochs=1, steps=20)
    keys = stream_key(sample_keys(0, ds["sample"].values), 4)
    W, th = ds["weight"].values, ds["theta"].values
    args = dict(steps=20, dt=ds.attrs["dt_s"])
    c = stdp.simulate_c(x, W.copy(), th.copy(), hyper_of(ds), keys, **args)
    g = simulate_cuda(x, W.copy(), th.copy(), hyper_of(ds), keys, **args)
    np.testing.assert_array_equal(g, c)
