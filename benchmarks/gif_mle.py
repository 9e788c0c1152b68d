"""Deterministic GIF fit (regression + convex MLE) on cell 171116sh: validation, test, CMA-ES start.

Run from the repository root::

    python benchmarks/gif_mle.py --json OUT.json [--quick] [--cmaes-budget 480] [--cmaes-seeds 1 2]

1. Settings (refractory period, kernel length) are chosen on a validation split carved from
   the train sweeps: fit on [0, 4, 8, 12, 16], score on [10, 14] (Gamma of the escape-noise
   prediction, mean over repeats). The hard-threshold time scale of the deterministic
   reduction is chosen there too.
2. Refit on all train sweeps [0, 4, 8, 10, 12, 14, 16] with those settings; score train,
   validation and, once, the test sweeps [1, 2, 3, 5, 6, 7, 9, 11, 13, 15].
3. Optionally (``--cmaes-budget N``): the fit mapped onto the point model of
   fits/171116sh_gif.toml as CMA-ES start, against that file's own start, same budget.

Gamma: Jolivet et al. (2008), delta 4 ms, over the whole 3-s sweep, mean over sweeps with data
spikes (as benchmarks/results/fitting.md). Count error: sum |N_model - N_data| / sum N_data.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ABF = os.path.join(ROOT, "data", "recordings", "pyabf", "171116sh_0018.abf")
FIT_FILE = os.path.join(ROOT, "fits", "171116sh_gif.toml")
TRAIN = [0, 4, 8, 10, 12, 14, 16]
TEST = [1, 2, 3, 5, 6, 7, 9, 11, 13, 15]
VAL = [10, 14]
SUBTRAIN = [s for s in TRAIN if s not in VAL]
SEED = 1


def prediction_scores(result, ds, sweeps, n_repeats, tau_hard=None):
    """Escape-noise (mean over repeats) and deterministic Gamma, count error and bias."""
    from neurokit.features import detect_spikes
    from neurokit.fitting.gif import simulate_gif, simulate_gif_deterministic, spike_trains
    from neurokit.fitting.gamma import gamma_factor

    t = ds["time"].values
    dur = t.size * result.dt_s
    data = [detect_spikes(ds["membrane_potential"].values[s], t) for s in sweeps]
    cur = ds["stimulus_current"].values[sweeps]
    out = {}
    runs = {"escape": spike_trains(simulate_gif(result, cur, result.dt_s, seed=SEED, n_repeats=n_repeats,
                                                record_voltage=False))}
    if tau_hard is not None:
        runs["deterministic"] = spike_trains(simulate_gif_deterministic(result, cur, result.dt_s, tau_hard,
                                                                        record_voltage=False))
    nd = sum(d.size for d in data)
    for name, trains in runs.items():
        g = [np.mean([gamma_factor(d, rep[j], dur) for rep in trains]) for j, d in enumerate(data) if d.size]
        err = np.mean([sum(abs(rep[j].size - d.size) for j, d in enumerate(data)) for rep in trains]) / max(nd, 1)
        nm = np.mean([sum(rep[j].size for j in range(len(data))) for rep in trains])
        out[name] = {"gamma": float(np.mean(g)) if g else None, "count_error": float(err),
                     "count_bias": float((nm - nd) / max(nd, 1)), "model_spikes": float(nm), "data_spikes": int(nd)}
    return out


def scores(result, ds, sweeps, n_repeats, tau_hard):
    from neurokit.fitting.gif import evaluate_gif

    return {"sweeps": list(sweeps), **evaluate_gif(result, ds, sweeps),
            **prediction_scores(result, ds, sweeps, n_repeats, tau_hard)}


def choose_settings(ds, grid, n_repeats, log):
    from neurokit.fitting.gif import fit_gif

    rows = []
    for t_ref, length in grid:
        r = fit_gif(ds, SUBTRAIN, t_ref_s=t_ref, eta_length_s=length, gamma_length_s=length)
        s = scores(r, ds, VAL, n_repeats, None)
        rows.append({"t_ref_s": t_ref, "kernel_length_s": length, "fit_time_s": r.fit_time_s,
                     "val_gamma": s["escape"]["gamma"], "val_count_error": s["escape"]["count_error"],
                     "val_bits_per_spike": s["bits_per_spike"], "val_rms_mV": s["subthreshold_rms_mV"]})
        log(f"  t_ref {t_ref * 1e3:g} ms, kernels {length:g} s: val Gamma {rows[-1]['val_gamma']:.3f}, "
            f"bits/spike {rows[-1]['val_bits_per_spike']:.2f}, fit {r.fit_time_s:.2f} s")
    best = max(rows, key=lambda row: (row["val_gamma"], row["val_bits_per_spike"]))
    return best, rows


def choose_tau(result, ds, taus):
    vals = {tau: prediction_scores(result, ds, VAL, 1, tau)["deterministic"]["gamma"] for tau in taus}
    return max(vals, key=lambda k: vals[k]), vals


# ---------------------------------------------------------------- CMA-ES start comparison
def _toml_with_start(text: str, start: dict | None, budget: int, sigma0: float) -> str:
    """fits/171116sh_gif.toml with one island, ``budget``, ``sigma0`` and start values."""
    text = re.sub(r"^budget = .*$", f"budget = {budget}", text, flags=re.M)
    text = re.sub(r"^islands = .*$", "islands = 1", text, flags=re.M)
    text = re.sub(r"^sigma0 = .*$", f"sigma0 = {sigma0}", text, flags=re.M)
    text = text.replace('path = "../data/', f'path = "{ROOT}/data/')
    if not start:
        return text
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(\w+) = (\[.*\]|\{.*\})(\s*#.*)?$", line)
        if not m or m.group(1) not in start:
            continue
        value, unit = start[m.group(1)]
        spec = m.group(2)
        if spec.startswith("["):
            spec = "{ bounds = " + spec + " }"
        lines[i] = f'{m.group(1)} = {spec[:-1].rstrip()}, start = "{value:.6g} {unit}" }}'
    return "\n".join(lines) + "\n"


def _inside(start: dict, cfg) -> dict:
    """Start values moved 2 % of the range inside their bounds (logit needs the interior)."""
    out = {}
    for p in cfg.space.parameters:
        if p.name not in start:
            continue
        lo, hi = p.bounds
        value, unit = start[p.name]
        f = cfg_unit_factor(unit, p.unit)
        v = min(max(value * f, lo + 0.02 * (hi - lo)), hi - 0.02 * (hi - lo))
        out[p.name] = (v, p.unit)
    return out


def cfg_unit_factor(src: str, dst: str) -> float:
    from neurokit.units import convert

    return float(convert(1.0, src, dst))


def cmaes_compare(result, budget, seeds, tau_hard, log):
    from neurokit.fitting import Fitter, load_fit_config
    from neurokit.fitting.gif import to_point_gif
    from neurokit.fitting.report import sweep_table

    base = open(FIT_FILE).read()
    start = dict(to_point_gif(result, tau_hard))
    start.update({"a": (0.0, "nS"), "spike_delay": (0.0, "ms")})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.toml")
        with open(probe, "w") as f:
            f.write(_toml_with_start(base, None, budget, 1.0))
        start = _inside(start, load_fit_config(probe))
        for label, st, sigma in (("file start, sigma0 1.0", None, 1.0), ("GIF start, sigma0 1.0", start, 1.0),
                                 ("GIF start, sigma0 0.3", start, 0.3)):
            for seed in seeds:
                path = os.path.join(tmp, f"run_{len(rows)}.toml")
                with open(path, "w") as f:
                    f.write(_toml_with_start(base, st, budget, sigma))
                fitter = Fitter(load_fit_config(path, seed=seed), output_dir=os.path.join(tmp, f"out{len(rows)}"),
                                checkpoint=False)
                t0 = time.perf_counter()
                fitter.fit()
                wall = time.perf_counter() - t0
                _, train, _ = sweep_table(fitter, fitter.train_sweeps_)
                _, test, _ = sweep_table(fitter, fitter.test_sweeps_)
                rows.append({"variant": label, "seed": seed, "budget": budget, "wall_s": wall,
                             "best_score": fitter.best_score_, "train_gamma": train["mean_gamma"],
                             "test_gamma": test["mean_gamma"], "test_count_error": test["count_error"]})
                log(f"  {label}, seed {seed}: score {fitter.best_score_:.3f}, train Gamma "
                    f"{train['mean_gamma']:.3f}, test Gamma {test['mean_gamma']:.3f}, {wall:.1f} s")
        rows.append({"variant": "GIF start itself (no search)", "start": {k: list(v) for k, v in start.items()}})
    return rows


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "loadavg": list(os.getloadavg()), "python": sys.version.split()[0]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", required=True, help="where to write the results")
    ap.add_argument("--quick", action="store_true", help="one setting, 5 repeats (smoke run)")
    ap.add_argument("--repeats", type=int, default=20, help="escape-noise repeats per sweep")
    ap.add_argument("--cmaes-budget", type=int, default=0, help="evaluations per CMA-ES run (0: skip)")
    ap.add_argument("--cmaes-seeds", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)
    from neurokit.fitting.gif import fit_gif, to_point_gif
    from neurokit.io import load_recording

    def log(msg):
        print(msg, flush=True)

    info = {"machine": machine(), "command": " ".join(["python", "benchmarks/gif_mle.py"] + sys.argv[1:])}
    ds = load_recording(ABF)
    grid = [(4e-3, 0.5)] if args.quick else [(t, L) for t in (2e-3, 4e-3, 6e-3) for L in (0.1, 0.3, 1.0)]
    repeats = 5 if args.quick else args.repeats
    log(f"validation: fit on {SUBTRAIN}, score on {VAL}")
    best, rows = choose_settings(ds, grid, repeats, log)
    val_fit = fit_gif(ds, SUBTRAIN, t_ref_s=best["t_ref_s"], eta_length_s=best["kernel_length_s"],
                      gamma_length_s=best["kernel_length_s"])
    taus = [1e-3] if args.quick else [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]
    tau, tau_gammas = choose_tau(val_fit, ds, taus)
    log(f"chosen: t_ref {best['t_ref_s'] * 1e3:g} ms, kernels {best['kernel_length_s']:g} s, hard-threshold tau {tau * 1e3:g} ms")
    fits = [fit_gif(ds, TRAIN, t_ref_s=best["t_ref_s"], eta_length_s=best["kernel_length_s"],
                    gamma_length_s=best["kernel_length_s"]) for _ in range(3)]
    final = fits[0]
    same = all(json.dumps(f.to_dict() | {"fit_time_s": 0}) == json.dumps(final.to_dict() | {"fit_time_s": 0})
               for f in fits)
    fit_times = sorted(f.fit_time_s for f in fits)
    log(f"final fit on {TRAIN}: {fit_times[1]:.2f} s (median of 3), identical: {same}")
    out = {**info, "train_sweeps": TRAIN, "validation_sweeps": VAL, "test_sweeps": TEST, "repeats": repeats,
           "seed": SEED, "grid": rows, "chosen": best, "hard_threshold_tau_s": tau,
           "hard_threshold_val_gamma": {str(k): v for k, v in tau_gammas.items()},
           "fit": final.to_dict(), "fit_time_median_s": fit_times[1], "identical_refits": same,
           "point_gif": {k: list(v) for k, v in to_point_gif(final, tau).items()},
           "train": scores(final, ds, TRAIN, repeats, tau),
           "validation_refit": scores(final, ds, VAL, repeats, tau),
           "validation_heldout": scores(val_fit, ds, VAL, repeats, tau),
           "test": scores(final, ds, TEST, repeats, tau)}
    for part in ("train", "validation_heldout", "test"):
        s = out[part]
        log(f"{part}: Gamma escape {s['escape']['gamma']:.3f} (count err {s['escape']['count_error']:.1%}), "
            f"deterministic {s['deterministic']['gamma']:.3f}, RMS {s['subthreshold_rms_mV']:.2f} mV, "
            f"{s['bits_per_spike']:.2f} bits/spike")
    if args.cmaes_budget > 0:
        log("CMA-ES start comparison (fits/171116sh_gif.toml, 1 island)")
        out["cmaes"] = cmaes_compare(final, args.cmaes_budget, args.cmaes_seeds, tau, log)
    out["machine_after"] = machine()
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1, default=float)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
