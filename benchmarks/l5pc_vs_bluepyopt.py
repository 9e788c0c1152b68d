"""BluePyOpt's L5PC example (Hay et al. 2011) through neurokit and through BluePyOpt itself.

The L5PC files (CC BY-NC-SA) are not shipped: unpack BluePyOpt's sdist
(``pip download --no-deps --no-binary :all: bluepyopt``) somewhere outside the repository and
point ``--l5pc`` at its ``examples/l5pc`` folder. neurokit reads the cell only through
:func:`neurokit.models.cell.from_bluepyopt` and the protocols through
:func:`neurokit.protocols.from_bluepyopt`; BluePyOpt runs its own ``l5pc_evaluator`` in a
separate interpreter (``--bluepyopt-python``, a venv with ``bluepyopt`` and ``neuron``).
Both use CVode. Reported per protocol: somatic spike count (neurokit: its soma spike detector
at -20 mV; BluePyOpt: eFEL ``Spikecount``) and wall time per evaluation (one protocol, one
parameter set; neurokit's cell is built once beforehand, as in a fit; BluePyOpt builds its cell
in every evaluation, as it does in a fit).

    python benchmarks/l5pc_vs_bluepyopt.py --l5pc /tmp/bpodl/bluepyopt-1.14.26/examples/l5pc \\
        --bluepyopt-python /tmp/bpo/bin/python
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

PROTOCOLS = ("Step1", "Step2", "Step3")


def release_values(l5pc: Path) -> dict:
    """The example's released parameter set, read as a literal from l5pc_analysis.py."""
    text = (l5pc / "l5pc_analysis.py").read_text()
    return ast.literal_eval(re.search(r"release_params = (\{.*?\})", text, re.S).group(1))


def neurokit_side(args, values: dict):
    """The cell, protocols and a simulator with the cell built (as in a fit)."""
    from neurokit.backends.neuron import NeuronSimulator
    from neurokit.models.cell import from_bluepyopt
    from neurokit.protocols import from_bluepyopt as protocols_from_bluepyopt

    cfg = args.l5pc / "config"
    model = from_bluepyopt(args.morphology or args.l5pc / "morphology" / "C060114A7.asc",
                           cfg / "mechanisms.json", cfg / "parameters.json", args.l5pc / "mechanisms",
                           name="l5pc", values=values)
    protocols = protocols_from_bluepyopt(cfg / "protocols.json", names=list(PROTOCOLS))
    sim = NeuronSimulator(cvode=True)
    t0 = time.perf_counter()
    sim.start(model)
    return model, protocols, sim, time.perf_counter() - t0


def run_neurokit(side) -> dict:
    model, protocols, sim, _ = side
    out = {}
    for name in PROTOCOLS:
        t0 = time.perf_counter()
        ds = sim.simulate(model, {}, protocols[name])
        out[name] = {"spikes": int(ds.sizes.get("spike", 0)), "wall_s": time.perf_counter() - t0}
    return out


def run_bluepyopt(args, values: dict) -> dict:
    """Run in the BluePyOpt interpreter (imports nothing from neurokit)."""
    if not (args.l5pc / "x86_64").is_dir():  # l5pc_evaluator loads its folder's build
        nrnivmodl = Path(sys.executable).parent / "nrnivmodl"
        subprocess.run([str(nrnivmodl), "mechanisms"], check=True, capture_output=True, cwd=args.l5pc)
    # Not from inside that folder: NEURON would load the build at import, then again.
    os.chdir(args.l5pc.parent)
    sys.path.insert(0, str(args.l5pc))
    import efel
    import l5pc_evaluator

    evaluator = l5pc_evaluator.create()
    out = {}
    for name in PROTOCOLS:
        times, count = [], None
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            resp = evaluator.run_protocols([evaluator.fitness_protocols[name]], param_values=values)
            times.append(time.perf_counter() - t0)
            trace = resp[f"{name}.soma.v"]
            feats = efel.get_feature_values([{"T": trace["time"].to_numpy(), "V": trace["voltage"].to_numpy(),
                                              "stim_start": [700.0], "stim_end": [2700.0]}], ["Spikecount"])
            count = int(feats[0]["Spikecount"][0])
        out[name] = {"spikes": count, "wall_s": min(times)}
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--l5pc", type=Path, required=True, help="BluePyOpt's examples/l5pc folder")
    ap.add_argument("--morphology", type=Path, help="override the morphology file")
    ap.add_argument("--bluepyopt-python", help="interpreter with bluepyopt and neuron installed")
    ap.add_argument("--repeats", type=int, default=3, help="alternating rounds (min per protocol kept)")
    ap.add_argument("--side", choices=("both", "neurokit", "bluepyopt"), default="both")
    args = ap.parse_args(argv)
    args.l5pc = args.l5pc.resolve()
    values = release_values(args.l5pc)
    if args.side == "bluepyopt":
        print(json.dumps(run_bluepyopt(args, values)))
        return
    # Rounds alternate the two tools, so a change in machine load hits both; min per protocol.
    side = neurokit_side(args, values)
    rounds = {"neurokit": [], "bluepyopt": []}
    for _ in range(args.repeats):
        rounds["neurokit"].append(run_neurokit(side))
        if args.side == "both" and args.bluepyopt_python:
            cmd = [args.bluepyopt_python, str(Path(__file__).resolve()), "--l5pc", str(args.l5pc),
                   "--repeats", "1", "--side", "bluepyopt"]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode:
                raise SystemExit(f"BluePyOpt side failed:\n{proc.stderr[-3000:]}")
            rounds["bluepyopt"].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    side[2].close()
    result = {tool: {name: {"spikes": [r[name]["spikes"] for r in runs],
                            "wall_s": min(r[name]["wall_s"] for r in runs)} for name in PROTOCOLS}
              for tool, runs in rounds.items() if runs}
    result["neurokit"]["build_s"] = side[3]
    print("| protocol | neurokit spikes | BluePyOpt spikes | neurokit s/eval | BluePyOpt s/eval |")
    print("|---|---|---|---|---|")
    bpo = result.get("bluepyopt", {})
    for name in PROTOCOLS:
        nk, bp = result["neurokit"][name], bpo.get(name, {})
        nks = "/".join(map(str, sorted(set(nk["spikes"]))))
        bps = "/".join(map(str, sorted(set(bp["spikes"])))) if bp else "-"
        print(f"| {name} | {nks} | {bps} | {nk['wall_s']:.2f} | " + (f"{bp['wall_s']:.2f} |" if bp else "- |"))
    print(f"neurokit build (mechanisms loaded, cell made): {result['neurokit']['build_s']:.2f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
