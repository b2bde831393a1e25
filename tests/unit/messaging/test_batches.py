"""A batch's life: draft, approved (or scheduled), paused, cancelled."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.batches import Batch
from shared.errors import Conflict, InvalidTransition


def a_batch(chunks: int = 1, received: int = 1) -> Batch:
    return Batch(uuid.uuid4(), uuid.uuid4(), "M85001", chunks, chunks_received=received)


def test_a_batch_goes_draft_approved_paused_approved_cancelled() -> None:
    batch = a_batch()
    for action, status in (
        ("approve", "approved"),
        ("pause", "paused"),
        ("resume", "approved"),
        ("cancel", "cancelled"),
    ):
        batch.move(action)
        assert batch.status == status


def test_a_batch_with_parts_still_to_come_cannot_be_approved() -> None:
    with pytest.raises(Conflict):
        a_batch(chunks=3, received=2).move("approve")


@pytest.mark.parametrize(
    ("start", "action"),
    [("draft", "pause"), ("draft", "resume"), ("cancelled", "approve"), ("approved", "approve")],
)
def test_moves_that_make_no_sense_are_refused(start: str, action: str) -> None:
    batch = a_batch()
    batch.status = start
    with pytest.raises(InvalidTransition):
        batch.move(action)


def test_an_approved_batch_with_a_future_send_time_shows_as_scheduled() -> None:
    batch = a_batch()
    batch.move("approve")
    now = datetime.now(UTC)
    batch.send_at = (now + timedelta(hours=1)).replace(tzinfo=None)  # as SQLite returns it
    assert batch.display_status(now) == "scheduled"
    assert batch.display_status(now + timedelta(hours=2)) == "approved"
