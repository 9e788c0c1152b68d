"""Executors that spread a batch over processes (local) or a Dask cluster (dask)."""

from neurokit.parallel.local import (Executor, InProcessExecutor, ProcessExecutor, concat_results, imap,
                                     make_executor, run_batch, sort_spikes, split_samples)

__all__ = ["Executor", "InProcessExecutor", "ProcessExecutor", "concat_results", "imap", "make_executor",
           "run_batch", "sort_spikes", "split_samples"]
