"""HH batch benchmark: N Hodgkin-Huxley point neurons, dt 0.025 ms, 0.2 s, neuron i driven by
0.7 nA * i / N, run side by side in one script:

- native (neurokit's generated C, NativeSimulator(target="c")), the whole ``simulate`` call;
- the hand-tuned C reference benchmarks/hh_limit.c (compiled here);
- Brian2 cpp_standalone (run time of the compiled binary, compile excluded);
- NEURON (built-in hh mechanism; other rate functions, comparable cost; counts no spikes).

Also: ``native_user``, the same model written as a Brian2 user writes it (``m**3``,
``n**4``), and ``native_f32``, the C kernel alone in float32 (inputs built here).

The hand-written C and the native programs run interleaved (one repeat of each in turn), so
their ratios come from the same moments of a shared machine. Prints neuron-steps/s (median
of ``--repeats`` runs) and ratios to the hand-written C, beside the CPU's vector flags, the
compiler and its flags and the load average of each program's runs; checks the spike counts
(111650 for N=10000, 0.2 s, as Brian2 and the C reference).

Usage: python benchmarks/hh_batch.py [--n 10000] [--duration 0.2] [--threads 2] [--repeats 3]
       [--skip brian2,neuron] [--markdown results.md] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
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


HAND_C_FLAGS = ("-O3", "-march=native", "-ffast-math", "-fopenmp")


def hh_user_model():
    """hh_bias as a Brian2 user writes it: ``m**3`` and ``n**4``."""
    from neurokit.models.point import PointModel

    model = hh_bias_model()
    eqs = model.equations.replace("(m*m*m)", "m**3").replace("(n*n*n*n)", "n**4")
    return PointModel(**{**model.__dict__, "name": "hh_user", "equations": eqs})


def native_runner(model, n, duration, threads):
    """A callable running one native ``simulate`` of the batch -> (seconds, spikes)."""
    from neurokit.backends.native import NativeSimulator
    from neurokit.protocols import Protocol

    proto = Protocol([[]], duration=duration, dt=DT, record=())
    sim = NativeSimulator(target="c", threads=threads)
    params = {"I_bias": 0.7 * np.arange(n) / n}
    sim.simulate(model, {"I_bias": [0.0]}, proto)  # build (or load from the cache) once

    def run():
        t0 = time.perf_counter()
        ds = sim.simulate(model, params, proto)
        return time.perf_counter() - t0, int(ds.sizes["spike"])
    return run


def kernel_runner(n, duration, threads, dtype):
    """A callable running the C kernel alone (inputs built here) in ``dtype``."""
    from neurokit.codegen.frontend import build_ir
    from neurokit.codegen.runtime import BatchInputs
    from neurokit.codegen.targets.c import CKernel

    model = hh_bias_model()
    ir = build_ir(model)
    si = {"pF": 1e-12, "nS": 1e-9, "mV": 1e-3, "nA": 1e-9}
    params = {p.name: np.full(n, p.default * si[p.unit]) for p in model.parameters}
    params["I_bias"] = 0.7e-9 * np.arange(n) / n
    steps = int(round(duration / DT))
    kernel = CKernel(ir, dtype)

    def run():
        inp = BatchInputs(n=n, dt=DT, n_steps=steps, n_settle=0, every=steps,
                          params={p: params[p] for p in ir.parameter_names},
                          init={"v": np.full(n, -0.065), "not_refractory": np.ones(n)},
                          currents=np.zeros((1, steps)), stim_rows=np.zeros(n, np.int32),
                          keys=np.zeros(n, np.uint64), spike_capacity=128)
        t0 = time.perf_counter()
        raw = kernel.run(inp, threads=threads)
        return time.perf_counter() - t0, int(raw.spike_counts.sum())
    return run


def hand_c_runner(n, duration, threads, workdir):
    """A callable running benchmarks/hh_limit.c once -> (its run-loop seconds, spikes)."""
    exe = Path(workdir) / "hh_limit"
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, *HAND_C_FLAGS, str(HERE / "hh_limit.c"), "-o", str(exe), "-lm"], check=True)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}

    def run():
        out = subprocess.run([str(exe), str(n), str(duration)], capture_output=True, text=True, env=env,
                             check=True).stdout
        return float(re.search(r"run_time=([\d.]+)", out).group(1)), int(re.search(r"spikes=(\d+)", out).group(1))
    return run


def interleaved(runners, repeats):
    """Run every runner once per repeat, in turn -> {key: (times, spikes, loads)}."""
    out = {key: ([], None, []) for key in runners}
    for _ in range(repeats):
        for key, run in runners.items():
            seconds, spikes = run()
            times, _, loads = out[key]
            times.append(seconds)
            loads.append(os.getloadavg()[0])
            out[key] = (times, spikes, loads)
    return out


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


def machine_info(threads):
    """CPU model, vector flags, compiler, flags and the time, for the record."""
    from neurokit.codegen.build import compiler_identity, cpu_flags, find_compiler, kernel_cflags

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cc = find_compiler()
    vector = sorted(f for f in cpu_flags() if f.startswith(("avx", "fma", "sse4")))
    return {"cpu": cpu, "cpus_visible": os.cpu_count(), "threads": threads, "vector_flags": vector,
            "compiler": compiler_identity(cc) if cc else None, "native_cflags": list(kernel_cflags()),
            "hand_c_cflags": list(HAND_C_FLAGS), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--duration", type=float, default=0.2, help="simulated time, s")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--slow-repeats", type=int, default=None,
                    help="repeats of Brian2 and NEURON (default: --repeats)")
    ap.add_argument("--skip", default="",
                    help="comma-separated: hand_c,native,native_user,native_f32,brian2,neuron")
    ap.add_argument("--markdown", help="append the table to this file")
    ap.add_argument("--json", help="write the figures and machine details to this file")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    steps = int(round(args.duration / DT))
    work = args.n * steps
    labels = {"hand_c": "hand-written C (benchmarks/hh_limit.c)",
              "native": "native (neurokit generated C), simulate()",
              "native_user": "native, Brian2-user-style HH (m**3, n**4), simulate()",
              "native_f32": "native C kernel alone, float32",
              "brian2": "Brian2 cpp_standalone", "neuron": "NEURON (built-in hh)"}
    runs = {}
    with tempfile.TemporaryDirectory(prefix="nk_hh_bench_") as tmp:
        makers = {"hand_c": lambda: hand_c_runner(args.n, args.duration, args.threads, tmp),
                  "native": lambda: native_runner(hh_bias_model(), args.n, args.duration, args.threads),
                  "native_user": lambda: native_runner(hh_user_model(), args.n, args.duration, args.threads),
                  "native_f32": lambda: kernel_runner(args.n, args.duration, args.threads, "float32")}
        runners = {key: make() for key, make in makers.items() if key not in skip}
        print(f"running {', '.join(runners)} interleaved ...", flush=True)
        runs.update(interleaved(runners, args.repeats))
        for key, fn in (("brian2", bench_brian2), ("neuron", bench_neuron)):
            if key in skip:
                continue
            print(f"running {labels[key]} ...", flush=True)
            before = os.getloadavg()[0]
            times, spikes = fn(args.n, args.duration, args.threads, args.slow_repeats or args.repeats, tmp)
            runs[key] = (times, spikes, [before, os.getloadavg()[0]])
    info = machine_info(args.threads)
    ref = statistics.median(runs["hand_c"][0]) if "hand_c" in runs else None
    header = "| program | median run time (s) | neuron-steps/s | ratio to hand-written C | spikes | load average (1 min) |"
    rows = [header, "|---|---|---|---|---|---|"]
    record = {"n": args.n, "duration_s": args.duration, "dt_s": DT, "steps": steps, "repeats": args.repeats,
              "machine": info, "programs": {}}
    for key, (times, spikes, loads) in runs.items():
        med = statistics.median(times)
        ratio = ref / med if ref else None
        rows.append(f"| {labels[key]} | {med:.3f} | {work / med:.3e} | {f'{ratio:.2f}x' if ratio else '-'} | "
                    f"{spikes if spikes is not None else '-'} | {min(loads):.1f}-{max(loads):.1f} |")
        record["programs"][key] = {"label": labels[key], "times_s": times, "median_s": med,
                                   "ratio_to_hand_c": ratio, "spikes": spikes, "load_average_1min": loads}
    text = (f"HH batch: N={args.n}, dt=0.025 ms, {args.duration} s ({steps} steps), medians of "
            f"{args.repeats} interleaved runs ({args.slow_repeats or args.repeats} for Brian2 and NEURON; "
            f"Brian2 with OMP_WAIT_POLICY=passive)\n"
            f"Machine: {info['cpu']}, {info['cpus_visible']} CPUs visible, {args.threads} threads; "
            f"{info['date']}\nVector flags: {' '.join(info['vector_flags'])}\n"
            f"Compiler: {info['compiler']}; native flags: {' '.join(info['native_cflags'])}; "
            f"hand-written C flags: {' '.join(info['hand_c_cflags'])}\n\n" + "\n".join(rows))
    print(text)
    expected = EXPECTED_SPIKES.get((args.n, args.duration))
    ok = True
    for key in ("native", "native_user", "native_f32"):
        if expected is not None and key in runs:
            got = runs[key][1]
            ok &= got == expected
            print(f"{key} spike count {got} {'==' if got == expected else '!='} expected {expected}")
    if args.markdown:
        with open(args.markdown, "a") as fh:
            fh.write("\n" + text + "\n")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(record, fh, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
