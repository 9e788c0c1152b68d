"""The spiking STDP network: generated C against its NumPy twin, learning and responses."""

import numpy as np

from neurokit.learning import stdp, train
from neurokit.learning.data import load_digits
from neurokit.learning.readout import features


def test_stdp_c_matches_numpy_learning_and_response():
    x = load_digits().x_train[:8]
    hyper = {"eta": [0.05, 0.1], "theta_plus": [0.5, 0.2]}
    a = train("stdp", x, hyper, units=5, epochs=2, steps=20)
    b = train("stdp", x, hyper, units=5, epochs=2, steps=20, engine="numpy")
    np.testing.assert_allclose(a["weight"], b["weight"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(a["theta"], b["theta"], rtol=0, atol=1e-10)
    np.testing.assert_array_equal(a["spikes_per_image"], b["spikes_per_image"])
    assert (a["spikes_per_image"] > 0).all()
    # rows keep their sum after each image
    np.testing.assert_allclose(a["weight"].sum("input"), 8.0)
    keys = np.array([11, 12], dtype=np.uint64)
    h = {n: a[n].values for n in stdp.STDP.names}
    args = dict(steps=15, dt=0.001)
    c = stdp.simulate_c(x[:4], a["weight"].values.copy(), a["theta"].values.copy(), h, keys, **args)
    r = stdp.simulate_reference(x[:4], a["weight"].values.copy(), a["theta"].values.copy(), h, keys, **args)
    np.testing.assert_array_equal(c, r)
    assert c.sum() > 0
    f = features(a, x[:4], steps=15)
    assert f.shape == (2, 4, 5)
