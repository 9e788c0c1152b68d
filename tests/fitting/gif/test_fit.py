import numpy as np
import pytest

from neurokit.errors import FitConfigError
from neurokit.fitting.gif import evaluate_gif, fit_gif

from gif_synthetic import KERNEL


@pytest.fixture(scope="module")
def fitted(gif_recording):
    return fit_gif(gif_recording, [0, 1], **KERNEL)


def test_recovers_known_parameters(fitted, true_gif):
    for name in ("C_pF", "g_L_nS", "E_L_mV"):
        assert getattr(fitted, name) == pytest.approx(getattr(true_gif, name), rel=0.05), name
    assert fitted.DeltaV_mV == pytest.approx(true_gif.DeltaV_mV, rel=0.10)
    assert fitted.V_T_mV == pytest.approx(true_gif.V_T_mV, rel=0.10)
    assert fitted.V_reset_mV == pytest.approx(true_gif.V_reset_mV, abs=0.1)
    assert np.allclose(fitted.eta_nA, true_gif.eta_nA, atol=0.005)
    assert fitted.n_spikes > 50 and np.isfinite(fitted.log_likelihood) and fitted.bits_per_spike > 0


def test_same_input_same_result(fitted, gif_recording):
    again = fit_gif(gif_recording, [0, 1], **KERNEL)
    a, b = fitted.to_dict(), again.to_dict()
    for d in (a, b):
        d.pop("fit_time_s")
    assert a == b


def test_evaluate_matches_training_likelihood(fitted, gif_recording):
    scores = evaluate_gif(fitted, gif_recording, [0, 1])
    assert scores["log_likelihood"] == pytest.approx(fitted.log_likelihood, rel=1e-9)
    assert scores["subthreshold_rms_mV"] == pytest.approx(fitted.subthreshold_rms_mV, rel=1e-9)


def test_no_spikes_is_a_typed_error(gif_recording):
    quiet = gif_recording.copy()
    quiet["membrane_potential"] = quiet["membrane_potential"].clip(max=-40.0)
    with pytest.raises(FitConfigError, match="no spikes"):
        fit_gif(quiet, [0, 1], **KERNEL)


def test_too_few_samples_is_a_typed_error(gif_recording):
    with pytest.raises(FitConfigError, match="too few"):
        fit_gif(gif_recording.isel(time=slice(0, 200)), [0], **KERNEL)


def test_bad_sweeps_and_settings(gif_recording):
    with pytest.raises(FitConfigError, match="out of range"):
        fit_gif(gif_recording, [5])
    with pytest.raises(FitConfigError, match="t_ref_s"):
        fit_gif(gif_recording, [0], t_ref_s=0.0)
    with pytest.raises(FitConfigError, match="stimulus_current"):
        fit_gif(gif_recording.drop_vars("stimulus_current"), [0])
