"""Dask distributed executor: the same ``map``/``imap``/``close`` as the local executors, on a
scheduler somewhere (a SLURM allocation, a cloud cluster) or on a LocalCluster started on demand.

Workers keep warm state through :class:`NeurokitWorkerPlugin`: it sets the environment
neurokit needs (``NEUROKIT_CACHE_DIR``, so native workers find the compiled modules keyed by
content hash) and keeps one backend instance per backend per worker, so NEURON mechanisms are
loaded once per worker process and compiled native modules stay loaded between chunks.

Faults: each chunk is submitted with ``retries``; a chunk whose worker dies is rescheduled by
the scheduler on another worker (up to Dask's ``distributed.scheduler.allowed-failures``), and
since each sample's random stream is keyed on ``(seed, sample)``, the result is unchanged.

Example
-------
>>> from neurokit.parallel import make_executor, run_batch
>>> with make_executor("dask", workers=2) as ex:              # doctest: +SKIP
...     ds = run_batch("native", LIF, batch, protocol, executor=ex, chunks=8)
>>> ex = make_executor("dask://scheduler.example.org:8786")   # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Callable, Iterator, Sequence

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from neurokit.errors import BackendError

PLUGIN_NAME = "neurokit"
FORWARDED_ENV = ("NEUROKIT_CACHE_DIR",)


def _backend_key(backend, options: dict) -> tuple:
    name = backend if isinstance(backend, str) else f"{backend.__module__}:{backend.__qualname__}"
    return name, repr(sorted(options.items()))


class NeurokitWorkerPlugin(WorkerPlugin):
    """Per-worker warm state: environment, and one cached backend instance per (backend, options).

    Parameters
    ----------
    env : dict, optional
        Environment variables set in the worker process (e.g. ``NEUROKIT_CACHE_DIR``).
    warm : sequence, optional
        What to prepare when the worker starts, so the first chunk does not pay for it: backend
        names (``"neuron"``: the instance is built), or ``(backend, model)`` pairs, for which
        the backend's ``start(model)`` is called when it has one (NEURON: loads the mechanisms
        and builds the cell).
    """

    name = PLUGIN_NAME
    idempotent = False

    def __init__(self, env: dict[str, str] | None = None, warm: Sequence = ()):
        self.env = dict(env or {})
        self.warm = tuple(warm)

    def setup(self, worker) -> None:
        os.environ.update(self.env)
        self._backends: dict = {}
        self._lock = threading.Lock()  # a worker may run several threads
        for entry in self.warm:
            name, model = (entry, None) if isinstance(entry, str) else entry
            sim = self.backend(name, {})
            start = getattr(sim, "start", None)
            if model is not None and callable(start):
                start(model)

    def backend(self, backend, options: dict):
        """The worker's instance of ``backend`` built with ``options`` (built on first use)."""
        from neurokit.backends.base import get_backend

        key = _backend_key(backend, options)
        with self._lock:
            sim = self._backends.get(key)
            if sim is None:
                sim = self._backends[key] = get_backend(backend, **options)
        return sim

    @property
    def cached(self) -> list[tuple]:
        """Keys of the backend instances this worker holds."""
        return list(self._backends)


def warm_backend(backend, options: dict):
    """The calling Dask worker's cached backend instance, or None outside a Dask worker (or
    on one without neurokit's plugin)."""
    try:
        worker = get_worker()
    except ValueError:
        return None
    plugin = worker.plugins.get(PLUGIN_NAME)
    if plugin is None:
        return None
    return plugin.backend(backend, options)


def _apply(chunk, task):
    """Run a scattered task on one chunk (a module-level function: picklable by reference)."""
    return task(chunk)


def normalise_address(address: str) -> str:
    """``dask://host:port`` -> ``tcp://host:port``; other schemes are kept."""
    if address.startswith("dask://"):
        return "tcp://" + address[len("dask://"):]
    return address


class DaskExecutor:
    """Runs chunks on Dask distributed workers.

    Parameters
    ----------
    address : str, optional
        Scheduler address (``tcp://host:8786`` or ``dask://host:8786``). Without one, a
        LocalCluster of ``workers`` processes is started on first use and closed with the
        executor.
    workers : int, optional
        Worker processes of the local cluster (default: the CPU count). Ignored with ``address``.
    threads_per_worker : int
        Threads per local worker (1: simulators such as NEURON keep global state per process).
    retries : int
        Times a chunk whose task raised is retried (a chunk whose worker died is rescheduled
        by the scheduler anyway).
    env : dict, optional
        Environment set on every worker. Default for a local cluster: the caller's
        ``NEUROKIT_CACHE_DIR``; for a remote scheduler nothing (workers may not share the
        caller's file system; set it in the job script or pass it here).
    warm : sequence
        Backend names or ``(backend, model)`` pairs each worker prepares when it starts (see
        :class:`NeurokitWorkerPlugin`).
    cluster : object, optional
        An existing cluster object (``dask_jobqueue.SLURMCluster``, ``LocalCluster``); used,
        not closed.
    connect_timeout : str or float
        How long to try reaching the scheduler at ``address`` before a BackendError.
    **cluster_options
        Passed to ``LocalCluster``.
    """

    def __init__(self, address: str | None = None, workers: int | None = None, threads_per_worker: int = 1,
                 retries: int = 2, env: dict[str, str] | None = None, warm: Sequence = (),
                 cluster=None, connect_timeout: str | float = "20s", **cluster_options):
        if address is not None and cluster is not None:
            raise BackendError("DaskExecutor takes a scheduler address or a cluster, not both")
        if retries < 0:
            raise BackendError(f"retries must be >= 0, got {retries}")
        self.address = normalise_address(address) if address else None
        self._n_local = int(workers or os.cpu_count() or 1)
        if self._n_local < 1:
            raise BackendError(f"workers must be >= 1, got {workers}")
        self.threads_per_worker = int(threads_per_worker)
        self.retries = int(retries)
        if env is None:
            env = {} if self.address else {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}
        self.env = dict(env)
        self.warm = tuple(warm)
        self._cluster_arg = cluster
        self.connect_timeout = connect_timeout
        self._cluster_options = cluster_options
        self._cluster = None  # the LocalCluster this executor started and must close
        self._client: Client | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def _ensure(self) -> Client:
        if self._client is not None:
            return self._client
        if self.address:
            try:
                client = Client(self.address, set_as_default=False, timeout=self.connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise BackendError(f"cannot reach the Dask scheduler at {self.address!r}: {exc}") from exc
        else:
            cluster = self._cluster_arg
            if cluster is None:
                opts = {"dashboard_address": ":0", "silence_logs": logging.ERROR, **self._cluster_options}
                cluster = self._cluster = LocalCluster(n_workers=self._n_local,
                                                       threads_per_worker=self.threads_per_worker,
                                                       processes=True, **opts)
            client = Client(cluster, set_as_default=False)
        client.register_plugin(NeurokitWorkerPlugin(self.env, self.warm), name=PLUGIN_NAME)
        self._client = client
        return client

    def start(self, wait: bool = True) -> "DaskExecutor":
        """Connect (or start the local cluster) now and, with ``wait``, wait until its workers
        are up: lets benchmarks leave worker start-up out of their timings."""
        client = self._ensure()
        if wait:
            n = self._n_local if (self._cluster is not None) else 1
            client.wait_for_workers(n, timeout=120)
        return self

    @property
    def client(self) -> Client:
        """The ``distributed.Client`` (connecting on first use)."""
        return self._ensure()

    @property
    def workers(self) -> int:
        """Worker threads connected now: the default number of chunks of a batch (a cluster
        that is still growing gets fewer chunks; give ``chunks``/``chunk_size`` to fix them)."""
        if self._client is None and self.address is None and self._cluster_arg is None:
            return self._n_local * self.threads_per_worker
        client = self._ensure()
        threads = self._threads(client)
        if threads == 0:  # an adaptive or just-submitted cluster: wait for its first worker
            try:
                client.wait_for_workers(1, timeout=self.connect_timeout)
            except TimeoutError as exc:
                raise BackendError(f"no Dask worker joined the scheduler {client.scheduler.address!r} "
                                   f"within {self.connect_timeout}") from exc
            threads = self._threads(client)
        return max(1, threads)

    @staticmethod
    def _threads(client: Client) -> int:
        info = client.scheduler_info(n_workers=-1)
        return sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- work --------------------------------------------------------------------------------
    def _submit(self, fn: Callable, items: Sequence) -> list:
        client = self._ensure()
        items = list(items)
        if len(items) > 1 and len(client.scheduler_info(n_workers=-1).get("workers", {})) > 1:
            # Ship the task (model, protocol: a replayed recording can be large) once per worker,
            # not once per chunk; chunks on one worker then share one protocol object, which
            # lets a backend keep what it prepared for it (NEURON's played stimuli). Only with
            # two or more workers: a scattered copy must survive the death of one of them.
            fn = client.scatter(fn, broadcast=True, hash=False)
            # pure=False: a chunk re-run (a retry, a second sweep) must run, not hit a cache.
            return client.map(_apply, items, task=fn, retries=self.retries, pure=False)
        return client.map(fn, items, retries=self.retries, pure=False)

    def map(self, fn: Callable, items: Sequence) -> list:
        """Results of ``fn(item)`` for every item, in order (exceptions re-raised here)."""
        futures = self._submit(fn, items)
        try:
            return self._client.gather(futures)
        finally:
            self._client.cancel(futures)

    def imap(self, fn: Callable, items: Sequence) -> Iterator[tuple[int, object]]:
        """``(index, result)`` pairs in the order the chunks finish."""
        futures = self._submit(fn, items)
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for future, result in as_completed(futures, with_results=True, loop=self._client.loop):
                yield index[future.key], result
        finally:
            self._client.cancel(futures)
