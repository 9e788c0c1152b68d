"""The same point-model fit on the same recording: neurokit vs brian2modelfitting.

Cell 171116sh (data/recordings/pyabf/171116sh_0018.abf), 3-s sweeps decimated to 0.1 ms,
trained on sweeps 0, 4, 8, 10, 12, 14, 16 and tested on the 10 others. Both fit the AdEx model
(threshold V_T + 5 DeltaT, reset V_reset, w += b; nine free parameters, same bounds) with the
same evaluation budget (default 40 samples x 40 rounds = 1600):

- brian2modelfitting 0.4: SpikeFitter, GammaFactor (delta 4 ms; a subclass returns 0 / 3 on
  the sweeps without data spikes, where 0.4 divides by zero), differential evolution
  (nevergrad), cpp_standalone, one thread. It cannot be installed beside a current numpy, so
  this script builds its own virtual environment (``benchmarks/.venv-b2mf``: brian2 2.9.0,
  numpy 1.23.5, nevergrad 0.3.0, bayesian-optimization 1.5.0, pandas 2.2.3,
  brian2modelfitting 0.4) and runs it there with PYTHONHASHSEED fixed (its parameter order
  depends on string hashing).
- neurokit: the native C backend, CMA-ES, objective (1 - Gamma) + count + timing + subthreshold
  RMS (the fit file's defaults), on 2 cores.

Both fitted parameter sets are then scored by the SAME code (neurokit's native AdEx on every
sweep, :mod:`neurokit.fitting.report`): held-out mean Gamma, spike counts, subthreshold RMS.
Wall time is the whole command as a user runs it, each in a fresh process: imports, compile
(brian2modelfitting's C++ build, neurokit's C kernel from an empty cache), the fit, and for
neurokit also its checkpoints, sensitivity and report.
Medians over ``--repeats`` runs with seeds 1, 2, ...; results go to
benchmarks/results/fitting.md.

    python benchmarks/fit_vs_brian2modelfitting.py [--budget 1600] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "benchmarks" / ".venv-b2mf"
RECORDING = ROOT / "data" / "recordings" / "pyabf" / "171116sh_0018.abf"
TRAIN = [0, 4, 8, 10, 12, 14, 16]
TEST = [1, 2, 3, 5, 6, 7, 9, 11, 13, 15]
PINS = ["numpy==1.23.5", "brian2==2.9.0", "nevergrad==0.3.0", "bayesian-optimization==1.5.0",
        "pandas==2.2.3", "brian2modelfitting==0.4"]
# name in neurokit's ADEX -> (name in the Brian2 script, unit, low, high)
BOUNDS = {
    "C": ("C", "pF", 20.0, 400.0),
    "g_L": ("gL", "nS", 1.0, 30.0),
    "E_L": ("EL", "mV", -75.0, -55.0),
    "V_T": ("VT", "mV", -60.0, -35.0),
    "DeltaT": ("DeltaT", "mV", 0.5, 5.0),
    "a": ("a", "nS", 0.0, 10.0),
    "tau_w": ("tauw", "ms", 10.0, 500.0),
    "b": ("b", "pA", 0.0, 200.0),
    "V_reset": ("Vr", "mV", -75.0, -40.0),
}

B2MF_SCRIPT = r'''
import json, sys, time
import numpy as np
t_start = time.perf_counter()
from brian2 import *
from brian2modelfitting import SpikeFitter, GammaFactor, NevergradOptimizer
args = json.loads(sys.argv[1])
d = np.load(args["data"])
set_device("cpp_standalone", directory=args["build"])
prefs.devices.cpp_standalone.openmp_threads = 1
dt = float(d["dt"]) * second
inp = d["current"] * amp                      # (traces, time)
edges = np.concatenate([[0], np.cumsum(d["spike_counts"])])
out = [d["spike_times"][a:b] * second for a, b in zip(edges[:-1], edges[1:])]
eqs = Equations("""
dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) - w + I)/C : volt
dw/dt = (a*(v - EL) - w)/tauw : amp
C : farad (constant)
gL : siemens (constant)
EL : volt (constant)
VT : volt (constant)
DeltaT : volt (constant)
a : siemens (constant)
tauw : second (constant)
b : amp (constant)
Vr : volt (constant)
""")
fitter = SpikeFitter(model=eqs, input=inp, output=out, dt=dt, input_var="I",
                     n_samples=args["samples"], threshold="v > VT + 5*DeltaT",
                     reset="v = Vr; w += b", method="euler",
                     param_init={"v": args["v0"] * mV, "w": 0 * amp})
units = {"pF": pF, "nS": nS, "mV": mV, "ms": ms, "pA": pA}
bounds = {name: [lo * units[u], hi * units[u]] for name, (u, lo, hi) in args["bounds"].items()}
class Gamma(GammaFactor):
    """GammaFactor that survives sweeps without data spikes (0.4 raises ZeroDivisionError
    there): error 0 when the model is silent too, else 3 (rate term 1 + 2, Gamma 0)."""

    def get_features(self, traces, output, dt):
        from brian2modelfitting.metric import get_gamma_factor
        out = []
        for one_sample in traces:
            row = []
            for model_response, target_response in zip(one_sample, output):
                if len(target_response) == 0:
                    row.append(0.0 if len(model_response) == 0 else 3.0)
                else:
                    row.append(get_gamma_factor(model_response, target_response, self.delta, self.time, dt,
                                                rate_correction=self.rate_correction))
            out.append(row)
        return np.array(out) * float(self.normalization)


opt = NevergradOptimizer("DE")
res, error = fitter.fit(n_rounds=args["rounds"], optimizer=opt, callback=None,
                        metric=Gamma(delta=4 * ms, time=float(d["duration"]) * second),
                        **bounds)
wall = time.perf_counter() - t_start
plain = {k: float(v) for k, v in res.items()}
print("RESULT " + json.dumps({"params": plain, "error": float(error), "wall_s": wall}))
'''


def ensure_venv() -> Path:
    """The brian2modelfitting environment (built on first use)."""
    py = VENV / "bin" / "python"
    marker = VENV / ".neurokit-pins"
    if py.exists() and marker.exists() and marker.read_text() == "\n".join(PINS):
        return py
    print(f"building {VENV} with {' '.join(PINS)} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", *PINS], check=True)
    marker.write_text("\n".join(PINS))
    return py


def prepare_data(path: Path, interval: float = 1e-4):
    """Train sweeps decimated to ``interval`` s: current (A), spikes (s), as brian2modelfitting
    takes them; spikes detected at full resolution by neurokit's detector."""
    from neurokit.features import detect_spikes
    from neurokit.fitting.evaluator import load_recording

    ds = load_recording(RECORDING)
    t = ds["time"].values
    step = int(round(interval / float(t[1] - t[0])))
    cur = ds["stimulus_current"].values[TRAIN][:, ::step] * 1e-9
    v = ds["membrane_potential"].values
    trains = [detect_spikes(v[k], t) for k in TRAIN]
    v0 = float(np.mean(v[TRAIN][:, t < 0.14]))
    # flat spike times + counts: no pickled object arrays across numpy 2 -> numpy 1.23
    np.savez(path, current=cur, spike_times=np.concatenate(trains),
             spike_counts=np.array([s.size for s in trains]), dt=interval, duration=cur.shape[1] * interval)
    return v0


def run_b2mf(py: Path, seed: int, samples: int, rounds: int, work: Path) -> dict:
    data = work / "data.npz"
    v0 = prepare_data(data)
    args = {"data": str(data), "build": str(work / f"b2mf_build_{seed}"), "samples": samples,
            "rounds": rounds, "v0": v0,
            "bounds": {b2: (u, lo, hi) for _, (b2, u, lo, hi) in BOUNDS.items()}}
    script = work / "b2mf_fit.py"
    script.write_text(B2MF_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["PYTHONHASHSEED"] = str(seed)
    t0 = time.perf_counter()
    proc = subprocess.run([str(py), str(script), json.dumps(args)], capture_output=True, text=True, env=env,
                          cwd=work)
    wall = time.perf_counter() - t0
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"brian2modelfitting failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    res = json.loads(line[len("RESULT "):])
    res["wall_s"] = wall
    scale = {"pF": 1e-12, "nS": 1e-9, "mV": 1e-3, "ms": 1e-3, "pA": 1e-12}
    res["neurokit_params"] = {nk: res["params"][b2] / scale[u] for nk, (b2, u, _, _) in BOUNDS.items()}
    return res


def fit_file(work: Path, budget: int, seed: int) -> Path:
    params = "\n".join(f'{nk} = ["{lo} {u}", "{hi} {u}"]' for nk, (_, u, lo, hi) in BOUNDS.items())
    text = f'''name = "bench_adex"
seed = {seed}
budget = {budget}

[model]
name = "adex"
backend = "native"
dt = "0.1 ms"

[model.fixed]
t_ref = "0 ms"

[parameters]
{params}

[recording]
path = "{RECORDING}"
train = {TRAIN}
test = {TEST}
sampling_interval = "1 ms"

[[objectives]]
kind = "gamma"

[[objectives]]
kind = "count"

[[objectives]]
kind = "timing"

[[objectives]]
kind = "trace"
sweeps = "subthreshold"
scale = "5 mV"
weight = 0.5

[optimiser]
method = "cmaes"
popsize = 40
islands = 2
refine = {{ fraction = 0.15, candidates = 2, sigma = 0.1 }}
'''
    path = work / f"bench_adex_{seed}.toml"
    path.write_text(text)
    return path


def run_neurokit(work: Path, budget: int, seed: int) -> tuple[dict, object]:
    """``neurokit fit`` as a user runs it: a fresh process and an empty kernel cache (so the C
    compile is counted, as brian2modelfitting's C++ compile is), checkpoints and report
    (without the figure) included."""
    import tomllib

    from neurokit.fitting import Fitter

    path = fit_file(work, budget, seed)
    out = work / f"nk_{seed}"
    env = {**os.environ, "NEUROKIT_CACHE_DIR": str(work / f"cold_cache_{seed}")}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "neurokit.cli.main", "fit", str(path), "--quiet", "--no-figure",
                           "--output", str(out)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"neurokit fit failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    # The same command again on the cache the first run filled (unit table, IR, kernel): what a
    # user sees from the second fit of a model on.
    t0 = time.perf_counter()
    warm = subprocess.run([sys.executable, "-m", "neurokit.cli.main", "fit", str(path), "--quiet", "--no-figure",
                           "--output", str(work / f"nk_{seed}_warm")], capture_output=True, text=True, env=env)
    wall_warm = time.perf_counter() - t0
    if warm.returncode != 0:
        raise RuntimeError(f"neurokit fit (warm) failed:\n{warm.stderr[-3000:]}")
    best = tomllib.loads((out / "best_parameters.toml").read_text())
    summary = json.loads((out / "summary.json").read_text())
    params = {k: v["value"] for k, v in best["parameters"].items()}
    f = Fitter(path, output_dir=out, checkpoint=False).setup()
    return {"params": params, "wall_s": wall, "wall_warm_s": wall_warm, "fit_loop_s": summary["wall_time_s"],
            "evaluations": summary["evaluations"]}, f


def score(fitter, params: dict) -> dict:
    """Train/held-out figures of ``params`` by neurokit's report code."""
    from neurokit.fitting.report import sweep_table

    fitter.best_values_ = fitter.cfg.space.batch({k: [v] for k, v in params.items()})
    _, train, _ = sweep_table(fitter, TRAIN)
    _, test, _ = sweep_table(fitter, TEST)
    return {"train": train, "test": test}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budget", type=int, default=1600, help="evaluations (40 x 40 by default)")
    ap.add_argument("--samples", type=int, default=40, help="brian2modelfitting samples per round")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fitting.md"))
    ap.add_argument("--skip-b2mf", action="store_true", help="neurokit side only")
    args = ap.parse_args(argv)
    rounds = args.budget // args.samples
    py = None if args.skip_b2mf else ensure_venv()
    rows = {"neurokit": [], "brian2modelfitting": []}
    with tempfile.TemporaryDirectory(prefix="nk-bench-fit-") as tmp:
        work = Path(tmp)
        os.environ.setdefault("NEUROKIT_CACHE_DIR", str(work / "cache"))
        for rep in range(args.repeats):
            seed = rep + 1
            nk, fitter = run_neurokit(work, args.budget, seed)
            nk.update(score(fitter, nk["params"]))
            rows["neurokit"].append(nk)
            print(f"neurokit seed {seed}: {nk['wall_s']:.1f} s, held-out Gamma {nk['test']['mean_gamma']:.3f}",
                  flush=True)
            if py is not None:
                b2 = run_b2mf(py, seed, args.samples, rounds, work)
                b2.update(score(fitter, b2["neurokit_params"]))
                rows["brian2modelfitting"].append(b2)
                print(f"brian2modelfitting seed {seed}: {b2['wall_s']:.1f} s, held-out Gamma "
                      f"{b2['test']['mean_gamma']:.3f}", flush=True)
    write_markdown(rows, args, Path(args.out))
    return rows


def _med(rows, *keys):
    vals = []
    for r in rows:
        x = r
        for k in keys:
            x = x[k]
        vals.append(x)
    return float(np.median(vals)) if vals else float("nan")


def write_markdown(rows: dict, args, path: Path) -> None:
    nk, b2 = rows["neurokit"], rows["brian2modelfitting"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Fitting: neurokit vs brian2modelfitting",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared; load average {load:.1f} at the end), "
        f"{date.today().isoformat()}. Produced by `python benchmarks/fit_vs_brian2modelfitting.py "
        f"--budget {args.budget} --repeats {args.repeats}`.",
        "",
        f"Same recording (171116sh_0018, 3-s sweeps at 0.1 ms), same split (train {TRAIN}, held out "
        f"{TEST}), same AdEx model and bounds, same budget ({args.budget} evaluations). Medians of "
        f"{len(nk)} runs (seeds 1..{len(nk)}); figures of both parameter sets computed by the same "
        "code (neurokit's native AdEx, `neurokit.fitting.report`). Wall times are whole commands in fresh "
        "processes, compile included (neurokit from an empty kernel cache).",
        "",
        "| figure | neurokit (native C, CMA-ES, 2 cores) | brian2modelfitting 0.4 (cpp_standalone, DE, 1 thread) |",
        "|---|---|---|",
        f"| wall time of the whole command (s) | {_med(nk, 'wall_s'):.1f} | {_med(b2, 'wall_s'):.1f} |",
        f"| of which neurokit's ask/simulate/score loop (s) | {_med(nk, 'fit_loop_s'):.1f} | - |",
        f"| the same command again, warm cache (s) | {_med(nk, 'wall_warm_s'):.1f} | - |",
    ]
    if b2:
        lines.append(f"| wall-time ratio | {_med(b2, 'wall_s') / _med(nk, 'wall_s'):.1f}x less | 1 |")
        lines.append(f"| wall-time ratio, warm cache | {_med(b2, 'wall_s') / _med(nk, 'wall_warm_s'):.1f}x less | 1 |")
    for label, keys, fmt in (("held-out mean Gamma", ("test", "mean_gamma"), ".3f"),
                             ("train mean Gamma", ("train", "mean_gamma"), ".3f"),
                             ("held-out spike-count error sum|dN|/N", ("test", "count_error"), ".1%"),
                             ("held-out spike-count bias", ("test", "count_bias"), "+.1%"),
                             ("held-out subthreshold RMS (mV)", ("test", "subthreshold_rms_mV"), ".2f")):
        a = format(_med(nk, *keys), fmt)
        b = format(_med(b2, *keys), fmt) if b2 else "-"
        lines.append(f"| {label} | {a} | {b} |")
    lines += ["", "Per run (wall s; held-out Gamma):", ""]
    for name, rs in rows.items():
        if rs:
            lines.append(f"- {name}: " + ", ".join(f"{r['wall_s']:.1f} s; {r['test']['mean_gamma']:.3f}" for r in rs))
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text() if path.exists() else ""
    marker = "<!-- default-fit -->"
    tail = existing[existing.index(marker):] if marker in existing else ""
    path.write_text("\n".join(lines) + "\n\n" + tail)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
