"""The conversation so far: every text to and from a patient in a trial, oldest first,
consent link tokens masked. Read by the review inbox and by callback tasks."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.link_tokens import mask_tokens


@dataclass(frozen=True)
class SentText:
    """A text (call, letter ...) we sent (the API's ConversationTextOut, with its status)."""

    kind: str
    body: str
    language: str | None
    status: str
    channel: str
    at: datetime
    direction: Literal["out"] = "out"


@dataclass(frozen=True)
class ReceivedText:
    """A reply from the patient (ConversationTextOut, with its meaning and no status)."""

    body: str
    language: str | None
    intent: str | None
    channel: str
    at: datetime
    direction: Literal["in"] = "in"
    kind: Literal["reply"] = "reply"


Thread = tuple[SentText | ReceivedText, ...]


def threads(
    uow: MessagingUnitOfWork, participant_ids: Collection[uuid.UUID]
) -> dict[tuple[Any, Any], Thread]:
    """(participant, trial) -> the texts out and in, oldest first. Only texts attributed to
    these patients: never another practice's."""
    sent, received = uow.conversations.conversations(participant_ids)
    found: dict[tuple[Any, Any], list[SentText | ReceivedText]] = {}
    for message in sent:
        found.setdefault((message.participant_id, message.trial_id), []).append(
            SentText(
                kind=message.kind,
                body=mask_tokens(message.body),
                language=message.language,
                status=message.status,
                channel=message.channel,
                at=message.created_at,
            )
        )
    for reply in received:
        found.setdefault((reply.participant_id, reply.trial_id), []).append(
            ReceivedText(
                body=reply.body,
                language=reply.language,
                intent=reply.meaning,
                channel=reply.channel,
                at=reply.received_at,
            )
        )
    return {key: tuple(sorted(texts, key=lambda t: utc(t.at))) for key, texts in found.items()}


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
