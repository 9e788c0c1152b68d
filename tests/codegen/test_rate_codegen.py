"""Generated C for rate models against the NumPy reference, and the shared random numbers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from neurokit.codegen import rate as gen
from neurokit.models.rate import (GaussianInput, JansenRit, PatternInput, Plasticity, RateNetwork,
                                  WilsonCowan, synthetic_connectome)
from neurokit.protocols import Protocol, Step, WhiteNoise


def _agree(model, params, prot, names, atol):
    c = model.run_native(params, prot, target="c")
    ref = model.run_native(params, prot, target="numpy")
    for name in names:
        np.testing.assert_allclose(c[name].values, ref[name].values, rtol=0, atol=atol, err_msg=name)
    return c


def test_wilson_cowan_network_c_matches_numpy():
    cmat, dmat = synthetic_connectome(6, seed=4)
    model = WilsonCowan(cmat=cmat, dmat=dmat, input_nodes=np.linspace(0, 1, 6))
    # two sweeps, a noisy protocol current (per sample) and OU noise; delays differ per sample
    prot = Protocol([[Step(0.5, 0.01, 0.03)], [WhiteNoise(0.2, 0.5, 0.0, 0.04)]], duration=0.06, dt=1e-4,
                    record=("activity", "I", "ou_E"), sampling_interval=2e-4, seed=7, settle=0.005)
    params = {"sigma_ou": [0.0, 0.05, 0.1], "signal_speed": [2.0, 5.0, 0.0], "exc_ext": [0.6, 0.8, 1.0]}
    ds = _agree(model, params, prot, ["activity", "I", "ou_E"], 1e-10)
    assert ds.sizes["sweep"] == 2 and ds.sizes["time"] == 300
    assert not np.allclose(ds.activity[1, 1], ds.activity[1, 0])


def test_jansen_rit_network_c_matches_numpy():
    cmat, dmat = synthetic_connectome(4, seed=5)
    prot = Protocol([[]], duration=0.1, dt=1e-4, record=("activity", "y3"), seed=3)
    _agree(JansenRit(cmat=cmat, dmat=dmat), {"sigma_p": [0.0, 40.0], "K_gl": [1.0, 3.0]}, prot,
           ["activity", "y3"], 1e-8)


@pytest.mark.parametrize("transfer", ["linear", "threshold_linear", "sigmoid"])
@pytest.mark.parametrize("rule", [None, "hebbian", "oja", "bcm"])
def test_rate_network_c_matches_numpy(transfer, rule):
    rng = np.random.default_rng(2)
    n = 3
    cov = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]])
    src = (GaussianInput([0.5, 0.0, 0.2], cov, 5e-4) if rule != "bcm"
           else PatternInput(rng.uniform(0, 1, (3, 3)), 5e-4, noise=0.1))
    plast = Plasticity(rule, bounds=(-2.0, 2.0), normalise="l1" if rule == "hebbian" else None) if rule else None
    net = RateNetwork(rng.normal(0, 0.3, (n, n)), transfer=transfer, bias=[0.1, 0.2, 0.3], source=src,
                      plasticity=plast)
    record = ("activity", "weight") + (("bcm_threshold",) if rule == "bcm" else ())
    prot = Protocol([[Step(1.0, 0.01, 0.02)]], duration=0.04, dt=1e-4, record=record, seed=1)
    params = {"sigma": [0.0, 0.3], **({"eta": [1.0, 3.0]} if rule else {})}
    _agree(net, params, prot, record, 1e-10)


def test_threads_do_not_change_results():
    cmat, dmat = synthetic_connectome(5, seed=6)
    model = WilsonCowan(cmat=cmat, dmat=dmat)
    prot = Protocol([[]], duration=0.03, dt=1e-4, record=("activity",), seed=2)
    params = {"sigma_ou": np.linspace(0.01, 0.1, 6)}
    one = model.run_native(params, prot, threads=1)
    two = model.run_native(params, prot, threads=2)
    np.testing.assert_array_equal(one.activity.values, two.activity.values)


def test_counter_based_normals_are_standard_normal_and_keyed():
    key = np.uint64(1234567)
    z0, z1 = gen.gauss2(key, np.arange(50_000, dtype=np.uint64))
    z = np.concatenate([z0, z1])
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert abs(np.corrcoef(z0, z1)[0, 1]) < 0.02
    other, _ = gen.gauss2(np.uint64(1234568), np.arange(50_000, dtype=np.uint64))
    assert abs(np.corrcoef(z0, other)[0, 1]) < 0.02
    u = gen.u01(key, np.arange(10_000, dtype=np.uint64))
    assert u.min() > 0 and u.max() < 1


def test_generated_sources_are_parallel_and_cached(tmp_path, monkeypatch):
    from neurokit.codegen.build import compile_shared

    src = gen.node_source(gen.WILSON_COWAN_KERNEL)
    assert "#pragma omp parallel for" in src and "nk_gauss2" in src
    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    first = compile_shared(src, name="rate_wilson_cowan")
    mtime = first.stat().st_mtime_ns
    assert compile_shared(src, name="rate_wilson_cowan") == first and first.stat().st_mtime_ns == mtime
    with pytest.raises(Exception, match="unknown transfer"):
        gen.net_source("tanh", "oja")
