"""The compiled network loop's float32 option: the same network statistics as float64, in a
library of its own; unknown types are refused by name."""

from __future__ import annotations

import pytest

from neurokit.backends.native.network import build
from neurokit.codegen.templates.network import source
from neurokit.codegen.templates.network_run import compile_network, run_c
from neurokit.errors import BackendError
from neurokit.models.benchmark_networks import cuba
from neurokit.protocols import Protocol


def _cuba(seed=1):
    return build(cuba(1000), None, Protocol([[]], duration=0.5, dt=1e-4, record=(), seed=seed))


def test_float32_states_give_the_float64_rate():
    spec, arr, _ = _cuba()
    assert "float *X0" in source(spec, "float32") and "double *X0" in source(spec)
    assert compile_network(spec, "float32") is not compile_network(spec)
    # CUBA is chaotic: one seed's count moves by several % with any rounding change; 3 seeds
    n64 = n32 = 0
    for seed in (1, 2, 3):
        spec, arr, _ = _cuba(seed)
        n64 += run_c(spec, arr, threads=1)[1][0].shape[0]
        n32 += run_c(spec, arr, threads=1, dtype="float32")[1][0].shape[0]
    assert n64 > 3000 and abs(n32 - n64) < 0.1 * n64


def test_unknown_dtype_is_refused_by_name():
    spec, _, _ = _cuba()
    with pytest.raises(BackendError, match="float16"):
        source(spec, "float16")
