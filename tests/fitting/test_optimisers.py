"""Optimiser state as data: written with to_state, through JSON and back, an optimiser asks
exactly what the uninterrupted one asks (CMA-ES with flat generations, DE, Sobol)."""

import json
import warnings

import numpy as np
import pytest

from neurokit.fitting.optimisers import make_optimiser, optimiser_from_state


def _to_unbounded(u):
    return 4.0 * u - 2.0


def _score(z, generation):
    # every third generation is flat (all equal), which cma answers by widening sigma
    return np.ones(len(z)) if generation % 3 == 2 else np.round(np.sum((z - 0.7) ** 2, axis=1), 2)


def _through_json(state):
    def plain(v):
        if isinstance(v, np.ndarray):
            return {"__nd__": v.tolist()}
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    def back(v):
        if isinstance(v, dict):
            return np.array(v["__nd__"]) if set(v) == {"__nd__"} else {k: back(x) for k, x in v.items()}
        if isinstance(v, list):
            return [back(x) for x in v]
        return v

    return back(json.loads(json.dumps(plain(state))))


@pytest.mark.parametrize("method", ["cmaes", "de", "sobol"])
@pytest.mark.parametrize("stop", [0, 1, 7])
def test_state_round_trip_continues_identically(method, stop):
    x0 = np.zeros((2, 3))
    a = make_optimiser(method, 3, _to_unbounded, x0, seed=5, popsize=8, islands=2)
    for g in range(stop):
        z = a.ask()
        a.tell(z, _score(z, g))
    b = optimiser_from_state(_through_json(a.to_state()), _to_unbounded)
    for g in range(stop, stop + 12):
        za, zb = a.ask(), b.ask()
        np.testing.assert_array_equal(za, zb)
        a.tell(za, _score(za, g))
        b.tell(zb, _score(zb, g))


def test_sobol_points_are_scipys_and_are_read_back_bit_identical(tmp_path, monkeypatch):
    from scipy.stats import qmc

    from neurokit.fitting.optimisers import sobol_points

    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 3 points: not a power of 2
        ref = qmc.Sobol(5, scramble=True, seed=3).random(3)
    first = sobol_points(5, 3, 3)
    assert list((tmp_path / "sobol").glob("*.json"))
    again = sobol_points(5, 3, 3)
    assert np.array_equal(first, ref) and np.array_equal(again, ref)


def test_cma_is_imported_without_matplotlib_and_scipy_stats():
    import subprocess
    import sys

    code = ("import sys; from neurokit.fitting.optimisers import _import_cma; cma = _import_cma(); "
            "print([m for m in ('matplotlib', 'scipy.stats') if m in sys.modules]); "
            "import matplotlib, scipy.stats; print(cma.CMAEvolutionStrategy([0.0, 0.0], 1.0, {'verbose': -9}).popsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "6"]  # neither loaded by cma; both still importable afterwards
