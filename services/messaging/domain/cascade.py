"""A trial's cascade across channels: for example a text; no reply after 7 days, a call;
no answer after two tries, a letter (decision 30).

Pure rules: what the periodic cascade job does with one patient's run, given what became of
the last message and whether the patient answered. Every step it takes is an event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.messaging.domain.batches import aware
from services.messaging.domain.channels import CHANNELS
from shared import clock

MAX_STEPS = 6
MAX_TRIES = 5
MAX_WAIT_HOURS = 60 * 24
NOT_OUT_YET = frozenset({"held", "queued", "sending"})
# A letter is out once posted ("sent"): printed ("accepted") it still waits for the post.
LETTER_NOT_OUT_YET = NOT_OUT_YET | {"accepted"}
# A try that did not reach the patient counts at once: a failed text, a call nobody answered
# or a busy line; and a call a machine took (`unheard`: the voicemail was left, but nobody
# heard the invitation or could press a key), as the trial's call retries count it.
FAILED = frozenset({"failed", "undelivered", "no-answer", "busy"})
RUNNING, ANSWERED, STOPPED, EXHAUSTED, CANCELLED = (
    "running",
    "answered",
    "stopped",
    "exhausted",
    "cancelled",
)


@dataclass(frozen=True)
class Step:
    channel: str
    wait_hours: int = 7 * 24  # how long to wait for an answer after each try
    tries: int = 1

    @property
    def wait(self) -> timedelta:
        return timedelta(hours=self.wait_hours)


@dataclass
class Cascade:
    trial_id: uuid.UUID
    steps: list[Step]
    updated_by: str = ""
    updated_at: datetime = field(default_factory=lambda: clock.now())


def check_steps(steps: list[Step]) -> list[tuple[str, str]]:
    """(field, reason) for each thing wrong with a cascade's steps."""
    errors: list[tuple[str, str]] = []
    if not 1 <= len(steps) <= MAX_STEPS:
        errors.append(("steps", f"a cascade has 1 to {MAX_STEPS} steps"))
    for i, step in enumerate(steps):
        if step.channel not in CHANNELS:
            errors.append((f"steps.{i}.channel", f"must be one of {', '.join(CHANNELS)}"))
        if not 1 <= step.tries <= MAX_TRIES:
            errors.append((f"steps.{i}.tries", f"must be 1 to {MAX_TRIES}"))
        if not 1 <= step.wait_hours <= MAX_WAIT_HOURS:
            errors.append((f"steps.{i}.wait_hours", f"must be 1 to {MAX_WAIT_HOURS}"))
    return errors


@dataclass
class CascadeRun:
    """One patient's way through a trial's cascade."""

    participant_id: uuid.UUID
    trial_id: uuid.UUID
    channel: str  # of the current step
    message_id: uuid.UUID  # the current try's message
    step: int = 0
    tries: int = 1
    tried: str = ""  # channels used so far, comma-separated
    state: str = RUNNING
    next_at: datetime | None = None  # when to look again, once the message is out
    started_at: datetime = field(default_factory=lambda: clock.now())
    updated_at: datetime = field(default_factory=lambda: clock.now())
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def channels_tried(self) -> set[str]:
        return set(filter(None, self.tried.split(",")))


@dataclass(frozen=True)
class Decision:
    """What to do with a run now. `action`: wait, clock (start waiting until `at`), retry
    (another try on the same channel), advance (to `step` on `channel`), or end (`outcome`)."""

    action: str
    at: datetime | None = None
    step: int | None = None
    channel: str | None = None
    outcome: str | None = None


WAIT = Decision("wait")


def first_channel(cascade: Cascade, preferred: str | None, usable: set[str]) -> str | None:
    """The invitation honours the patient's preferred channel when it can be used; otherwise
    the cascade's first usable step."""
    if preferred in usable:
        return preferred
    return next((s.channel for s in cascade.steps if s.channel in usable), None)


def step_of(cascade: Cascade, channel: str) -> int:
    """The step a run starting on `channel` is on (0 for a preference outside the cascade)."""
    return next((i for i, s in enumerate(cascade.steps) if s.channel == channel), 0)


def decide(
    run: CascadeRun,
    cascade: Cascade,
    *,
    message_status: str | None,
    answered: bool,
    stopped: bool,
    usable: set[str],
    at: datetime,
    unheard: bool = False,
    retry_gap: timedelta = timedelta(0),
) -> Decision:
    """The next thing for this run. STOP wins; any reply ends the cascade; a message not out
    yet is waited for; after a failed one the same channel is tried again `retry_gap` later
    (the trial's call-retry delay: a phone nobody answered is not rung again a minute on)
    or the next step taken at once; otherwise wait the step's time, then try again or take
    the next step the patient can be reached on that was not tried.
    `unheard`: the try was a call that ended on a machine (or played nothing)."""
    if run.state != RUNNING:
        return WAIT
    if stopped or message_status == "suppressed":
        return Decision("end", outcome=STOPPED)
    if answered:
        return Decision("end", outcome=ANSWERED)
    if message_status == "cancelled":
        return Decision("end", outcome=CANCELLED)
    waiting = LETTER_NOT_OUT_YET if run.channel == "letter" else NOT_OUT_YET
    if message_status is None or message_status in waiting:
        return WAIT
    step = cascade.steps[min(run.step, len(cascade.steps) - 1)]
    failed = message_status in FAILED or unheard
    if not failed:
        if run.next_at is None:
            return Decision("clock", at=at + step.wait)
        if at < aware(run.next_at):  # SQLite (the embedded run) reads it back naive
            return WAIT
    if run.tries < step.tries:  # a failed try (a call not answered) counts as one
        if failed and retry_gap:
            if run.next_at is None:
                return Decision("clock", at=at + retry_gap)
            if at < aware(run.next_at):
                return WAIT
        return Decision("retry", step=run.step, channel=run.channel)
    tried = run.channels_tried | {run.channel}
    for index in range(run.step + 1, len(cascade.steps)):
        channel = cascade.steps[index].channel
        if channel in usable and channel not in tried:
            return Decision("advance", step=index, channel=channel)
    return Decision("end", outcome=EXHAUSTED)
