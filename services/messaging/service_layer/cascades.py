"""Trial cascades: admins set the steps; an invitation starts a patient's run; a periodic
job (the sender's housekeeping, like reminders) moves runs on when nobody answered
(decision 30). Every step is an event: messaging.cascade.started|step_taken|ended."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.messaging.domain import cascade as rules
from services.messaging.domain import voice
from services.messaging.domain.cascade import Cascade, CascadeRun, Step
from services.messaging.domain.letters import LETTER
from services.messaging.domain.model import Message
from services.messaging.domain.voice import VOICE
from services.messaging.service_layer.channels import queue_on_channel, usable_channels
from services.messaging.service_layer.letters import cascade_letter
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.errors import Conflict, FieldError, InvalidInput, NotFound
from shared.logs import get_logger

log = get_logger(__name__)
PAGE = 200


@dataclass(frozen=True)
class CascadeView:
    """A trial's cascade as admins see it (the API's CascadeOut): its steps (none, set by
    nobody, where the trial has no cascade) and how many runs of it are in each state."""

    trial_id: uuid.UUID
    steps: tuple[Step, ...]
    updated_by: str | None
    updated_at: datetime | None
    runs: dict[str, int]


def _view(uow: MessagingUnitOfWork, trial_id: uuid.UUID, found: Cascade | None) -> CascadeView:
    runs = uow.cascades.states(trial_id)
    if found is None:
        return CascadeView(trial_id, (), None, None, runs)
    return CascadeView(trial_id, tuple(found.steps), found.updated_by, found.updated_at, runs)


def get_cascade(uow: MessagingUnitOfWork, trial_id: uuid.UUID) -> CascadeView:
    with uow:
        if uow.trials.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        return _view(uow, trial_id, uow.cascades.cascade(trial_id))


def set_cascade(
    uow: MessagingUnitOfWork, by: str, trial_id: uuid.UUID, steps: Sequence[dict[str, Any]]
) -> CascadeView:
    """Replace the trial's cascade; runs already going follow the new steps from theirs."""
    parsed = [Step(s["channel"], s.get("wait_hours", 7 * 24), s.get("tries", 1)) for s in steps]
    errors = rules.check_steps(parsed)
    if errors:
        problems = [FieldError(f, r) for f, r in errors]
        raise InvalidInput("; ".join(f"{f}: {r}" for f, r in errors), problems)
    with uow:
        if uow.trials.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        found = uow.cascades.cascade(trial_id)
        if found is None:
            found = Cascade(trial_id, parsed, by)
            uow.cascades.add(found)
        found.steps, found.updated_by, found.updated_at = parsed, by, clock.now()
        shown = _view(uow, trial_id, found)
        uow.commit()
    log.info("cascade_set", trial_id=str(trial_id), steps=[s.channel for s in parsed])
    return shown


def start_runs(uow: MessagingUnitOfWork, cascade: Cascade, invitations: Sequence[Message]) -> None:
    """In the transaction that queues a chunk's invitations: one run per patient."""
    for message in invitations:
        if message.status in ("cancelled", "suppressed"):  # nobody to cascade for
            continue
        if uow.cascades.run_for(message.participant_id, cascade.trial_id) is not None:
            continue
        step = rules.step_of(cascade, message.channel)
        run = CascadeRun(
            participant_id=message.participant_id,
            trial_id=cascade.trial_id,
            channel=message.channel,
            message_id=message.id,
            step=step,
            tried=message.channel,
        )
        uow.cascades.add(run)
        uow.publish(
            "messaging.cascade.started",
            {**_ids(run), "step": step, "channel": run.channel, "message_id": message.id},
        )


def _ids(run: CascadeRun) -> dict[str, Any]:
    return {"run_id": run.id, "participant_id": run.participant_id, "trial_id": run.trial_id}


def advance(uow: MessagingUnitOfWork, at: datetime | None = None) -> int:
    """Look at every running cascade once, a page per transaction; returns steps taken and
    runs ended. `at` is the clock (tests move it)."""
    at = at or clock.now()
    after: uuid.UUID | None = None
    changed = 0
    while True:
        with uow:
            runs = uow.cascades.running_after(after, PAGE, lock=uow.row_locks)
            if not runs:
                return changed
            after = runs[-1].id
            cascades: dict[uuid.UUID, Cascade | None] = {}
            for run in runs:
                if run.trial_id not in cascades:
                    cascades[run.trial_id] = uow.cascades.cascade(run.trial_id)
                changed += _advance_one(uow, run, cascades[run.trial_id], at)
            uow.commit()


def run_due(
    uow: MessagingUnitOfWork, as_of: datetime | None, *, movable: bool, now: datetime | None = None
) -> int:
    """Take every cascade step due now, or due at `as_of`, a moment ahead of now, where the
    clock may be moved (test systems only, decision 30): the process tests' controllable clock.
    A clock moved back could shorten a wait a run has started, so it never goes back."""
    now = now or clock.now()
    if as_of is None:
        return advance(uow, now)
    if not movable:
        raise Conflict("the cascade clock cannot be moved here (CASCADE_CLOCK_MOVABLE is off)")
    if as_of < now:
        raise InvalidInput(f"{as_of.isoformat()} is in the past: the clock only moves forward")
    log.warning("cascades_clock_moved", as_of=as_of.isoformat())
    return advance(uow, as_of)


def _advance_one(
    uow: MessagingUnitOfWork, run: CascadeRun, cascade: Cascade | None, at: datetime
) -> int:
    contact = uow.contacts.contact(run.participant_id)
    trial = uow.trials.trial_settings(run.trial_id)
    if cascade is None or contact is None or contact.erased or trial is None:
        return _end(uow, run, rules.CANCELLED, at)
    stopped = (
        bool(contact.mobile) and uow.suppressions.suppression(contact.mobile or "") is not None
    )
    first = uow.messages.message(run.message_id)  # the current try's message
    batch_id = first.batch_id if first else None
    unheard = (
        first is not None
        and first.channel == VOICE
        and voice.not_reached(first.status, first.answered_by)
    )
    usable = usable_channels(uow, contact, "invitation")
    if batch_id is None:
        usable.discard(LETTER)  # a letter is printed and posted from its batch's letters
    decision = rules.decide(
        run,
        cascade,
        message_status=uow.cascades.message_status(run.message_id),
        answered=uow.cascades.answered_since(run.participant_id, run.trial_id, run.started_at),
        stopped=stopped,
        usable=usable,
        at=at,
        unheard=unheard,
        retry_gap=trial.retry_policy().delay,
    )
    if decision.action == "wait":
        return 0
    if decision.action == "clock":
        run.next_at, run.updated_at = decision.at, at
        return 0
    if decision.action == "end":
        return _end(uow, run, decision.outcome or rules.EXHAUSTED, at)
    assert decision.channel is not None and decision.step is not None
    retry = decision.action == "retry"
    tries = run.tries + 1 if retry else 1
    if decision.channel == LETTER:
        assert batch_id is not None
        step = (run.id, decision.step, tries)
        message = cascade_letter(uow, contact, run.trial_id, batch_id, step)
    else:
        # A retry on a text is the trial's reminder; a new channel, or a call again, invites.
        kind = "reminder" if retry and decision.channel in ("sms", "whatsapp") else "invitation"
        message = queue_on_channel(uow, contact, trial, decision.channel, kind, batch_id=batch_id)
    run.tries = tries
    if not retry:
        run.step, run.channel = decision.step, decision.channel
        run.tried = ",".join(sorted(run.channels_tried | {decision.channel}))
    run.message_id, run.next_at, run.updated_at = message.id, None, at
    uow.publish(
        "messaging.cascade.step_taken",
        {
            **_ids(run),
            "step": run.step,
            "channel": run.channel,
            "attempt": run.tries,
            "message_id": message.id,
        },
    )
    log.info("cascade_step", run_id=str(run.id), channel=run.channel, attempt=run.tries)
    return 1


def _end(uow: MessagingUnitOfWork, run: CascadeRun, outcome: str, at: datetime) -> int:
    run.state, run.updated_at = outcome, at
    uow.publish(
        "messaging.cascade.ended",
        {**_ids(run), "step": run.step, "channel": run.channel, "outcome": outcome},
    )
    return 1
