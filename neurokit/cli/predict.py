"""``neurokit predict RESULTS_DIR RECORDING``: a fitted model on any recording, scored."""

from __future__ import annotations

import json
from pathlib import Path

import click

from neurokit.cli._common import parse_sweeps


def _fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


@click.command("predict")
@click.argument("results", type=click.Path(exists=True, path_type=Path))
@click.argument("recording", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write recording and model side by side as a netCDF dataset.")
@click.option("--figure", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write an image of model vs recording.")
@click.option("--sweeps", default=None, metavar="LIST", help="Sweeps to predict, e.g. 13-16 or 0,4,8 (default all).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--trust", is_flag=True, help="Allow the fit file to import Python code.")
def command(results: Path, recording: Path, output, figure, sweeps, as_json, trust) -> None:
    """Simulate the fitted model of RESULTS (a results folder, or a fit file whose results
    exist) on RECORDING and score it per sweep and overall: Gamma, spike counts, RMS."""
    from neurokit.fitting.predict import predict

    pred = predict(results, recording, parse_sweeps(sweeps), trust=trust)
    if output is not None:
        from neurokit.schema import save

        output.parent.mkdir(parents=True, exist_ok=True)
        save(pred.dataset, output)
    if figure is not None:
        from neurokit.plot import plot_traces_vs_data

        ds = pred.dataset
        sim = ds[["model_membrane_potential", "stimulus_current"]].rename(model_membrane_potential="membrane_potential")
        data = ds[["membrane_potential", "stimulus_current"]]
        figure.parent.mkdir(parents=True, exist_ok=True)
        plot_traces_vs_data(sim, data, title=f"{pred.fit} ({pred.model}) on {recording.name}", path=figure)
    if as_json:
        click.echo(json.dumps({"fit": pred.fit, "model": pred.model, "backend": pred.backend,
                               "recording": str(recording), "sweeps": pred.rows, "overall": pred.overall},
                              indent=1))
        return
    click.echo(f"{pred.fit} ({pred.model}, {pred.backend}) on {recording}")
    click.echo("| sweep | data spikes | model spikes | Gamma | RMS (mV) | RMS outside spikes (mV) |")
    click.echo("|---|---|---|---|---|---|")
    for r in pred.rows:
        click.echo(f"| {r['sweep']} | {r['data_spikes']} | {r['model_spikes']} | {_fmt(r['gamma'])} | "
                   f"{_fmt(r['rms_mV'], '.2f')} | {_fmt(r['rms_masked_mV'], '.2f')} |")
    o = pred.overall
    click.echo(f"overall: mean Gamma {_fmt(o['mean_gamma'])}, count error {_fmt(o['count_error'], '.1%')} "
               f"(bias {_fmt(o['count_bias'], '+.1%')}), spikes {o['data_spikes']} vs {o['model_spikes']}, "
               f"subthreshold RMS {_fmt(o['subthreshold_rms_mV'], '.2f')} mV, "
               f"RMS outside spikes {_fmt(o['masked_rms_mV'], '.2f')} mV")
    if o.get("reliability") is not None:
        click.echo(f"cell's reliability (repeated steps, spike-weighted) {o['reliability']:.3f}; model on the same "
                   f"spikes {_fmt(o.get('model_gamma_same_spikes'))}")
    for path in (output, figure):
        if path is not None:
            click.echo(f"wrote {path}")
