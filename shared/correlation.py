"""The correlation id that follows one request through events into other services."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current() -> str:
    """The id in force, or a new one so that nothing is ever uncorrelated."""
    value = _current.get()
    if value is None:
        value = new_id()
        _current.set(value)
    return value


def new_id() -> str:
    return uuid.uuid4().hex


def use(value: str | None) -> None:
    _current.set(value or new_id())


def clear() -> None:
    _current.set(None)
