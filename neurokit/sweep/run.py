"""Running parameter sweeps: the design of a :class:`~neurokit.config.sweep.SweepSpec` run as
chunks of one batch through any executor, gathered into one dataset with the swept parameters
as coordinates on ``sample``. The result never depends on chunking or executor: each sample's
random stream is keyed on ``(seed, sample)``."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import xarray as xr

from neurokit import schema
from neurokit.files import atomic_path
from neurokit.config.sweep import SweepSpec
from neurokit.errors import FitConfigError, NeurokitError


def executor_for(spec: SweepSpec, **overrides):
    """The executor a spec asks for (``[execution]``), with command-line ``overrides``
    (executor, workers, scheduler) taking precedence."""
    from neurokit.parallel import make_executor

    ex = {**spec.execution, **{k: v for k, v in overrides.items() if v is not None}}
    kind = ex.get("executor", "inprocess")
    if kind in ("inprocess", "in-process") and overrides.get("workers") and overrides["workers"] > 1:
        kind = "processes"  # asking for workers on the command line means using them
    address = ex.get("scheduler") or ex.get("address")
    options = {}
    if kind == "dask" or (isinstance(kind, str) and "://" in kind):
        if address:
            options["address"] = address
        elif ex.get("workers"):
            options["workers"] = ex["workers"]
        if "retries" in ex:
            options["retries"] = ex["retries"]
        if ex.get("warm"):
            options["warm"] = tuple(ex["warm"])
    elif address:
        raise FitConfigError(f"{spec.source}: a scheduler address needs executor = 'dask'")
    elif kind == "processes" and ex.get("workers"):
        options["workers"] = ex["workers"]
    return make_executor(kind, **options)


def n_chunks(spec: SweepSpec, workers: int) -> int:
    """Chunks for this sweep: from ``chunk_size`` or ``chunks``, else four per worker (so a
    slow chunk does not hold the others up, and progress moves)."""
    total = spec.n_samples
    if spec.execution.get("chunk_size"):
        return max(1, math.ceil(total / spec.execution["chunk_size"]))
    if spec.execution.get("chunks"):
        return min(total, spec.execution["chunks"])
    return min(total, 4 * max(1, workers)) if workers > 1 else 1


def run_sweep(spec: SweepSpec | str | os.PathLike, executor=None, progress: bool = True,
              output: str | os.PathLike | None = None, chunks: int | None = None,
              executor_kind: str | None = None, scheduler: str | None = None,
              workers: int | None = None, trust: bool = False) -> xr.Dataset:
    """Run a sweep and return (and write, when an output is set) its dataset.

    Parameters
    ----------
    spec : SweepSpec or path
        The sweep, or a TOML file holding it.
    executor : Executor, optional
        Where chunks run (default: the spec's ``[execution]``, closed afterwards).
    progress : bool
        Show a tqdm bar of finished samples.
    output : path, optional
        Overrides the spec's ``output`` (``.nc`` netCDF, ``.zarr`` zarr).
    chunks : int, optional
        Overrides the spec's chunking.
    executor_kind, scheduler, workers : optional
        Override the spec's ``[execution]`` when no ``executor`` is given (as the CLI does).
    trust : bool
        Reading a file: allow it to import code (``--trust``).
    """
    from tqdm.auto import tqdm

    from neurokit.parallel import run_batch

    if not isinstance(spec, SweepSpec):
        spec = SweepSpec.from_toml(spec, trust=trust)
    model = spec.model_object
    batch = spec.design()
    own = executor is None
    executor = executor if executor is not None else executor_for(spec, executor=executor_kind,
                                                                       scheduler=scheduler, workers=workers)
    try:
        n = chunks or n_chunks(spec, executor.workers)
        with tqdm(total=batch.sizes["sample"], unit="sample", desc=spec.name or "sweep",
                  disable=not progress) as bar:
            ds = run_batch(spec.backend, model, batch, spec.protocol, executor=executor, chunks=n,
                           backend_options=spec.backend_options,
                           progress=lambda done, total: bar.update(done - bar.n))
    finally:
        if own:
            executor.close()
    ds = attach_design(ds, batch, spec)
    target = output if output is not None else spec.output
    if target is not None:
        write(ds, target)
    return ds


def attach_design(ds: xr.Dataset, batch: xr.Dataset, spec: SweepSpec) -> xr.Dataset:
    """Put the swept parameters on ``sample`` as coordinates and the design in the attrs."""
    swept = [a.name for a in spec.axes]
    present = [name for name in swept if name in ds.variables]
    ds = ds.drop_vars(present)  # a backend that echoes parameters gets them replaced by the design's
    coords = {name: ("sample", batch[name].values, batch[name].attrs) for name in swept}
    ds = ds.assign_coords(coords)
    ds.attrs.update(schema.provenance_attrs(
        sweep_name=spec.name, sweep_source=spec.source, sweep_method=spec.method, sweep_n=spec.n,
        sweep_seed=spec.seed, sweep_parameters=swept,
        sweep_fixed={k: {"value": v, "units": u} for k, (v, u) in spec.fixed.items()},
        sweep_spec=json.dumps(spec.raw, sort_keys=True, default=str)))
    return ds


def write(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write a sweep dataset atomically: netCDF through :func:`neurokit.schema.save`, or a
    ``.zarr`` store built in a temporary folder and renamed into place."""
    path = Path(path)
    if path.suffix != ".zarr":
        return schema.save(ds, path)
    try:
        import zarr  # noqa: F401  (only whether it is installed matters here)
    except ImportError:
        raise NeurokitError(f"writing {str(path)!r} needs the zarr package (pip install zarr); "
                            "or write netCDF (.nc)") from None
    with atomic_path(path) as tmp:
        schema.encode_bools(ds).to_zarr(tmp, mode="w")  # as schema.save encodes
    return path


def load(path: str | os.PathLike) -> xr.Dataset:
    """Read a sweep result written by :func:`write` (netCDF or zarr)."""
    path = Path(path)
    if path.suffix != ".zarr":
        return schema.load(path)
    return schema.decode_bools(xr.open_zarr(path).load())


__all__ = ["run_sweep", "executor_for", "n_chunks", "attach_design", "write", "load"]
