"""Outputs of a finished fit under ``fits/results/NAME/``.

- ``history.nc``: every evaluated sample over (``iteration``, ``sample``): parameters (with
  units) and objective terms.
- ``best_parameters.toml``: the fitted values with their units, the fixed ones, the score.
- ``summary.json`` and ``summary.md``: train and held-out figures per sweep (spike counts,
  Gamma, subthreshold RMS), the cell's own reliability (Gamma between the two identical steps
  of a "dual" sweep) and the model's Gamma relative to it; sensitivity and correlations.
- ``report.png``: model vs recording for chosen sweeps, F-I curve of model vs data, history.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from neurokit.files import write_text
from neurokit.fitting.evaluator import make_target
from neurokit.fitting.gamma import GAMMA_DELTA, gamma_factor, timing_error
from neurokit.fitting.reliability import reliability_figures
from neurokit.fitting.summary import summary_markdown

MASK = (-2e-3, 10e-3)  # s around each spike left out of the subthreshold RMS of spiking sweeps


def reliability(spikes: np.ndarray, segments, delta: float = GAMMA_DELTA) -> float | None:
    """Gamma between the cell's responses to two identical steps of one sweep (same amplitude
    and length), each aligned at its onset; None when the sweep repeats no step or neither
    response has a spike."""
    for i, (a0, b0, amp0) in enumerate(segments):
        for a1, b1, amp1 in segments[i + 1:]:
            if abs(amp0 - amp1) < 1e-3 and abs((b0 - a0) - (b1 - a1)) < 1e-3:
                first = spikes[(spikes >= a0) & (spikes < b0)] - a0
                second = spikes[(spikes >= a1) & (spikes < b1)] - a1
                if first.size == 0 and second.size == 0:
                    return None
                return gamma_factor(first, second, b0 - a0, delta)
    return None


def sweep_table(fitter, sweeps: list[int], values: xr.Dataset | None = None) -> tuple[list[dict], dict, xr.Dataset]:
    """Per-sweep figures of the best parameters (or ``values``, one sample) on ``sweeps`` and
    their aggregate; also the simulated traces (as the recording would show them)."""
    ev = fitter.evaluator_
    protocol = fitter.protocol_.select_sweeps(sweeps)
    target = make_target(fitter.recording_, sweeps, protocol, fitter.cfg.spike_threshold)
    values = fitter.best_values_ if values is None else values
    result = ev.simulate(values, protocol)
    resp = ev.response(result, values, target)
    rows = []
    for j, k in enumerate(sweeps):
        d, m = target.spikes[j], resp.spikes[0][j]
        diff = resp.voltage[0, j] - target.voltage[j]
        keep = ~(_mask(target.time, d) | _mask(target.time, m))
        row = {"sweep": int(k), "data_spikes": int(d.size), "model_spikes": int(m.size),
               "gamma": float(gamma_factor(d, m, target.duration)) if d.size else None,
               "timing": float(timing_error(d, m)) if (d.size or m.size) else None,
               "rms_mV": float(np.sqrt(np.mean(diff ** 2))),
               "rms_masked_mV": float(np.sqrt(np.mean(diff[keep] ** 2))) if keep.any() else None,
               "reliability": reliability(d, target.segments[j])}
        rows.append(row)
    spiking = [r for r in rows if r["data_spikes"] > 0]
    quiet = [r for r in rows if r["data_spikes"] == 0]
    nd = sum(r["data_spikes"] for r in rows)
    nm = sum(r["model_spikes"] for r in rows)
    agg = {
        "sweeps": [int(k) for k in sweeps],
        "mean_gamma": float(np.mean([r["gamma"] for r in spiking])) if spiking else None,
        "data_spikes": int(nd), "model_spikes": int(nm),
        "count_error": float(sum(abs(r["model_spikes"] - r["data_spikes"]) for r in rows) / max(nd, 1)),
        "count_bias": float((nm - nd) / max(nd, 1)),
        "subthreshold_rms_mV": (float(np.sqrt(np.mean([r["rms_mV"] ** 2 for r in quiet]))) if quiet else None),
        "masked_rms_mV": (float(np.sqrt(np.mean([r["rms_masked_mV"] ** 2 for r in rows
                                                  if r["rms_masked_mV"] is not None])))),
        # spike-weighted, over every repeated step (within and across sweeps), and the model on
        # the same step windows with the same weights: the only honest ratio
        **reliability_figures(target.spikes, resp.spikes[0], target.segments),
    }
    shown = resp.voltage[0].copy()
    for j, spikes in enumerate(resp.spikes[0]):
        # integrate-and-fire traces reset without a spike shape: mark each spike for the eye
        idx = np.clip(np.searchsorted(target.time, spikes), 0, target.time.size - 1)
        for i in idx:
            if shown[j, max(i - 2, 0): i + 3].max() < 0:
                shown[j, i] = 30.0
    sim = xr.Dataset(
        {"membrane_potential": (("sweep", "time"), shown, {"units": "mV", "long_name": "membrane potential"}),
         "stimulus_current": (("sweep", "time"), target.current, {"units": "nA", "long_name": "injected current"})},
        coords={"time": ("time", target.time, {"units": "s", "long_name": "time"}), "sweep": list(sweeps)})
    sim.attrs["spikes"] = json.dumps([s.tolist() for s in resp.spikes[0]])
    return rows, agg, sim


def _mask(time, spikes):
    from neurokit.fitting.gamma import spike_mask

    return spike_mask(time, spikes, MASK)


def fi_points(fitter, sweeps, spikes_per_sweep, segments_by_sweep) -> xr.Dataset:
    """Firing rate in the first stimulus step of each sweep against its amplitude."""
    amps, rates = [], []
    for k, spikes, segs in zip(sweeps, spikes_per_sweep, segments_by_sweep):
        if not segs:
            continue
        a, b, amp = segs[0]
        amps.append(amp)
        rates.append(np.sum((spikes >= a) & (spikes < b)) / (b - a))
    order = np.argsort(amps)
    return xr.Dataset({"rate": ("sweep", np.asarray(rates)[order], {"units": "Hz", "long_name": "firing rate"})},
                      coords={"stimulus_current": ("sweep", np.asarray(amps)[order], {"units": "nA"})})


def write_report(fitter, out: Path | None = None, figure: bool = True) -> dict:
    """Write every output of a finished fit; return the summary dict."""
    import tomli_w

    from neurokit.schema import save

    cfg = fitter.cfg
    out = Path(out or fitter.results_dir)
    out.mkdir(parents=True, exist_ok=True)
    save(fitter.history_, out / "history.nc")

    units = {p.name: p.unit for p in cfg.space.parameters}
    best = {"fit": cfg.name, "model": cfg.model_name, "backend": str(cfg.backend), "score": fitter.best_score_,
            "objective_terms": fitter.best_components_,
            "parameters": {k: {"value": v, "unit": units[k]} for k, v in fitter.best_params_.items()},
            "fixed": {k: {"value": float(v), "unit": _unit_of(cfg.model, k)} for k, v in cfg.fixed.items()}}
    write_text(out / "best_parameters.toml", tomli_w.dumps(best))

    write_text(out / "fit.toml", cfg.text)  # the fit as run (neurokit predict reads it back)
    if fitter.recording_ is None:  # a protocols fit with feature targets: no recorded sweeps
        from neurokit.fitting.protocol_fit import feature_summary

        return feature_summary(fitter, out, best, figure)
    train_rows, train, train_sim = sweep_table(fitter, fitter.train_sweeps_)
    val_sweeps = getattr(fitter, "validation_sweeps_", [])
    val_rows, val, val_sim = sweep_table(fitter, val_sweeps) if val_sweeps else ([], {}, None)
    test_rows, test, test_sim = (sweep_table(fitter, fitter.test_sweeps_) if fitter.test_sweeps_
                                 else ([], {}, None))
    sens = getattr(fitter, "sensitivity_", None)
    summary = {
        "fit": cfg.name, "fit_file": str(cfg.path), "recording": str(cfg.recording_path),
        "model": cfg.model_name, "backend": str(cfg.backend), "optimiser": cfg.method, "seed": cfg.seed,
        "budget": cfg.budget, "evaluations": fitter.evaluations_, "wall_time_s": fitter.wall_time_,
        "best_score": fitter.best_score_, "best_terms": fitter.best_components_,
        "best_parameters": best["parameters"],
        "selection": "validation" if val_sweeps else "training score (no validation sweeps)",
        "chosen_restart": getattr(fitter, "chosen_restart_", None),
        "best_validation_score": getattr(fitter, "best_validation_score_", None),
        "restarts": restart_figures(fitter),
        "bound_warnings": list(getattr(fitter, "warnings_", [])),
        "train": train, "validation": val, "test": test, "train_sweeps": train_rows,
        "validation_sweeps": val_rows, "test_sweeps": test_rows,
        "sensitivity": sens,
        "correlations": {"parameters": cfg.space.names, "matrix": np.round(fitter.correlations_, 3).tolist()},
    }
    write_text(out / "summary.json", json.dumps(summary, indent=1))
    write_text(out / "summary.md", summary_markdown(summary))
    if figure:
        write_figure(fitter, out, train_sim, test_sim, val_sim)
    return summary


def restart_figures(fitter) -> list[dict]:
    """Every restart's best sample: its scores and mean Gamma on train, validation and test
    sweeps (one batch per sweep set), so the spread across restarts is in the summary."""
    restarts = list(getattr(fitter, "restarts_", []))
    if not restarts:
        return []
    cfg = fitter.cfg
    values = cfg.space.batch({name: [r["params"][name] for r in restarts] for name in cfg.space.names})
    sets = (("train", fitter.train_sweeps_), ("validation", getattr(fitter, "validation_sweeps_", [])),
            ("test", fitter.test_sweeps_))
    out = [{"restart": r["restart"], "phase": r["phase"], "train_score": r["train"],
            "validation_score": r["validation"], "chosen": r["restart"] == fitter.chosen_restart_}
           for r in restarts]
    for label, sweeps in sets:
        if not sweeps:
            continue
        protocol = fitter.protocol_.select_sweeps(sweeps)
        target = make_target(fitter.recording_, sweeps, protocol, cfg.spike_threshold)
        resp = fitter.evaluator_.response(fitter.evaluator_.simulate(values, protocol), values, target)
        ks = [j for j, d in enumerate(target.spikes) if d.size]
        for i, row in enumerate(out):
            g = [gamma_factor(target.spikes[j], resp.spikes[i][j], target.duration) for j in ks]
            row[f"{label}_gamma"] = float(np.mean(g)) if g else None
    return out


def _unit_of(model, name):
    for p in getattr(model, "parameters", ()):
        if p.name == name:
            return p.unit
    return "1"


def write_figure(fitter, out: Path, train_sim: xr.Dataset, test_sim: xr.Dataset | None,
                 val_sim: xr.Dataset | None = None) -> Path:
    """report.png: chosen sweeps (model vs recording), F-I curve, fit history; each panel drawn
    by :mod:`neurokit.plot`, then tiled into one image."""
    import matplotlib.image as mpimg
    from matplotlib.figure import Figure

    from neurokit import plot
    from neurokit.plot import save_figure

    cfg = fitter.cfg
    rec = fitter.recording_
    sweeps = cfg.report_sweeps or _default_report_sweeps(fitter)
    sims = [s for s in (train_sim, val_sim, test_sim) if s is not None]
    sim_all = xr.concat(sims, dim="sweep") if len(sims) > 1 else sims[0]
    sim = sim_all.sel(sweep=sweeps)
    data = rec.isel(sweep=sweeps)
    panels = out / "panels"
    panels.mkdir(exist_ok=True)
    title = f"{cfg.name}: {cfg.model_name} ({cfg.backend})"
    plot.plot_traces_vs_data(sim.assign_coords(sweep=list(sweeps)), data.assign_coords(sweep=list(sweeps)),
                             title=f"{title}; sweeps {', '.join(map(str, sweeps))}", path=panels / "traces.png")
    all_sweeps = list(sim_all["sweep"].values)
    model_spikes = [np.asarray(x) for s in sims for x in json.loads(s.attrs["spikes"])]
    prot = fitter.protocol_.select_sweeps(all_sweeps)
    tgt = make_target(rec, all_sweeps, prot, cfg.spike_threshold)
    fi_model = fi_points(fitter, all_sweeps, model_spikes, tgt.segments)
    fi_data = fi_points(fitter, all_sweeps, tgt.spikes, tgt.segments)
    plot.plot_fi(fi_model, fi_data, title="F-I, first step of each sweep", path=panels / "fi.png")
    plot.plot_history(fitter.history_, "objective", title="fit history", path=panels / "history.png")

    imgs = [mpimg.imread(panels / n) for n in ("traces.png", "fi.png", "history.png")]
    h0, w0 = imgs[0].shape[:2]
    fig = Figure(figsize=(w0 / 100 * 1.45, h0 / 100), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[w0, 0.45 * w0])
    for spec, img in zip((grid[:, 0], grid[0, 1], grid[1, 1]), imgs):
        ax = fig.add_subplot(spec)
        ax.imshow(img)
        ax.set_axis_off()
    return save_figure(fig, out / "report.png", dpi=100)


def _default_report_sweeps(fitter) -> list[int]:
    """A few held-out sweeps (spread over the stimulus range), else train sweeps."""
    pool = fitter.test_sweeps_ or fitter.train_sweeps_
    if len(pool) <= 3:
        return list(pool)
    return [pool[len(pool) // 3], pool[(2 * len(pool)) // 3], pool[-1]]
