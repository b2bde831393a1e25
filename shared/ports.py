"""The unit of work as the use cases see it: a transaction they commit, with an outbox.

Each service's ports extend it with their repositories (services/<svc>/service_layer/
ports.py, decision 0026); shared.db.unit_of_work.SqlUnitOfWork implements it on a database
and tests/support/fakes/base.py in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol, Self

from shared.events import Event


class UnitOfWork(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    @property
    def row_locks(self) -> bool:
        """Whether SELECT ... FOR UPDATE works (what a use case asks its repositories for)."""
        ...

    def publish(self, type_: str, data: dict[str, Any]) -> Event:
        """Queue an event to go out if, and only if, this transaction commits."""
        ...

    def publish_many(self, type_: str, items: Sequence[dict[str, Any]]) -> list[Event]: ...

    def one_statement(self) -> None: ...

    def read_only(self) -> None:
        """Run the reads without a transaction (a use case that only reads, first thing)."""
        ...

    def forget_loaded(self) -> None:
        """Let go of the objects loaded so far (a long read keeps its memory flat)."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
