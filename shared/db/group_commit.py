"""Group commit: the writes of many request threads in one transaction, each request
answered only after the transaction holding its write has committed.

A web process gets many small writes at once (Twilio's status callbacks come in bursts).
One transaction each costs several database round trips per request; a single writer
thread per process instead takes everything waiting, writes it together and wakes each
waiting request. Nothing is answered before it is stored. While one group commits, the
next one gathers; `gather` may add a short wait after a group's first item, for bigger
groups (fewer commits, each waking the writer thread once) at that much latency."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

from shared.logs import get_logger

T = TypeVar("T")
R = TypeVar("R")
log = get_logger(__name__)


class GroupCommit(Generic[T, R]):
    """`write` takes a group of items and returns one result per item, in order."""

    def __init__(
        self,
        write: Callable[[Sequence[T]], Sequence[R]],
        *,
        name: str,
        max_group: int = 200,
        gather: float = 0.0,
    ) -> None:
        self._write = write
        self._gather = gather
        self._name = name
        self._max_group = max_group
        self._queue: queue.SimpleQueue[tuple[T, Future[R]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._owner_pid: int | None = None

    def submit(self, item: T, timeout: float = 10.0) -> R:
        """Write `item` with whatever else is waiting; returns its result once committed.

        Raises what `write` raised for this item, or TimeoutError if the writer is stuck.
        """
        future: Future[R] = Future()
        self._ensure_writer()
        self._queue.put((item, future))
        return future.result(timeout)

    def _ensure_writer(self) -> None:
        # A thread does not survive fork: a server that forks after building the app
        # needs a writer of its own in each child.
        if self._owner_pid == os.getpid():
            return
        with self._lock:
            if self._owner_pid != os.getpid():
                thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                thread.start()
                self._owner_pid = os.getpid()

    def _run(self) -> None:
        while True:
            group = [self._queue.get()]
            if self._gather:
                time.sleep(self._gather)  # let the requests arriving with it join the group
            while len(group) < self._max_group:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._commit(group)

    def _commit(self, group: list[tuple[T, Future[R]]]) -> None:
        try:
            results = self._write([item for item, _ in group])
        except Exception as exc:
            if len(group) == 1:
                group[0][1].set_exception(exc)
                return
            # One bad item must not fail its neighbours: write each on its own.
            log.warning("group_commit_split", writer=self._name, size=len(group))
            for entry in group:
                self._commit([entry])
            return
        for (_, future), result in zip(group, results, strict=True):
            future.set_result(result)
