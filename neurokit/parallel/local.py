"""Executors that run the chunks of a batch: in-process, local processes, Dask distributed.

A batch is split along ``sample`` into chunks; each chunk is one ``simulate`` call; results
are gathered back into one Dataset. Fitting, sweeps and the CLI take an executor, never a
global setting. Every executor has the same two methods, ``map`` and ``close``, plus
``imap`` (results as they finish, for progress bars). The Dask executor lives in
:mod:`neurokit.parallel.dask` and is made by ``make_executor("dask", ...)``.

Results never depend on chunking: each chunk keeps the global ``sample`` coordinate, which
keys every sample's random stream.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np
import xarray as xr


class Executor(Protocol):
    """What fitting and sweeps need from an executor."""

    workers: int

    def map(self, fn: Callable, items: Sequence) -> list: ...

    def close(self) -> None: ...


class InProcessExecutor:
    """Runs every chunk in the calling process, one after another."""

    workers = 1

    def map(self, fn: Callable, items: Sequence) -> list:
        return [fn(item) for item in items]

    def imap(self, fn: Callable, items: Sequence) -> Iterator[tuple[int, object]]:
        """``(index, result)`` pairs as each item finishes (here: in order)."""
        for i, item in enumerate(items):
            yield i, fn(item)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ProcessExecutor:
    """Runs chunks in a pool of local worker processes (spawned, so each has its own
    simulator state: NEURON's, Brian2's). The pool starts on first use and is reused."""

    def __init__(self, workers: int | None = None, initializer: Callable | None = None, initargs=()):
        self.workers = int(workers or os.cpu_count() or 1)
        self._initializer, self._initargs = initializer, initargs
        self._pool: ProcessPoolExecutor | None = None

    def _ensure(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                             initializer=self._initializer, initargs=self._initargs)
        return self._pool

    def map(self, fn: Callable, items: Sequence) -> list:
        return list(self._ensure().map(fn, items))

    def imap(self, fn: Callable, items: Sequence) -> Iterator[tuple[int, object]]:
        """``(index, result)`` pairs in the order the chunks finish."""
        pool = self._ensure()
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        try:
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


DASK_SCHEMES = ("dask://", "tcp://", "tls://", "inproc://", "ucx://")


def make_executor(kind: str | int | None = None, **options) -> Executor:
    """An executor from a short description.

    Parameters
    ----------
    kind : str or int, optional
        ``None``/``"inprocess"``/1: the calling process. ``"processes"`` or a number: local
        worker processes. ``"dask"``: Dask distributed, on the scheduler at
        ``options["address"]`` or on a LocalCluster started on demand (``workers=N``).
        ``"dask://host:port"`` (or ``"tcp://host:port"``): the Dask scheduler at that address.
    **options
        Passed to the executor (``workers``, ``address``, ``retries``, ``env``...).

    Raises
    ------
    BackendError
        For an unknown kind.
    """
    if kind in (None, "inprocess", "in-process", 1, "1"):
        return InProcessExecutor()
    if kind == "processes":
        return ProcessExecutor(**options)
    if isinstance(kind, int) or (isinstance(kind, str) and kind.isdigit()):
        return ProcessExecutor(int(kind), **options)
    if isinstance(kind, str) and (kind == "dask" or kind.startswith(DASK_SCHEMES)):
        from neurokit.parallel.dask import DaskExecutor

        if kind != "dask":
            if options.get("address") not in (None, kind):
                from neurokit.errors import BackendError

                raise BackendError(f"executor {kind!r} names a scheduler and "
                                   f"address={options['address']!r} another")
            options["address"] = kind
        return DaskExecutor(**options)
    from neurokit.errors import BackendError

    raise BackendError(f"unknown executor {kind!r}; use 'inprocess', 'processes', a worker count, "
                       "'dask' or 'dask://host:port'")


def imap(executor: Executor, fn: Callable, items: Sequence) -> Iterator[tuple[int, object]]:
    """``(index, result)`` pairs as chunks finish, through ``executor.imap`` where it has one
    (third-party executors may offer only ``map``)."""
    method = getattr(executor, "imap", None)
    if method is not None:
        yield from method(fn, items)
    else:
        yield from enumerate(executor.map(fn, items))


def split_samples(params: xr.Dataset, n_chunks: int) -> list[xr.Dataset]:
    """Split a batch along ``sample`` into at most ``n_chunks`` contiguous chunks (keeping the
    global sample coordinate, which keys each sample's random stream)."""
    n = params.sizes.get("sample", 1)
    if "sample" not in params.dims:
        return [params]
    bounds = np.linspace(0, n, min(n_chunks, n) + 1).astype(int)
    return [params.isel(sample=slice(a, b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def sort_spikes(ds: xr.Dataset) -> xr.Dataset:
    """Ragged spikes in a canonical order (by owner: sample, sweep, population, cell, node; then
    time), so a batch's result is identical however it was chunked."""
    if "spike" not in ds.dims or ds.sizes["spike"] < 2 or "spike_time" not in ds:
        return ds
    owners = [f"spike_{k}" for k in ("sample", "sweep", "population", "cell", "node")
              if f"spike_{k}" in ds.coords]
    keys = [ds["spike_time"].values] + [ds[name].values for name in reversed(owners)]
    order = np.lexsort(keys)  # the last key is the primary one
    if np.array_equal(order, np.arange(order.size)):
        return ds
    return ds.isel(spike=order)


def concat_results(parts: Iterable[xr.Dataset]) -> xr.Dataset:
    """Gather chunk results along ``sample``; ragged spikes are concatenated along ``spike``
    and put in canonical order (:func:`sort_spikes`)."""
    parts = list(parts)
    if len(parts) == 1:
        return sort_spikes(parts[0])
    # A chunk without spikes may lack the spike variables altogether: take their union.
    spike_vars = list(dict.fromkeys(name for p in parts for name in p.variables if "spike" in p[name].dims))
    dense = [p.drop_vars([v for v in spike_vars if v in p.variables]) for p in parts]
    out = xr.concat(dense, dim="sample", data_vars="minimal", coords="minimal", compat="override",
                    combine_attrs="override")
    if spike_vars:
        spikes = xr.concat([p[[v for v in spike_vars if v in p.variables]] for p in parts
                            if "spike" in p.dims], dim="spike", combine_attrs="override")
        out = xr.merge([out, spikes], combine_attrs="override")
    return sort_spikes(out)


class _ChunkTask:
    """Picklable ``simulate`` call on one chunk (what an executor ships to a worker).

    On a Dask worker that runs neurokit's worker plugin, the backend instance is taken from
    the plugin's per-worker cache, so warm state (loaded NEURON mechanisms, compiled native
    modules) is reused across chunks and batches.
    """

    def __init__(self, backend, backend_options: dict, model, protocol):
        self.backend, self.backend_options = backend, backend_options
        self.model, self.protocol = model, protocol

    def _simulator(self):
        import sys

        if "distributed" in sys.modules:  # only a Dask worker can hold the warm cache
            from neurokit.parallel.dask import warm_backend

            sim = warm_backend(self.backend, self.backend_options)
            if sim is not None:
                return sim
        from neurokit.backends.base import get_backend

        return get_backend(self.backend, **(self.backend_options or {}))

    def __call__(self, chunk: xr.Dataset) -> xr.Dataset:
        return self._simulator().simulate(self.model, chunk, self.protocol)


def run_batch(backend, model, params: xr.Dataset, protocol, executor: Executor | None = None,
              chunks: int | None = None, backend_options: dict | None = None,
              progress: Callable[[int, int], None] | None = None) -> xr.Dataset:
    """Simulate a batch through ``executor``, one ``simulate`` call per chunk of samples.

    Parameters
    ----------
    backend : str or type
        Registered backend name, ``"module:Class"``, or a Simulator subclass (each worker
        builds its own instance).
    chunks : int, optional
        Number of chunks (default: the executor's worker count).
    progress : callable, optional
        Called as ``progress(done_samples, total_samples)`` after each chunk finishes.

    Returns
    -------
    xarray.Dataset
        The chunk results gathered along ``sample`` in the batch's order; identical whatever
        the chunking and executor.
    """
    executor = executor or InProcessExecutor()
    task = _ChunkTask(backend, backend_options or {}, model, protocol)
    parts = split_samples(params, chunks or executor.workers)
    if not parts:
        from neurokit.errors import ParameterError

        raise ParameterError("the batch has no samples: nothing to simulate")
    total = params.sizes.get("sample", 1)
    results: list = [None] * len(parts)
    done = 0
    for index, result in imap(executor, task, parts):
        results[index] = result
        done += parts[index].sizes.get("sample", 1)
        if progress is not None:
            progress(done, total)
    return concat_results(results)
