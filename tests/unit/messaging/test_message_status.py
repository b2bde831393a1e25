"""A message's status only moves forward, a final status stays, and retries back off."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.messaging.domain.model import FINAL, STATUS_RANK, Message
from shared.errors import InvalidTransition

STATUSES = sorted(STATUS_RANK, key=lambda s: (STATUS_RANK[s], s))


def a_message(status: str = "queued", attempts: int = 0) -> Message:
    message = Message(
        participant_id=uuid.uuid4(),
        to="+447400123401",
        body="Reply YES to hear more",
        kind="invitation",
        priority=2,
    )
    message.status, message.attempts = status, attempts
    return message


FORWARD = [
    (a, b) for a in STATUSES for b in STATUSES if a not in FINAL and STATUS_RANK[b] > STATUS_RANK[a]
]
NOT_FORWARD = [
    (a, b) for a in STATUSES for b in STATUSES if a in FINAL or STATUS_RANK[b] <= STATUS_RANK[a]
]


@pytest.mark.parametrize(("current", "new"), FORWARD)
def test_a_status_that_moves_forward_is_applied(current: str, new: str) -> None:
    message = a_message(current)
    before = message.updated_at
    assert message.move_to(new) is True
    assert message.status == new
    assert message.updated_at >= before


@pytest.mark.parametrize(("current", "new"), NOT_FORWARD)
def test_a_status_that_does_not_move_forward_is_ignored(current: str, new: str) -> None:
    message = a_message(current)
    message.error = "kept"
    assert message.move_to(new, "a late error") is False
    assert (message.status, message.error) == (current, "kept")


@pytest.mark.parametrize("final", sorted(FINAL))
def test_a_final_status_never_changes(final: str) -> None:
    message = a_message(final)
    for status in STATUSES:
        assert message.move_to(status) is False
    assert message.status == final


def test_delivered_then_a_late_sent_stays_delivered() -> None:
    message = a_message("accepted")
    assert message.move_to("delivered")
    assert not message.move_to("sent")
    assert message.status == "delivered"


def test_a_failure_keeps_its_reason() -> None:
    message = a_message("sent")
    assert message.move_to("failed", "30003: unreachable")
    assert message.error == "30003: unreachable"


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="unknown message status 'lost'"):
        a_message().move_to("lost")


@settings(deadline=None)
@given(st.lists(st.sampled_from(STATUSES), max_size=20))
def test_any_sequence_of_callbacks_only_ever_moves_forward(updates: list[str]) -> None:
    message = a_message()
    for status in updates:
        rank, was_final = STATUS_RANK[message.status], message.status in FINAL
        before = message.status
        message.move_to(status)
        assert STATUS_RANK[message.status] >= rank
        if was_final:
            assert message.status == before


def test_an_attempt_is_recorded_before_the_provider_is_called() -> None:
    message = a_message()
    message.start_attempt()
    assert (message.status, message.attempts) == ("sending", 1)
    assert message.attempt_started_at is not None


def test_a_retry_goes_back_to_the_queue_after_the_delay() -> None:
    message = a_message("sending", attempts=3)
    message.back_to_queue(message.retry_delay())
    assert message.status == "queued"
    assert message.not_before is not None
    wait = message.not_before - datetime.now(UTC)
    assert timedelta(seconds=7) < wait <= timedelta(seconds=8)


def test_the_retry_delay_grows_with_each_attempt() -> None:
    delays = [a_message(attempts=n).retry_delay() for n in range(1, 9)]
    assert delays == sorted(delays)
    assert len(set(delays)) == len(delays)
    assert delays[0] == timedelta(seconds=2)
    assert all(later == 2 * earlier for earlier, later in itertools.pairwise(delays))


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_the_retry_delay_is_capped_at_five_minutes(attempts: int) -> None:
    delay = a_message(attempts=attempts).retry_delay()
    assert timedelta(seconds=1) <= delay <= timedelta(minutes=5)
    if attempts >= 9:
        assert delay == timedelta(minutes=5)
