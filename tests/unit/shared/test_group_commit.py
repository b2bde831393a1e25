"""Group commit: waiting writes go together, each caller gets its own result or error."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from types import SimpleNamespace

import pytest

from shared.db import group_commit
from shared.db.group_commit import GroupCommit
from tests.support.waiting import eventually


class Recorder:
    """A writer that holds its first group until released, so the next ones pile up."""

    def __init__(self) -> None:
        self.groups: list[list[int]] = []
        self.holding = threading.Event()
        self.release = threading.Event()

    def write(self, items: Sequence[int]) -> list[int]:
        if not self.groups and not self.holding.is_set():
            self.holding.set()
            self.release.wait(5)
        if any(item < 0 for item in items):
            raise ValueError("negative")
        self.groups.append(list(items))
        return [item * 10 for item in items]


def behind_a_held_write(items: Sequence[int]) -> tuple[Recorder, dict[int, object]]:
    """Submit 1 and hold it; submit `items` meanwhile; release; return every outcome."""
    recorder = Recorder()
    writer = GroupCommit(recorder.write, name="test")
    outcomes: dict[int, object] = {}

    def one(item: int) -> None:
        try:
            outcomes[item] = writer.submit(item)
        except ValueError as exc:
            outcomes[item] = exc

    first = threading.Thread(target=one, args=(1,))
    first.start()
    assert recorder.holding.wait(5)
    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    eventually(lambda: writer._queue.qsize() == len(items), 5, "the writes to queue", every=0.01)
    recorder.release.set()
    for thread in [first, *threads]:
        thread.join(5)
    return recorder, outcomes


def test_writes_waiting_behind_a_commit_go_together_and_each_gets_its_result() -> None:
    recorder, outcomes = behind_a_held_write(range(2, 12))

    assert recorder.groups[0] == [1]
    assert sorted(recorder.groups[1]) == list(range(2, 12)), "the ten waiting went as one"
    assert outcomes == {i: i * 10 for i in range(1, 12)}


def test_one_bad_write_fails_alone_and_its_neighbours_are_written() -> None:
    recorder, outcomes = behind_a_held_write([2, -3, 4])

    assert outcomes[2] == 20 and outcomes[4] == 40
    assert isinstance(outcomes[-3], ValueError)
    assert [2] in recorder.groups and [4] in recorder.groups


def test_a_stuck_writer_times_the_caller_out() -> None:
    never = threading.Event()
    writer: GroupCommit[int, int] = GroupCommit(
        lambda items: [int(never.wait(2)) for _ in items], name="test"
    )
    with pytest.raises(TimeoutError):
        writer.submit(1, timeout=0.1)


def test_with_a_gather_wait_writes_arriving_just_after_the_first_join_its_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    groups: list[list[int]] = []
    gathering = threading.Event()

    def gather(seconds: float) -> None:
        gathering.set()
        time.sleep(seconds)

    # The writer's only use of `time`: seeing it sleep shows it holds the first write.
    monkeypatch.setattr(group_commit, "time", SimpleNamespace(sleep=gather))

    def write(items: Sequence[int]) -> list[int]:
        groups.append(list(items))
        return list(items)

    writer = GroupCommit(write, name="test", gather=0.5)
    first = threading.Thread(target=writer.submit, args=(1,))
    first.start()
    assert gathering.wait(5), "the writer took the first write and waits for more"
    later = [threading.Thread(target=writer.submit, args=(item,)) for item in (2, 3)]
    for thread in later:
        thread.start()
    for thread in [first, *later]:
        thread.join(5)

    assert [sorted(group) for group in groups] == [[1, 2, 3]]
