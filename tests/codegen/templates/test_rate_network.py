"""The rate-network template: generated C against its NumPy twin for every transfer function
and learning rule."""

from __future__ import annotations

import numpy as np
import pytest

from neurokit.backends.native import NativeSimulator
from neurokit.models.rate_networks import GaussianInput, PatternInput, Plasticity, RateNetwork
from neurokit.protocols import Protocol, Step


def _agree(model, params, prot, names, atol):
    c = NativeSimulator(target="c").simulate(model, params, prot)
    ref = NativeSimulator(target="numpy").simulate(model, params, prot)
    for name in names:
        np.testing.assert_allclose(c[name].values, ref[name].values, rtol=0, atol=atol, err_msg=name)
    return c


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


def test_unknown_transfer_is_refused():
    from neurokit.codegen.templates.rate_network import net_source

    with pytest.raises(Exception, match="unknown transfer"):
        net_source("tanh", "oja")
