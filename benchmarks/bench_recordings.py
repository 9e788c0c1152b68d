"""What neurokit's readers and feature adapter cost over calling pyabf, igor2 and eFEL directly.

Run from the repository root: ``python benchmarks/bench_recordings.py [repeats]``. Each row
times the neurokit call and a reference doing the same work with the library alone, in the
same process, and reports medians of ``repeats`` runs and their ratio. Writes
benchmarks/results/io.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REC = os.path.join(ROOT, "data", "recordings")
FSI = os.path.join(REC, "pyabf", "2019_07_24_0055_fsi.abf")
B6 = os.path.join(REC, "bluepyefe", "B6")


def _median_time(fn, repeats: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def raw_pyabf():
    import pyabf

    abf = pyabf.ABF(FSI)
    v, c = [], []
    for k in range(abf.sweepCount):
        abf.setSweep(k)
        v.append(np.array(abf.sweepY, dtype=float))
        c.append(np.array(abf.sweepC, dtype=float) * 1e-3)
    return np.stack(v), np.stack(c)


def raw_igor2():
    from igor2 import binarywave

    files = sorted(os.listdir(B6))
    return [binarywave.load(os.path.join(B6, f))["wave"]["wData"] for f in files]


def raw_efel(ds, names):
    import efel

    t = ds["time"].values * 1e3
    traces = [{"T": t, "V": v, "stim_start": [146.85], "stim_end": [646.85]}
              for v in ds["membrane_potential"].values]
    efel.set_setting("Threshold", 0.0)
    try:
        return efel.get_feature_values(traces, names, raise_warnings=False)
    finally:
        efel.reset()


def main(repeats: int = 5) -> str:
    from neurokit import features as fx
    from neurokit.io import load_recording

    ds = load_recording(FSI)
    efel_names = [f.efel for f in fx.FEATURES.values() if f.efel]
    rows = [
        ("load 17-sweep ABF (fsi, 17 x 60000)", lambda: load_recording(FSI), raw_pyabf,
         "pyabf.ABF + setSweep loop"),
        ("load Igor folder (B6, 10 waves)", lambda: load_recording(B6), raw_igor2,
         "igor2 binarywave.load per file"),
        ("compute_features, all (fsi, 17 sweeps)", lambda: fx.compute_features(ds),
         lambda: raw_efel(ds, efel_names), "one efel.get_feature_values call, same eFEL features"),
        ("spike_count (fsi, 17 sweeps)", lambda: fx.spike_count(ds),
         lambda: raw_efel(ds, ["peak_time"]), "efel peak_time"),
    ]
    lines = [
        "# Recordings and features: neurokit vs the bare libraries",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, shared with other jobs "
        f"(load average {os.getloadavg()[0]:.1f} at start); Python {platform.python_version()}; "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Medians of {repeats} runs after one "
        "warm-up, produced by `python benchmarks/bench_recordings.py`.",
        "",
        "| task | neurokit (s) | reference (s) | ratio | reference |",
        "|---|---|---|---|---|",
    ]
    for label, ours, ref, ref_label in rows:
        a, b = _median_time(ours, repeats), _median_time(ref, repeats)
        lines.append(f"| {label} | {a:.3f} | {b:.3f} | {a / b:.2f} | {ref_label} |")
    lines += [
        "",
        "What the extra time buys: unit conversion through Brian2's units and schema checks "
        "(readers); step-epoch detection, a second eFEL pass over a cropped trace for "
        "spike-shape features, settings isolation and NaN masking (features).",
        "",
    ]
    out = os.path.join(ROOT, "benchmarks", "results", "io.md")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        fh.write("\n".join(lines))
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
