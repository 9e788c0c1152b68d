"""1 vs 2 Dask workers for a native (point-neuron) batch and a NEURON (compartmental) batch.

Each batch is split into chunks (one ``simulate`` call each) and run on a LocalCluster of 1 or
2 single-threaded worker processes. Worker start-up, mechanism loading, cell building and the
first (compiling) call are left out: each cluster runs the batch once untimed, then
``--repeats`` timed runs; medians are reported, with the in-process run of the same batch as
the reference (ratio = in-process time / Dask time; 2.0 would be perfect scaling on two cores).

    python benchmarks/dask_workers.py                 # full sizes, prints a Markdown table
    python benchmarks/dask_workers.py --write         # ... and writes benchmarks/results/dask.md
    python benchmarks/dask_workers.py --quick         # small sizes, a smoke test

The machine's load average is recorded before and after, since timings on a shared machine
are only comparable to runs made under the same load.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import xarray as xr

RESULTS = Path(__file__).resolve().parent / "results" / "dask.md"


def workloads(quick: bool):
    """(label, backend, backend_options, model, params, protocol, chunks per worker)."""
    from neurokit.models.cell import single_compartment_hh
    from neurokit.models.point import ADEX
    from neurokit.protocols import OUNoise, Protocol, Step, step_protocol

    n_native = 64 if quick else 512
    native_proto = Protocol([[Step(0.5, 0.1, 0.9)], [Step(0.3, 0.1, 0.9), OUNoise(0.1, 0.15, 0.005)]],
                            duration=1.0, dt=1e-4, sampling_interval=1e-3, seed=1)
    adex = ADEX.space.sample(n_native, "sobol", seed=1)
    cell = single_compartment_hh()
    n_cell = 16 if quick else 64
    cell_proto = step_protocol([0.05, 0.1], 0.02, 0.18, 0.2, 2.5e-5, sampling_interval=1e-4)
    cells = cell.space.sample(n_cell, "sobol", seed=1)
    return [
        (f"native AdEx, {n_native} samples x 2 sweeps x 1 s (dt 0.1 ms)", "native", {"threads": 1},
         ADEX, adex, native_proto, 4),
        (f"NEURON 1-compartment HH, {n_cell} samples x 2 sweeps x 0.2 s (dt 25 us)", "neuron", {},
         cell, cells, cell_proto, 4),
    ]


def deviation(out: xr.Dataset, ref: xr.Dataset) -> float:
    """Largest |difference| of membrane potential (mV) from the in-process result: 0.0 when the
    chunked run is bit-identical, as it should be; a wrong result (over 1 mV) stops the script."""
    if out.equals(ref):
        return 0.0
    diff = float(np.nanmax(np.abs(out["membrane_potential"].values - ref["membrane_potential"].values)))
    if not diff < 1.0:
        raise AssertionError(f"chunked result differs from the in-process one by {diff} mV")
    return diff


def _spin(n: int) -> float:
    t0 = time.perf_counter()
    x = 0.0
    for i in range(n):
        x += i * 0.5
    return time.perf_counter() - t0


def parallel_capacity(n: int = 10_000_000) -> float:
    """How many cores this job really gets now: the speed-up of two plain processes splitting a
    pure-Python loop over one process doing all of it (2.0 = two free cores, 1.0 = one)."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # start both processes first
        one = statistics.median(pool.apply(_spin, (n,)) for _ in range(3))
        two = []
        for _ in range(3):
            t0 = time.perf_counter()
            pool.map(_spin, [n // 2, n // 2], chunksize=1)
            two.append(time.perf_counter() - t0)
    return one / statistics.median(two)


def cpu_clock(executor=None):
    """Cumulative CPU seconds of this process plus, with a Dask executor, of its workers: the
    work a run costs, which (unlike wall time) other jobs on a shared machine do not inflate."""
    if executor is None:
        return time.process_time
    return lambda: time.process_time() + sum(executor.client.run(time.process_time).values())


def interleaved(runs: dict, clocks: dict, repeats: int) -> tuple[dict, dict]:
    """Median wall and CPU time of each named run, timed in rounds (one of each per round), so
    that a change of the machine's load during the benchmark affects every run alike."""
    wall = {name: [] for name in runs}
    cpu = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            c0 = clocks[name]()
            t0 = time.perf_counter()
            fn()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(clocks[name]() - c0)
    return ({name: statistics.median(ts) for name, ts in wall.items()},
            {name: statistics.median(ts) for name, ts in cpu.items()})


def bench(quick: bool, repeats: int) -> list[dict]:
    from neurokit.backends.base import backend_class
    from neurokit.parallel import run_batch
    from neurokit.parallel.dask import DaskExecutor

    rows = []
    for label, backend, options, model, params, protocol, per_worker in workloads(quick):
        cls = backend_class(backend)
        if not cls.is_available():
            rows.append({"label": label, "skipped": cls.unavailable_reason()})
            continue
        sim = cls(**options)
        ref = sim.simulate(model, params, protocol)  # builds/compiles/loads: untimed
        runs = {"inprocess": lambda: sim.simulate(model, params, protocol)}
        clocks = {"inprocess": cpu_clock()}
        warm = [(backend, model)] if backend == "neuron" else [backend]
        executors = {n: DaskExecutor(workers=n, warm=warm).start() for n in (1, 2)}
        deviations = []
        try:
            for n, ex in executors.items():
                def run(ex=ex, n=n):
                    return run_batch(backend, model, params, protocol, executor=ex,
                                     chunks=per_worker * n, backend_options=options)

                diff = deviation(run(), ref)  # the first run (untimed) also checks the result
                deviations.append(diff)
                runs[n] = run
                clocks[n] = cpu_clock(ex)
            medians, cpu = interleaved(runs, clocks, repeats)
        finally:
            for ex in executors.values():
                ex.close()
        row = {"label": label, "inprocess": medians["inprocess"], "dask": {1: medians[1], 2: medians[2]},
               "deviation": max(deviations), "cpu": cpu}
        rows.append(row)
        print(_row_text(row), flush=True)
    return rows


def _row_text(row: dict) -> str:
    if "skipped" in row:
        return f"| {row['label']} | skipped: {row['skipped']} | | | | | | |"
    t1, t2 = row["dask"][1], row["dask"][2]
    c = row["cpu"]
    dev = "identical" if row["deviation"] == 0.0 else f"{row['deviation']:.1e} mV"
    return (f"| {row['label']} | {row['inprocess']:.2f} | {t1:.2f} | {t2:.2f} | "
            f"{row['inprocess'] / t2:.2f} | {t1 / t2:.2f} | "
            f"{c['inprocess']:.2f} / {c[1]:.2f} / {c[2]:.2f} | {dev} |")


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu"


def report(rows: list[dict], load_before, load_after, repeats: int, quick: bool,
           capacity=(float("nan"), float("nan"))) -> str:
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Dask workers: 1 vs 2 on one machine",
        "",
        f"Machine: {os.cpu_count()}-core {platform.machine()} ({cpu_name()}), shared; "
        f"Python {platform.python_version()}; {date}.",
        f"Load average (1/5/15 min) before: {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f}, "
        f"after: {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}. "
        f"Parallel capacity (2 plain processes vs 1 on a pure-Python loop; 2.0 = two free cores): "
        f"{capacity[0]:.2f} before, {capacity[1]:.2f} after: the best 2 workers could do.",
        f"Medians of {repeats} rounds{' (quick sizes)' if quick else ''}, each round timing the "
        "in-process run, "
        "1 worker and 2 workers one after another (so load changes hit all three alike); worker start-up, "
        "mechanism loading, cell building and compilation excluded (both clusters started and warmed first). "
        "Each worker is one process with one thread (native: 1 OpenMP thread); chunks = 4 per worker. "
        "Speed-up = in-process / Dask (wall). CPU s = CPU time of the calling process plus all "
        "workers per batch (load-independent: the cost of the work plus Dask's overhead).",
        "Reproduce: `python benchmarks/dask_workers.py --write`.",
        "",
        "| batch | in-process (s) | Dask 1 worker (s) | Dask 2 workers (s) "
        "| speed-up 2 workers vs in-process | 1 worker / 2 workers | CPU s: in-process / 1 / 2 workers "
        "| result vs in-process |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row_text(r) for r in rows]
    lines += ["", "The last column compares each cluster's gathered result with the in-process run "
                  "(identical = xarray equality; otherwise the largest membrane-potential difference)."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    logging.getLogger("distributed").setLevel(logging.ERROR)  # cluster chatter is not the result
    load_before = os.getloadavg()
    cap_before = parallel_capacity()
    rows = bench(args.quick, args.repeats)
    cap_after = parallel_capacity()
    text = report(rows, load_before, os.getloadavg(), args.repeats, args.quick, (cap_before, cap_after))
    print(text)
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
