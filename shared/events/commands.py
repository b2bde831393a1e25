"""Typed commands: an event's data as a frozen dataclass, for the use case it asks for.

`decode` has already checked the data against its marshmallow contract (contracts.py) and
loaded it (UUIDs, aware datetimes); `Command.of(event)` only names it and makes it
immutable (lists become tuples). tests/unit/shared/test_commands.py holds each class to
its contract: every field is declared there, and every required field is here. Handlers
build the command; use cases take it, never the raw dict (decision 0026).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Self

from shared.events.contracts import CHANNELS
from shared.events.envelope import Event, MalformedEvent


@dataclasses.dataclass(frozen=True)
class Command:
    EVENT: ClassVar[str]
    ALSO: ClassVar[tuple[str, ...]] = ()  # other events of the same contract

    @classmethod
    def of(cls, event: Event) -> Self:
        if event.type not in (cls.EVENT, *cls.ALSO):
            raise MalformedEvent(f"{cls.__name__} is loaded from {cls.EVENT}, not {event.type}")
        return cls.load(event.data)

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Self:
        """From contract-checked data; fields the command does not name are left out."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: _frozen(v) for k, v in data.items() if k in names})

    def data(self) -> dict[str, Any]:
        """The event's data, for a producer that builds the command first (tuples as lists)."""
        return {
            f.name: list(value) if isinstance(value, tuple) else value
            for f in dataclasses.fields(self)
            for value in [getattr(self, f.name)]
        }


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclasses.dataclass(frozen=True)
class InvitationsRequested(Command):
    EVENT = "registry.invitations.requested"
    batch_id: uuid.UUID
    trial_id: uuid.UUID
    practice_ods: str
    chunk: int
    chunks: int
    participant_ids: tuple[uuid.UUID, ...]


@dataclasses.dataclass(frozen=True)
class BatchCancelled(Command):
    EVENT = "messaging.batch.cancelled"
    batch_id: uuid.UUID
    trial_id: uuid.UUID
    practice_ods: str
    participant_ids: tuple[uuid.UUID, ...]


@dataclasses.dataclass(frozen=True)
class ReplyReceived(Command):
    EVENT = "messaging.reply.received"
    reply_id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID | None
    intent: str
    language: str
    channel: str = "sms"


@dataclasses.dataclass(frozen=True)
class ParticipantOptedOut(Command):
    EVENT = "messaging.participant.opted_out"
    participant_id: uuid.UUID
    source: str
    channel: str | None = None
    trial_id: uuid.UUID | None = None

    @property
    def came_by(self) -> str | None:
        """The channel the STOP came by. Events from before `channel` existed name it as
        their source when a patient's reply was the STOP (staff and the STOP list do not)."""
        if self.channel is not None:
            return self.channel
        return self.source if self.source in CHANNELS else None


@dataclasses.dataclass(frozen=True)
class PopulationCounted(Command):
    EVENT = "registry.population.counted"
    population: str
    practice_ods: str
    trial_id: uuid.UUID | None
    counted_at: datetime
    counts: Mapping[str, Mapping[str, int]]


@dataclasses.dataclass(frozen=True)
class MessageStatusChanged(Command):
    EVENT = "messaging.message.status_changed"
    message_id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID | None
    batch_id: uuid.UUID | None
    kind: str
    status: str
    reason: str | None
    channel: str = "sms"


@dataclasses.dataclass(frozen=True)
class ConsentStatusChanged(Command):
    EVENT = "consent.status.changed"
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    status: str
    previous_status: str | None
    form_version: int | None


@dataclasses.dataclass(frozen=True)
class ParticipantOptedIn(Command):
    EVENT = "messaging.participant.opted_in"
    participant_id: uuid.UUID
    source: str


@dataclasses.dataclass(frozen=True)
class NotificationRequested(Command):
    """A text consent asks for; with kind "letter_link", the answer for a letter instead."""

    EVENT = "consent.notification.requested"
    notification_id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    kind: str
    link: str | None
    code: str | None = None  # only with "identity_code" and "letter_link"
    spoken: bool = False  # only with "identity_code": say it in a call, not a text
    message_id: uuid.UUID | None = None  # only with "letter_link": the letter it is for
    short_link: str | None = None


@dataclasses.dataclass(frozen=True)
class CallbackRequested(Command):
    EVENT = "consent.callback.requested"
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    language: str
    form_languages: tuple[str, ...]
    interpreter: bool


@dataclasses.dataclass(frozen=True)
class ParticipantErased(Command):
    EVENT = "registry.participant.erased"
    participant_id: uuid.UUID


@dataclasses.dataclass(frozen=True)
class LetterRequested(Command):
    EVENT = "messaging.letter.requested"
    message_id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID


@dataclasses.dataclass(frozen=True)
class LinksRequested(Command):
    EVENT = "consent.links.requested"
    trial_id: uuid.UUID
    form_version: int
    participant_ids: tuple[uuid.UUID, ...]
    chunk: int
    chunks: int


@dataclasses.dataclass(frozen=True)
class TrialCreated(Command):
    EVENT = "registry.trial.created"
    trial_id: uuid.UUID
    short_name: str
    title: str
    response_deadline_days: int | None = None
    languages: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class ParticipantShared(Command):
    """What messaging and consent keep of a participant, first shared or changed since.
    Bands default to unknown, so a test names only what it needs."""

    EVENT = "registry.participant.registered"
    ALSO = ("registry.participant.updated",)
    participant_id: uuid.UUID
    practice_ods: str
    language: str
    mobile: str | None = None
    textable: bool = False
    sex: str | None = None
    age_band: str | None = None
    ethnic_category: str | None = None
    imd_decile: int | None = None
    imd_edition: int | None = None
    dob_hash: str | None = None
    preferred_channel: str | None = None
    postal: bool = False
    large_print: bool = False


@dataclasses.dataclass(frozen=True)
class TokenIssued(Command):
    """An API token's hash (never the token) and scopes, kept by every service."""

    EVENT = "registry.token.issued"
    token_id: uuid.UUID
    token_hash: str
    name: str
    role: str
    practices: tuple[str, ...]
    trials: tuple[uuid.UUID, ...]
    created_at: datetime
    expires_at: datetime | None


@dataclasses.dataclass(frozen=True)
class TokenRevoked(Command):
    EVENT = "registry.token.revoked"
    token_id: uuid.UUID
    revoked_at: datetime


COMMANDS: tuple[type[Command], ...] = (
    MessageStatusChanged,
    InvitationsRequested,
    BatchCancelled,
    ReplyReceived,
    PopulationCounted,
    ConsentStatusChanged,
    ParticipantOptedOut,
    ParticipantOptedIn,
    NotificationRequested,
    CallbackRequested,
    ParticipantErased,
    LetterRequested,
    LinksRequested,
    TrialCreated,
    ParticipantShared,
    TokenIssued,
    TokenRevoked,
)
