"""The human-readable summary of a fit (``summary.md``, what ``neurokit fit`` prints): train,
validation and held-out figures side by side, the restarts and their spread, bound warnings."""

from __future__ import annotations

import numpy as np

ROWS = (("mean_gamma", "mean Gamma (sweeps with spikes)", ".3f"),
        ("reliability", "cell's own reliability (repeated steps, spike-weighted)", ".3f"),
        ("model_gamma_same_spikes", "model Gamma on the same steps, same weights", ".3f"),
        ("gamma_relative_to_reliability", "model / reliability (same spikes)", ".2f"),
        ("count_error", "spike-count error sum|dN|/N", ".1%"),
        ("count_bias", "spike-count bias (N_model-N_data)/N", "+.1%"),
        ("subthreshold_rms_mV", "subthreshold RMS, sweeps without spikes (mV)", ".2f"),
        ("masked_rms_mV", "RMS outside spike windows, all sweeps (mV)", ".2f"))


def _fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


def spread(values) -> dict | None:
    """Min, max, max - min and standard deviation of the finite values (None if none)."""
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    return {"min": float(v.min()), "max": float(v.max()), "range": float(v.max() - v.min()),
            "sd": float(v.std())}


def summary_markdown(s: dict) -> str:
    """A short human-readable summary of a summary dict (see :func:`write_report`)."""
    lines = [f"# Fit {s['fit']}", "",
             f"{s['model']} on {s['backend']}, {s['optimiser']}, seed {s['seed']}: "
             f"{s['evaluations']} evaluations in {s['wall_time_s']:.1f} s; best training score "
             f"{s['best_score']:.4f}; restart chosen by {s.get('selection', 'training score')}", ""]
    sets = [("train", s["train"]), ("validation", s.get("validation") or {}), ("held out", s.get("test") or {})]
    sets = [(name, d) for name, d in sets if d or name == "train"]
    lines += ["| figure | " + " | ".join(n for n, _ in sets) + " |", "|---" * (len(sets) + 1) + "|"]
    for key, label, spec in ROWS:
        lines.append(f"| {label} | " + " | ".join(_fmt(d.get(key), spec) for _, d in sets) + " |")
    lines.append("| spikes data vs model | " + " | ".join(
        f"{d.get('data_spikes', '-')} vs {d.get('model_spikes', '-')}" for _, d in sets) + " |")
    lines.append("| sweeps | " + " | ".join(",".join(map(str, d.get("sweeps", []))) for _, d in sets) + " |")
    restarts = s.get("restarts") or []
    if restarts:
        cols = [c for c in ("train_gamma", "validation_gamma", "test_gamma") if c in restarts[0]]
        lines += ["", "Restarts (each one's best sample by training score; * chosen):", "",
                  "| restart | phase | train score | validation score | "
                  + " | ".join(c.replace("_", " ") for c in cols) + " |",
                  "|---" * (4 + len(cols)) + "|"]
        for r in restarts:
            lines.append(f"| {r['restart']}{'*' if r.get('chosen') else ''} | {r['phase']} | "
                         f"{_fmt(r['train_score'], '.4f')} | {_fmt(r['validation_score'], '.4f')} | "
                         + " | ".join(_fmt(r.get(c)) for c in cols) + " |")
        for c in cols:
            sp = spread(r.get(c) for r in restarts)
            if sp:
                lines.append(f"\nSpread of {c.replace('_', ' ')} across restarts: {sp['min']:.3f} to "
                             f"{sp['max']:.3f} (range {sp['range']:.3f}, sd {sp['sd']:.3f})")
    warnings = s.get("bound_warnings") or []
    if warnings:
        lines += ["", "Warnings:"] + [f"- {w}" for w in warnings]
    lines += ["", "| parameter | value | unit | score change per 1% of range |", "|---|---|---|---|"]
    sens = s.get("sensitivity") or {}
    for name, pv in s["best_parameters"].items():
        sl = sens.get(name, {}).get("slope")
        lines.append(f"| {name} | {pv['value']:.4g} | {pv['unit']} | {_fmt(sl, '+.3f')} |")
    return "\n".join(lines) + "\n"
