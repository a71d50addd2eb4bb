"""A fixed pool of sandbox workers shared by the threads of an evaluation run.

Threads do not own a worker: each `run` borrows one for a single job and
gives it back, so a thread that is waiting for the LLM (a repair round) holds
no sandbox. The trade-off is that `Worker.recycle()` after a failed check
cannot name "the worker I just used" once it is back in the pool, so the pool
recycles a worker itself, before returning it, whenever the job failed or the
verifier's verdict was a failure; `Lease.recycle()` is then a no-op.

The verifier is deterministic (fixed seeds, same code in, same verdict out),
so its completed jobs are cached by payload: with greedy decoding many
configurations produce the same translation, and it is checked once. Jobs that
ended in a timeout or a crash are not cached, since those may be transient.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading

VERIFY_HANDLER = "t2j_rag.equivalence:run_job"


class WorkerPool:
    def __init__(self, size: int = 1, limits=None, preload: tuple[str, ...] = ("torch", "jax", "flax.nnx"),
                 cache: tuple[str, ...] = (VERIFY_HANDLER,)):
        from ..sandbox import Limits, Worker

        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.limits = limits or Limits()
        self._idle: queue.Queue = queue.Queue()
        self._all = [Worker(self.limits, preload) for _ in range(size)]
        for w in self._all:
            self._idle.put(w)
        self._closed = threading.Event()
        self._cache_handlers = set(cache)
        self._cache: dict[str, object] = {}
        self._cache_lock = threading.Lock()
        self.cache_hits = 0

    def run(self, handler: str, payload: dict, timeout: float | None = None):
        if self._closed.is_set():
            raise RuntimeError("the worker pool is closed")
        key = None
        if handler in self._cache_handlers:
            key = hashlib.sha256(json.dumps([handler, payload], sort_keys=True).encode()).hexdigest()
            with self._cache_lock:
                if key in self._cache:
                    self.cache_hits += 1
                    return self._cache[key]
        worker = self._idle.get()
        try:
            job = worker.run(handler, payload, timeout=timeout)
            value = job.value if job.ok else None
            if isinstance(value, dict) and value.get("passed") is False:
                worker.recycle()  # the failing code ran in this child: the next job gets a fresh one
        finally:
            self._idle.put(worker)
        if key is not None and job.ok:
            with self._cache_lock:
                self._cache[key] = job
        return job

    def lease(self) -> "Lease":
        """An object with Worker's `run`/`recycle` interface, for verify_code(worker=...)."""
        return Lease(self)

    def close(self) -> None:
        self._closed.set()
        for w in self._all:
            w.close()

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Lease:
    def __init__(self, pool: WorkerPool):
        self.pool = pool

    def run(self, handler: str, payload: dict, timeout: float | None = None):
        return self.pool.run(handler, payload, timeout)

    def recycle(self) -> None:
        """Already done by the pool when the job's verdict was a failure."""
