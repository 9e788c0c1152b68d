"""Learn files: unsupervised local learning on data, one hyperparameter set or a grid of them.

A learn file (see docs/learning.md)::

    name = "digits-krotov"
    seed = 1                       # keys initial weights, presentation orders, Poisson inputs
    epochs = 30
    units = 500                    # hidden units
    engine = "c"                   # c (generated code) | numpy (the reference)
    device = "cpu"                 # cpu | cuda (CUDA kernels through CuPy) | auto (cuda if a GPU)
    output = "results/digits_krotov"   # results folder, relative to this file

    [data]
    name = "digits"                # digits | patches | mnist (mnist downloads: only when named)
    split_seed = 0
    # n = 5000, whiten = true      # patches: how many; ZCA-whitened

    [rule]
    name = "krotov"                # oja | sanger | wta | bcm | krotov | stdp
    batch = 50                     # krotov minibatch
    # steps = 50, dt = "1 ms"      # stdp: presentation of one image

    [hyper]                        # a value, or a grid axis: a list, or {bounds, n, scale}
    eta = 0.04
    p = [2, 3]
    delta = { bounds = [0.2, 0.4], n = 2 }

    [readout]
    classifier = "logistic"        # logistic | ridge
    c = 1.0                        # inverse regularisation
    power = 1.0                    # features relu(W x)^power (competitive rules)
    final = false                  # true: train on train + validation, score the test set

The rules and their hyperparameters belong to the learning package, which passes them in
(this layer does not import it). Every mistake raises :class:`~neurokit.errors.FitConfigError`
whose message starts with ``FILE:LINE:``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from neurokit.config.reader import Reader, read_toml

TOP_KEYS = {"name", "description", "seed", "epochs", "units", "engine", "device", "output", "data", "rule", "hyper",
            "readout"}
DATA_KEYS = {"name", "split_seed", "n", "whiten"}
DATA_SETS = ("digits", "patches", "mnist")
RULE_KEYS = {"name", "batch", "steps", "dt"}
READOUT_KEYS = {"classifier", "c", "power", "final"}
ENGINES = ("c", "numpy")
DEVICES = ("cpu", "cuda", "auto")
CLASSIFIERS = ("logistic", "ridge")


@dataclass
class LearnSpec:
    """A parsed, checked learn file (hyperparameters in the rule's units).

    Attributes
    ----------
    hyper : dict of str to ndarray
        One column per hyperparameter given, all of the batch's length (the grid, flattened
        with the first axis slowest).
    """

    path: Path
    name: str
    seed: int
    epochs: int
    units: int
    engine: str
    rule: str
    batch: int
    steps: int
    dt: float
    data: str
    split_seed: int
    data_options: dict
    hyper: dict
    classifier: str
    c: float
    power: float
    final: bool
    output: Path
    description: str = ""
    raw: dict = field(default_factory=dict)
    device: str = "cpu"

    @property
    def n_samples(self) -> int:
        return len(next(iter(self.hyper.values()))) if self.hyper else 1


def load_learn_config(path: str | os.PathLike, *, rules: Mapping[str, Mapping[str, str]],
                      seed: int | None = None, epochs: int | None = None,
                      output: str | os.PathLike | None = None) -> LearnSpec:
    """Read and check a learn file; command-line overrides replace the file's values.

    Parameters
    ----------
    rules : mapping
        Rule name -> {hyperparameter name: unit} (from the learning package).

    Raises
    ------
    FitConfigError
        ``FILE:LINE:`` of the offending key.
    """
    raw, r = read_toml(path, "learn file")
    r.keys(raw, TOP_KEYS, (), "the learn file")
    for key in ("data", "rule"):
        if key not in raw:
            raise r.error((), f"missing [{key}] table")
    seed = seed if seed is not None else r.integer(raw.get("seed", 0), ("seed",), "seed", minimum=0)
    epochs = epochs if epochs is not None else r.integer(raw.get("epochs", 10), ("epochs",), "epochs", minimum=1)
    units = r.integer(raw.get("units", 100), ("units",), "units", minimum=1)
    engine = raw.get("engine", "c")
    if engine not in ENGINES:
        raise r.error(("engine",), f"engine {engine!r} is not one of {ENGINES}")
    device = raw.get("device", "cpu")
    if device not in DEVICES:
        raise r.error(("device",), f"device {device!r} is not one of {DEVICES}")
    if device == "cuda" and engine != "c":
        raise r.error(("device",), f"device 'cuda' runs the generated kernels; engine {engine!r} runs on the CPU")
    data = r.keys(raw["data"], DATA_KEYS, ("data",), "[data]")
    dname = r.string(data.get("name", ""), ("data", "name"), "data.name")
    if dname not in DATA_SETS:
        raise r.error(("data", "name"), f"data.name {dname!r} is not one of {DATA_SETS}")
    options = {}
    if "n" in data:
        options["n"] = r.integer(data["n"], ("data", "n"), "data.n", minimum=10)
    if "whiten" in data:
        if dname != "patches":
            raise r.error(("data", "whiten"), "data.whiten applies to patches only")
        options["whiten"] = r.boolean(data["whiten"], ("data", "whiten"), "data.whiten")
    rule = r.keys(raw["rule"], RULE_KEYS, ("rule",), "[rule]")
    rname = r.string(rule.get("name", ""), ("rule", "name"), "rule.name")
    if rname not in rules:
        raise r.error(("rule", "name"), f"rule.name {rname!r} is not one of {', '.join(rules)}")
    readout = r.keys(raw.get("readout", {}), READOUT_KEYS, ("readout",), "[readout]")
    classifier = readout.get("classifier", "logistic")
    if classifier not in CLASSIFIERS:
        raise r.error(("readout", "classifier"), f"readout.classifier {classifier!r} is not one of {CLASSIFIERS}")
    name = str(raw.get("name", r.path.stem))
    out = output if output is not None else r.path.parent / r.string(raw.get("output", f"results/{name}"),
                                                                        ("output",), "output")
    return LearnSpec(
        path=r.path, name=name, seed=seed, epochs=epochs, units=units, engine=engine, rule=rname,
        batch=r.integer(rule.get("batch", 100), ("rule", "batch"), "rule.batch", minimum=1),
        steps=r.integer(rule.get("steps", 50), ("rule", "steps"), "rule.steps", minimum=1),
        dt=r.quantity(rule.get("dt", 0.001), "s", ("rule", "dt"), "rule.dt"),
        data=dname, split_seed=r.integer(data.get("split_seed", 0), ("data", "split_seed"), "data.split_seed",
                                         minimum=0),
        data_options=options, hyper=_hyper(r, raw.get("hyper", {}), rules[rname], rname),
        classifier=classifier, c=r.number(readout.get("c", 1.0), ("readout", "c"), "readout.c", minimum=1e-12),
        power=r.number(readout.get("power", 1.0), ("readout", "power"), "readout.power", minimum=0.0),
        final=r.boolean(readout.get("final", False), ("readout", "final"), "readout.final"),
        output=Path(out), description=str(raw.get("description", "")), raw=raw, device=device)


def _hyper(r: Reader, table, known: Mapping[str, str], rule: str) -> dict:
    """The ``[hyper]`` table as flattened grid columns."""
    where = ("hyper",)
    r.keys(table, known, where, f"[hyper] of rule {rule!r}")
    axes = {}
    for name, entry in table.items():
        at, unit = where + (name,), known[name]
        if isinstance(entry, list):
            if not entry:
                raise r.error(at, f"hyper.{name}: an empty list holds no values")
            axes[name] = np.array([r.quantity(v, unit, at, f"hyper.{name}") for v in entry])
        elif isinstance(entry, dict):
            r.keys(entry, {"bounds", "n", "scale"}, at, f"hyper.{name}")
            lo, hi = r.bounds(entry.get("bounds"), unit, at, f"hyper.{name}")
            n = r.integer(entry.get("n", 3), at + ("n",), f"hyper.{name}.n", minimum=1)
            scale = entry.get("scale", "linear")
            if scale not in ("linear", "log"):
                raise r.error(at + ("scale",), f"hyper.{name}.scale {scale!r} is not 'linear' or 'log'")
            if scale == "log" and lo <= 0:
                raise r.error(at, f"hyper.{name}: a log axis needs positive bounds, got {lo:g}")
            axes[name] = np.geomspace(lo, hi, n) if scale == "log" else np.linspace(lo, hi, n)
        else:
            axes[name] = np.array([r.quantity(entry, unit, at, f"hyper.{name}")])
    if not axes:
        return {}
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    return {k: m.ravel() for k, m in zip(axes, mesh)}
