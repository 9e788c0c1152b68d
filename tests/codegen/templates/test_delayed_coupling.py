"""The delayed-coupling template (node networks): generated C against its NumPy twin, thread
independence, and a generated source that is parallel and cached."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.native import NativeSimulator
from neurokit.models.rate import JansenRit, WilsonCowan
from neurokit.models.rate_nodes import synthetic_connectome
from neurokit.protocols import Protocol, Step, WhiteNoise


def _agree(model, params, prot, names, atol):
    c = NativeSimulator(target="c").simulate(model, params, prot)
    ref = NativeSimulator(target="numpy").simulate(model, params, prot)
    assert c.attrs["target"] == "c" and ref.attrs["target"] == "numpy"
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


def test_threads_do_not_change_results():
    cmat, dmat = synthetic_connectome(5, seed=6)
    model = WilsonCowan(cmat=cmat, dmat=dmat)
    prot = Protocol([[]], duration=0.03, dt=1e-4, record=("activity",), seed=2)
    params = {"sigma_ou": np.linspace(0.01, 0.1, 6)}
    one = NativeSimulator(target="c", threads=1).simulate(model, params, prot)
    two = NativeSimulator(target="c", threads=2).simulate(model, params, prot)
    np.testing.assert_array_equal(one.activity.values, two.activity.values)


def test_generated_source_is_parallel_and_cached(tmp_path, monkeypatch):
    from neurokit.backends.native.rate import node_ir
    from neurokit.codegen.build import compile_shared
    from neurokit.codegen.templates.delayed_coupling import source

    dyn = WilsonCowan.dynamics
    src = source(node_ir(WilsonCowan()), dyn.coupled, dyn.noise_param)
    # the node update is printed from the IR (s_/p_/k_ locals), the noise from the one generator
    assert "#pragma omp parallel for" in src and "nk_normal2" in src and "k_l" in src and "s_ou_E" in src
    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    first = compile_shared(src, name="rate_wilson_cowan")
    mtime = first.stat().st_mtime_ns
    assert compile_shared(src, name="rate_wilson_cowan") == first and first.stat().st_mtime_ns == mtime


def test_coupled_output_with_unknown_names_is_refused():
    from neurokit.backends.native.rate import node_ir
    from neurokit.codegen.templates.delayed_coupling import coupled_expr
    from neurokit.errors import EquationError

    with pytest.raises(EquationError, match="bogus"):
        coupled_expr(node_ir(WilsonCowan()), "E + bogus")
