"""Consent records driven by events: invitations, replies, opt-outs, the response deadline."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from services.consent.domain import lifecycle
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.service_layer import outreach
from services.consent.service_layer.changes import actor_of, change
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock, study_numbers
from shared.auth.principal import Principal
from shared.errors import NotFound, NotYetKnown
from shared.logs import get_logger

log = get_logger(__name__)


class RecordNotYetKnown(NotYetKnown):
    """An event about a consent record that has not been created yet (its invitation is late).

    Raised so the bus retries the event; if the invitation never comes it ends in the dead
    letters where it can be seen (docs/decisions/0002 and 0021), never a silent no-op.
    """


REPLY_STATUS = {
    "yes": lifecycle.INTERESTED,
    "no": lifecycle.DECLINED,
    "stop": lifecycle.OPTED_OUT,
}


def _move(
    uow: ConsentUnitOfWork, record: ConsentRecord, status: str, *, actor: str, channel: str
) -> bool:
    """Apply an event-driven change; one that no longer fits the record is noted, not retried."""
    if record.status == status:
        return False
    if not record.can_move_to(status):
        log.info(
            "consent_change_ignored", record_id=str(record.id), status=record.status, to=status
        )
        return False
    change(uow, record, status, actor=actor, channel=channel)
    return True


def record_invitations(
    uow: ConsentUnitOfWork,
    trial_id: uuid.UUID,
    participant_ids: Iterable[uuid.UUID],
    practice_ods: str | None = None,
) -> None:
    with uow:
        code: str | None = None
        for participant_id in participant_ids:
            record = uow.records.record(participant_id, trial_id, lock=uow.row_locks)
            if record is None:
                if code is None:
                    trial = uow.trials.trial(trial_id)
                    code = study_numbers.trial_code(trial.short_name if trial else None, trial_id)
                # Consent first learns of the participant in this trial: their study number.
                number = study_numbers.study_number(code, uow.records.next_study_sequence(trial_id))
                record = ConsentRecord(
                    participant_id, trial_id, practice_ods=practice_ods, study_number=number
                )
                uow.records.add(record)
                _move(uow, record, lifecycle.INVITED, actor="registry", channel="system")
            elif record.status == lifecycle.NOT_INVITED:
                # Invited again after a cancelled batch: the same record, its chain goes on.
                record.practice_ods = practice_ods or record.practice_ods
                _move(uow, record, lifecycle.INVITED, actor="registry", channel="system")
        uow.commit()


class InvitationNotRecordedYet(Exception):
    """A batch's cancellation arrived before its invitations: retried until they have."""


def return_uninvited(
    uow: ConsentUnitOfWork, trial_id: uuid.UUID, participant_ids: Iterable[uuid.UUID]
) -> int:
    """Messaging cancelled a batch before these invitations went out: each `invited` record
    becomes `not_invited` (an appended audit entry, never a deletion). Idempotent; a
    record that has moved on (a STOP from another text, say) keeps its status."""
    returned = 0
    with uow:
        for participant_id in participant_ids:
            record = uow.records.record(participant_id, trial_id, lock=uow.row_locks)
            if record is None:
                raise InvitationNotRecordedYet(
                    f"no consent record yet for {participant_id} in trial {trial_id}"
                )
            if record.status == lifecycle.INVITED:
                change(
                    uow,
                    record,
                    lifecycle.NOT_INVITED,
                    actor="messaging",
                    channel="system",
                    reason="the batch was cancelled before the invitation was sent",
                )
                returned += 1
            elif record.status != lifecycle.NOT_INVITED:
                log.info(
                    "cancelled_invitation_kept", record_id=str(record.id), status=record.status
                )
        uow.commit()
    return returned


def record_reply(
    uow: ConsentUnitOfWork,
    participant_id: uuid.UUID,
    trial_id: uuid.UUID | None,
    intent: str,
    channel: str = "sms",
) -> None:
    """YES opens the way to the consent page; STOP after consent is a withdrawal. The audit
    entry names the channel the answer came by (sms, whatsapp, voice: decision 30).

    A callback ("please phone me") is interest the research team answers by phone: it
    changes no state here, like help and unclear replies."""
    status = REPLY_STATUS.get(intent)
    if status is None or trial_id is None:
        return  # help, callback and unclear replies change nothing here
    with uow:
        record = uow.records.record(participant_id, trial_id, lock=uow.row_locks)
        if record is None:
            raise RecordNotYetKnown(f"no consent record yet for {participant_id} in {trial_id}")
        if record.status in lifecycle.SIGNED and intent == "stop":
            outreach.withdraw_record(uow, record, channel=channel)
        elif record.status == lifecycle.LINK_SENT and intent == "yes":
            # A second YES: its acknowledgement promises a link, so the link comes
            # again (a new one: the older stops working).
            outreach.offer_link(uow, record)
        elif _move(uow, record, status, actor="participant", channel=channel) and (
            status == lifecycle.INTERESTED
        ):
            outreach.offer_link(uow, record)
        uow.commit()


def record_opt_out(
    uow: ConsentUnitOfWork,
    participant_id: uuid.UUID,
    channel: str | None = None,
    trial_id: uuid.UUID | None = None,
) -> None:
    """STOP covers every trial: before consent it opts out, after consent it withdraws.

    The audit entry names the channel the STOP came by (decision 30), whichever of the reply
    and the opt-out arrives first, on the record of the trial it answered (`trial_id`; every
    record when unknown); the other trials' records, and a number already on the STOP list,
    name none ("system"): nobody answered them, so their reach report counts no reply.

    Messaging only knows people the registry shared on their first invitation, so a
    participant with no record yet has an invitation on its way: retry until it lands.
    An erased participant's opt-out has nothing left to change.
    """
    with uow:
        records = uow.records.records_of(participant_id)
        if not records:
            participant = uow.participants.participant(participant_id)
            if participant is not None and participant.erased:
                log.info("opt_out_of_erased_participant")
                return
            raise RecordNotYetKnown(f"no consent record yet for {participant_id}")
        for record in records:
            answered = trial_id is None or record.trial_id == trial_id
            came_by = (channel if answered else None) or "system"
            if record.status in lifecycle.SIGNED:
                outreach.withdraw_record(uow, record, channel=came_by)
            else:
                _move(uow, record, lifecycle.OPTED_OUT, actor="participant", channel=came_by)
        uow.commit()


def expire_overdue(
    uow_factory: Callable[[], ConsentUnitOfWork], now: datetime | None = None, batch: int = 500
) -> int:
    """Expire records that never moved past awaiting an answer by their trial's deadline."""
    now = now or clock.now()
    expired = 0
    with uow_factory() as uow:
        deadlines = uow.trials.trials_with_deadline()
    for trial in deadlines:
        cutoff = now - timedelta(days=trial.response_deadline_days or 0)
        while True:
            with uow_factory() as uow:
                found = uow.records.records_with_status(
                    trial.id, sorted(lifecycle.AWAITING), cutoff, batch
                )
                for record in found:
                    change(
                        uow,
                        record,
                        lifecycle.EXPIRED,
                        actor="system",
                        channel="system",
                        reason=f"no answer within {trial.response_deadline_days} days",
                    )
                    live = uow.consent_links.live_links(record.participant_id, record.trial_id)
                    for link in live:
                        link.revoke(now)
                uow.commit()
            expired += len(found)
            if len(found) < batch:
                break
    return expired


def mark_entered_in_error(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    study_number: str,
    reason: str,
) -> ConsentRecord:
    """A coordinator's correction; anything the life cycle does not allow is a clear 409."""
    principal.require_trial(trial_id)
    with uow:
        record = uow.records.record_by_study_number(trial_id, study_number, lock=uow.row_locks)
        if record is None:
            raise NotFound(f"no consent record {study_number} in trial {trial_id}")
        change(
            uow,
            record,
            lifecycle.ENTERED_IN_ERROR,
            actor=actor_of(principal),
            channel="api",
            reason=reason,
        )
        uow.commit()
    return record
