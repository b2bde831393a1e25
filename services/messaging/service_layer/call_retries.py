"""Ringing again a call that did not reach the patient (decision 27)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from services.messaging.domain.cascade import RUNNING
from services.messaging.domain.model import Message
from services.messaging.domain.voice import SPOKEN_CODE, VOICE
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.logs import get_logger

log = get_logger(__name__)


def ring_again(uow: MessagingUnitOfWork, ended: Sequence[uuid.UUID]) -> int:
    """Calls that ended without reaching the patient (no answer, busy, a machine that took
    the voicemail) are queued once more after the trial's delay, while its retries last.
    Runs inside the status applier's transaction."""
    queued = 0
    for message in uow.messages.messages_by_id(list(ended), lock=False).values():
        trial = uow.trials.trial_settings(message.trial_id) if message.trial_id else None
        if message.channel != VOICE or trial is None or message.kind == SPOKEN_CODE:
            continue
        if _cascade_owns(uow, message):
            continue
        delay = trial.retry_policy().next_call_after(
            message.status, message.answered_by, uow.calls.calls_made(message)
        )
        if delay is None:
            continue
        again = Message(
            participant_id=message.participant_id,
            to=message.to,
            body=message.body,
            kind=message.kind,
            priority=message.priority,
            trial_id=message.trial_id,
            batch_id=message.batch_id,
            language=message.language,
            template_id=message.template_id,
            channel=VOICE,
            not_before=clock.now() + delay,
        )
        queue_message(uow, again)
        queued += 1
        log.info("call_queued_again", message_id=str(message.id), after=str(delay))
    return queued


def _cascade_owns(uow: MessagingUnitOfWork, message: Message) -> bool:
    """A call that is the current try of a running trial cascade is tried again by the
    cascade's step (its tries), not by the trial's call retries, so no patient is rung twice
    for one try (decision 30)."""
    if message.trial_id is None:
        return False
    run = uow.cascades.run_for(message.participant_id, message.trial_id)
    return run is not None and run.state == RUNNING and run.message_id == message.id
