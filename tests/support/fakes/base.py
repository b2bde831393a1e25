"""The unit of work in memory: events published and commits counted, nothing rolled back.

A use case that raises after changing a fake's objects leaves them changed (there is no
transaction to undo): assert on what a failed use case published or committed, not on
the state it left."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

from shared.events import Event, decode, encode, new_event
from shared.events.commands import Command

C = TypeVar("C", bound=Command)


class FakeUnitOfWork:
    row_locks = False

    def __init__(self, producer: str) -> None:
        self.producer = producer
        self.events: list[Event] = []
        self.commits = 0
        self.rollbacks = 0
        self._pending: list[Event] = []
        self._depth = 0  # nested blocks share the outer transaction, as SqlUnitOfWork's do
        self.delivered: set[uuid.UUID] = set()  # events a test has handed to handlers

    def __enter__(self) -> Self:
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._pending.clear()  # events of an uncommitted transaction never go out

    def publish(self, type_: str, data: dict[str, Any]) -> Event:
        event = new_event(type_, data, self.producer)
        self._pending.append(event)
        return event

    def publish_many(self, type_: str, items: Sequence[dict[str, Any]]) -> list[Event]:
        return [self.publish(type_, data) for data in items]

    def one_statement(self) -> None:
        pass

    def read_only(self) -> None:
        """Nothing to do in memory: there is no transaction to skip."""

    def forget_loaded(self) -> None:
        pass

    def commit(self) -> None:
        self.commits += 1
        self.events.extend(self._pending)
        self._pending.clear()

    def rollback(self) -> None:
        self.rollbacks += 1
        self._pending.clear()

    def published(self, type_: str) -> list[dict[str, Any]]:
        """The data of the committed events of this type, in order."""
        return [e.data for e in self.events if e.type == type_]

    def sent(self, command: type[C]) -> list[C]:
        """The committed events of this command's type as a consumer loads them off the bus."""
        return [command.of(decode(encode(e))) for e in self.events if e.type == command.EVENT]


def deliver(
    handlers: Mapping[str, Callable[[Event, Any], None]],
    uow: FakeUnitOfWork,
    type_: str,
    data: dict[str, Any],
) -> None:
    """Hand an event to its handler as the worker does: encoded and decoded off the bus,
    so it loads as its typed command (shared/events/commands.py)."""
    handlers[type_](decode(encode(new_event(type_, data, "test"))), uow)
