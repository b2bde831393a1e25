"""A trial's cascade, step by step on a controllable clock (decision 30)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.messaging.domain.cascade import (
    ANSWERED,
    CANCELLED,
    EXHAUSTED,
    STOPPED,
    Cascade,
    CascadeRun,
    Step,
    check_steps,
    decide,
    first_channel,
)

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
EVERYTHING = {"sms", "whatsapp", "voice", "letter"}
# As in the issue: a text; no reply after 7 days, a call; no answer after two tries, a letter.
CASCADE = Cascade(
    uuid.uuid4(),
    [Step("sms", 7 * 24), Step("voice", 48, tries=2), Step("letter", 14 * 24)],
)


def run_on(channel: str = "sms", step: int = 0) -> CascadeRun:
    return CascadeRun(
        uuid.uuid4(), CASCADE.trial_id, channel, uuid.uuid4(), step=step, tried=channel
    )


def test_an_unanswered_text_becomes_a_call_after_seven_days_then_a_letter() -> None:
    run = run_on()
    # Held for approval: nothing happens, however long.
    held = decide(
        run,
        CASCADE,
        message_status="held",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0 + timedelta(days=30),
    )
    assert held.action == "wait"
    # Out: the clock starts.
    clock = decide(
        run,
        CASCADE,
        message_status="delivered",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0,
    )
    assert clock.action == "clock" and clock.at == T0 + timedelta(days=7)
    run.next_at = clock.at
    early = decide(
        run,
        CASCADE,
        message_status="delivered",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0 + timedelta(days=6, hours=23),
    )
    assert early.action == "wait"
    call = decide(
        run,
        CASCADE,
        message_status="delivered",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0 + timedelta(days=7),
    )
    assert (call.action, call.step, call.channel) == ("advance", 1, "voice")
    # The call is not answered (the voice channel fails it): a second try at once.
    run.step, run.channel, run.tries, run.next_at, run.tried = 1, "voice", 1, None, "sms,voice"
    again = decide(
        run,
        CASCADE,
        message_status="failed",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0 + timedelta(days=7, hours=1),
    )
    assert (again.action, again.channel) == ("retry", "voice")
    run.tries = 2
    letter = decide(
        run,
        CASCADE,
        message_status="failed",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0 + timedelta(days=7, hours=2),
    )
    assert (letter.action, letter.step, letter.channel) == ("advance", 2, "letter")
    run.step, run.channel, run.tries, run.tried = 2, "letter", 1, "letter,sms,voice"
    run.next_at = T0 + timedelta(days=21)
    end = decide(
        run,
        CASCADE,
        message_status="sent",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0 + timedelta(days=22),
    )
    assert (end.action, end.outcome) == ("end", EXHAUSTED)


def test_any_answer_ends_the_cascade_and_stop_wins() -> None:
    run = run_on()
    run.next_at = T0
    answered = decide(
        run,
        CASCADE,
        message_status="delivered",
        answered=True,
        stopped=False,
        usable=EVERYTHING,
        at=T0,
    )
    assert answered.outcome == ANSWERED
    stopped = decide(
        run,
        CASCADE,
        message_status="delivered",
        answered=True,
        stopped=True,
        usable=EVERYTHING,
        at=T0,
    )
    assert stopped.outcome == STOPPED
    suppressed = decide(
        run,
        CASCADE,
        message_status="suppressed",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0,
    )
    assert suppressed.outcome == STOPPED
    cancelled = decide(
        run,
        CASCADE,
        message_status="cancelled",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0,
    )
    assert cancelled.outcome == CANCELLED


def test_steps_the_patient_cannot_be_reached_on_are_skipped() -> None:
    run = run_on()
    run.next_at = T0
    # No number for a call: straight from the text to the letter.
    skip = decide(
        run,
        CASCADE,
        message_status="delivered",
        answered=False,
        stopped=False,
        usable={"sms", "letter"},
        at=T0,
    )
    assert (skip.action, skip.channel) == ("advance", "letter")


def test_a_preferred_channel_starts_the_cascade_and_is_not_tried_again() -> None:
    assert first_channel(CASCADE, "whatsapp", EVERYTHING) == "whatsapp"
    assert first_channel(CASCADE, "whatsapp", {"sms", "letter"}) == "sms"
    assert first_channel(CASCADE, None, {"letter"}) == "letter"
    run = run_on("voice", step=1)
    run.tries, run.next_at = 2, T0
    nxt = decide(
        run,
        CASCADE,
        message_status="failed",
        answered=False,
        stopped=False,
        usable=EVERYTHING,
        at=T0,
    )
    assert nxt.channel == "letter"


def test_a_cascade_is_checked_field_by_field() -> None:
    assert check_steps([Step("sms")]) == []
    errors = dict(check_steps([Step("pigeon", wait_hours=0, tries=9)]))
    assert set(errors) == {"steps.0.channel", "steps.0.wait_hours", "steps.0.tries"}
    assert check_steps([]) == [("steps", "a cascade has 1 to 6 steps")]


def test_a_wait_read_back_without_its_zone_is_utc_and_a_call_nobody_took_counts_at_once() -> None:
    run = run_on("voice", step=1)
    run.next_at = (T0 + timedelta(days=1)).replace(tzinfo=None)  # as SQLite hands it back
    common: dict[str, Any] = {"answered": False, "stopped": False, "usable": EVERYTHING}
    assert decide(run, CASCADE, message_status="completed", at=T0, **common).action == "wait"
    later = T0 + timedelta(days=1, minutes=1)
    assert decide(run, CASCADE, message_status="completed", at=later, **common).action == "retry"
    run.next_at = None
    for unanswered in ("no-answer", "busy"):
        again = decide(run, CASCADE, message_status=unanswered, at=T0, **common)
        assert (again.action, again.channel) == ("retry", "voice")
    # A machine took it: the voicemail was left, nobody heard the invitation; a try at once.
    voicemail = decide(run, CASCADE, message_status="completed", at=T0, unheard=True, **common)
    assert (voicemail.action, voicemail.channel) == ("retry", "voice")
    run.tries = 2  # the step's last try went to voicemail too: the next step, now
    assert decide(
        run, CASCADE, message_status="completed", at=T0, unheard=True, **common
    ).action == ("advance")
