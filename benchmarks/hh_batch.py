"""HH batch benchmark: N Hodgkin-Huxley point neurons, dt 0.025 ms, 0.2 s, neuron i driven by
0.7 nA * i / N, run side by side in one script:

- native (neurokit's generated C, NativeSimulator(target="c")), the whole ``simulate`` call;
- the hand-tuned C reference benchmarks/hh_limit.c (compiled here);
- Brian2 cpp_standalone (run time of the compiled binary, compile excluded);
- NEURON (built-in hh mechanism; other rate functions, comparable cost; counts no spikes).

Prints neuron-steps/s (median of ``--repeats`` runs) and ratios to the hand-written C, and
checks the spike count of native (111650 for N=10000, 0.2 s, as Brian2 and the C reference).

Usage: python benchmarks/hh_batch.py [--n 10000] [--duration 0.2] [--threads 2] [--repeats 3]
       [--skip brian2,neuron] [--markdown results.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DT = 0.025e-3
EXPECTED_SPIKES = {(10000, 0.2): 111650}

BRIAN2_SCRIPT = textwrap.dedent("""
    import sys, tempfile
    from brian2 import *
    N, T, threads, repeats = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    set_device('cpp_standalone', directory=tempfile.mkdtemp(), build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = threads
    defaultclock.dt = 0.025*ms
    area = 20000*umetre**2
    Cm = 1*ufarad*cm**-2 * area
    gl = 5e-5*siemens*cm**-2 * area
    El = -65*mV; EK = -90*mV; ENa = 50*mV
    g_na = 100*msiemens*cm**-2 * area
    g_kd = 30*msiemens*cm**-2 * area
    VT = -63*mV
    eqs = Equations('''
    dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
    dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
    dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
    dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
    I : amp
    ''')
    G = NeuronGroup(N, eqs, threshold='v > -40*mV', refractory='v > -40*mV', method='exponential_euler')
    G.v = El
    G.I = '0.7*nA * i / N'
    M = SpikeMonitor(G)
    run(T*second)
    device.build(run=False)
    for _ in range(repeats):
        device.run(device.project_dir, with_output=False, run_args=[])
        print(f"RESULT run_time={device._last_run_time:.6f} spikes={M.num_spikes}", flush=True)
""")

NEURON_SCRIPT = textwrap.dedent("""
    import sys, time
    from neuron import h
    h.load_file("stdrun.hoc")
    N, T_ms, threads, repeats = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    cells, stims = [], []
    for i in range(N):
        s = h.Section(name=f"c{i}"); s.L = s.diam = 79.8; s.insert("hh")
        ic = h.IClamp(s(0.5)); ic.delay = 0; ic.dur = 1e9; ic.amp = 0.7 * i / N
        cells.append(s); stims.append(ic)
    pc = h.ParallelContext(); pc.nthread(threads)
    h.dt = 0.025; h.steps_per_ms = 40
    for _ in range(repeats):
        h.finitialize(-65)
        t0 = time.perf_counter(); h.continuerun(T_ms); w = time.perf_counter() - t0
        print(f"RESULT run_time={w:.6f}", flush=True)
""")


def hh_bias_model():
    """The built-in HH model with a per-sample constant bias current I_bias (nA)."""
    from neurokit.models.point import HH, PointModel
    from neurokit.params import Parameter

    eqs = HH.equations.replace("+ I_stim)/C", "+ I_stim + I_bias)/C") + "I_bias : amp\n"
    return PointModel(**{**HH.__dict__, "name": "hh_bias", "equations": eqs,
                         "parameters": HH.parameters + (Parameter("I_bias", "nA", None, 0.0),)})


def bench_native(n, duration, threads, repeats):
    from neurokit.backends.native import NativeSimulator
    from neurokit.protocols import Protocol

    model = hh_bias_model()
    proto = Protocol([[]], duration=duration, dt=DT, record=())
    sim = NativeSimulator(target="c", threads=threads)
    params = {"I_bias": 0.7 * np.arange(n) / n}
    sim.simulate(model, {"I_bias": [0.0]}, proto)  # build (or load from the cache) once
    times, spikes = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        ds = sim.simulate(model, params, proto)
        times.append(time.perf_counter() - t0)
        spikes = int(ds.sizes["spike"])
    return times, spikes


def bench_hand_c(n, duration, threads, repeats, workdir):
    exe = Path(workdir) / "hh_limit"
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O3", "-march=native", "-ffast-math", "-fopenmp", str(HERE / "hh_limit.c"),
                    "-o", str(exe), "-lm"], check=True)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    times, spikes = [], None
    for _ in range(repeats):
        out = subprocess.run([str(exe), str(n), str(duration)], capture_output=True, text=True, env=env,
                             check=True).stdout
        times.append(float(re.search(r"run_time=([\d.]+)", out).group(1)))
        spikes = int(re.search(r"spikes=(\d+)", out).group(1))
    return times, spikes


def _run_script(script, args, workdir, env=None):
    path = Path(workdir) / "bench_script.py"
    path.write_text(script)
    out = subprocess.run([sys.executable, str(path), *map(str, args)], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, cwd=workdir)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return [line for line in out.stdout.splitlines() if line.startswith("RESULT")]


def bench_brian2(n, duration, threads, repeats, workdir, wait_policy="passive"):
    # Brian2's OpenMP code meets a barrier every step; on a shared, oversubscribed machine
    # spinning threads wait for descheduled ones, so passive waiting is its better setting.
    lines = _run_script(BRIAN2_SCRIPT, [n, duration, threads, repeats], workdir,
                        env={"OMP_WAIT_POLICY": wait_policy} if wait_policy else None)
    times = [float(re.search(r"run_time=([\d.]+)", ln).group(1)) for ln in lines]
    spikes = int(re.search(r"spikes=(\d+)", lines[-1]).group(1))
    return times, spikes


def bench_neuron(n, duration, threads, repeats, workdir):
    lines = _run_script(NEURON_SCRIPT, [n, duration * 1e3, threads, repeats], workdir)
    return [float(re.search(r"run_time=([\d.]+)", ln).group(1)) for ln in lines], None


def machine_line(threads):
    load = os.getloadavg()
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs visible, {threads} threads; load average "
            f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--duration", type=float, default=0.2, help="simulated time, s")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--slow-repeats", type=int, default=None,
                    help="repeats of Brian2 and NEURON (default: --repeats)")
    ap.add_argument("--skip", default="", help="comma-separated: native,hand_c,brian2,neuron")
    ap.add_argument("--markdown", help="append the table to this file")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    steps = int(round(args.duration / DT))
    work = args.n * steps
    runs = {}
    with tempfile.TemporaryDirectory(prefix="nk_hh_bench_") as tmp:
        order = [("hand-written C (benchmarks/hh_limit.c)", "hand_c", bench_hand_c),
                 ("native (neurokit generated C)", "native", None),
                 ("Brian2 cpp_standalone", "brian2", bench_brian2),
                 ("NEURON (built-in hh)", "neuron", bench_neuron)]
        for label, key, fn in order:
            if key in skip:
                continue
            print(f"running {label} ...", flush=True)
            if key == "native":
                runs[key] = (label, *bench_native(args.n, args.duration, args.threads, args.repeats))
            else:
                reps = args.repeats if key == "hand_c" else (args.slow_repeats or args.repeats)
                runs[key] = (label, *fn(args.n, args.duration, args.threads, reps, tmp))
    ref = statistics.median(runs["hand_c"][1]) if "hand_c" in runs else None
    header = "| program | median run time (s) | neuron-steps/s | ratio to hand-written C | spikes |"
    rows = [header, "|---|---|---|---|---|"]
    for key, (label, times, spikes) in runs.items():
        med = statistics.median(times)
        ratio = f"{ref / med:.2f}x" if ref else "-"
        rows.append(f"| {label} | {med:.3f} | {work / med:.3e} | {ratio} | {spikes if spikes is not None else '-'} |")
    text = (f"HH batch: N={args.n}, dt=0.025 ms, {args.duration} s ({steps} steps), medians of "
            f"{args.repeats} runs ({args.slow_repeats or args.repeats} for Brian2 and NEURON; Brian2 with "
            f"OMP_WAIT_POLICY=passive)\nMachine: {machine_line(args.threads)}\n\n" + "\n".join(rows))
    print(text)
    expected = EXPECTED_SPIKES.get((args.n, args.duration))
    ok = True
    if expected is not None and "native" in runs:
        got = runs["native"][2]
        ok = got == expected
        print(f"native spike count {got} {'==' if ok else '!='} expected {expected}")
    if args.markdown:
        with open(args.markdown, "a") as fh:
            fh.write("\n" + text + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
