"""Start-up of a fit: time from launching ``neurokit fit fits/171116sh_gif.toml`` to its first
evaluation, with an empty cache (cold: unit table, IR through Brian2, C compile) and with the
cache of the previous run (warm: unit table and IR read back as data, the compiled kernel
found by its hash), plus ``python -X importtime -c "import neurokit.fitting"``.

Each run is a fresh process launched by this script; the clock starts just before the launch.
Two marks are taken inside the child (patched in by a small wrapper, the fit itself is the
CLI's): ``kernel`` when the compiled kernel receives its first batch (everything before the
first simulation is done: imports, fit file, recording, optimiser, IR, kernel load) and
``first evaluation`` when the first batch has been simulated and scored. The child then exits.

    python benchmarks/startup.py [--repeats 3] [--markdown benchmarks/results/fitting.md]
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIT = ROOT / "fits" / "171116sh_gif.toml"
WATCHED = ("brian2", "sympy", "scipy.stats", "matplotlib", "cma", "pyabf")

CHILD = r"""
import json, os, sys, time
T0 = float(os.environ["NK_STARTUP_T0"])
marks = {}
import neurokit.codegen.targets.c as c_target
import neurokit.fitting.evaluator as ev
_run, _evaluate = c_target.CKernel.run, ev.Evaluator.evaluate
def run(self, *a, **k):
    marks.setdefault("kernel", time.time() - T0)
    marks.setdefault("kernel_cpu", time.process_time())
    return _run(self, *a, **k)
def evaluate(self, values):
    out = _evaluate(self, values)
    marks["first_evaluation"] = time.time() - T0
    marks["first_evaluation_cpu"] = time.process_time()
    marks["samples"] = int(values.sizes["sample"])
    marks["loaded"] = [m for m in %(watched)r if m in sys.modules]
    print("STARTUP " + json.dumps(marks), flush=True)
    os._exit(0)
c_target.CKernel.run, ev.Evaluator.evaluate = run, evaluate
from neurokit.cli.main import main
sys.argv = ["neurokit", "fit", %(fit)r, "--quiet", "--no-figure", "--force", "--output", %(out)r]
main()
"""


def _first_evaluation(cache: Path, out: Path, fit: Path = FIT) -> dict:
    code = CHILD % {"watched": WATCHED, "fit": str(fit), "out": str(out)}
    env = {**os.environ, "NEUROKIT_CACHE_DIR": str(cache), "NK_STARTUP_T0": repr(time.time())}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith("STARTUP "):
            return json.loads(line[len("STARTUP "):])
    raise RuntimeError(f"the fit did not reach its first evaluation:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")


def _importtime() -> tuple[float, float, list[tuple[str, float]]]:
    """Wall time of the import, neurokit.fitting's cumulative import time (s) and the largest
    third-party imports under it (cumulative, s)."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import neurokit.fitting"],
                          capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((m.group(4), int(m.group(2)) * 1e-6))
    total = next((c for name, c in rows if name == "neurokit.fitting"), float("nan"))
    top = sorted(((n, c) for n, c in rows if "." not in n and n not in ("neurokit", "site", "encodings")),
                 key=lambda r: -r[1])[:6]
    return wall, total, top


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    flags = []
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()
        flags = sorted(f for f in re.search(r"flags\s*:\s*(.+)", text).group(1).split()
                       if f.startswith(("avx", "fma", "sse4")))
    except (OSError, AttributeError):
        pass
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.splitlines()
    return (f"{cpu}, {os.cpu_count()} CPUs visible; vector flags: {' '.join(flags) or 'n/a'}; "
            f"compiler: {cc[0] if cc else 'none'}; Python {platform.python_version()}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="cold and warm runs (each cold one on a fresh cache)")
    ap.add_argument("--markdown", help="append the table to this file")
    args = ap.parse_args(argv)
    load = [os.getloadavg()[0]]
    rows = {"cold cache": [], "warm cache": [], "warm cache, start = defaults": []}
    with tempfile.TemporaryDirectory(prefix="nk-startup-") as tmp:
        # The same fit without its deterministic GIF start (optimiser.start = "gif-mle", an MLE fit
        # of the GIF before the first CMA-ES batch): the start-up of the fit machinery alone.
        plain = Path(tmp) / "plain_start.toml"
        text = FIT.read_text().replace('start = "gif-mle"', 'start = "defaults"')
        plain.write_text(re.sub(r'(\npath = ")(\.\./)', lambda m: m.group(1) + str(ROOT) + "/", text))
        for k in range(args.repeats):
            cache = Path(tmp) / f"cache{k}"
            rows["cold cache"].append(_first_evaluation(cache, Path(tmp) / "out"))
            rows["warm cache"].append(_first_evaluation(cache, Path(tmp) / "out"))
            rows["warm cache, start = defaults"].append(_first_evaluation(cache, Path(tmp) / "out2", plain))
            load.append(os.getloadavg()[0])
    wall, total, top = _importtime()
    load.append(os.getloadavg()[0])

    def med(kind, mark):
        return statistics.median(r[mark] for r in rows[kind])

    lines = [f"`python benchmarks/startup.py --repeats {args.repeats}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
             "", f"Machine: {machine()}; load average (1 min) {min(load):.1f}-{max(load):.1f}", "",
             "Wall time from launch; in brackets the child's own CPU time (user + system, all threads), "
             "which the load of other jobs inflates less.", "",
             "| start | to the kernel's first batch (s) | to the end of the first evaluation (s) | "
             "batch (samples) | imported by then |", "|---|---|---|---|---|"]
    for kind in rows:
        r = rows[kind][-1]
        lines.append(f"| {kind} | {med(kind, 'kernel'):.2f} ({med(kind, 'kernel_cpu'):.2f} CPU) | "
                     f"{med(kind, 'first_evaluation'):.2f} ({med(kind, 'first_evaluation_cpu'):.2f} CPU) | "
                     f"{r['samples']} | {', '.join(r['loaded']) or 'none of ' + '/'.join(WATCHED)} |")
    lines += ["", f"`python -X importtime -c \"import neurokit.fitting\"`: {total:.2f} s cumulative for "
              f"neurokit.fitting, {wall:.2f} s for the whole command; largest third-party imports: "
              + ", ".join(f"{n} {c:.2f} s" for n, c in top), ""]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "a") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
