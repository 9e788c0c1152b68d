"""``neurokit learn FILE.toml``: train local learning rules on data; results in a folder."""

from __future__ import annotations

import sys

import click


@click.command("learn")
@click.argument("learn_file", type=click.Path(dir_okay=False))
@click.option("--seed", type=int, default=None, help="Random seed (overrides the file).")
@click.option("--epochs", type=int, default=None, help="Passes over the data (overrides the file).")
@click.option("--output", type=click.Path(file_okay=False), default=None,
              help="Results folder (default: the file's output, or results/NAME beside it).")
@click.option("--no-figure", is_flag=True, help="Skip the PNG figures.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def command(learn_file, seed, epochs, output, no_figure, quiet):
    """Train the rule of LEARN_FILE (TOML) on its data, read out, and write weights.nc,
    metrics.json and figures."""
    from tqdm import tqdm

    from neurokit.learning.run import load_spec, run

    spec = load_spec(learn_file, seed=seed, epochs=epochs, output=output)
    n = spec.n_samples
    # the bar redraws only on a terminal; in a log it stays silent
    bar = None if quiet else tqdm(total=2 * n, unit="set", dynamic_ncols=True, disable=not sys.stderr.isatty())

    def progress(k, phase):
        if bar is not None:
            bar.set_description(phase)
            bar.update(k)

    try:
        metrics = run(spec, progress=progress, figures_too=not no_figure)
    finally:
        if bar is not None:
            bar.close()
    best = metrics["best"]
    acc = f", accuracy {best['accuracy']:.4f} ({metrics['evaluated_on']})" if "accuracy" in best else ""
    click.echo(f"{metrics['rule']} on {metrics['data']}: {metrics['n_samples']} sets in "
               f"{metrics['train_seconds']:.2f} s; best {best['hyper']}{acc}")
    click.echo(f"results: {spec.output}")
