"""CUBA (Vogels & Abbott 2005; Brian2's example) on the native engine vs Brian2 cpp_standalone.

Both in one process and one run of this script, on the same machine state:

- native: ``cuba(n)`` from :mod:`neurokit.models.benchmark_networks`, one run per seed; timed
  is the compiled network loop alone (:func:`neurokit.codegen.templates.network_run.run_c`,
  one thread), after a first call that compiles it, by wall clock and by the thread's CPU
  time; the whole ``simulate`` (connectivity, initial values, dataset) is reported beside it.
- Brian2 on the same equations: ``cuba(n)`` through neurokit's Brian2 backend objects in
  ``cpp_standalone`` (same timing as below).
- Brian2: Brian2's own CUBA example in ``cpp_standalone`` mode (single thread, Brian2's
  default flags), built once in a temporary folder; timed is each run of the compiled binary
  (``device.run``, a fresh random network per run since no seed is set), by wall clock and
  by the binary's CPU time (user + system), and Brian2's own measure of the simulation loop
  (``device._last_run_time``). CPU times are the fairer comparison on a loaded machine.

Rates: mean firing rate (all cells, whole run) per seed on each side; the native mean must
lie within the seed-to-seed spread of Brian2 on the same equations. Both of these sides keep
the connectivity of seed 1 and draw new initial values per seed (the connectivity draw alone
moves the CUBA rate by about 10 %, more than the initial values do).

    python benchmarks/network_native.py --json            # n 4000, 1 s, 3 runs each
    python benchmarks/network_native.py --n 1000 --duration 0.2 --runs 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time


def _machine() -> dict:
    from neurokit.codegen.build import compiler_identity, cpu_flags, find_compiler
    from neurokit.codegen.templates.network_run import cflags

    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    simd = sorted(f for f in cpu_flags() if f.startswith(("avx", "sse4", "fma")))
    cc = find_compiler()
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(), "simd_flags": simd,
            "compiler": compiler_identity(cc) if cc else None, "native_cflags": list(cflags()),
            "load_average_start": os.getloadavg(), "python": platform.python_version()}


def native_runs(n: int, duration: float, seeds: list[int]) -> list[dict]:
    from neurokit.backends.native import NativeSimulator
    from neurokit.backends.native.network import build
    from neurokit.codegen.templates.network_run import compile_network, run_c
    from neurokit.models.benchmark_networks import cuba
    from neurokit.protocols import Protocol

    net = cuba(n)
    out = []
    first = None
    for seed in seeds:
        proto = Protocol([[]], duration=duration, dt=1e-4, record=(), seed=seed)
        spec, arr, _ = build(net, None, proto)
        # The connectivity of the first seed in every run, as on the Brian2-backend side (one
        # standalone build, new initial values per run): rates then spread as Brian2's do.
        first = arr if first is None else first
        arr.csr, arr.weights = first.csr, first.weights
        row = {"seed": seed}
        for dtype, tag in (("float64", ""), ("float32", "_f32")):
            compile_network(spec, dtype)  # compile excluded (cached after the first seed)
            t0, c0 = time.perf_counter(), time.thread_time()
            _, spikes, _ = run_c(spec, arr, threads=1, dtype=dtype)
            row.update({f"loop{tag}_s": time.perf_counter() - t0, f"loop{tag}_cpu_s": time.thread_time() - c0,
                        f"rate{tag}_hz": spikes[0].shape[0] / (n * duration)})
        t0 = time.perf_counter()
        NativeSimulator("c", threads=1).simulate(net, None, proto)
        whole = time.perf_counter() - t0
        out.append({**row, "simulate_s": whole})
    return out


#: Both Brian2 scripts time each run of the compiled binary by wall clock and by its CPU
#: time (user + system of the finished child processes), which other jobs on a loaded
#: machine inflate less than the wall clock; the native side reports its thread's CPU time.
_CHILD_CPU = """import resource
def _child_cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime
"""


_BRIAN2 = r"""
import json, sys, time
__CHILD_CPU__
import brian2 as b2
from brian2 import mV, ms
n, duration, runs, folder = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
b2.set_device("cpp_standalone", directory=folder, build_on_run=False)
b2.defaultclock.dt = 0.1 * ms
n_e = int(round(0.8 * n)); p = min(1.0, 0.02 * 4000 / n)
ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV,
          we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV)
eqs = '''dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
         dge/dt = -ge/taue : volt
         dgi/dt = -gi/taui : volt'''
P = b2.NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact", namespace=ns)
P.v = "Vr + rand()*(Vt - Vr)"
Ce = b2.Synapses(P[:n_e], P, on_pre="ge += we", namespace=ns)
Ci = b2.Synapses(P[n_e:], P, on_pre="gi += wi", namespace=ns)
Ce.connect(p=p); Ci.connect(p=p)
mon = b2.SpikeMonitor(P)
b2.run(duration * b2.second)
t0 = time.perf_counter()
b2.device.build(directory=folder, compile=True, run=False)
compile_s = time.perf_counter() - t0
res = []
for r in range(runs):
    t0, c0 = time.perf_counter(), _child_cpu()
    b2.device.run(directory=folder, with_output=False, run_args={})
    wall, cpu = time.perf_counter() - t0, _child_cpu() - c0
    res.append({"run": r, "run_s": wall, "run_cpu_s": cpu, "brian2_loop_s": float(b2.device._last_run_time),
                "rate_hz": int(mon.num_spikes) / (n * duration)})
print("NKJSON" + json.dumps({"compile_s": compile_s, "runs": res}))
""".replace("__CHILD_CPU__", _CHILD_CPU)


_BRIAN2_BACKEND = r"""
import json, sys, time
__CHILD_CPU__
import numpy as np
from neurokit.backends.brian2.builder import NetworkObjects
from neurokit.backends.brian2.session import brian2_session
from neurokit.models.benchmark_networks import cuba
from neurokit.protocols import Protocol
from neurokit.units import brian2_module
b2 = brian2_module()
n, duration, runs, folder = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
net = cuba(n)
proto = Protocol([[]], duration=duration, dt=1e-4, record=(), seed=1)
values = net.defaults()
res = []
with brian2_session("cpp_standalone", proto.dt, build_dir=folder) as session:
    b2.seed(proto.seed)
    objects = NetworkObjects(net, proto, net.parameters(), values, net.connectivity(proto.seed), None,
                             standalone=True)
    objects.run()
    t0 = time.perf_counter()
    session.build()
    compile_s = time.perf_counter() - t0
    for r in range(runs):
        t0, c0 = time.perf_counter(), _child_cpu()
        session.run(objects.run_args(values, r + 1, None))
        wall, cpu = time.perf_counter() - t0, _child_cpu() - c0
        mon = objects.spike_mons[net.populations[0].name]
        res.append({"run": r, "run_s": wall, "run_cpu_s": cpu, "brian2_loop_s": float(session.device._last_run_time),
                    "rate_hz": int(mon.num_spikes) / (n * duration)})
print("NKJSON" + json.dumps({"compile_s": compile_s, "runs": res}))
""".replace("__CHILD_CPU__", _CHILD_CPU)


def _subprocess_json(script: str, n: int, duration: float, runs: int, what: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="nk_b2_standalone_") as folder:
        proc = subprocess.run(["python", "-c", script, str(n), str(duration), str(runs), folder],
                              capture_output=True, text=True)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("NKJSON")), None)
    if line is None:
        raise RuntimeError(f"{what} failed: {proc.stderr[-2000:]}")
    return json.loads(line[len("NKJSON"):])


def brian2_backend_runs(n: int, duration: float, runs: int) -> dict:
    """``cuba(n)`` itself (the same equations as the native side) through neurokit's Brian2
    backend objects in ``cpp_standalone``: built once, each run of the binary timed."""
    return _subprocess_json(_BRIAN2_BACKEND, n, duration, runs, "Brian2 backend standalone")


def brian2_runs(n: int, duration: float, runs: int) -> dict:
    return _subprocess_json(_BRIAN2, n, duration, runs, "Brian2 standalone")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--duration", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    info = _machine()
    native = native_runs(args.n, args.duration, list(range(1, args.runs + 1)))
    b2 = brian2_runs(args.n, args.duration, args.runs)
    b2_same = brian2_backend_runs(args.n, args.duration, args.runs)
    info["load_average_end"] = os.getloadavg()
    same_t = statistics.median(r["run_s"] for r in b2_same["runs"])
    same_loop = statistics.median(r["brian2_loop_s"] for r in b2_same["runs"])
    nat_t = statistics.median(r["loop_s"] for r in native)
    nat_cpu = statistics.median(r["loop_cpu_s"] for r in native)
    b2_cpu = statistics.median(r["run_cpu_s"] for r in b2["runs"])
    same_cpu = statistics.median(r["run_cpu_s"] for r in b2_same["runs"])
    b2_t = statistics.median(r["run_s"] for r in b2["runs"])
    b2_loop = statistics.median(r["brian2_loop_s"] for r in b2["runs"])
    b2_rates = [r["rate_hz"] for r in b2_same["runs"]]  # the same equations and connectivity
    nat_rate = statistics.mean(r["rate_hz"] for r in native)
    lo, hi = min(b2_rates), max(b2_rates)
    summary = {"n": args.n, "duration_s": args.duration, "machine": info, "native": native, "brian2": b2,
               "native_loop_median_s": nat_t, "brian2_run_median_s": b2_t, "brian2_loop_median_s": b2_loop,
               "speedup_vs_brian2_run": b2_t / nat_t, "speedup_vs_brian2_loop": b2_loop / nat_t,
               "brian2_same_equations": b2_same, "brian2_same_run_median_s": same_t,
               "brian2_same_loop_median_s": same_loop, "speedup_vs_brian2_same_run": same_t / nat_t,
               "speedup_vs_brian2_same_loop": same_loop / nat_t,
               "native_loop_cpu_median_s": nat_cpu, "brian2_run_cpu_median_s": b2_cpu,
               "brian2_same_run_cpu_median_s": same_cpu, "speedup_cpu_vs_brian2_run": b2_cpu / nat_cpu,
               "speedup_cpu_vs_brian2_same_run": same_cpu / nat_cpu,
               "native_rate_mean_hz": nat_rate, "brian2_rate_range_hz": [lo, hi],
               "rate_within_brian2_spread": lo - (hi - lo) <= nat_rate <= hi + (hi - lo)}
    # The float32 option (neuron states and step in float): the same ratios.
    f32_t = statistics.median(r["loop_f32_s"] for r in native)
    f32_cpu = statistics.median(r["loop_f32_cpu_s"] for r in native)
    f32_rate = statistics.mean(r["rate_f32_hz"] for r in native)
    summary["float32"] = {"native_loop_median_s": f32_t, "native_loop_cpu_median_s": f32_cpu,
                          "speedup_vs_brian2_same_run": same_t / f32_t, "speedup_vs_brian2_same_loop": same_loop / f32_t,
                          "speedup_cpu_vs_brian2_same_run": same_cpu / f32_cpu, "speedup_vs_brian2_run": b2_t / f32_t,
                          "speedup_vs_brian2_loop": b2_loop / f32_t, "speedup_cpu_vs_brian2_run": b2_cpu / f32_cpu,
                          "native_rate_mean_hz": f32_rate,
                          "rate_within_brian2_spread": lo - (hi - lo) <= f32_rate <= hi + (hi - lo)}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"CUBA {args.n}, {args.duration} s: native loop {nat_t:.3f} s, Brian2 standalone run "
              f"{b2_t:.3f} s (its loop {b2_loop:.3f} s): x{b2_t / nat_t:.1f} (x{b2_loop / nat_t:.1f}); "
              f"rates native {nat_rate:.2f} Hz, Brian2 {lo:.2f}-{hi:.2f} Hz; Brian2 on cuba({args.n}) "
              f"itself: run {same_t:.3f} s, its loop {same_loop:.3f} s (x{same_t / nat_t:.1f}, "
              f"x{same_loop / nat_t:.1f}); CPU time: native {nat_cpu:.3f} s, Brian2 binary {b2_cpu:.3f} s "
              f"(x{b2_cpu / nat_cpu:.1f}), on cuba({args.n}) {same_cpu:.3f} s (x{same_cpu / nat_cpu:.1f}); "
              f"float32 states: loop {f32_t:.3f} s, CPU {f32_cpu:.3f} s, {f32_rate:.2f} Hz")


if __name__ == "__main__":
    main()
