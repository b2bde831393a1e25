"""The consent link never goes out before the acknowledgement that promises it (issue 15
item 7), on PostgreSQL, whichever sender holds the acknowledgement."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.model import (
    PRIORITY_BULK,
    PRIORITY_NOTIFICATION,
    PRIORITY_REPLY,
    Message,
)
from tests.integration.api.conftest import World, mobile

pytestmark = pytest.mark.integration


def claimable(world: World, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    uow = world.service.uow()
    with uow:
        return {
            m.id for m in uow.messages.claim_queued(10_000, uow.row_locks, datetime.now(UTC))
        } & ids


def test_a_link_waits_while_the_acknowledgement_before_it_is_unsent(
    messaging_world: World,
) -> None:
    participant_id, number = uuid.uuid4(), mobile()
    created = datetime.now(UTC) - timedelta(minutes=1)

    def text(kind: str, priority: int, status: str, after: int) -> Message:
        return Message(
            participant_id=participant_id,
            to=number,
            body=kind,
            kind=kind,
            priority=priority,
            status=status,
            created_at=created + timedelta(seconds=after),
        )

    ack = text("yes_ack", PRIORITY_REPLY, "sending", 0)  # another sender has it
    link = text("consent_link", PRIORITY_NOTIFICATION, "queued", 1)
    reminder = text("reminder", PRIORITY_BULK, "queued", 2)  # bulk texts are not held
    other_link = Message(
        participant_id=uuid.uuid4(),
        to=mobile(),
        body="consent_link",
        kind="consent_link",
        priority=PRIORITY_NOTIFICATION,
    )
    uow = messaging_world.service.uow()
    with uow:
        for message in (ack, link, reminder, other_link):
            uow.messages.add(message)
        uow.commit()
    ids = {link.id, reminder.id, other_link.id}

    assert claimable(messaging_world, ids) == {reminder.id, other_link.id}

    uow = messaging_world.service.uow()
    with uow:
        held = uow.messages.message(ack.id)
        assert held is not None and held.move_to("sent")
        uow.commit()

    assert claimable(messaging_world, ids) == ids
