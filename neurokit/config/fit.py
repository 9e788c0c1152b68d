"""Fit files: TOML read as data, checked, and turned into a :class:`FitConfig`.

Every mistake raises :class:`~neurokit.errors.FitConfigError` whose message starts with
``FILE:LINE:`` (the line of the offending key). A fit file (see docs/fitting.md)::

    name = "171116sh_gif"
    seed = 1
    budget = 6000                       # model evaluations
    trust = false                       # true: may import Python code ("module:attr")

    [model]                             # shared with sweep files: neurokit.config.models
    name = "gif"
    backend = "native"
    dt = "0.05 ms"
    [model.fixed]
    t_ref = "1 ms"

    [parameters]                        # free parameters: bounds in the model's unit...
    C = [20, 400]
    g_L = { bounds = ["1 nS", "30 nS"], transform = "log", start = "8 nS" }   # ...or with units

    [recording]                         # or [protocols] bluepyopt = "protocols.json", with
                                        # feature targets: see neurokit.config.fit_data
    path = "../data/recordings/pyabf/171116sh_0018.abf"   # relative to this file
    train = [0, 4, 8]
    validation = [12]                   # chooses among restarts; or kfold = 3 over train
    test = [1, 2, 3]                    # default: every sweep not trained on or validated on
    sampling_interval = "1 ms"
    window = ["0 s", "2.3 s"]
    [recording.parameters]              # offset, holding, series_resistance, spike_delay
    spike_delay = ["0 ms", "3 ms"]

    [[objectives]]
    kind = "gamma"                      # the fitting package's objective kinds
    weight = 1.0

    [optimiser]
    method = "cmaes"                    # the fitting package's optimisers (or "gif-mle")
    start = "gif-mle"                   # optional: CMA-ES started from the deterministic GIF fit
    popsize = 32
    islands = 2
    refine = { fraction = 0.15, candidates = 2, sigma = 0.15 }

The objective kinds and optimiser methods belong to the fitting package, which passes them in
(this layer does not import it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

from neurokit.config.fit_data import check_features_objective, read_data
from neurokit.config.models import read_model, widen_bounds
from neurokit.config.reader import Reader, read_toml
from neurokit.errors import FitConfigError
from neurokit.params import Parameter, ParameterSpace

TOP_KEYS = {"name", "seed", "budget", "description", "model", "parameters", "recording", "protocols",
            "objectives", "optimiser", "report", "workers", "trust"}
OPTIMISER_KEYS = {"method", "popsize", "islands", "sigma0", "refine", "options", "start"}
STARTS = ("defaults", "gif-mle")


@dataclass
class ObjectiveSpec:
    """One ``[[objectives]]`` table: its kind, weight, other options and where it is."""

    kind: str
    weight: float
    options: dict
    where: tuple


@dataclass
class FitConfig:
    """A parsed, checked fit file (values in canonical units: s, mV, pA, nS...).

    Attributes
    ----------
    model : object
        The model to fit, its bounds widened to hold the file's bounds and fixed values.
    space : ParameterSpace
        Free parameters: model parameters first, then recording parameters.
    fixed : dict
        Model parameter -> value (in its unit) for the parameters not fitted.
    """

    path: Path
    text: str
    name: str
    seed: int
    budget: int
    granularity: str
    model_name: str
    model: Any
    backend: str
    backend_options: dict
    dt: float
    space: ParameterSpace
    model_parameters: list[str]
    recording_parameters: list[str]
    fixed: dict
    recording_path: Path | None
    train: list[int]
    test: list[int] | None
    sampling_interval: float
    window: tuple[float, float] | None
    spike_threshold: float
    objectives: list[ObjectiveSpec]
    method: str
    popsize: int
    islands: int
    sigma0: float
    optimiser_options: dict
    refine: dict
    report_sweeps: list[int] | None
    workers: int
    settle: float = 0.0
    validation: list[int] | None = None
    kfold: int = 0
    start: str = "defaults"
    description: str = ""
    trust: bool = False
    raw: dict = field(default_factory=dict)
    protocols_path: Path | None = None
    protocol_names: list[str] | None = None

    @property
    def reader(self) -> Reader:
        return Reader(self.path, self.text)

    @property
    def _data_path(self) -> Path:
        return self.recording_path if self.recording_path is not None else self.protocols_path

    def error(self, where: tuple, message: str) -> FitConfigError:
        return self.reader.error(where, message)

    def check_recording(self, n_sweeps: int, duration: float | None = None) -> None:
        """Raise a located FitConfigError for a train/test/report sweep the recording lacks,
        or a window that ends after the recording (``duration`` in s)."""
        for key, sweeps in (("train", self.train), ("test", self.test or []),
                            ("validation", self.validation or []), ("sweeps", self.report_sweeps or [])):
            for k in sweeps:
                if not 0 <= k < n_sweeps:
                    where = ("report", key) if key == "sweeps" else ("recording", key)
                    raise self.error(where, f"unknown sweep {k}: recording {self.recording_path.name} has "
                                            f"{n_sweeps} sweeps (0..{n_sweeps - 1})")
        if self.window is not None and duration is not None and self.window[1] > duration * (1 + 1e-9):
            raise self.error(("recording", "window"), f"window ends at {self.window[1]:g} s, after the end of "
                                                      f"recording {self.recording_path.name} ({duration:g} s)")

    def test_sweeps(self, n_sweeps: int) -> list[int]:
        """Held-out sweeps: as given, or every sweep neither trained nor validated on."""
        if self.test is not None:
            return list(self.test)
        seen = set(self.train) | set(self.validation or [])
        return [k for k in range(n_sweeps) if k not in seen]

    def specification(self) -> dict:
        """What the fit is, independent of its budget, workers and backend: free parameters
        with bounds, fixed values, objectives, data files (by content hash), seed, optimiser.
        A checkpoint records it; resuming under another specification is refused."""
        return {
            "model": {"name": self.model_name, "granularity": self.granularity, "dt": self.dt,
                      "settle": self.settle, "equations": str(self.raw.get("model", {}).get("equations", "")),
                      "options": _plain(self.raw.get("model", {}).get("options", {}))},
            "parameters": [[p.name, p.unit, list(p.bounds), p.transform, p.default] for p in self.space.parameters],
            "fixed": dict(sorted(self.fixed.items())),
            "objectives": [[o.kind, o.weight, _plain(o.options)] for o in self.objectives],
            "data": {"file": self._data_path.name, "sha256": file_digest(self._data_path),
                     "protocols": self.protocol_names,
                     "train": self.train, "test": self.test, "validation": self.validation,
                     "kfold": self.kfold, "window": list(self.window or []),
                     "sampling_interval": self.sampling_interval, "spike_threshold": self.spike_threshold},
            "seed": self.seed,
            "optimiser": {"method": self.method, "popsize": self.popsize, "islands": self.islands,
                          "sigma0": self.sigma0, "start": self.start,
                          "options": _plain(self.optimiser_options),
                          "refine": _plain(self.refine)},
        }


def _plain(value):
    """TOML values as JSON-comparable plain data (tuples as lists, keys sorted)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)


def file_digest(path: Path) -> str:
    """SHA-256 of a data file, or of every file of a data folder (names and contents)."""
    h = hashlib.sha256()
    files = sorted(p for p in Path(path).rglob("*") if p.is_file()) if Path(path).is_dir() else [Path(path)]
    for f in files:
        h.update(str(f.relative_to(path) if f != Path(path) else f.name).encode())
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def load_fit_config(path, *, objectives: Collection[str], optimisers: Collection[str],
                    budget: int | None = None, seed: int | None = None, backend: str | None = None,
                    trust: bool = False, recording: Path | str | None = None) -> FitConfig:
    """Read and check a fit file; command-line overrides replace the file's values.

    Parameters
    ----------
    objectives, optimisers : collections of str
        The objective kinds and optimiser methods the caller (the fitting package) knows.
    trust : bool
        The command opted in to importing code (``--trust``); the file may too.
    recording : path, optional
        A recording to use instead of the file's ``[recording] path`` (``neurokit predict``
        reads a results folder's copy of the fit file, whose relative path no longer holds).

    Raises
    ------
    FitConfigError
        Naming the file and line: bad TOML, unknown keys or parameters, wrong types, reversed
        bounds, unit mismatch, missing recording, bad optimiser or objective settings, user
        code without trust.
    """
    raw, r = read_toml(path, "fit file")
    path = r.path
    r.keys(raw, TOP_KEYS, (), "the fit file")
    trust = trust or r.boolean(raw.get("trust", False), ("trust",), "trust")
    name = r.string(raw.get("name", path.stem), ("name",), "name")
    seed = seed if seed is not None else r.integer(raw.get("seed", 0), ("seed",), "seed", minimum=0)
    budget = budget if budget is not None else r.integer(raw.get("budget", 2000), ("budget",), "budget")
    if budget < 1:
        raise r.error(("budget",), f"budget must be a positive number of evaluations, got {budget}")

    pspec = raw.get("parameters", {})
    bluepyopt = isinstance(raw.get("model"), dict) and "bluepyopt" in raw["model"]
    if not isinstance(pspec, dict) or not (pspec or bluepyopt):
        raise r.error(("parameters",), "a [parameters] table naming at least one free parameter is needed")
    section = read_model(r, raw, trust=trust, free=pspec)
    if section.granularity not in ("point", "cell"):
        raise r.error(("model", "name"), f"fits take point or cell models, not {section.granularity} models")
    backend = backend or section.backend
    mparams, fixed = section.parameters, section.fixed
    free: list[Parameter] = []
    for key, spec in pspec.items():
        if key not in mparams:
            raise r.error(("parameters", key), f"unknown parameter {key!r} of model {section.name!r}; "
                                               f"known: {', '.join(mparams)}")
        if key in fixed:
            raise r.error(("parameters", key), f"parameter {key!r} is both free and fixed")
        base = mparams[key]
        free.append(r.parameter(key, spec, base.unit, ("parameters", key), base.default, base.description))
    if not pspec:  # a BluePyOpt cell: its parameters.json bounds make the free parameters
        free = [p for p in mparams.values() if p.bounds is not None and p.name not in fixed]
        if not free:
            raise r.error(("model", "bluepyopt"), "the BluePyOpt parameters have no entry with bounds to fit")
    dt = section.dt if section.dt is not None else 5e-5

    data = read_data(r, raw, dt, section.granularity, recording)

    objs = raw.get("objectives")
    if not isinstance(objs, list) or not objs:
        raise r.error(("objectives",), "at least one [[objectives]] table is needed")
    specs = []
    for i, o in enumerate(objs):
        if not isinstance(o, dict):
            raise r.error(("objectives", i), f"each objective must be a [[objectives]] table, got {o!r}")
        kind = o.get("kind")
        if kind not in objectives:
            raise r.error(("objectives", i, "kind"), f"unknown objective kind {kind!r}; use one of "
                                                     f"{', '.join(objectives)}")
        weight = r.number(o.get("weight", 1.0), ("objectives", i, "weight"), "weight", minimum=0.0)
        options = {k: v for k, v in o.items() if k not in ("kind", "weight")}
        if kind == "features":
            check_features_objective(r, options, ("objectives", i), data)
        elif data.recording_path is None:
            raise r.error(("objectives", i, "kind"), f"objective {kind!r} compares with a recording; a "
                                                     "[protocols] fit takes 'features' objectives with targets")
        specs.append(ObjectiveSpec(kind, weight, options, ("objectives", i)))

    opt = r.keys(raw.get("optimiser", {}), OPTIMISER_KEYS, ("optimiser",), "[optimiser]")
    method = opt.get("method", "cmaes")
    if method not in optimisers:
        raise r.error(("optimiser", "method"), f"unknown optimiser {method!r}; use one of {', '.join(optimisers)}")
    start = opt.get("start", "defaults")
    if start not in STARTS:
        raise r.error(("optimiser", "start"), f"unknown start {start!r}; use one of {', '.join(STARTS)}")
    if start == "gif-mle" and method != "cmaes":
        raise r.error(("optimiser", "start"), f"start = 'gif-mle' seeds CMA-ES, not {method!r}")
    popsize = r.integer(opt.get("popsize", 32), ("optimiser", "popsize"), "popsize", minimum=4)
    islands = r.integer(opt.get("islands", 1), ("optimiser", "islands"), "islands", minimum=1)
    sigma0 = r.number(opt.get("sigma0", 1.0), ("optimiser", "sigma0"), "sigma0", minimum=1e-12)
    refine = r.keys(opt.get("refine", {}), {"fraction", "candidates", "sigma", "popsize"},
                    ("optimiser", "refine"), "refine")
    where = ("optimiser", "refine")
    r.number(refine.get("fraction", 0.0), where, "refine fraction", minimum=0.0, below=1.0)
    r.integer(refine.get("candidates", 2), where, "refine candidates", minimum=1)
    r.number(refine.get("sigma", 0.15), where, "refine sigma", minimum=1e-12)
    if "popsize" in refine:
        r.integer(refine["popsize"], where, "refine popsize", minimum=2)

    rep = r.keys(raw.get("report", {}), {"sweeps"}, ("report",), "[report]")
    report_sweeps = r.int_list(rep["sweeps"], ("report", "sweeps"), "report sweeps") if "sweeps" in rep else None
    workers = r.integer(raw.get("workers", 1), ("workers",), "workers", minimum=1)

    model = widen_bounds(section.model, free, fixed)
    return FitConfig(
        path=path, text=r.text, name=name, seed=int(seed), budget=int(budget), granularity=section.granularity,
        model_name=section.name, model=model, backend=backend, backend_options=section.backend_options, dt=dt,
        space=ParameterSpace(free + data.recording_free), model_parameters=[p.name for p in free],
        recording_parameters=[p.name for p in data.recording_free], fixed=fixed,
        recording_path=data.recording_path, protocols_path=data.protocols_path,
        protocol_names=data.protocol_names, train=data.train, test=data.test,
        sampling_interval=data.sampling_interval, window=data.window, spike_threshold=data.spike_threshold,
        objectives=specs, method=method, popsize=popsize, islands=islands, sigma0=sigma0,
        optimiser_options=dict(opt.get("options", {})), refine=dict(refine), report_sweeps=report_sweeps,
        workers=workers, settle=section.settle, validation=data.validation, kfold=data.kfold, start=start,
        description=str(raw.get("description", "")), trust=trust,
        raw=raw)
