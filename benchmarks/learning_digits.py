"""Local learning vs STDP vs backprop on scikit-learn's digits; batched vs sequential training.

    python benchmarks/learning_digits.py --json results.json [--quick]
    python benchmarks/learning_digits.py --json gpu.json --device cuda [--quick]

``--device cuda`` measures only the CUDA kernels against the generated C on the same batches
(time and largest weight difference), writes the JSON and a table beside it (``.md``), and says
so and stops when no GPU with CuPy is present.

Settings are chosen on a validation split carved from the training set (neurokit.learning.data:
30 % test, 20 % of the rest validation, split_seed 0); the chosen settings are retrained on
train + validation and the test set is scored once. "Training wall time" counts what a
supervised model needs before it can predict: the local layer's training, the features of the
training set and the readout's fit (the backprop MLP: its fit). FLOPs are estimates (see
neurokit.learning.rules.flops_per_epoch, stdp.flops_per_epoch; MLP: 6 x weights per example
per iteration). Writes the JSON and a table in benchmarks/results/learning.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.files import write_text
from neurokit.learning import train
from neurokit.learning.data import load_digits
from neurokit.learning.readout import features, readout

HIDDEN = 300
RESULTS = Path(__file__).parent / "results" / "learning.md"
LOCAL_GRID = {  # rule -> (epochs, batch, hyperparameter columns)
    "wta": (20, 1, {"eta": [0.02, 0.05, 0.1]}),
    "krotov": (40, 5, {"eta": [0.1, 0.2, 0.1, 0.2], "p": [3.0, 3.0, 2.0, 2.0], "k": [2, 2, 2, 2],
                       "delta": [0.2, 0.2, 0.4, 0.4]}),
}
POWERS = (1.0, 3.0, 6.0)
#: Closed-form ridge readout: as accurate as logistic regression on validation here, ~100x faster.
READOUT = "ridge"
STDP_GRID = {"eta": [0.05, 0.05, 0.02], "theta_plus": [0.5, 0.2, 0.5]}


def _batch(cols: dict) -> xr.Dataset:
    n = len(next(iter(cols.values())))  # the sample coordinate keys each set's random streams
    return xr.Dataset({k: ("sample", np.asarray(v, float)) for k, v in cols.items()}, coords={"sample": np.arange(n)})


def _select(ds, d, powers):
    """Best (validation accuracy, sample index, power) of a trained batch."""
    best = (-1.0, 0, 1.0)
    for power in powers:
        f_tr, f_val = features(ds, d.x_train, power), features(ds, d.x_val, power)
        for s in range(ds.sizes["sample"]):
            acc = readout(f_tr[s], d.y_train, f_val[s], d.y_val, classifier=READOUT)[0]
            best = max(best, (acc, s, power))
    return best


def _final(rule, d, hyper, epochs, batch, power, units=HIDDEN):
    """Retrain one set on train + validation; test accuracy, wall time, FLOPs."""
    x, y = d.fit_set(True)
    t0 = time.perf_counter()
    ds = train(rule, x, _batch(hyper), units=units, epochs=epochs, batch=batch, seed=1)
    f_fit = features(ds, x, power)[0]
    seconds_pre = time.perf_counter() - t0
    f_test = features(ds, d.x_test, power)[0]
    acc, fit_s = readout(f_fit, y, f_test, d.y_test, classifier=READOUT)
    return {"rule": rule, "test_accuracy": acc, "train_seconds": seconds_pre + fit_s,
            "layer_seconds": float(ds.attrs["train_seconds"]), "flops": float(ds.attrs["flops"]),
            "hidden": units, "epochs": epochs, "hyper": {k: float(v[0]) for k, v in hyper.items()},
            "power": power}


def local_rule(d, quick):
    cands = []
    for rule, (epochs, batch, cols) in LOCAL_GRID.items():
        ds = train(rule, d.x_train, _batch(cols), units=HIDDEN, epochs=max(2, epochs // 4) if quick else epochs,
                   batch=batch, seed=1)
        acc, s, power = _select(ds, d, POWERS)
        cands.append((acc, -ds.attrs["flops"], rule, {k: [v[s]] for k, v in cols.items()}, ds.attrs["epochs"],
                      batch, power))
        print(f"  {rule}: validation {acc:.4f} (set {s}, power {power}), batch of {ds.sizes['sample']} "
              f"trained in {ds.attrs['train_seconds']:.2f} s", flush=True)
    acc, _, rule, hyper, epochs, batch, power = max(cands, key=lambda c: c[:2])  # ties: the cheaper rule
    out = _final(rule, d, hyper, epochs, batch, power)
    out["validation_accuracy"] = acc
    return out


def stdp_net(d, quick):
    epochs = 1 if quick else 3
    ds = train("stdp", d.x_train, _batch(STDP_GRID), units=HIDDEN, epochs=epochs, seed=1)
    acc, s, _ = _select(ds, d, (1.0,))
    print(f"  stdp: validation {acc:.4f} (set {s})", flush=True)
    out = _final("stdp", d, {k: [v[s]] for k, v in STDP_GRID.items()}, epochs, 1, 1.0)
    out["validation_accuracy"] = acc
    return out


def backprop(d, quick):
    from sklearn.neural_network import MLPClassifier

    iters = 50 if quick else 300
    best = (-1.0, None)
    for alpha in (1e-4, 1e-2):
        m = MLPClassifier((HIDDEN,), alpha=alpha, max_iter=iters, random_state=0).fit(d.x_train, d.y_train)
        best = max(best, (m.score(d.x_val, d.y_val), alpha))
    x, y = d.fit_set(True)
    t0 = time.perf_counter()
    m = MLPClassifier((HIDDEN,), alpha=best[1], max_iter=iters, random_state=0).fit(x, y)
    seconds = time.perf_counter() - t0
    weights = x.shape[1] * HIDDEN + HIDDEN * 10
    return {"rule": "backprop MLP (scikit-learn, adam)", "test_accuracy": float(m.score(d.x_test, d.y_test)),
            "train_seconds": seconds, "flops": float(6 * weights * len(x) * m.n_iter_), "hidden": HIDDEN,
            "iterations": int(m.n_iter_), "alpha": best[1], "validation_accuracy": best[0]}


def batching(d, rule, n_sets, units, epochs, batch):
    """One call training ``n_sets`` sets vs ``n_sets`` calls of one set each (same sets)."""
    cols = {"eta": np.linspace(0.02, 0.2, n_sets)}
    hyper = _batch(cols)
    train(rule, d.x_train[:20], hyper.isel(sample=[0]), units=units, epochs=1, batch=batch)  # compile
    t0 = time.perf_counter()
    together = train(rule, d.x_train, hyper, units=units, epochs=epochs, batch=batch)
    t_batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    kernel = 0.0
    for s in range(n_sets):
        one = train(rule, d.x_train, hyper.isel(sample=[s]), units=units, epochs=epochs, batch=batch)
        kernel += one.attrs["train_seconds"]
    t_seq = time.perf_counter() - t0
    same = bool(np.array_equal(one["weight"][0], together["weight"][-1]))
    return {"rule": rule, "sets": n_sets, "units": units, "epochs": epochs, "batched_seconds": t_batch,
            "batched_kernel_seconds": float(together.attrs["train_seconds"]), "sequential_seconds": t_seq,
            "sequential_kernel_seconds": kernel, "speedup": t_seq / t_batch, "identical_weights": same}


def gpu_vs_cpu(d, quick: bool) -> list[dict]:
    """The same batch trained by the CUDA kernels and the generated C: wall times of the
    training call (after a compiling call) and the largest weight difference."""
    cases = [("wta", 100, 16, 2, 1), ("krotov", 20 if quick else 100, 100, 2 if quick else 10, 10),
             ("stdp", 8 if quick else 32, 50, 1, 1)]
    out = []
    for rule, n_sets, units, epochs, batch in cases:
        x = d.x_train[:200] if rule == "stdp" else d.x_train
        hyper = _batch({"eta": np.linspace(0.02, 0.2, n_sets) if rule != "stdp" else np.full(n_sets, 0.05)})
        row = {"rule": rule, "sets": n_sets, "units": units, "epochs": epochs, "n_train": len(x)}
        for device in ("cuda", "cpu"):
            train(rule, x[:20], hyper.isel(sample=[0]), units=units, epochs=1, batch=batch, device=device)
            ds = train(rule, x, hyper, units=units, epochs=epochs, batch=batch, device=device)
            row[f"{device}_seconds"] = float(ds.attrs["train_seconds"])
            row[f"{device}_weight"] = ds["weight"].values
        row["max_weight_difference"] = float(np.abs(row.pop("cuda_weight") - row.pop("cpu_weight")).max())
        row["speedup"] = row["cpu_seconds"] / row["cuda_seconds"]
        out.append(row)
    return out


def gpu_table(res: dict) -> str:
    lines = ["# Learning kernels: CUDA vs generated C", "", f"GPU: {res['gpu']}; CPU: {res['machine']['cpu']}, "
             f"{res['machine']['cores']} cores.", "",
             "| rule | sets | units | epochs | inputs presented | C (s) | CUDA (s) | speedup | max weight difference |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in res["gpu_vs_cpu"]:
        lines.append(f"| {r['rule']} | {r['sets']} | {r['units']} | {r['epochs']} | {r['n_train']} | "
                     f"{r['cpu_seconds']:.3f} | {r['cuda_seconds']:.3f} | {r['speedup']:.1f}x | "
                     f"{r['max_weight_difference']:.2e} |")
    return "\n".join(lines) + "\n"


def cuda_main(a) -> None:
    from neurokit.codegen.targets.cuda import gpu_available

    if not gpu_available():
        print("--device cuda: no NVIDIA GPU with CuPy on this machine; the CUDA path was not measured")
        return
    import cupy

    d = load_digits(split_seed=0)
    res = {"quick": a.quick, "machine": machine(), "device": "cuda",
           "gpu": cupy.cuda.runtime.getDeviceProperties(0)["name"].decode(), "gpu_vs_cpu": gpu_vs_cpu(d, a.quick)}
    write_text(a.json, json.dumps(res, indent=2) + "\n")
    write_text(Path(a.json).with_suffix(".md"), gpu_table(res))
    print(gpu_table(res))


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")),
               platform.processor())
    flags = next((ln.split(":", 1)[1].split() for ln in open("/proc/cpuinfo") if ln.startswith("flags")), [])
    cc = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "flags": [f for f in flags if f in ("avx2", "fma", "avx512f")],
            "compiler": cc, "cflags": "-O3 -march=native -ffast-math -fno-finite-math-only -fopenmp",
            "load_average": [round(v, 2) for v in os.getloadavg()]}


def table(res: dict) -> str:
    m = res["machine"]
    rows = ["| model | test accuracy | training wall time (s) | training FLOPs (est.) | validation accuracy |",
            "|---|---|---|---|---|"]
    for key in ("local", "stdp", "backprop"):
        r = res[key]
        rows.append(f"| {key}: {r['rule']} ({r['hidden']} hidden) | {r['test_accuracy']:.4f} | "
                    f"{r['train_seconds']:.2f} | {r['flops']:.3g} | {r['validation_accuracy']:.4f} |")
    lines = ["# Local learning on digits", "",
             "Produced by `python benchmarks/learning_digits.py --json OUT`" + (" --quick" if res["quick"] else "")
             + ". Settings chosen on validation; test scored once.", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, flags {' '.join(m['flags'])}; {m['compiler']} "
             f"({m['cflags']}); load average {m['load_average']} (shared machine).", "", *rows, "",
             "Training wall time: layer training + training-set features + readout fit (ridge; MLP: its fit).", "",
             "## One call for many hyperparameter sets", "",
             "| rule | sets | units | epochs | one call (s) | sequential calls (s) | speedup "
             "| kernel time, one call / sequential (s) | outside the kernel per sequential call (ms) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for b in res["batching"]:
        per_call = 1e3 * (b["sequential_seconds"] - b["sequential_kernel_seconds"]) / b["sets"]
        lines.append(f"| {b['rule']} | {b['sets']} | {b['units']} | {b['epochs']} | {b['batched_seconds']:.2f} | "
                     f"{b['sequential_seconds']:.2f} | {b['speedup']:.1f}x | {b['batched_kernel_seconds']:.2f} / "
                     f"{b['sequential_kernel_seconds']:.2f} | {per_call:.1f} |")
    lines += ["", "Kernel time: the generated C alone (OpenMP over sets; a single set runs without a thread "
              "team). Outside the kernel: drawing initial weights and presentation orders with the one RNG, "
              "filling defaults, building the xarray result."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", required=True, help="output JSON file")
    ap.add_argument("--quick", action="store_true", help="fewer epochs (a smoke run; numbers not for claims)")
    ap.add_argument("--no-table", action="store_true", help="do not rewrite benchmarks/results/learning.md")
    ap.add_argument("--table-only", action="store_true", help="rewrite the table from an existing --json file")
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                    help="cuda: only compare the CUDA kernels with the C (needs a GPU and CuPy)")
    a = ap.parse_args(argv)
    if a.device == "cuda":
        cuda_main(a)
        return
    if a.table_only:
        write_text(RESULTS, table(json.loads(Path(a.json).read_text())))
        return
    d = load_digits(split_seed=0)
    res = {"quick": a.quick, "machine": machine(), "split_seed": 0}
    print("local rules", flush=True)
    res["local"] = local_rule(d, a.quick)
    print("stdp", flush=True)
    res["stdp"] = stdp_net(d, a.quick)
    print("backprop", flush=True)
    res["backprop"] = backprop(d, a.quick)
    print("batching", flush=True)
    res["batching"] = [batching(d, "wta", 100, 16, 2, 1),
                       batching(d, "krotov", 20 if a.quick else 100, 100, 2 if a.quick else 10, 10)]
    write_text(a.json, json.dumps(res, indent=2) + "\n")
    if not a.no_table:
        write_text(RESULTS, table(res))
    print(table(res))


if __name__ == "__main__":
    main()
