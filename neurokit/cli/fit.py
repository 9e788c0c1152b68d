"""``neurokit fit FILE.toml``: run a fit file, with progress, and write its report.

Results go to ``fits/results/NAME-seedS/`` beside the fit file (or ``--output``). A folder that
already holds a fit's results or checkpoint is never overwritten silently: the command refuses
unless ``--force`` (start again there) or ``--resume`` (continue its checkpoint). Progress
redraws a bar only on a terminal; in a log or CI it prints one line every few seconds.
"""

from __future__ import annotations

import sys
import time

import click

LOG_EVERY_S = 5.0  # seconds between progress lines when stderr is not a terminal


@click.command("fit")
@click.argument("fit_file", type=click.Path(dir_okay=False))
@click.option("--budget", type=int, default=None, help="Model evaluations (overrides the file).")
@click.option("--seed", type=int, default=None, help="Random seed (overrides the file).")
@click.option("--backend", type=str, default=None, help="Backend name (overrides the file).")
@click.option("--workers", type=int, default=None, help="Worker processes for simulation.")
@click.option("--executor", default=None,
              help="Where batches run: inprocess, processes, dask, or dask://host:port.")
@click.option("--scheduler", default=None, metavar="ADDR",
              help="Dask scheduler address (tcp://host:8786); implies --executor dask.")
@click.option("--resume", is_flag=True, help="Continue from the fit's last checkpoint (same fit specification).")
@click.option("--trust", is_flag=True,
              help="Allow the file to import Python code (a model or backend by 'module:attr').")
@click.option("--output", type=click.Path(file_okay=False), default=None,
              help="Results folder (default: fits/results/NAME-seedS beside the fit file).")
@click.option("--force", is_flag=True, help="Overwrite the results folder of an earlier run.")
@click.option("--checkpoint-every", type=float, default=10.0, show_default=True, metavar="SECONDS",
              help="Write the checkpoint at most this often (0: after every generation); always at the end.")
@click.option("--no-figure", is_flag=True, help="Skip the PNG report.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def command(fit_file, budget, seed, backend, workers, executor, scheduler, resume, trust, output, force,
            checkpoint_every, no_figure, quiet):
    """Fit the model of FIT_FILE (TOML) to its recording; results under fits/results/NAME-seedS/."""
    from neurokit.fitting import Fitter, load_fit_config, write_report
    from neurokit.fitting.summary import summary_markdown

    cfg = load_fit_config(fit_file, budget=budget, seed=seed, backend=backend, trust=trust)
    progress, bar = (None, None) if quiet else _progress(cfg.budget)
    pool = None
    if executor or scheduler:  # the same fit file, on processes or a Dask cluster
        from neurokit.parallel import make_executor

        kind = executor or "dask"
        local = {"workers": workers} if workers and kind in ("dask", "processes") else {}
        pool = make_executor(kind, **({"address": scheduler} if scheduler else local))
    # Every generation would rewrite the whole history (MBs at the default budget) ~100 times.
    fitter = Fitter(cfg, workers=workers or cfg.workers, output_dir=output, progress=progress,
                    executor=pool, checkpoint_every_s=checkpoint_every)
    _check_free(fitter.results_dir, resume, force)
    try:
        try:
            fitter.fit(resume=resume)
        finally:
            if bar is not None:
                bar.close()
        fitter.sensitivity()
        summary = write_report(fitter, figure=not no_figure)  # simulates through the executor too
    finally:
        if fitter.executor is not None:
            fitter.executor.close()
    click.echo(summary_markdown(summary))
    click.echo(f"results: {fitter.results_dir}")


def _check_free(folder, resume: bool, force: bool) -> None:
    """Refuse to write over an earlier run's results unless asked to."""
    from neurokit.errors import FitConfigError

    taken = [n for n in ("summary.json", "checkpoint.json", "best_parameters.toml") if (folder / n).exists()]
    if taken and not (resume or force):
        raise FitConfigError(f"{folder} already holds a fit ({', '.join(taken)}): pass --force to overwrite it, "
                             f"--resume to continue it, --seed for another seed's folder, or --output")


def _progress(total: int):
    """A progress callback: a redrawn tqdm bar on a terminal, else a plain line on stderr
    every :data:`LOG_EVERY_S` seconds (a log or CI keeps readable lines). Returns
    ``(callback, bar or None)``."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="eval", dynamic_ncols=True,
                   bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}")

        def on_bar(p):
            bar.n = min(p.evaluations, bar.total)
            bar.set_description(f"gen {p.generation} ({p.phase})")
            bar.set_postfix_str(f"best {p.best:.4f}, {p.evals_per_s:.0f} eval/s, ~{p.eta_s:.0f} s left")

        return on_bar, bar
    last = [float("-inf")]

    def on_line(p):
        now = time.monotonic()
        if now - last[0] >= LOG_EVERY_S or p.evaluations >= total:
            last[0] = now
            click.echo(f"fit: {p.evaluations}/{total} evaluations, generation {p.generation} ({p.phase}), "
                       f"best {p.best:.4f}, {p.evals_per_s:.0f} eval/s, ~{p.eta_s:.0f} s left", err=True)

    return on_line, None
