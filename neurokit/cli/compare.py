"""``neurokit compare FIT_A FIT_B ... --on RECORDING``: several fits scored on the same sweeps."""

from __future__ import annotations

import json
from pathlib import Path

import click

from neurokit.cli._common import parse_sweeps


def _fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


@click.command("compare")
@click.argument("fits", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--on", "recording", required=True, type=click.Path(exists=True, path_type=Path),
              help="The recording to score every fit on.")
@click.option("--sweeps", default=None, metavar="LIST", help="Sweeps to score, e.g. 13-16 (default all).")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@click.option("--trust", is_flag=True, help="Allow the fit files to import Python code.")
def command(fits, recording: Path, sweeps, as_json, trust) -> None:
    """Score several fitted models (any granularity: point, cell) on the same sweeps of
    RECORDING. Each FIT is a fit file (its results under fits/results/NAME-seedS) or a results
    folder."""
    from neurokit.fitting.predict import predict

    chosen = parse_sweeps(sweeps)
    rows = []
    for fit in fits:
        p = predict(fit, recording, chosen, trust=trust)
        o = p.overall
        rows.append({"fit": p.fit, "source": str(fit), "model": p.model, "granularity": p.granularity,
                     "backend": p.backend, **{k: o.get(k) for k in (
                         "mean_gamma", "count_error", "count_bias", "data_spikes", "model_spikes",
                         "subthreshold_rms_mV", "masked_rms_mV", "reliability", "model_gamma_same_spikes")}})
    if as_json:
        click.echo(json.dumps({"recording": str(recording), "sweeps": chosen, "fits": rows}, indent=1))
        return
    click.echo(f"on {recording}, sweeps {'all' if chosen is None else ','.join(map(str, chosen))}")
    click.echo("| fit | model | backend | Gamma | count error (bias) | spikes data vs model | "
               "subthreshold RMS (mV) | RMS outside spikes (mV) |")
    click.echo("|---|---|---|---|---|---|---|---|")
    for r in rows:
        click.echo(f"| {r['fit']} | {r['model']} ({r['granularity']}) | {r['backend']} | {_fmt(r['mean_gamma'])} | "
                   f"{_fmt(r['count_error'], '.1%')} ({_fmt(r['count_bias'], '+.1%')}) | "
                   f"{r['data_spikes']} vs {r['model_spikes']} | {_fmt(r['subthreshold_rms_mV'], '.2f')} | "
                   f"{_fmt(r['masked_rms_mV'], '.2f')} |")
    rel = next((r["reliability"] for r in rows if r["reliability"] is not None), None)
    if rel is not None:
        click.echo(f"cell's own reliability on these sweeps (repeated steps, spike-weighted): {rel:.3f}")
