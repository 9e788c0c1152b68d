"""Spiking networks on the native backend: the C loop against its NumPy twin (same spikes),
the dataset layout, batches and threads."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit import schema
from neurokit.backends.native import NativeSimulator
from neurokit.backends.native.network import build
from neurokit.codegen.templates.network_numpy import poisson_counts, run_numpy
from neurokit.codegen.templates.network_run import run_c
from neurokit.models.benchmark_networks import cuba, song_stdp
from neurokit.models.network import Network, PoissonPopulation, Population, SpikeSource
from neurokit.models.point import LIF
from neurokit.models.synapses import (Delta, ExpConductance, ExpCurrent, FixedInDegree, PoissonInput,
                                      Probability, Projection, STDP)
from neurokit.protocols import Protocol, step_protocol
from neurokit.rng import u01

DT = 1e-4


def _tiny() -> Network:
    """Every feature of the native loop in 40 neurons: current, conductance and delta
    receptors, parts, a Poisson population, a spike source, a Poisson input, scalar and
    per-synapse delays, per-synapse start weights, protocol current and recorded states."""
    pop = Population("P", LIF, 30, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                     receptors={"e": ExpCurrent(5.0), "g": ExpConductance(3.0, 0.0), "d": Delta()},
                     initial={"v": "V_reset + rand()*(V_th - V_reset)"}, parts={"E": 24, "I": 6},
                     stimulated=True)
    other = Population("Q", LIF, 10, params=dict(E_L=-55.0), receptors={"e": ExpCurrent(4.0)})
    noise = PoissonPopulation("noise", 20, 40.0)
    src = SpikeSource("src", 5, [0, 1, 2, 3, 4, 0], [0.001, 0.002, 0.0105, 0.02, 0.03, 0.04])
    projections = [
        Projection("ee", "E", "P", "e", Probability(0.3), 40.0, delay=1.0),
        Projection("ie", "I", "P", "d", FixedInDegree(3), -2.0, delay="rand()*2*ms"),
        Projection("np", "noise", "P", "g", Probability(0.2), 1.5, weight_init="rand()*weight",
                   record_weights=True),
        Projection("sq", "src", "Q", "e", Probability(0.5), 300.0),
        Projection("pq", "E", "Q", "e", Probability(0.2), 60.0, delay=0.3),
    ]
    drive = PoissonInput("ext", "P", "d", 50, 30.0, 0.8)
    return Network([pop, other, noise, src], projections, [drive], record={"E": 2, "Q": [0, 9]}, name="tiny")


def _protocol(**kw):
    return step_protocol([0.05, 0.2], 0.01, 0.04, 0.05, DT, record=("membrane_potential", "I_e"),
                         sampling_interval=5e-4, **kw)


def test_c_loop_gives_the_numpy_reference_spikes():
    spec, arr, _ = build(_tiny(), {"P.V_th": [-50.0, -52.0]}, _protocol(seed=4))
    rec_c, spk_c, _ = run_c(spec, arr, threads=2)
    rec_n, spk_n, _ = run_numpy(spec, arr)
    assert len(spk_c) == 4  # 2 samples x 2 sweeps
    assert sum(s.shape[0] for s in spk_c) > 50
    for a, b in zip(spk_c, spk_n):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(rec_c, rec_n, rtol=1e-12, atol=1e-15)


def test_poisson_counts_have_the_poisson_mean_and_variance():
    for lam in (0.2, 4.0, 50.0):
        k = poisson_counts(np.uint64(7), np.arange(200000, dtype=np.uint64), lam)
        assert k.mean() == pytest.approx(lam, rel=0.03)
        assert k.var() == pytest.approx(lam, rel=0.05)
    # the inversion takes the counter's uniform: count 0 exactly when u <= exp(-lam)
    u = u01(np.uint64(7), np.arange(1000, dtype=np.uint64))
    k = poisson_counts(np.uint64(7), np.arange(1000, dtype=np.uint64), 0.5)
    np.testing.assert_array_equal(k == 0, u <= np.exp(-0.5))


def test_dataset_layout_batches_and_weights():
    net = _tiny()
    ds = NativeSimulator("c").simulate(net, {"P.V_th": [-50.0, -52.0]}, _protocol(seed=4))
    schema.assert_conforms(ds)
    assert ds.attrs["backend"] == "native"
    assert list(ds.population.values) == ["E", "I", "Q"]
    assert ds.rate.dims == ("sample", "sweep", "population", "time")
    assert ds.membrane_potential.dims == ("sample", "sweep", "cell", "time")
    assert list(ds.cell_population.values) == ["E", "E", "Q", "Q"]
    assert ds.membrane_potential.attrs["units"] == "mV"
    assert ds.I_e.attrs["units"] == "nA"  # the display unit of currents
    v = ds.membrane_potential.values
    assert np.all((v > -90) & (v < -40))
    # per-synapse start weights in [0, weight), in nS, the same before and after (no plasticity)
    w = ds.weight.values
    assert ds.weight.attrs["units"] == "nS" and np.all((w >= 0) & (w < 1.5))
    np.testing.assert_array_equal(ds.weight.values, ds.weight_initial.values)
    # the lower threshold makes more spikes; the stronger step too
    n = {(s, k): schema.spike_times(ds, sample=s, sweep=k).size for s in range(2) for k in range(2)}
    assert n[(1, 1)] > n[(0, 0)]
    cells = ds.spike_cell.values[ds.spike_population.values == "I"]
    assert cells.size == 0 or cells.max() < 6  # numbered within the part


def test_threads_do_not_change_the_result():
    net, proto = _tiny(), _protocol(seed=9)
    params = {"P.V_th": [-50.0, -52.0]}
    two = NativeSimulator("c", threads=2).simulate(net, params, proto)
    one = NativeSimulator("c", threads=1).simulate(net, params, proto)
    assert two.sizes["spike"] > 0
    for name in ("spike_time", "spike_cell", "spike_sample", "spike_sweep", "spike_population"):
        np.testing.assert_array_equal(two[name].values, one[name].values)
    np.testing.assert_array_equal(two.membrane_potential.values, one.membrane_potential.values)


def test_cuba_runs_and_fires_at_its_rate():
    proto = Protocol([[]], duration=0.2, dt=DT, sampling_interval=1e-3, seed=1)
    ds = NativeSimulator("c").simulate(cuba(400), None, proto)
    rates = ds.rate.isel(time=slice(50, None)).mean(("sample", "sweep", "time"))
    for pop in ("E", "I"):
        assert 1.0 < float(rates.sel(population=pop)) < 40.0


def _stdp_net(delay: float = 0.0) -> Network:
    """Spike sources onto three stimulated LIF cells through STDP (pre before and after post)."""
    k = np.arange(60)
    pre = SpikeSource("pre", 6, k % 6, 0.004 + (k // 6) * 0.009 + (k % 6) * 0.0013)
    post = Population("post", LIF, 3, params=dict(E_L=-60.0, V_reset=-65.0, t_ref=2.0),
                      receptors={"e": ExpCurrent(5.0)}, initial={"v": "-60*mV"}, stimulated=True)
    rule = STDP(w_max=300.0, A_pre=0.05, A_post=-0.06, tau_pre=20.0, tau_post=20.0)
    proj = Projection("plastic", "pre", "post", "e", Probability(0.8), 150.0, delay=delay, plasticity=rule)
    return Network([pre, post], [proj], name="stdp_small")


def test_stdp_c_loop_gives_the_numpy_reference_weights():
    proto = step_protocol([0.05, 0.15], 0.0, 0.1, 0.1, DT)
    spec, arr, _ = build(_stdp_net(delay=1.0), {"post.V_th": [-50.0, -52.0]}, proto)
    w0 = arr.weights[0].copy()
    _, spk_c, w_c = run_c(spec, arr, threads=2)
    _, spk_n, w_n = run_numpy(spec, arr)
    np.testing.assert_array_equal(arr.weights[0], w0)  # start weights kept
    assert sum(s.shape[0] for s in spk_c) > 20
    for a, b in zip(spk_c, spk_n):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(w_c[0], w0, rtol=1e-3, atol=0)  # the rule did something, both ways
    assert (w_c[0] < w0).any() and (w_c[0] > w0).any()
    np.testing.assert_allclose(w_c[0], w_n[0], rtol=1e-12, atol=1e-24)
    ds = NativeSimulator("c").simulate(_stdp_net(), None, proto)
    assert ds.weight.shape == ds.weight_initial.shape and not np.allclose(ds.weight, ds.weight_initial, rtol=1e-3, atol=0)
    assert float(ds.weight.max()) <= 300.0 + 1e-9 and float(ds.weight.min()) >= 0.0


def test_song_stdp_runs_natively():
    ds = NativeSimulator("c").simulate(song_stdp(), None, Protocol([[]], duration=0.5, dt=DT, seed=3))
    w, w0 = ds.weight.values, ds.weight_initial.values
    assert ds.sizes["spike"] > 5 and w.shape[-1] == 1000
    assert (w >= 0).all() and (w <= 0.1 + 1e-12).all() and np.abs(w - w0).max() > 1e-3


def test_cuba_neuron_loop_is_vectorised_without_exp_or_division(tmp_path):
    import subprocess

    from neurokit.codegen.build import find_compiler
    from neurokit.codegen.templates.network import source
    from neurokit.codegen.templates.network_run import cflags

    spec, _, _ = build(cuba(400), None, Protocol([[]], duration=0.01, dt=DT, record=()))
    src = source(spec)
    start = src.index("#pragma omp simd")
    loop = src[start:src.index("nk_g[j] =", start)]
    assert "exp(" not in loop and "/" not in loop.replace("/*", "").replace("*/", "")
    cc = find_compiler()
    text = subprocess.run([cc, "--version"], capture_output=True, text=True).stdout if cc else ""
    if "Free Software Foundation" not in text:
        pytest.skip("the vectorisation report flag is GCC's")
    path = tmp_path / "cuba.c"
    path.write_text(src)
    pragma = src[:start].count("\n") + 1
    out = subprocess.run([cc, *cflags(), str(path), "-o", str(tmp_path / "n.so"), "-lm",
                          "-fopt-info-vec-optimized"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert any(f"cuba.c:{pragma + k}:" in ln and "loop vectorized" in ln
               for ln in out.stderr.splitlines() for k in (1, 2)), out.stderr[-3000:]


def test_float32_networks_run_through_the_simulator():
    proto = Protocol([[]], duration=0.3, dt=DT, seed=2)
    n64 = NativeSimulator("c").simulate(cuba(1000), None, proto).sizes["spike"]
    ds = NativeSimulator("c", dtype="float32").simulate(cuba(1000), None, proto)
    n32 = ds.sizes["spike"]
    assert ds.attrs["dtype"] == "float32" and n64 > 500 and abs(n32 - n64) < 0.1 * n64
