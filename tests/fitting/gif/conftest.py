"""A synthetic GIF recording: escape-noise simulation of known parameters under OU current."""

from __future__ import annotations

import numpy as np
import pytest

from gif_synthetic import DT, KERNEL, ou_current


@pytest.fixture(scope="session")
def true_gif():
    from neurokit.fitting.gif import GIFResult, log_spaced_basis

    basis = log_spaced_basis(KERNEL["eta_length_s"], KERNEL["min_width_s"], 1.0, KERNEL["slope"])
    edges = np.asarray(basis.edges_s)
    mid = 0.5 * (edges[1:] + edges[:-1])
    return GIFResult(C_pF=150.0, g_L_nS=7.5, E_L_mV=-65.0, V_reset_mV=-55.0, t_ref_s=4e-3,
                     V_T_mV=-50.0, DeltaV_mV=1.5, eta_basis=basis, eta_nA=0.06 * np.exp(-mid / 0.05),
                     gamma_basis=basis, gamma_mV=6.0 * np.exp(-mid / 0.03))


@pytest.fixture(scope="session")
def gif_recording(true_gif):
    """Two 10-s sweeps of the true model (one repeat), as a (sweep, time) recording."""
    from neurokit.fitting.gif import simulate_gif

    n = int(round(10.0 / DT))
    cur = np.stack([ou_current(n, 0.12, 0.08, 3e-3, 0), ou_current(n, 0.15, 0.08, 3e-3, 1)])
    return simulate_gif(true_gif, cur, DT, seed=3, n_repeats=1).isel(sample=0)
