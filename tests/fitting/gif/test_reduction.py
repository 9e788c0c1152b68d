import numpy as np
import pytest

from neurokit.fitting.gif import exponential_fit, hard_threshold_mV, log_spaced_basis, to_point_gif


def test_exponential_fit_of_an_exponential_kernel():
    b = log_spaced_basis(0.5, 1e-3, 1.0, 7.0)
    e = np.asarray(b.edges_s)
    coef = 2.0 * np.exp(-0.5 * (e[1:] + e[:-1]) / 0.04)
    amp, tau = exponential_fit(b, coef)
    assert tau == pytest.approx(0.04, rel=0.15)
    assert amp == pytest.approx(2.0, rel=0.2)


def test_point_gif_parameters_have_the_model_units(true_gif):
    from neurokit.models.point import GIF

    p = to_point_gif(true_gif, tau_s=1e-3)
    units = {q.name: q.unit for q in GIF.parameters}
    assert set(p) == set(units)
    assert all(p[k][1] == units[k] for k in p)
    assert p["V_T0"][0] == pytest.approx(hard_threshold_mV(true_gif, 1e-3))
    assert p["b"][0] > 0 and p["delta_theta"][0] > 0
