"""``neurokit fit FILE.toml``: run a fit file, with a progress bar, and write its report."""

from __future__ import annotations

import click


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
              help="Results folder (default: fits/results/NAME beside the fit file).")
@click.option("--no-figure", is_flag=True, help="Skip the PNG report.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def command(fit_file, budget, seed, backend, workers, executor, scheduler, resume, trust, output, no_figure,
            quiet):
    """Fit the model of FIT_FILE (TOML) to its recording; results under fits/results/NAME/."""
    from tqdm import tqdm

    from neurokit.fitting import Fitter, load_fit_config, write_report

    cfg = load_fit_config(fit_file, budget=budget, seed=seed, backend=backend, trust=trust)
    bar = None if quiet else tqdm(total=cfg.budget, unit="eval", dynamic_ncols=True,
                                  bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}")

    def progress(p):
        if bar is None:
            return
        bar.n = min(p.evaluations, bar.total)
        bar.set_description(f"gen {p.generation} ({p.phase})")
        bar.set_postfix_str(f"best {p.best:.4f}, {p.evals_per_s:.0f} eval/s, ~{p.eta_s:.0f} s left")

    pool = None
    if executor or scheduler:  # the same fit file, on processes or a Dask cluster
        from neurokit.parallel import make_executor

        kind = executor or "dask"
        local = {"workers": workers} if workers and kind in ("dask", "processes") else {}
        pool = make_executor(kind, **({"address": scheduler} if scheduler else local))
    fitter = Fitter(cfg, workers=workers or cfg.workers, output_dir=output, progress=progress,
                    executor=pool)
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
    from neurokit.fitting.report import summary_markdown

    click.echo(summary_markdown(summary))
    click.echo(f"results: {fitter.results_dir}")
