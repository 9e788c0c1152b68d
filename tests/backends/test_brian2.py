"""The brian2 backend: point batches, networks, plasticity, targets, standalone run_args.

Small sizes and the numpy target keep this file fast; one test builds a cpp_standalone
project (compiled once, rerun with run_args) and one runs the cython target.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from neurokit import schema
from neurokit.backends.base import get_backend
from neurokit.backends.brian2 import Brian2Simulator
from neurokit.errors import BackendError, ModelError, ParameterError, ProtocolError
from neurokit.models.benchmark_networks import brunel, coba, cuba, song_stdp
from neurokit.models.network import Network, Population, SpikeSource
from neurokit.models.synapses import (Delta, ExpCurrent, OneToOne, Projection, TripletSTDP,
                                      TsodyksMarkram)
from neurokit.models.point import LIF
from neurokit.protocols import Protocol, step_protocol

DT = 1e-4


@pytest.fixture(scope="module")
def numpy_sim():
    return Brian2Simulator("numpy")


# --------------------------------------------------------------------------- point batches
def _lif_isi(I_nA, g_nS=10.0, C=200.0, E_L=-70.0, V_th=-50.0, V_reset=-65.0, t_ref=2.0):
    v_inf = E_L + I_nA * 1e3 / g_nS  # mV
    tau = C / g_nS  # ms
    return (t_ref + tau * np.log((v_inf - V_reset) / (v_inf - V_th))) * 1e-3


def test_point_batch_layout_and_lif_analytics(numpy_sim):
    proto = step_protocol([0.1, 0.3, 0.5], 0.02, 0.32, 0.35, DT,
                          record=("membrane_potential", "stimulus_current"))
    ds = numpy_sim.simulate(LIF, {"g_L": [10.0, 12.5]}, proto)
    schema.assert_conforms(ds)
    assert ds.membrane_potential.dims == ("sample", "sweep", "time")
    assert ds.membrane_potential.shape == (2, 3, proto.n_steps)
    assert ds.attrs["backend"] == "brian2" and ds.attrs["target"] == "numpy"
    assert not ds.diverged.any()
    # Sub-threshold step (0.1 nA, rheobase 0.2 nA): exact exponential relaxation.
    t = ds.time.values
    v = ds.membrane_potential.sel(sample=0, sweep=0).values
    on = (t >= 0.02) & (t < 0.32)
    expected = -70.0 + 10.0 * (1 - np.exp(-(t[on] - 0.02) / 0.02))
    np.testing.assert_allclose(v[on], expected, atol=1e-9)
    assert schema.spike_times(ds, sample=0, sweep=0).size == 0
    # Supra-threshold: spike count of the analytic ISI (threshold checked once per step).
    for sweep, amp in ((1, 0.3), (2, 0.5)):
        n = schema.spike_times(ds, sample=0, sweep=sweep).size
        assert abs(n - int(0.3 / _lif_isi(amp))) <= 1
    # A larger leak (sample 1) lowers the rate.
    assert schema.spike_times(ds, sample=1, sweep=2).size < schema.spike_times(ds, sample=0, sweep=2).size
    assert ds.stimulus_current.sel(sweep=2).max() == pytest.approx(0.5)


def test_point_batch_rejects_bad_input(numpy_sim):
    proto = step_protocol([0.1], 0.0, 0.01, 0.01, DT)
    with pytest.raises(ParameterError, match="g_L"):
        numpy_sim.simulate(LIF, {"g_L": [-5.0]}, proto)
    with pytest.raises(ProtocolError, match="'w'"):
        numpy_sim.simulate(LIF, {}, proto.replace(record=("w",)))
    with pytest.raises(ModelError, match="PointModel or a Network"):
        numpy_sim.simulate("lif", {}, proto)
    with pytest.raises(BackendError, match="unknown Brian2 target"):
        Brian2Simulator("gpu")


def test_time_valued_state_comes_out_in_ms_and_time_in_s(numpy_sim):
    from neurokit.codegen.frontend import model_from_equations

    model = model_from_equations("dv/dt = (E - v)/tau + I_stim/C : volt\n"
                                 "dage/dt = 1 : second\n"
                                 "E : volt\ntau : second\nC : farad\nI_stim : amp",
                                 defaults={"E": -0.07, "tau": 0.02, "C": 2e-10}, initial={"v": "E"},
                                 name="aging")
    proto = step_protocol([0.1], 0.0, 0.01, 0.01, DT, record=("membrane_potential", "age"))
    ds = numpy_sim.simulate(model, {}, proto)
    assert ds.age.attrs["units"] == "ms" and ds.membrane_potential.attrs["units"] == "mV"
    np.testing.assert_allclose(ds.age.values[0, 0], ds.time.values * 1e3, atol=1e-9)
    assert ds.time.values[-1] == pytest.approx(0.01 - DT)


def test_registry_builds_the_backend_with_options():
    sim = get_backend("brian2", target="numpy")
    assert isinstance(sim, Brian2Simulator) and sim.target == "numpy"


@pytest.mark.slow
def test_cython_target_matches_numpy(numpy_sim):
    if not Brian2Simulator.target_available("cython"):
        pytest.skip(Brian2Simulator.target_unavailable_reason("cython"))
    proto = step_protocol([0.4], 0.01, 0.09, 0.1, DT)
    a = Brian2Simulator("cython").simulate(LIF, {"E_L": [-70.0, -65.0]}, proto)
    b = numpy_sim.simulate(LIF, {"E_L": [-70.0, -65.0]}, proto)
    assert a.attrs["target"] == "cython"
    np.testing.assert_allclose(a.membrane_potential.values, b.membrane_potential.values, atol=1e-9)
    np.testing.assert_array_equal(a.spike_time.values, b.spike_time.values)


# --------------------------------------------------------------------------- networks
def _isi_cv(ds, site, t_min):
    t, c, p = ds.spike_time.values, ds.spike_cell.values, ds.spike_population.values
    cvs = []
    for cell in np.unique(c[p == site]):
        tt = np.sort(t[(p == site) & (c == cell) & (t > t_min)])
        if tt.size > 3:
            isi = np.diff(tt)
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs))


def _pairwise_count_correlation(ds, site, t_min, t_max, n_cells=150, bin_s=0.005):
    t, c, p = ds.spike_time.values, ds.spike_cell.values, ds.spike_population.values
    sel = (p == site) & (t > t_min) & (c < n_cells)
    bins = [np.arange(n_cells + 1), np.arange(t_min, t_max + 1e-9, bin_s)]
    counts = np.histogram2d(c[sel], t[sel], bins=bins)[0]
    counts = counts[counts.sum(axis=1) > 0]
    r = np.corrcoef(counts)
    return float(np.nanmean(r[np.triu_indices(len(counts), 1)]))


def test_brunel_scaled_down_is_asynchronous_irregular(numpy_sim):
    # g = 6, nu_ext/nu_thr = 4: the AI state of Brunel (2000), fig. 8B; 1250 neurons.
    net = brunel(0.1, g=6.0, eta=4.0).with_record(E=2)
    proto = Protocol([[]], duration=0.5, dt=DT, sampling_interval=1e-3, seed=3)
    ds = numpy_sim.simulate(net, None, proto)
    schema.assert_conforms(ds)
    assert list(ds.population.values) == ["E", "I"]
    assert ds.rate.dims == ("sample", "sweep", "population", "time")
    assert ds.membrane_potential.dims == ("sample", "sweep", "cell", "time")
    assert list(ds.cell_population.values) == ["E", "E"]
    rate_e = float(ds.rate.sel(population="E").isel(time=slice(100, None)).mean())
    assert 5.0 < rate_e < 150.0
    cv = _isi_cv(ds, "E", 0.1)
    assert 0.7 < cv < 1.3, cv
    assert _pairwise_count_correlation(ds, "E", 0.1, 0.5) < 0.1
    # Spikes agree with the rate they are binned into.
    n_e = int((ds.spike_population.values == "E").sum())
    assert ds.rate.sel(population="E").sum() * 1e-3 * 1000 == pytest.approx(n_e)


@pytest.mark.parametrize("build, lo, hi", [(cuba, 1.0, 40.0), (coba, 2.0, 60.0)])
def test_cuba_and_coba_fire_at_plausible_rates(numpy_sim, build, lo, hi):
    proto = Protocol([[]], duration=0.3, dt=DT, sampling_interval=1e-3, seed=1)
    ds = numpy_sim.simulate(build(1000), None, proto)
    schema.assert_conforms(ds)
    rates = ds.rate.isel(time=slice(50, None)).mean(("sample", "sweep", "time"))
    for pop in ("E", "I"):
        assert lo < float(rates.sel(population=pop)) < hi
    cells = ds.spike_cell.values[ds.spike_population.values == "I"]
    assert cells.max() < 200  # cells are numbered within their part


def _stimulated_lif(n=3):
    return Network([Population("cells", LIF, n, stimulated=True)], record={"cells": n})


def test_network_samples_sweeps_and_protocol_input_match_point_path(numpy_sim):
    proto = step_protocol([0.25, 0.5], 0.01, 0.09, 0.1, DT)
    net = _stimulated_lif()
    ds = numpy_sim.simulate(net, {"cells.V_th": [-50.0, -55.0]}, proto)
    schema.assert_conforms(ds)
    assert ds.sizes["sample"] == 2 and ds.sizes["sweep"] == 2
    point = numpy_sim.simulate(LIF, {"V_th": [-50.0, -55.0]}, proto)
    for s in range(2):
        for k in range(2):
            a = schema.spike_times(ds, sample=s, sweep=k, population="cells", cell=0)
            b = schema.spike_times(point, sample=s, sweep=k)
            np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(ds.membrane_potential.isel(cell=1).values,
                               point.membrane_potential.values, atol=1e-9)
    assert ds.rate.isel(sample=1, sweep=1).mean() > ds.rate.isel(sample=0, sweep=1).mean()
    with pytest.raises(ParameterError, match="unknown parameter"):
        numpy_sim.simulate(net, {"cells.bogus": [1.0]}, proto)


def test_network_dataset_round_trips_through_netcdf(numpy_sim, tmp_path):
    proto = step_protocol([0.5], 0.01, 0.05, 0.05, DT, sampling_interval=1e-3)
    ds = numpy_sim.simulate(_stimulated_lif(2), None, proto)
    back = schema.load(schema.save(ds, tmp_path / "net.nc"))
    xr.testing.assert_identical(ds, back)


# --------------------------------------------------------------------------- plasticity
def _tm_reference(times, U, tau_d, tau_f):
    u, x, last, out = 0.0, 1.0, None, []
    for t in times:
        if last is not None:
            dt = t - last
            u = u * np.exp(-dt / tau_f) if tau_f > 0 else 0.0
            x = 1 - (1 - x) * np.exp(-dt / tau_d)
        u = u + U * (1 - u) if tau_f > 0 else U
        r = u * x
        x -= r
        out.append(r)
        last = t
    return np.array(out)


@pytest.mark.parametrize("stp, trend", [(TsodyksMarkram(U=0.5, tau_d=800.0, tau_f=0.0), "depress"),
                                        (TsodyksMarkram(U=0.1, tau_d=50.0, tau_f=750.0), "facilitate")])
def test_tsodyks_markram_release_follows_the_formula(numpy_sim, stp, trend):
    times = np.round(np.r_[0.0100 + 0.05 * np.arange(8), 0.9], 4)  # 20 Hz train, recovery spike
    pre = SpikeSource("pre", 1, np.zeros(times.size, int), times)
    # A receptor that barely decays integrates the released fractions: I jumps by w*r.
    post = Population("post", LIF, 1, receptors={"slow": ExpCurrent(tau=1e9)})
    net = Network([pre, post], [Projection("syn", "pre", "post", "slow", OneToOne(), 1.0, short_term=stp)],
                  record={"post": 1})
    proto = Protocol([[]], duration=1.0, dt=DT, record=("I_slow",))
    ds = numpy_sim.simulate(net, None, proto)
    current_pA = ds.I_slow.isel(sample=0, sweep=0, cell=0).values * 1e3
    steps = np.round(times / DT).astype(int)
    jumps = current_pA[steps + 1] - current_pA[steps]
    expected = _tm_reference(times * 1e3, stp.U, stp.tau_d, stp.tau_f)
    np.testing.assert_allclose(jumps, expected, rtol=1e-6)
    first = jumps[:8]
    if trend == "depress":
        assert np.all(np.diff(first) < 0) and jumps[-1] > first[-1]
    else:
        assert first[3] > 2 * first[0]


def _triplet_reference(pre, post, rule: TripletSTDP, w0):
    events = sorted([(t, 0) for t in pre] + [(t, 1) for t in post])
    r1 = r2 = o1 = o2 = 0.0
    w, last = w0, 0.0
    for t, kind in events:
        d = t - last
        r1 *= np.exp(-d / rule.tau_plus); r2 *= np.exp(-d / rule.tau_x)
        o1 *= np.exp(-d / rule.tau_minus); o2 *= np.exp(-d / rule.tau_y)
        if kind == 0:
            w -= rule.w_max * o1 * (rule.A2_minus + rule.A3_minus * r2)
            r1 += 1; r2 += 1
        else:
            w += rule.w_max * r1 * (rule.A2_plus + rule.A3_plus * o2)
            o1 += 1; o2 += 1
        last = t
    return w


def test_triplet_stdp_pairing_matches_analytic_expectation(numpy_sim):
    rule = TripletSTDP(w_max=1.0)
    n_pairs, period = 20, 0.05  # 20 Hz pairing, the regime where the triplet term matters
    kick = np.round(0.02 + period * np.arange(n_pairs), 4)
    # Post cell k fires one step after its kick; pre cell 0 leads by 10 ms, pre cell 1 lags.
    pre_times = np.r_[kick + DT - 0.010, kick + DT + 0.010]
    pre = SpikeSource("pre", 2, np.repeat([0, 1], n_pairs), np.round(pre_times, 4))
    drive = SpikeSource("drive", 2, np.tile([0, 1], n_pairs), np.repeat(kick, 2))
    post = Population("post", LIF, 2, receptors={"kick": Delta(), "syn": ExpCurrent(5.0)})
    net = Network([pre, drive, post],
                  [Projection("kicks", "drive", "post", "kick", OneToOne(), 40.0),
                   Projection("plastic", "pre", "post", "syn", OneToOne(), 0.001,
                              weight_init="0.5*w_max", plasticity=rule)])
    ds = numpy_sim.simulate(net, None, Protocol([[]], duration=1.2, dt=DT))
    w_before = ds.weight_initial.isel(sample=0, sweep=0).values
    w_after = ds.weight.isel(sample=0, sweep=0).values
    np.testing.assert_allclose(w_before, 0.5)
    assert list(ds.pre.values) == [0, 1] and list(ds.post.values) == [0, 1]
    for cell in (0, 1):
        post_t = schema.spike_times(ds, population="post", cell=cell)
        assert post_t.size == n_pairs
        pre_t = pre_times[cell * n_pairs:(cell + 1) * n_pairs]
        expected = _triplet_reference(pre_t * 1e3, post_t * 1e3, rule, 0.5)
        assert w_after[cell] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert w_after[0] - 0.5 > 0.01  # pre-before-post at 20 Hz potentiates
    assert w_after[0] > w_after[1]


# --------------------------------------------------------------------------- standalone
@pytest.fixture(scope="module")
def song_standalone(tmp_path_factory):
    """Song, Miller & Abbott (2000), shortened: 50 s at twice the published learning rate;
    sample 1 gets silent inputs. One cpp_standalone build, two runs through run_args."""
    if not Brian2Simulator.target_available("cpp_standalone"):
        pytest.skip(Brian2Simulator.target_unavailable_reason("cpp_standalone"))
    build_dir = tmp_path_factory.mktemp("song-build")
    proto = Protocol([[]], duration=50.0, dt=DT, sampling_interval=0.1, seed=2)
    sim = Brian2Simulator("cpp_standalone", build_dir=build_dir)
    return sim.simulate(song_stdp(A_pre=0.02), {"inputs.rate": [15.0, 0.0]}, proto), build_dir


@pytest.mark.slow
def test_standalone_reuses_one_build_for_all_parameter_sets(song_standalone):
    ds, build_dir = song_standalone
    schema.assert_conforms(ds)
    assert ds.attrs["target"] == "cpp_standalone"
    assert ds.attrs["standalone_builds"] == 1 and ds.attrs["standalone_runs"] == 2
    assert (build_dir / "main").exists()
    # Sample 1's silent inputs (set through run_args) leave the weights where they started;
    # the two samples start from different random weights (per-sample seeds).
    w0, w = ds.weight_initial.values[:, 0], ds.weight.values[:, 0]
    np.testing.assert_array_equal(w[1], w0[1])
    assert not np.array_equal(w0[0], w0[1])
    assert ds.rate.isel(sample=1).sum() == 0 and ds.rate.isel(sample=0).mean() > 1.0


@pytest.mark.slow
def test_song_stdp_ends_bimodal(song_standalone):
    ds, _ = song_standalone
    w_max = 0.1
    before = np.histogram(ds.weight_initial.values[0, 0] / w_max, bins=10, range=(0, 1))[0]
    after = np.histogram(ds.weight.values[0, 0] / w_max, bins=10, range=(0, 1.0000001))[0]
    assert ds.weight.attrs["units"] == "nS"
    # Uniform start; the end piles up at both bounds with a dip in the middle.
    assert before.max() < 1.5 * before.min()
    assert min(after[0], after[-1]) > 1.5 * max(after[4], after[5])


@pytest.mark.gpu
@pytest.mark.slow
def test_cuda_standalone_matches_numpy_where_brian2cuda_is_installed(numpy_sim, tmp_path):
    if not Brian2Simulator.target_available("cuda_standalone"):
        pytest.skip(Brian2Simulator.target_unavailable_reason("cuda_standalone"))
    proto = step_protocol([0.4], 0.01, 0.09, 0.1, DT)
    a = Brian2Simulator("cuda_standalone", build_dir=tmp_path).simulate(LIF, {"E_L": [-70.0, -65.0]}, proto)
    b = numpy_sim.simulate(LIF, {"E_L": [-70.0, -65.0]}, proto)
    assert a.attrs["target"] == "cuda_standalone"
    np.testing.assert_allclose(a.membrane_potential.values, b.membrane_potential.values, atol=1e-6)


def test_unavailable_target_is_refused_with_its_reason():
    reason = Brian2Simulator.target_unavailable_reason("cuda_standalone")
    if not reason:
        pytest.skip("brian2cuda is installed here")
    with pytest.raises(BackendError, match="cuda_standalone.*not available"):
        Brian2Simulator("cuda_standalone")
