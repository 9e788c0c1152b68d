"""NEURON vs the native engine: the same one-compartment Traub-Miles HH cell agrees.

NEURON runs ``mechanisms/nk_hh_traub.mod`` in one 20000 um2 compartment
(:func:`neurokit.models.cell.single_compartment_hh`); the native engine runs
:data:`neurokit.models.point.HH` (Brian2's COBAHH equations). Both integrate with first-order
schemes that differ (NEURON: backward Euler for v with staggered gates; native: exponential
Euler), so spike times drift apart by a fraction of a millisecond per few spikes at
dt = 10 us; the subthreshold traces agree to hundredths of a mV.
"""

from __future__ import annotations

import numpy as np
import pytest

from neurokit import schema
from neurokit.models.cell import single_compartment_hh
from neurokit.models.point import HH
from neurokit.protocols import step_protocol

# The only reason to skip: NEURON cannot be imported (installed but broken must fail).
pytest.importorskip("neuron", reason="NEURON is not installed")

native = pytest.importorskip("neurokit.backends.native",
                             reason="the native engine (neurokit.backends.native) is not importable")


@pytest.fixture(scope="module")
def pair():
    from neurokit.backends.neuron import NeuronSimulator

    proto = step_protocol([0.02, 0.5, 1.0], start=0.01, stop=0.06, duration=0.08, dt=1e-5,
                          sampling_interval=2e-5)
    ours = native.NativeSimulator().simulate(HH, {}, proto)
    with NeuronSimulator() as sim:
        theirs = sim.simulate(single_compartment_hh(), {}, proto)
    return proto, ours, theirs


def test_parameters_are_the_same_cell():
    # HH's conductances (nS, pF) over 20000 um2 are the mechanism's densities (S/cm2, uF/cm2).
    area_cm2 = 20000e-8
    point = HH.defaults()
    cell = single_compartment_hh().defaults()
    assert point["g_Na"] * 1e-9 / area_cm2 == pytest.approx(cell["gnabar_nk_hh_traub.soma"])
    assert point["g_K"] * 1e-9 / area_cm2 == pytest.approx(cell["gkbar_nk_hh_traub.soma"])
    assert point["g_L"] * 1e-9 / area_cm2 == pytest.approx(cell["g_nk_leak.soma"])
    assert point["C"] * 1e-12 / area_cm2 * 1e6 == pytest.approx(cell["cm.soma"])
    assert point["V_T"] == cell["vT_nk_hh_traub.soma"] and point["E_L"] == cell["e_nk_leak.soma"]


def test_same_spike_counts(pair):
    _, ours, theirs = pair
    for k in range(3):
        a = schema.spike_times(ours, sample=0, sweep=k)
        b = schema.spike_times(theirs, sample=0, sweep=k)
        assert a.size == b.size, f"sweep {k}: native {a.size} spikes, NEURON {b.size}"
        if a.size:
            assert np.max(np.abs(a - b)) < 1e-3  # s


def test_traces_agree(pair):
    proto, ours, theirs = pair
    va = ours.membrane_potential.isel(sample=0).values
    vb = theirs.membrane_potential.isel(sample=0).values
    t = proto.recorded_time()
    dv = np.abs(va - vb)
    for k in range(3):
        spikes = schema.spike_times(theirs, sample=0, sweep=k)
        quiet = t < (spikes[0] - 1e-3 if spikes.size else t[-1] + 1)
        assert dv[k, quiet].max() < 0.05, f"sweep {k}: max |dV| {dv[k, quiet].max():.3f} mV before the first spike"
        assert np.median(dv[k]) < 1.0, f"sweep {k}: median |dV| {np.median(dv[k]):.3f} mV"
