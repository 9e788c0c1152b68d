"""The spiking-network loop on CUDA (:mod:`neurokit.codegen.templates.network_cuda`): the
generated source, the C loop's own per-run function, compiles to PTX with nvcc here (no GPU
needed) for current-based, STDP, Tsodyks-Markram and alpha networks; on a GPU (``gpu``
mark) it gives the C loop's spikes exactly (recordings and plastic weights to rounding); the backend's
device selection."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from neurokit.backends.native import NativeSimulator
from neurokit.backends.native.network import build
from neurokit.codegen.targets.cuda import compile_ptx, find_nvcc, gpu_available
from neurokit.codegen.templates.network import source
from neurokit.codegen.templates.network_cuda import arena_bytes, cuda_source
from neurokit.codegen.templates.network_run import run_c
from neurokit.errors import BackendError
from neurokit.models.benchmark_networks import cuba
from neurokit.models.network import Network, PoissonPopulation, Population, SpikeSource
from neurokit.models.point import LIF
from neurokit.models.synapses import (STDP, AlphaConductance, AlphaCurrent, Delta, ExpCurrent, PoissonInput,
                                      Probability, Projection, TsodyksMarkram)
from neurokit.protocols import Protocol, step_protocol

DT = 1e-4
needs_nvcc = pytest.mark.skipif(find_nvcc() is None, reason="nvcc not installed")


def _post(**kw) -> Population:
    return Population("post", LIF, 4, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                      initial={"v": "-60*mV"}, **kw)


def _plastic(keep: tuple[str, ...]) -> Network:
    """Spike source onto LIF cells through the projections ``keep`` of: Tsodyks-Markram with
    facilitation ("fac"), depressing onto a gated delta receptor ("dep"), pair STDP ("stdp")."""
    k = np.arange(80)
    pre = SpikeSource("pre", 8, k % 8, 0.003 + (k // 8) * 0.008 + (k % 8) * 0.0011)
    post = _post(receptors={"e": ExpCurrent(5.0), "d": Delta()}, stimulated=True)
    projs = [Projection("fac", "pre", "post", "e", Probability(0.7), 250.0, delay=1.2,
                        short_term=TsodyksMarkram(U=0.1, tau_d=40.0, tau_f=150.0)),
             Projection("dep", "pre", "post", "d", Probability(0.5), 3.0, weight_init="rand()*weight",
                        short_term=TsodyksMarkram(U=0.5, tau_d=200.0)),
             Projection("stdp", "pre", "post", "e", Probability(0.5), 100.0, delay=0.5,
                        plasticity=STDP(w_max=200.0, A_pre=0.05, A_post=-0.06))]
    projs = [p for p in projs if p.name in keep]
    return Network([pre, post], projs, record={"post": [0, 1, 2, 3]}, name="cuda_" + "_".join(keep))


def _alpha() -> Network:
    """Poisson population and Poisson input onto alpha currents and conductances."""
    drive = PoissonPopulation("drive", 20, 80.0)
    post = _post(receptors={"a": AlphaCurrent(2.0), "g": AlphaConductance(5.0, -80.0)})
    projs = [Projection("pa", "drive", "post", "a", Probability(0.5), 60.0, delay=0.7),
             Projection("pg", "drive", "post", "g", Probability(0.3), 0.5)]
    ext = PoissonInput("ext", "post", "a", 50, 20.0, 80.0)
    return Network([drive, post], projs, [ext], record={"post": [0, 3]}, name="cuda_alpha")


def _cases():
    """(name, spec, arr) of each network, two samples (or sweeps) each."""
    proto = step_protocol([0.05, 0.12], 0.0, 0.1, 0.1, DT, record=("membrane_potential",), seed=3)
    yield ("cuba",) + build(cuba(200), {"P.V_th": [-50.0, -51.0]},
                            Protocol([[]], duration=0.1, dt=DT, record=(), seed=1))[:2]
    yield ("tsodyks_markram",) + build(_plastic(("fac", "dep")), {"post.V_th": [-50.0, -52.0]}, proto)[:2]
    yield ("stdp",) + build(_plastic(("stdp",)), {"post.V_th": [-50.0, -52.0]}, proto)[:2]
    yield ("alpha",) + build(_alpha(), {"ext.rate": [20.0, 30.0]},
                             Protocol([[]], duration=0.08, dt=DT, record=("membrane_potential",), seed=6))[:2]


CASES = {name: (spec, arr) for name, spec, arr in _cases()}


@needs_nvcc
@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_cuda_compiles_to_ptx(name):
    spec, _ = CASES[name]
    ptx = compile_ptx(cuda_source(spec), name=f"net_{name}").read_text()
    assert ".entry nk_net_kernel" in ptx


def test_c_and_cuda_share_the_per_run_function():
    spec, _ = CASES["stdp"]
    c, cu = source(spec), cuda_source(spec)
    start = c.index("NK_FN int nk_net_run(")
    body = c[start:c.index("\nint nk_net(", start)]
    assert body.replace("__typeof__(*X1)", "double") in cu  # one template, two targets
    assert "NK_PUSH(" in body and "#define realloc(p, n) nk_arealloc" in cu  # growable lists: arena on the device
    assert "#pragma omp parallel for" in c and "#pragma omp parallel" not in cu


def test_arena_covers_the_fixed_allocations():
    spec, arr = CASES["tsodyks_markram"]
    nnz = sum(int(csr[4].size) for csr in arr.csr)
    assert arena_bytes(spec, arr) % 256 == 0 and arena_bytes(spec, arr) > 3 * 8 * nnz


@pytest.mark.skipif(gpu_available(), reason="checks the behaviour without a GPU")
def test_device_selection_without_a_gpu(caplog):
    proto = Protocol([[]], duration=0.02, dt=DT, record=(), seed=1)
    with pytest.raises(BackendError, match="cuda"):
        NativeSimulator(device="cuda").simulate(_alpha(), None, proto)
    with caplog.at_level(logging.WARNING):
        auto = NativeSimulator(device="auto", target="c").simulate(_alpha(), None, proto)
    assert "in C on the CPU" in caplog.text and auto.attrs["target"] == "c"


@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(CASES))
def test_cuda_gives_the_c_loops_spikes_exactly(name):
    from neurokit.codegen.templates.network_cuda import run_cuda

    spec, arr = CASES[name]
    rec_c, spk_c, w_c = run_c(spec, arr, threads=2)
    rec_g, spk_g, w_g = run_cuda(spec, arr)
    assert sum(s.shape[0] for s in spk_c) > 5
    for a, b in zip(spk_c, spk_g):
        np.testing.assert_array_equal(a, b)
    # the same arithmetic; exp/log of CUDA's libdevice and glibc may differ in the last bit
    np.testing.assert_allclose(rec_c, rec_g, rtol=1e-12, atol=1e-20)
    assert w_c.keys() == w_g.keys()
    for m in w_c:
        np.testing.assert_allclose(w_c[m], w_g[m], rtol=1e-12, atol=1e-24)


@pytest.mark.gpu
def test_a_run_that_outgrows_its_arena_is_run_again():
    from neurokit.codegen.templates.network_cuda import run_cuda

    spec, arr = CASES["cuba"]
    _, spk_c, _ = run_c(spec, arr, threads=2)
    _, spk_g, _ = run_cuda(spec, arr, arena=4096)  # too small even for the states: doubled until it fits
    for a, b in zip(spk_c, spk_g):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(BackendError, match="run 0"):
        run_cuda(spec, arr, arena=4096, max_bytes=4096 * arr.P.shape[0])


@pytest.mark.gpu
def test_simulator_runs_networks_on_cuda():
    proto = Protocol([[]], duration=0.05, dt=DT, record=("membrane_potential",), seed=2)
    c = NativeSimulator(device="cpu", target="c").simulate(_alpha(), None, proto)
    g = NativeSimulator(device="cuda").simulate(_alpha(), None, proto)
    assert g.attrs["target"] == "cuda"
    np.testing.assert_array_equal(c.spike_time.values, g.spike_time.values)
