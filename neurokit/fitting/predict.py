"""A fitted model on any recording: simulate, score, and keep recording and model side by side.

A results folder (``fits/results/NAME-seedS``) holds ``fit.toml`` (the fit file as run) and
``best_parameters.toml``; :func:`predict` rebuilds the fit's model, backend, objectives and
recording parameters from them, points it at another recording (or other sweeps of the same
one) and returns the per-sweep and overall scores with a dataset in neurokit's format:
``membrane_potential`` (recorded) and ``model_membrane_potential`` over (``sweep``, ``time``),
the injected current, and the spikes of both on the ``spike`` dim (``spike_origin`` 0 for
the recording, 1 for the model).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.errors import FitConfigError

ORIGIN = {"recording": 0, "model": 1}


@dataclass
class Prediction:
    """What :func:`predict` returns: ``rows`` (one dict per sweep), ``overall`` (aggregate, as
    in a fit's summary), ``dataset`` (recording and model side by side), and the fit's name,
    model, backend and granularity."""

    fit: str
    model: str
    backend: str
    granularity: str
    rows: list[dict]
    overall: dict
    dataset: xr.Dataset


def fit_results(path) -> Path:
    """The results folder of ``path``: the folder itself, or a fit file's default folder
    (``fits/results/NAME-seedS``; ``NAME`` alone for results of older versions)."""
    path = Path(path)
    if path.is_dir():
        return path
    from neurokit.config.reader import read_toml

    raw, _ = read_toml(path, "fit file")
    name, seed = str(raw.get("name", path.stem)), int(raw.get("seed", 0))
    for folder in (path.parent / "results" / f"{name}-seed{seed}", path.parent / "results" / name):
        if (folder / "best_parameters.toml").exists():
            return folder
    raise FitConfigError(f"{path}: no results of fit {name!r} (seed {seed}) under {path.parent / 'results'}: "
                         f"run `neurokit fit {path}` first, or name a results folder")


def load_fitted(results, recording=None, *, trust: bool = False):
    """``(config, parameters)`` of a finished fit: its fit file as run, pointed at
    ``recording`` (default: the fit's own), and its best parameters (name -> value)."""
    from neurokit.fitting.config import load_fit_config

    folder = Path(results)
    copy, best = folder / "fit.toml", folder / "best_parameters.toml"
    for f in (copy, best):
        if not f.exists():
            raise FitConfigError(f"{folder} is not a results folder of a finished fit: {f.name} is missing")
    if recording is None:
        summary = folder / "summary.json"
        recording = json.loads(summary.read_text())["recording"] if summary.exists() else None
    cfg = load_fit_config(copy, trust=trust, recording=recording)
    with open(best, "rb") as fh:
        params = {k: float(v["value"]) for k, v in tomllib.load(fh)["parameters"].items()}
    missing = [n for n in cfg.space.names if n not in params]
    if missing:
        raise FitConfigError(f"{best}: no fitted value for {', '.join(missing)}")
    return cfg, params


def predict(results, recording, sweeps=None, *, trust: bool = False, executor=None) -> Prediction:
    """Simulate the fitted model of ``results`` on ``recording`` and score it.

    Parameters
    ----------
    results : path
        A results folder, or a fit file (its default results folder).
    recording : path
        Any recording neurokit reads (ABF, Igor folder, NWB, a saved dataset...).
    sweeps : list of int, optional
        Sweeps to predict (default: all).
    trust : bool
        Allow the fit file to import Python code.

    Returns
    -------
    Prediction
    """
    from neurokit.fitting.evaluator import load_recording, make_target
    from neurokit.fitting.fitter import Fitter, _duration
    from neurokit.fitting.report import sweep_table

    cfg, params = load_fitted(fit_results(results), recording, trust=trust)
    raw = load_recording(cfg.recording_path)
    n = raw.sizes["sweep"]
    sweeps = list(range(n)) if sweeps is None else [int(k) for k in sweeps]
    bad = [k for k in sweeps if not 0 <= k < n]
    if bad:
        raise FitConfigError(f"unknown sweeps {bad}: {cfg.recording_path.name} has {n} sweeps (0..{n - 1})")
    if cfg.window is not None and cfg.window[1] > _duration(raw) * (1 + 1e-9):
        cfg.window = None  # the fit's window does not fit this recording: use whole sweeps
    cfg.train, cfg.test, cfg.validation, cfg.report_sweeps = sweeps, [], None, None
    fitter = Fitter(cfg, checkpoint=False, executor=executor).setup()
    fitter.best_values_ = cfg.space.batch({k: [params[k]] for k in cfg.space.names})
    rows, overall, sim = sweep_table(fitter, sweeps)
    target = make_target(fitter.recording_, sweeps, fitter.protocol_.select_sweeps(sweeps), cfg.spike_threshold)
    model_spikes = [np.asarray(s, dtype=float) for s in json.loads(sim.attrs["spikes"])]
    ds = _side_by_side(cfg, target, sim, model_spikes, rows, str(Path(results)))
    return Prediction(cfg.name, cfg.model_name, str(cfg.backend), cfg.granularity, rows, overall, ds)


def _side_by_side(cfg, target, sim: xr.Dataset, model_spikes, rows, results: str) -> xr.Dataset:
    from neurokit import schema

    sweeps = list(target.sweeps)
    per = {"gamma": ("1", "Gamma coincidence factor (Jolivet et al. 2008, 4 ms)"),
           "data_spikes": ("1", "spikes in the recording"), "model_spikes": ("1", "spikes of the model"),
           "rms_mV": ("mV", "RMS of model minus recorded membrane potential"),
           "rms_masked_mV": ("mV", "RMS outside spike windows")}
    data = {
        "membrane_potential": (("sweep", "time"), target.voltage, schema.attrs_for("membrane_potential")),
        "model_membrane_potential": (("sweep", "time"), sim["membrane_potential"].values,
                                     {"units": "mV", "long_name": "membrane potential of the fitted model"}),
        "stimulus_current": (("sweep", "time"), target.current, schema.attrs_for("stimulus_current")),
    }
    for key, (unit, long_name) in per.items():
        col = np.array([np.nan if r[key] is None else float(r[key]) for r in rows])
        data[f"score_{key}"] = ("sweep", col, {"units": unit, "long_name": long_name})
    ds = xr.Dataset(data, coords={"time": ("time", target.time, schema.attrs_for("time")), "sweep": sweeps})
    times = np.concatenate([*target.spikes, *model_spikes]) if sweeps else np.empty(0)
    owner = np.concatenate([np.full(s.size, k) for k, s in zip(sweeps, target.spikes)]
                           + [np.full(s.size, k) for k, s in zip(sweeps, model_spikes)]).astype(int)
    origin = np.concatenate([np.zeros(sum(s.size for s in target.spikes), np.int8),
                             np.ones(sum(s.size for s in model_spikes), np.int8)])
    spikes = schema.spikes_dataset(times, sweep=owner)
    spikes = spikes.assign_coords(spike_origin=("spike", origin, {"units": "1",
                                                                  "long_name": "0 recording, 1 model"}))
    ds = xr.merge([ds, spikes], combine_attrs="override")
    ds.attrs = schema.provenance_attrs(model=cfg.model_name, backend=str(cfg.backend), fit=cfg.name,
                                       fit_results=results, source_file=str(cfg.recording_path),
                                       dt_s=cfg.dt, sampling_interval_s=cfg.sampling_interval)
    return ds
