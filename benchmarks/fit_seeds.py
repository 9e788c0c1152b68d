"""A fit file over several seeds: train / validation / test figures, spread, wall and CPU time.

Run from the repository root::

    python benchmarks/fit_seeds.py --json OUT.json [--fit fits/171116sh_gif.toml] [--seeds 1 2 3 4 5]
        [--budget N] [--hide-test] [--replace 'OLD=>NEW' ...]

``--hide-test`` leaves the test sweeps out (settings are chosen with it, on validation only);
``--replace`` edits the fit file's text for a variant (a temporary copy beside it). Each seed
runs in this process as ``neurokit fit`` would (no figure): Gamma (Jolivet et al. 2008, 4 ms,
over the fit window, mean over sweeps with data spikes), count error sum |dN| / N, subthreshold
RMS on sweeps without spikes. CPU time is this process's user + system time (the native kernel
runs in it), next to the wall time and the load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "load_average": list(os.getloadavg())}


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def figures(agg: dict) -> dict:
    keys = ("mean_gamma", "count_error", "count_bias", "subthreshold_rms_mV", "masked_rms_mV", "data_spikes",
            "model_spikes", "reliability", "model_gamma_same_spikes", "gamma_relative_to_reliability")
    return {k: agg.get(k) for k in keys}


def run_seed(path: Path, seed: int, budget: int | None, hide_test: bool) -> dict:
    from neurokit.fitting import Fitter, load_fit_config
    from neurokit.fitting.report import sweep_table

    cfg = load_fit_config(path, seed=seed, budget=budget)
    with tempfile.TemporaryDirectory() as tmp:
        c0, t0 = cpu_seconds(), time.perf_counter()
        fitter = Fitter(cfg, output_dir=tmp, checkpoint=False).fit()
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    row = {"seed": seed, "wall_s": wall, "cpu_s": cpu, "evaluations": fitter.evaluations_,
           "train_score": fitter.best_score_, "validation_score": fitter.best_validation_score_,
           "chosen_restart": fitter.chosen_restart_, "bound_warnings": fitter.warnings_,
           "restarts": [{k: v for k, v in r.items() if k != "params"} for r in fitter.restarts_],
           "params": fitter.best_params_}
    sets = [("train", fitter.train_sweeps_), ("validation", fitter.validation_sweeps_)]
    if not hide_test:
        sets.append(("test", fitter.test_sweeps_))
    for name, sweeps in sets:
        if sweeps:
            row[name] = figures(sweep_table(fitter, sweeps)[1])
    return row


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", default=str(ROOT / "fits" / "171116sh_gif.toml"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--budget", type=int, default=None)
    ap.add_argument("--hide-test", action="store_true", help="leave the test sweeps out")
    ap.add_argument("--replace", action="append", default=[], metavar="OLD=>NEW")
    ap.add_argument("--json", required=True)
    args = ap.parse_args(argv)
    src = Path(args.fit).resolve()
    text = src.read_text()
    for rep in args.replace:
        old, new = rep.split("=>", 1)
        if old not in text:
            raise SystemExit(f"--replace: {old!r} is not in {src}")
        text = text.replace(old, new)
    out = {"fit": str(src.relative_to(ROOT)), "replace": args.replace, "budget": args.budget,
           "command": " ".join([Path(sys.argv[0]).name] + (argv or sys.argv[1:])),
           "machine_start": machine(), "runs": []}
    fd, tmp = tempfile.mkstemp(suffix=".toml", prefix=".fit_seeds_", dir=src.parent)
    os.close(fd)
    try:
        Path(tmp).write_text(text)
        for seed in args.seeds:
            row = run_seed(Path(tmp), seed, args.budget, args.hide_test)
            out["runs"].append(row)
            shown = {k: (row[k]["mean_gamma"] if isinstance(row.get(k), dict) else None)
                     for k in ("train", "validation", "test")}
            print(f"seed {seed}: wall {row['wall_s']:.1f} s, cpu {row['cpu_s']:.1f} s, Gamma {shown}, "
                  f"val score {row['validation_score']}", flush=True)
    finally:
        os.unlink(tmp)
    out["machine_end"] = machine()
    for key in ("validation", "test"):
        g = [r[key]["mean_gamma"] for r in out["runs"] if isinstance(r.get(key), dict)]
        if g:
            out[f"{key}_gamma_spread"] = max(g) - min(g)
    Path(args.json).write_text(json.dumps(out, indent=1, default=float))
    return out


if __name__ == "__main__":
    main()
