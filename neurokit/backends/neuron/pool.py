"""Worker processes for the NEURON backend: one built cell per process, one sample at a time.

NEURON's state is global per process, so each spawned worker holds its own NEURON and its own
copy of the cell (as BluePyOpt isolates its evaluations). Workers are fed one sample at a time.
Failures stay per sample: the worker's own :class:`~neurokit.backends.neuron.runner.CellRunner`
stops a sample that overruns its timeout between integration chunks; a worker stuck inside
NEURON is killed after ``1.5 * timeout + 5`` s, and a worker that dies, is replaced, and in both
cases the sample is marked with an ``error`` message naming what happened.
"""

from __future__ import annotations

import multiprocessing as mp
import time
import traceback
from collections import deque
from multiprocessing.connection import wait as wait_connections

from neurokit.backends.neuron.runner import CellRunner
from neurokit.errors import BackendError, ModelError
from neurokit.models.cell import CellModel
from neurokit.protocols import Protocol

START_TIMEOUT_S = 600.0  # a worker's first build may compile the mechanisms


def _worker_main(conn, model: CellModel, cvode: bool) -> None:
    """Entry point of a spawned worker: build once, then run samples until told to stop."""
    try:
        runner = CellRunner(model, cvode)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("fail", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
        return
    sites = [(None, x, name, region, d) for _, x, name, region, d in runner.cell.record_sites]
    conn.send(("ready", sites, ""))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "stop":
            return
        if msg[0] == "protocol":
            runner.prepare(msg[1])
        elif msg[0] == "sample":
            _, index, sample, values, timeout = msg
            conn.send(("result", index, runner.run_safely(values, sample, timeout)))


class _Worker:
    def __init__(self, ctx, model: CellModel, cvode: bool):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, model, cvode), daemon=True)
        self.process.start()
        child.close()
        self.protocol_id = None
        self.job = None  # (index, started)

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise BackendError(f"a NEURON worker did not start within {timeout:g} s")
        try:
            kind, message, tb = self.conn.recv()
        except EOFError:
            self.process.join(5)
            raise BackendError(f"a NEURON worker died while starting (exit code {self.process.exitcode})") from None
        if kind == "fail":
            self.kill()
            raise ModelError(f"building the cell in a worker failed: {message}")
        self.sites = message

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(("stop",))
        except (OSError, ValueError):
            pass
        self.process.join(2)
        self.kill()


class WorkerPool:
    """Spawned worker processes that each hold one built copy of ``model``."""

    def __init__(self, model: CellModel, workers: int, cvode: bool):
        self.model, self.cvode = model, cvode
        self._protocol, self._token = None, 0
        self._ctx = mp.get_context("spawn")
        self.workers = [_Worker(self._ctx, model, cvode) for _ in range(workers)]
        try:
            for w in self.workers:
                w.wait_ready(START_TIMEOUT_S)
        except Exception:
            self.close()
            raise

    def _replace(self, w: _Worker) -> _Worker:
        w.kill()
        new = _Worker(self._ctx, self.model, self.cvode)
        new.wait_ready(START_TIMEOUT_S)
        self.workers[self.workers.index(w)] = new
        return new

    def run(self, protocol: Protocol, jobs: list[tuple[int, int, dict]], timeout: float | None) -> dict:
        """Run ``jobs`` (index, sample id, values); return index -> result dict."""
        results: dict[int, dict] = {}
        pending = deque(jobs)
        hard = None if timeout is None else 1.5 * timeout + 5.0
        # Holding the protocol object keeps its identity unique while workers use it.
        if protocol is not self._protocol:
            self._protocol, self._token = protocol, self._token + 1
        pid = self._token
        while pending or any(w.job for w in self.workers):
            for w in self.workers:
                if w.job is None and pending:
                    index, sample, values = pending.popleft()
                    if w.protocol_id != pid:
                        w.conn.send(("protocol", protocol))
                        w.protocol_id = pid
                    w.conn.send(("sample", index, sample, values, timeout))
                    w.job = (index, time.perf_counter())
            busy = [w for w in self.workers if w.job]
            wait_s = None
            if hard is not None:
                wait_s = max(0.0, min(w.job[1] + hard - time.perf_counter() for w in busy))
            ready = wait_connections([w.conn for w in busy], timeout=wait_s)
            for w in busy:
                index, started = w.job
                if w.conn in ready:
                    try:
                        _, got_index, res = w.conn.recv()
                        results[got_index] = res
                        w.job = None
                        continue
                    except (EOFError, OSError):
                        w.process.join(5)
                        results[index] = {"error": f"the worker process died while simulating this "
                                                   f"sample (exit code {w.process.exitcode})"}
                elif hard is not None and time.perf_counter() - started > hard:
                    results[index] = {"error": f"timeout after {timeout:g} s: the worker did not "
                                               f"answer within {hard:g} s and was killed"}
                else:
                    continue
                w.job = None
                self._replace(w)
        return results

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []
