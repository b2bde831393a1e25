"""Sending a consent link, and withdrawing: the steps both events and the page take."""

from __future__ import annotations

import uuid

from services.consent.domain import lifecycle
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink
from services.consent.service_layer.changes import change, notify
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock


def offer_link(uow: ConsentUnitOfWork, record: ConsentRecord) -> ConsentLink | None:
    """Text a new link (revoking any older one); None while the trial has no published form."""
    form = uow.forms.latest_published(record.trial_id)
    if form is None:
        return None
    now = clock.now()
    for old in uow.consent_links.live_links(record.participant_id, record.trial_id):
        old.revoke(now)
    link = ConsentLink(record.participant_id, record.trial_id)
    uow.consent_links.add(link)
    if record.status == lifecycle.INTERESTED:
        change(uow, record, lifecycle.LINK_SENT, actor="system", channel="system", form=form)
    notify(uow, record, "consent_link", uow.links.url(link.id))
    return link


def withdraw_record(uow: ConsentUnitOfWork, record: ConsentRecord, *, channel: str) -> None:
    """Withdrawal keeps the link working (to see the copy), and confirms by text."""
    change(
        uow,
        record,
        lifecycle.WITHDRAWN,
        actor="participant",
        channel=channel,
        form=uow.forms.form(record.trial_id, record.form_version) if record.form_version else None,
    )
    notify(uow, record, "withdrawal_receipt")


def revoke_links(uow: ConsentUnitOfWork, trial_id: uuid.UUID, participant_id: uuid.UUID) -> int:
    """An admin stops a link working at once (a phone lost, a link sent to the wrong person)."""
    with uow:
        found, now = uow.consent_links.live_links(participant_id, trial_id), clock.now()
        for link in found:
            link.revoke(now)
        uow.commit()
    return len(found)
