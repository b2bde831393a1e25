"""The one way a record changes: audit entry, counters and events in the caller's transaction."""

from __future__ import annotations

import uuid

from services.consent.domain.forms import ConsentForm
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal


def actor_of(principal: Principal) -> str:
    """Who an audit entry names for a person acting through the API: role and token id."""
    return f"{principal.role}:{principal.token_id}"


def change(
    uow: ConsentUnitOfWork,
    record: ConsentRecord,
    status: str,
    *,
    actor: str,
    channel: str,
    reason: str | None = None,
    form: ConsentForm | None = None,
    signature_hash: str | None = None,
) -> None:
    """Every status change: the audit entry, the counters, and the event, in one transaction.

    Raises InvalidTransition (a 409 for people) when the record cannot move there.
    """
    previous = record.status
    entry = record.move_to(
        status,
        actor=actor,
        channel=channel,
        reason=reason,
        form_version=form.version if form else None,
        form_hash=form.content_hash if form else None,
        signature_hash=signature_hash,
    )
    uow.audit.add(entry)
    uow.reporting.count_change(record.trial_id, record.practice_ods, previous, status)
    publish_status(uow, record, previous)


def publish_status(uow: ConsentUnitOfWork, record: ConsentRecord, previous: str | None) -> None:
    uow.publish(
        "consent.status.changed",
        {
            "participant_id": record.participant_id,
            "trial_id": record.trial_id,
            "status": record.status,
            "previous_status": previous,
            "form_version": record.form_version,
            # Registry and messaging may keep it, to link the study number to their patient.
            "study_number": record.study_number,
        },
    )


def notify(
    uow: ConsentUnitOfWork,
    record: ConsentRecord,
    kind: str,
    link: str | None = None,
    code: str | None = None,
    spoken: bool = False,
) -> None:
    """Ask messaging to text the participant (in their language, by messaging's texts); a
    `spoken` one-time code is said in a call instead."""
    data: dict[str, object] = {
        "notification_id": uuid.uuid4(),
        "participant_id": record.participant_id,
        "trial_id": record.trial_id,
        "kind": kind,
        "link": link,
    }
    if code is not None:
        data["code"] = code  # a one-time code: only messaging reads it, to text it
    if spoken:
        data["spoken"] = True
    uow.publish("consent.notification.requested", data)
