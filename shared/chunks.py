"""Cutting ids or rows into pieces of at most a given size: events that stay small on the
bus, IN lists a database takes, exports that hold one group in memory at a time.

One helper for all of them, so every piece is cut the same way: in order, none empty,
the last one shorter. Pure: domains may use it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive pieces of at most `size` items, in order; nothing for no items.

    Reads `items` lazily, so a stream (a server-side cursor) is held one piece at a time."""
    if size < 1:
        raise ValueError(f"a piece holds at least one item, not {size}")
    found = iter(items)
    while piece := list(islice(found, size)):
        yield piece
