"""neurokit's overhead over plain Brian2 on the CUBA and COBAHH benchmark networks.

Each network runs twice per repeat, in this one process and on the same Brian2 target:
through ``Brian2Simulator().simulate(...)`` (network description, parameter handling,
results as an xarray Dataset) and written directly in Brian2 the way Brian2's own examples
write it (one NeuronGroup, two Synapses, a SpikeMonitor). Wall time covers everything from
building the objects to having the spikes in hand. A warm-up pair first fills the code
caches (Cython extensions); the order within a pair alternates to cancel drift on a loaded
machine. Reported: medians of the times and of the per-pair ratios.

    python benchmarks/brian2_overhead.py                     # 4000 neurons, 1 s, cython, 5 repeats
    python benchmarks/brian2_overhead.py --repeats 3 --duration 0.5 --out benchmarks/results/brian2.md
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import tempfile
import time


def direct_cuba(n: int, duration: float, target: str, seed: int) -> int:
    """Brian2's CUBA example (Vogels & Abbott 2005), in a fresh Network."""
    import brian2 as b2
    from brian2 import mV, ms

    b2.prefs.codegen.target = target
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(seed)
    n_e = int(round(0.8 * n))
    p = min(1.0, 0.02 * 4000 / n)
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV,
              we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV)
    eqs = """dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
             dge/dt = -ge/taue : volt
             dgi/dt = -gi/taui : volt"""
    P = b2.NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact",
                       namespace=ns)
    P.v = "Vr + rand()*(Vt - Vr)"
    Ce = b2.Synapses(P[:n_e], P, on_pre="ge += we", namespace=ns)
    Ci = b2.Synapses(P[n_e:], P, on_pre="gi += wi", namespace=ns)
    Ce.connect(p=p)
    Ci.connect(p=p)
    mon = b2.SpikeMonitor(P)
    net = b2.Network(P, Ce, Ci, mon)
    net.run(duration * b2.second, namespace={})
    return int(mon.num_spikes)


def direct_cobahh(n: int, duration: float, target: str, seed: int) -> int:
    """Brian2's COBAHH example (Brette et al. 2007, benchmark 3), in a fresh Network."""
    import brian2 as b2
    from brian2 import cm, mV, ms, msiemens, nS, siemens, ufarad, umetre

    b2.prefs.codegen.target = target
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(seed)
    n_e = int(round(0.8 * n))
    p = min(1.0, 0.02 * 4000 / n)
    area = 20000 * umetre ** 2
    ns = dict(Cm=1 * ufarad * cm ** -2 * area, gl=5e-5 * siemens * cm ** -2 * area, El=-60 * mV,
              EK=-90 * mV, ENa=50 * mV, g_na=100 * msiemens * cm ** -2 * area,
              g_kd=30 * msiemens * cm ** -2 * area, VT=-63 * mV, taue=5 * ms, taui=10 * ms,
              Ee=0 * mV, Ei=-80 * mV, we=6 * nS, wi=67 * nS)
    eqs = """
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = (0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)
         - 0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m) : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
"""
    P = b2.NeuronGroup(n, eqs, threshold="v > -20*mV", refractory=3 * ms, method="exponential_euler",
                       namespace=ns)
    Ce = b2.Synapses(P[:n_e], P, on_pre="ge += we", namespace=ns)
    Ci = b2.Synapses(P[n_e:], P, on_pre="gi += wi", namespace=ns)
    Ce.connect(p=p)
    Ci.connect(p=p)
    P.v = "El + (randn()*5 - 5)*mV"
    P.ge = "(randn()*1.5 + 4)*10*nS"
    P.gi = "(randn()*12 + 20)*10*nS"
    mon = b2.SpikeMonitor(P)
    net = b2.Network(P, Ce, Ci, mon)
    net.run(duration * b2.second, namespace={})
    return int(mon.num_spikes)


def via_neurokit(build, n: int, duration: float, target: str, seed: int) -> int:
    from neurokit.backends.brian2 import Brian2Simulator
    from neurokit.protocols import Protocol

    proto = Protocol([[]], duration=duration, dt=1e-4, sampling_interval=1e-3, seed=seed)
    ds = Brian2Simulator(target).simulate(build(n), None, proto)
    return int(ds.sizes["spike"])


def timed(fn, *args) -> tuple[float, int]:
    t0 = time.perf_counter()
    spikes = fn(*args)
    return time.perf_counter() - t0, spikes


def measure(name, build, direct, n, duration, target, repeats):
    print(f"{name}: warm-up", flush=True)
    via_neurokit(build, n, duration, target, 0)
    direct(n, duration, target, 0)
    nk_t, b2_t, ratios, nk_spikes, b2_spikes = [], [], [], [], []
    for r in range(repeats):
        order = ("nk", "b2") if r % 2 == 0 else ("b2", "nk")
        res = {}
        for which in order:
            if which == "nk":
                res[which] = timed(via_neurokit, build, n, duration, target, r + 1)
            else:
                res[which] = timed(direct, n, duration, target, r + 1)
        nk_t.append(res["nk"][0]); b2_t.append(res["b2"][0])
        nk_spikes.append(res["nk"][1]); b2_spikes.append(res["b2"][1])
        ratios.append(res["nk"][0] / res["b2"][0])
        print(f"  repeat {r}: neurokit {res['nk'][0]:.2f} s ({res['nk'][1]} spikes), "
              f"brian2 {res['b2'][0]:.2f} s ({res['b2'][1]} spikes), ratio {ratios[-1]:.3f}", flush=True)
    return dict(name=name, nk=statistics.median(nk_t), b2=statistics.median(b2_t),
                ratio=statistics.median(ratios),
                ratio_of_medians=statistics.median(nk_t) / statistics.median(b2_t),
                nk_spikes=statistics.median(nk_spikes), b2_spikes=statistics.median(b2_spikes), runs=repeats)


def main():
    from neurokit.models.benchmark_networks import cobahh, cuba

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--duration", type=float, default=1.0, help="simulated time, s")
    ap.add_argument("--target", default="cython", choices=["cython", "numpy"])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--networks", default="cuba,cobahh")
    ap.add_argument("--out", default=None, help="write a Markdown table here")
    args = ap.parse_args()
    # A private cache for both sides, so the warm-up compiles the same way for each.
    os.environ.setdefault("NEUROKIT_CACHE_DIR", tempfile.mkdtemp(prefix="nk-bench-"))
    import brian2

    brian2.prefs.codegen.runtime.cython.cache_dir = os.path.join(os.environ["NEUROKIT_CACHE_DIR"], "brian2",
                                                                 "cython")
    table = {"cuba": (cuba, direct_cuba), "cobahh": (cobahh, direct_cobahh)}
    rows = [measure(name, *table[name], args.n, args.duration, args.target, args.repeats)
            for name in args.networks.split(",")]
    load = os.getloadavg()
    lines = ["| network | neurons | simulated | target | neurokit (median) | Brian2 direct (median) | "
             "overhead: ratio of medians | overhead: median of pair ratios | "
             "spikes neurokit / direct (median) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name'].upper()} | {args.n} | {args.duration:g} s | {args.target} | "
                     f"{r['nk']:.2f} s | {r['b2']:.2f} s | {100 * (r['ratio_of_medians'] - 1):+.1f} % | "
                     f"{100 * (r['ratio'] - 1):+.1f} % "
                     f"| {r['nk_spikes']:.0f} / {r['b2_spikes']:.0f} |")
    meta = (f"{datetime.date.today().isoformat()}, {platform.machine()} with {os.cpu_count()} cores "
            f"(shared; load average {load[0]:.1f} at the end), Python {platform.python_version()}, "
            f"Brian2 {brian2.__version__}, {args.repeats} repeats after a warm-up.")
    text = "\n".join(lines) + "\n\n" + meta + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
