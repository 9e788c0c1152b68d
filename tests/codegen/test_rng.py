"""The one counter-based generator: NumPy (neurokit.rng) against the C of neurokit.codegen.rng,
and the statistics of its normals."""

from __future__ import annotations

import ctypes

import numpy as np
from scipy import stats

from neurokit import rng
from neurokit.codegen.rng import NORMAL2_C, RNG_C


def test_counter_based_normals_are_standard_normal_and_keyed():
    key = np.uint64(1234567)
    z0, z1 = rng.normal2(key, np.arange(50_000, dtype=np.uint64))
    z = np.concatenate([z0, z1])
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert abs(np.corrcoef(z0, z1)[0, 1]) < 0.02
    other, _ = rng.normal2(np.uint64(1234568), np.arange(50_000, dtype=np.uint64))
    assert abs(np.corrcoef(z0, other)[0, 1]) < 0.02
    np.testing.assert_array_equal(z0, rng.normal(key, np.arange(50_000, dtype=np.uint64)))
    u = rng.u01(key, np.arange(10_000, dtype=np.uint64))
    assert u.min() > 0 and u.max() <= 1


def test_point_model_scheme_is_the_one_scheme():
    from neurokit.codegen import runtime

    key, ctr = np.uint64(99), np.arange(100, dtype=np.uint64)
    z = rng.mix64(key + ctr * rng.GOLDEN)
    np.testing.assert_array_equal(rng.u01(key, ctr), ((z >> np.uint64(11)).astype(float) + 1.0) / 2.0**53)
    assert runtime.uniform is rng.u01 and runtime.normal is rng.normal


def test_c_and_numpy_draw_the_same_numbers(tmp_path, monkeypatch):
    from neurokit.codegen.build import build

    monkeypatch.setenv("NEUROKIT_CACHE_DIR", str(tmp_path))
    src = ("#include <math.h>\n#include <stdint.h>\n" + RNG_C + NORMAL2_C + """
void draw(uint64_t key, int64_t n, double *u, double *z0, double *z1) {
    for (int64_t c = 0; c < n; c++) { u[c] = nk_uniform(key, c); nk_normal2(key, c, z0[c], z1[c]); }
}
""")
    lib = build(src, name="rng_check")
    n, key = 1000, np.uint64(2024)
    u, z0, z1 = np.empty(n), np.empty(n), np.empty(n)
    ptr = ctypes.POINTER(ctypes.c_double)
    lib.draw(ctypes.c_uint64(int(key)), ctypes.c_int64(n), u.ctypes.data_as(ptr), z0.ctypes.data_as(ptr),
             z1.ctypes.data_as(ptr))
    ctr = np.arange(n, dtype=np.uint64)
    np.testing.assert_array_equal(u, rng.u01(key, ctr))
    r0, r1 = rng.normal2(key, ctr)
    np.testing.assert_allclose(z0, r0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(z1, r1, rtol=0, atol=1e-12)
