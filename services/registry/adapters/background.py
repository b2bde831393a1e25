"""Background jobs in the web process: a small thread pool per process.

One import at a time per process keeps memory bounded (each holds a batch and the set of
NHS numbers it has seen); others wait their turn. Progress lives in the database, so any
process can answer for any job. See docs/decisions/0008-imports-in-background-threads.md.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class BackgroundJobs:
    def __init__(self, workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="registry-job")

    def submit(self, job: Callable[..., None], *args: Any) -> Future[None]:
        return self._pool.submit(job, *args)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
