"""``neurokit sweep FILE.toml``: run a parameter sweep and write its dataset."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="sweep")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--executor", "-e", default=None,
              help="inprocess, processes, dask or dask://host:port (default: the file's [execution]).")
@click.option("--scheduler", default=None, metavar="ADDR",
              help="Dask scheduler address (tcp://host:8786); implies --executor dask.")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker processes (local processes or a Dask LocalCluster).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Samples per chunk (one simulate call each).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output .nc (netCDF) or .zarr (default: the file's output, else FILE.nc).")
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@click.option("--trust", is_flag=True,
              help="Allow the file to import Python code (a model or backend by 'module:attr').")
def command(file: Path, executor: str | None, scheduler: str | None, workers: int | None,
            chunk_size: int | None, output: Path | None, no_progress: bool, trust: bool) -> None:
    """Run the parameter sweep described in FILE (TOML) and write one dataset.

    The design's parameters become coordinates on `sample`; the same file runs on a laptop
    (in-process or local processes) or on a cluster (--scheduler tcp://host:8786).
    """
    from neurokit.sweep import SweepSpec, run_sweep

    spec = SweepSpec.from_toml(file, trust=trust)
    if chunk_size is not None:
        spec.execution["chunk_size"] = chunk_size
        spec.execution.pop("chunks", None)
    if scheduler and executor is None:
        executor = "dask"
    target = output or spec.output or file.with_suffix(".nc")
    click.echo(f"sweep {spec.name!r}: {spec.n_samples} samples of {spec.model} on {spec.backend} "
               f"({spec.method} design)", err=True)
    ds = run_sweep(spec, progress=not no_progress, output=target, executor_kind=executor,
                   scheduler=scheduler, workers=workers)
    click.echo(f"wrote {target} ({ds.sizes.get('sample', 1)} samples)")
