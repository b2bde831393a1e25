"""Reach by channel (issue 17): which channels each invited patient's invitation went out
on and whether it was delivered there, from messaging's status events; read back by the
funnel and the equity report (queries.equity_report)."""

from __future__ import annotations

from datetime import datetime

from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import channel_reach
from shared.events.commands import MessageStatusChanged


def note_message_status(uow: ConsentUnitOfWork, change: MessageStatusChanged, at: datetime) -> None:
    """Keep an invitation's channel once it went out; other messages (links, receipts,
    acknowledgements) and statuses before it went out change nothing. Kept per patient,
    not per record, so a status that arrives before the invitation's record still counts."""
    if change.trial_id is None or change.kind not in channel_reach.INVITING_KINDS:
        return
    stage = channel_reach.stage(change.channel, change.status)
    if stage is None:
        return
    with uow:
        known = uow.participants.participant(change.participant_id)
        if known is not None and known.erased:
            return  # a status that arrives after the erasure brings nothing back
        uow.reporting.note_contact(
            change.trial_id,
            change.participant_id,
            change.channel,
            delivered=stage == channel_reach.DELIVERED,
            at=at,
        )
        uow.commit()
