"""``neurokit inspect FILE``: what a recording holds, sweep by sweep, as a table (or JSON)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click
import numpy as np
import xarray as xr

from neurokit.cli._common import load

# Features shown per sweep, from neurokit.features: (name, column header, display unit, format).
FEATURE_COLUMNS = (
    ("mean_rate", "rate", "Hz", ".1f"),
    ("first_spike_latency", "latency", "ms", ".1f"),
    ("isi_cv", "ISI CV", "1", ".2f"),
    ("ap_amplitude", "AP amp", "mV", ".1f"),
    ("ap_width", "AP width", "ms", ".2f"),
    ("resting_potential", "V rest", "mV", ".1f"),
    ("input_resistance", "R in", "Mohm", ".0f"),
)


def _display(da: xr.DataArray, unit: str) -> np.ndarray:
    from neurokit.units import conversion_factor

    values = np.asarray(da.values, dtype=float).reshape(-1)
    src = str(da.attrs.get("units", unit))
    return values if src == unit else values * conversion_factor(src, unit)


def _window(ds: xr.Dataset) -> tuple[tuple[float, float], bool]:
    """The stimulus window features are measured in, and whether it came from a step (else it
    is the whole sweep: a recording without a stimulus)."""
    from neurokit.errors import ProtocolError
    from neurokit.features import default_window

    try:
        return default_window(ds), True
    except ProtocolError:
        t = ds["time"].values
        return (float(t[0]), float(t[-1] + (t[-1] - t[-2] if t.size > 1 else 0.0))), False


def _holding_pA(ds: xr.Dataset, start_s: float) -> np.ndarray:
    """Median current before the step, pA, per sweep (NaN without a current)."""
    from neurokit.units import conversion_factor

    n = ds.sizes.get("sweep", 1)
    if "stimulus_current" not in ds:
        return np.full(n, np.nan)
    cur = ds["stimulus_current"]
    cur = cur.isel(sample=0) if "sample" in cur.dims else cur
    cur = cur if "sweep" in cur.dims else cur.expand_dims("sweep")
    before = cur["time"].values < start_s
    values = cur.transpose("sweep", "time").values
    held = np.median(values[:, before], axis=1) if before.any() else values[:, 0]
    return held * conversion_factor(cur.attrs.get("units", "nA"), "pA")


def summarise(ds: xr.Dataset, path: str | Path) -> dict:
    """Everything ``inspect`` shows about recording ``ds`` loaded from ``path``, as plain data
    (numbers in the units their keys name; NaN where a value does not apply).

    ``spike_count`` counts the spikes of the whole sweep; the features are measured in the
    stimulus window (the first step, :func:`neurokit.features.default_window`).
    """
    from neurokit.features import compute_features, spike_count

    t = ds["time"].values
    n_sweeps = ds.sizes.get("sweep", 1)
    interval = float(np.median(np.diff(t))) if t.size > 1 else float("nan")
    window, from_step = _window(ds)
    names = ["step_amplitude"] + [name for name, *_ in FEATURE_COLUMNS]
    feats = compute_features(ds, names=names, window=window)
    counts = np.asarray(spike_count(ds)).reshape(-1)
    holding = _holding_pA(ds, window[0]) if from_step else np.full(n_sweeps, np.nan)
    step = _display(feats["step_amplitude"], "pA")
    columns = [(name, header, unit, fmt, _display(feats[name], unit))
               for name, header, unit, fmt in FEATURE_COLUMNS]
    # the sweep numbers the file itself uses (B6_Ch3_IDRest_181...), where they differ from 0..n-1
    source = None
    if "source_sweep" in ds.coords:
        values = ds["source_sweep"].values.tolist()
        source = values if values != list(range(n_sweeps)) else None
    rows = []
    for k in range(n_sweeps):
        row = {"sweep": k, "holding_pA": float(holding[k]), "step_pA": float(step[k]),
               "spike_count": int(counts[k])}
        if source is not None:
            row["source_sweep"] = source[k]
        for name, _, unit, _, values in columns:
            row[_key(name, unit)] = float(values[k])
        rows.append(row)
    variables = {str(n): str(v.attrs.get("units", "")) for n, v in ds.data_vars.items()}
    attrs = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in ds.attrs.items()}
    return {
        "file": str(path),
        "sweeps": n_sweeps,
        "samples_per_sweep": int(t.size),
        "duration_s": float(t[-1] - t[0] + interval) if t.size > 1 else 0.0,
        "sampling_rate_hz": 1.0 / interval if interval > 0 else float("nan"),
        "variables": variables,
        "step_window_s": list(window) if from_step else None,
        "attrs": attrs,
        "columns": [{"key": _key(n, u), "header": h, "unit": u, "format": f}
                    for n, h, u, f, _ in columns],
        "table": rows,
    }


def _key(name: str, unit: str) -> str:
    return name if unit == "1" else f"{name}_{unit}"


def _fmt(value, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, fmt)


def render(summary: dict, max_attr: int = 72) -> str:
    """The human-readable report: file facts, then one aligned row per sweep."""
    s = summary
    lines = [f"{'file':<10}{s['file']}",
             f"{'sweeps':<10}{s['sweeps']} x {s['duration_s']:.3f} s at "
             f"{s['sampling_rate_hz'] / 1e3:.3g} kHz ({s['samples_per_sweep']} samples)",
             f"{'variables':<10}" + ", ".join(f"{n} ({u})" for n, u in s["variables"].items())]
    if s["step_window_s"]:
        a, b = s["step_window_s"]
        lines.append(f"{'window':<10}{a:.3f}-{b:.3f} s: the first step; features are measured in it")
    elif "stimulus_current" not in s["variables"]:
        lines.append(f"{'window':<10}the whole sweep: no stimulus recorded")
    shown = {k: v for k, v in s["attrs"].items()
             if k not in ("neurokit_version", "git_revision", "source_file")}
    if shown:
        lines.append("attrs")
    for key, value in shown.items():
        text = str(value).replace("\n", " ")
        lines.append(f"  {key}: " + (text if len(text) <= max_attr else text[: max_attr - 3] + "..."))
    header = [("sweep", "d"), ("hold (pA)", ".1f"), ("step (pA)", ".1f"), ("spikes", "d")]
    keys = ["sweep", "holding_pA", "step_pA", "spike_count"]
    if s["table"] and "source_sweep" in s["table"][0]:
        header.insert(1, ("in file", ""))
        keys.insert(1, "source_sweep")
    for col in s["columns"]:
        header.append((f"{col['header']} ({col['unit']})" if col["unit"] != "1" else col["header"],
                       col["format"]))
        keys.append(col["key"])
    cells = [[_fmt(row[k], f) for k, (_, f) in zip(keys, header)] for row in s["table"]]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, (h, _) in enumerate(header)]
    lines.append("")
    lines.append("  ".join(h.rjust(w) for (h, _), w in zip(header, widths)))
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def _json_safe(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        return _json_safe(obj.item())
    return obj


@click.command(name="inspect")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (NaN as null).")
def command(file: Path, as_json: bool) -> None:
    """Show a recording's sweeps, stimulus steps, spike counts and features.

    FILE is a recording neurokit reads: an ABF file, an NWB file, a folder (or a file) of Igor
    .ibw waves, or a text file of columns.
    """
    ds = load(file)
    summary = summarise(ds, file)
    click.echo(json.dumps(_json_safe(summary), indent=2) if as_json else render(summary))
