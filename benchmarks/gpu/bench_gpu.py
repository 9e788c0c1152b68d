"""GPU vs C target of the native engine, in one run on one machine.

1. HH batches (Traub-Miles, exponential Euler, dt 0.025 ms; neuron i driven by 0.7 nA*i/N, as in
   benchmarks/hh_batch.py) of 1e4 to 1e7 neurons, shorter simulated time for the largest;
   CUDA in float32 and float64, the C target (all cores) on the same sizes.
2. A batch of 1e4 AdEx parameter sets on the protocol of 171116sh_0018.abf (17 sweeps x 3 s,
   dt 0.1 ms), CUDA vs C.
3. Spiking network: 1000 runs (parameter sets) of a 100-cell CUBA network (0.2 s, dt 0.1 ms),
   one GPU thread per run (float64) vs the C loop's OpenMP threads over runs (all cores);
   spike totals of both (the same runs: equal counts expected).

Prints and writes a Markdown table (neuron-steps/s, ratio GPU/C, spike counts); times are
medians of ``--repeats`` runs of whole ``simulate`` calls after one warm-up (compile
excluded); the kernel-only time of the GPU is shown beside it.

Usage: python benchmarks/gpu/bench_gpu.py [--out results.md] [--sizes 1e4,1e5,1e6,1e7] [--repeats 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from neurokit.backends.native import NativeSimulator  # noqa: E402
from neurokit.models.point import ADEX, HH  # noqa: E402
from neurokit.params import Parameter  # noqa: E402
from neurokit.protocols import Protocol  # noqa: E402

# HH with a per-neuron constant current as a parameter (the protocol's currents are per sweep).
HH_IEXT = dataclasses.replace(
    HH, name="hh_iext",
    equations=HH.equations.replace("+ I_stim)/C", "+ I_ext)/C").replace("I_stim : amp", "I_ext : amp"),
    parameters=HH.parameters + (Parameter("I_ext", "nA", (0.0, 1.0), 0.0),))
SIM_TIME = {10_000: 0.2, 100_000: 0.2, 1_000_000: 0.1, 10_000_000: 0.02}


def timed(sim, model, params, proto, repeats):
    sim.simulate(model, params, proto)  # warm-up: compile, load
    walls, kernels, ds = [], [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        ds = sim.simulate(model, params, proto)
        walls.append(time.perf_counter() - t0)
        kernels.append(getattr(sim, "last_kernel_s", float("nan")))
    return statistics.median(walls), statistics.median(kernels), ds


def hh_rows(sizes, repeats):
    rows = []
    for n in sizes:
        T = SIM_TIME.get(n, 0.02)
        proto = Protocol([[]], duration=T, dt=0.025e-3, record=())
        params = {"I_ext": 0.7 * np.arange(n) / n}
        steps = n * proto.n_steps
        c_wall, _, c = timed(NativeSimulator(device="cpu", max_rate=300.0), HH_IEXT, params, proto, repeats)
        row = {"case": f"HH N={n:.0e} T={T}s", "C": steps / c_wall, "C spikes": c.sizes["spike"]}
        for dtype in ("float32", "float64"):
            g_wall, g_kernel, g = timed(NativeSimulator(device="cuda", dtype=dtype, max_rate=300.0),
                                        HH_IEXT, params, proto, repeats)
            row[dtype] = steps / g_wall
            row[f"{dtype} kernel"] = steps / g_kernel
            row[f"{dtype} spikes"] = g.sizes["spike"]
        rows.append(row)
        print(row, flush=True)
    return rows


def adex_row(repeats):
    from neurokit.io import load_recording

    rec = load_recording(ROOT / "data/recordings/pyabf/171116sh_0018.abf")
    proto = Protocol.from_recording(rec, dt=1e-4, record=())
    params = ADEX.space.sample(10_000, "sobol", seed=0)
    steps = 10_000 * proto.n_sweeps * proto.n_steps
    c_wall, _, c = timed(NativeSimulator(device="cpu", max_rate=200.0), ADEX, params, proto, repeats)
    row = {"case": "AdEx 1e4 sets x 17 sweeps x 3 s", "C": steps / c_wall, "C spikes": c.sizes["spike"]}
    for dtype in ("float32", "float64"):
        g_wall, g_kernel, g = timed(NativeSimulator(device="cuda", dtype=dtype, max_rate=200.0), ADEX, params, proto, repeats)
        row[dtype], row[f"{dtype} kernel"], row[f"{dtype} spikes"] = steps / g_wall, steps / g_kernel, g.sizes["spike"]
    print(row, flush=True)
    return row


def net_row(repeats, runs=1000, cells=100):
    from neurokit.models.benchmark_networks import cuba

    net = cuba(cells)
    params = {"P.V_th": np.linspace(-52.0, -48.0, runs)}
    proto = Protocol([[]], duration=0.2, dt=1e-4, record=(), seed=1)
    c_wall, _, c = timed(NativeSimulator(device="cpu", target="c"), net, params, proto, repeats)
    g_wall, _, g = timed(NativeSimulator(device="cuda"), net, params, proto, repeats)
    text = (f"| CUBA {cells} cells x {runs} runs, 0.2 s | C {c_wall:.3f} s | CUDA {g_wall:.3f} s "
            f"| CUDA / C speed {c_wall / g_wall:.2f}x | spikes C / CUDA {c.sizes['spike']} / {g.sizes['spike']} |")
    print(text, flush=True)
    return text


def table(rows, device: str) -> str:
    head = ("| case | C (all cores) | CUDA float32 | float32 kernel only | CUDA float64 | float64 kernel only "
            "| float32 / C | float64 / C | spikes C / f64 / f32 |\n|---|---|---|---|---|---|---|---|---|\n")
    lines = [f"| {r['case']} | {r['C']:.2e} | {r['float32']:.2e} | {r['float32 kernel']:.2e} | {r['float64']:.2e} "
             f"| {r['float64 kernel']:.2e} | {r['float32'] / r['C']:.1f}x | {r['float64'] / r['C']:.1f}x "
             f"| {r['C spikes']} / {r['float64 spikes']} / {r['float32 spikes']} |" for r in rows]
    return (f"Device: {device}; host: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs. "
            "Neuron-steps/s of whole simulate calls (median), kernel-only beside.\n\n" + head + "\n".join(lines) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1e4,1e5,1e6,1e7")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=None)
    ap.add_argument("--skip-adex", action="store_true")
    ap.add_argument("--skip-net", action="store_true")
    ap.add_argument("--net-runs", type=int, default=1000)
    a = ap.parse_args(argv)
    import cupy

    device = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
    rows = hh_rows([int(float(s)) for s in a.sizes.split(",")], a.repeats)
    if not a.skip_adex:
        rows.append(adex_row(a.repeats))
    text = table(rows, device)
    if not a.skip_net:
        text += "\nSpiking network (whole simulate calls, median):\n\n" + net_row(a.repeats, a.net_runs) + "\n"
    print(text)
    if a.out:
        Path(a.out).write_text(text)


if __name__ == "__main__":
    main()
