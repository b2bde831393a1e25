"""Consent records driven by events: invitations, replies, opt-outs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from services.consent.domain import lifecycle
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.logs import get_logger

log = get_logger(__name__)

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
    previous = record.status
    uow.consent.add(record.move_to(status, actor=actor, channel=channel))
    uow.publish(
        "consent.status.changed",
        {
            "participant_id": record.participant_id,
            "trial_id": record.trial_id,
            "status": status,
            "previous_status": previous,
            "form_version": record.form_version,
        },
    )
    return True


def record_invitations(
    uow: ConsentUnitOfWork, trial_id: uuid.UUID, participant_ids: Iterable[uuid.UUID]
) -> None:
    with uow:
        for participant_id in participant_ids:
            record = uow.consent.record(participant_id, trial_id)
            if record is None:
                record = ConsentRecord(participant_id, trial_id)
                uow.consent.add(record)
                _move(uow, record, lifecycle.INVITED, actor="registry", channel="system")
        uow.commit()


def record_reply(
    uow: ConsentUnitOfWork, participant_id: uuid.UUID, trial_id: uuid.UUID | None, intent: str
) -> None:
    status = REPLY_STATUS.get(intent)
    if status is None or trial_id is None:
        return  # help and unclear replies change nothing here
    with uow:
        record = uow.consent.record(participant_id, trial_id, lock=uow.row_locks)
        if record is not None:
            _move(uow, record, status, actor="participant", channel="sms")
        uow.commit()


def record_opt_out(uow: ConsentUnitOfWork, participant_id: uuid.UUID) -> None:
    """STOP covers every trial the participant has not yet consented to."""
    with uow:
        for record in uow.consent.records_of(participant_id):
            _move(uow, record, lifecycle.OPTED_OUT, actor="participant", channel="sms")
        uow.commit()
