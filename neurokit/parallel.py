"""Executors that run the chunks of a batch: in-process and local processes.

A batch is split along ``sample`` into chunks; each chunk is one ``simulate`` call; results
are gathered back into one Dataset. Fitting, sweeps and the CLI take an executor, never a
global setting. Every executor has the same two methods: ``map`` and ``close``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Protocol, Sequence

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

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def make_executor(kind: str | int | None = None, **options) -> Executor:
    """An executor from a short description: ``None``/``"inprocess"``/1, ``"processes"``, or a
    number of worker processes. (``"dask"`` arrives with the scale-out work.)"""
    if kind in (None, "inprocess", 1, "1"):
        return InProcessExecutor()
    if kind == "processes":
        return ProcessExecutor(**options)
    if isinstance(kind, int) or (isinstance(kind, str) and kind.isdigit()):
        return ProcessExecutor(int(kind), **options)
    from neurokit.errors import BackendError

    raise BackendError(f"unknown executor {kind!r}; use 'inprocess', 'processes' or a worker count")


def split_samples(params: xr.Dataset, n_chunks: int) -> list[xr.Dataset]:
    """Split a batch along ``sample`` into at most ``n_chunks`` contiguous chunks (keeping the
    global sample coordinate, which keys each sample's random stream)."""
    n = params.sizes.get("sample", 1)
    if "sample" not in params.dims:
        return [params]
    bounds = np.linspace(0, n, min(n_chunks, n) + 1).astype(int)
    return [params.isel(sample=slice(a, b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def concat_results(parts: Iterable[xr.Dataset]) -> xr.Dataset:
    """Gather chunk results along ``sample``; ragged spikes are concatenated along ``spike``."""
    parts = list(parts)
    if len(parts) == 1:
        return parts[0]
    spike_vars = [name for name in parts[0].variables if "spike" in parts[0][name].dims]
    dense = [p.drop_vars([v for v in spike_vars if v in p.variables]) for p in parts]
    out = xr.concat(dense, dim="sample", data_vars="minimal", coords="minimal", compat="override",
                    combine_attrs="override")
    if spike_vars:
        spikes = xr.concat([p[spike_vars] for p in parts], dim="spike", combine_attrs="override")
        out = xr.merge([out, spikes], combine_attrs="override")
    return out


class _ChunkTask:
    """Picklable ``simulate`` call on one chunk (what an executor ships to a worker)."""

    def __init__(self, backend: str, backend_options: dict, model, protocol):
        self.backend, self.backend_options = backend, backend_options
        self.model, self.protocol = model, protocol

    def __call__(self, chunk: xr.Dataset) -> xr.Dataset:
        from neurokit.backends import get_backend

        return get_backend(self.backend, **self.backend_options).simulate(self.model, chunk, self.protocol)


def run_batch(backend: str, model, params: xr.Dataset, protocol, executor: Executor | None = None,
              chunks: int | None = None, backend_options: dict | None = None) -> xr.Dataset:
    """Simulate a batch through ``executor``, one ``simulate`` call per chunk of samples.

    Parameters
    ----------
    backend : str
        Registered backend name (each worker builds its own instance).
    chunks : int, optional
        Number of chunks (default: the executor's worker count).
    """
    executor = executor or InProcessExecutor()
    task = _ChunkTask(backend, backend_options or {}, model, protocol)
    parts = split_samples(params, chunks or executor.workers)
    return concat_results(executor.map(task, parts))
