"""One way to cut ids and rows into pieces (shared/chunks.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.chunks import chunked


@pytest.mark.parametrize(
    ("count", "size", "lengths"),
    [(0, 3, []), (1, 3, [1]), (3, 3, [3]), (7, 3, [3, 3, 1]), (6, 1, [1] * 6), (2, 500, [2])],
)
def test_pieces_keep_the_order_and_only_the_last_is_short(
    count: int, size: int, lengths: list[int]
) -> None:
    pieces = list(chunked(range(count), size))

    assert [len(p) for p in pieces] == lengths
    assert [i for piece in pieces for i in piece] == list(range(count))


def test_a_stream_is_read_one_piece_at_a_time() -> None:
    read: list[int] = []

    def rows() -> Iterator[int]:
        for i in range(10):
            read.append(i)
            yield i

    pieces = chunked(rows(), 4)
    assert next(pieces) == [0, 1, 2, 3]
    assert read == [0, 1, 2, 3]  # nothing of the next piece read yet


@pytest.mark.parametrize("size", [0, -1])
def test_a_piece_holds_at_least_one_item(size: int) -> None:
    with pytest.raises(ValueError, match="at least one"):
        list(chunked([1, 2], size))
