"""Messaging's unit of work and repositories in memory (ports: services/messaging/
service_layer/ports.py). One store holds every table, so queries across aggregates (a
batch's unanswered invitations, the review inbox) read what the other fakes wrote."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from services.messaging.domain.batches import Batch
from services.messaging.domain.callbacks import CallbackTask
from services.messaging.domain.letters import Letter
from services.messaging.domain.model import (
    PRIORITY_NOTIFICATION,
    PRIORITY_REPLY,
    Contact,
    InboundMessage,
    Message,
    Suppression,
)
from services.messaging.domain.opt_in import OptInRequest
from services.messaging.domain.recordings import Recording
from services.messaging.domain.screening import NOT_COUNTED, TextKey
from services.messaging.domain.templates import Template
from services.messaging.domain.trial_settings import DEFAULT_INFO_URL, TrialSettings
from services.messaging.service_layer.ports import MessagingUnitOfWork
from tests.support.fakes.base import FakeUnitOfWork
from tests.support.fakes.messaging_batches import FakeBatches, FakeConversations
from tests.support.fakes.messaging_callbacks import FakeCallbacks
from tests.support.fakes.messaging_channels import FakeCascades, FakeReach, FakeWhatsApp
from tests.support.fakes.messaging_voice import FakeCalls, FakeRecordings


class StatusRow(NamedTuple):
    id: uuid.UUID
    status: str
    provider_sid: str | None
    participant_id: uuid.UUID
    trial_id: uuid.UUID | None
    batch_id: uuid.UUID | None
    kind: str
    error: str | None
    channel: str


class StoredCallback(NamedTuple):
    id: int
    message_id: uuid.UUID
    provider_sid: str | None
    status: str
    error_code: str | None
    received_at: datetime
    applied: bool | None


@dataclasses.dataclass
class MessagingStore:
    contacts: dict[uuid.UUID, Contact] = dataclasses.field(default_factory=dict)
    trials: dict[uuid.UUID, TrialSettings] = dataclasses.field(default_factory=dict)
    templates: dict[uuid.UUID, Template] = dataclasses.field(default_factory=dict)
    batches: dict[uuid.UUID, Batch] = dataclasses.field(default_factory=dict)
    messages: dict[uuid.UUID, Message] = dataclasses.field(default_factory=dict)
    callbacks: list[StoredCallback] = dataclasses.field(default_factory=list)
    inbound: dict[uuid.UUID, InboundMessage] = dataclasses.field(default_factory=dict)
    suppressions: dict[str, Suppression] = dataclasses.field(default_factory=dict)
    opt_in_requests: list[OptInRequest] = dataclasses.field(default_factory=list)
    callback_tasks: list[CallbackTask] = dataclasses.field(default_factory=list)
    recordings: dict[uuid.UUID, Recording] = dataclasses.field(default_factory=dict)
    live_senders: set[uuid.UUID] = dataclasses.field(default_factory=set)  # unexpired leases
    letters: dict[uuid.UUID, Letter] = dataclasses.field(default_factory=dict)


class FakeContacts:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def add(self, contact: Contact) -> None:
        self.store.contacts[contact.participant_id] = contact

    def contact(self, participant_id: uuid.UUID) -> Contact | None:
        return self.store.contacts.get(participant_id)

    def contacts_by_id(self, participant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Contact]:
        return {i: self.store.contacts[i] for i in participant_ids if i in self.store.contacts}

    def contacts_with_mobile(self, mobile: str) -> Sequence[Contact]:
        return [c for c in self.store.contacts.values() if c.mobile == mobile and not c.erased]


class FakeTrials:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def save_trial(self, trial_id: uuid.UUID, short_name: str, title: str) -> None:
        found = self.store.trials.get(trial_id)
        if found is None:
            found = TrialSettings(trial_id, short_name, title, DEFAULT_INFO_URL, 7, None, True)
        self.store.trials[trial_id] = dataclasses.replace(found, short_name=short_name, title=title)

    def trial(self, trial_id: uuid.UUID) -> tuple[str, str] | None:
        found = self.store.trials.get(trial_id)
        return (found.short_name, found.title) if found else None

    def trial_settings(self, trial_id: uuid.UUID) -> TrialSettings | None:
        return self.store.trials.get(trial_id)

    def save_trial_settings(self, settings: TrialSettings) -> None:
        if settings.trial_id in self.store.trials:
            # Stored as 0 for "no reminder", read back as None, as the table does.
            kept = dataclasses.replace(settings, reminder_days=settings.reminder_days or None)
            self.store.trials[settings.trial_id] = kept


class FakeTemplates:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def add_template(self, template: Template) -> None:
        self.store.templates[template.id] = template

    def template(self, template_id: uuid.UUID) -> Template | None:
        return self.store.templates.get(template_id)

    def templates_in(self, scopes: Sequence[str], kind: str | None = None) -> Sequence[Template]:
        return [
            t
            for t in self.store.templates.values()
            if t.scope in scopes and (kind is None or t.kind == kind)
        ]

    def list_templates(
        self, scope: str | None, kind: str | None, language: str | None
    ) -> Sequence[Template]:
        wanted = [
            t
            for t in self.store.templates.values()
            if scope in (None, t.scope)
            and kind in (None, t.kind)
            and language in (None, t.language)
        ]
        return sorted(wanted, key=lambda t: (t.scope, t.kind, t.language, t.version))

    def latest_version(self, scope: str, kind: str, language: str) -> int:
        versions = [
            t.version
            for t in self.store.templates.values()
            if (t.scope, t.kind, t.language) == (scope, kind, language)
        ]
        return max(versions, default=0)


class FakeMessages:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def add(self, message: Message) -> None:
        self.store.messages[message.id] = message

    def add_messages(self, new: Sequence[Message]) -> None:
        for message in new:  # copies: the real insert leaves the objects untracked
            self.store.messages[message.id] = dataclasses.replace(message)

    def message(self, message_id: uuid.UUID, *, lock: bool = False) -> Message | None:
        return self.store.messages.get(message_id)

    def messages_for(self, participant_id: uuid.UUID) -> Sequence[Message]:
        found = [m for m in self.store.messages.values() if m.participant_id == participant_id]
        return sorted(found, key=lambda m: m.created_at)

    def messages_by_id(self, ids: Sequence[uuid.UUID], *, lock: bool) -> dict[uuid.UUID, Message]:
        return {i: self.store.messages[i] for i in sorted(ids) if i in self.store.messages}

    def same_text_count(self, to: str, body: str, since: datetime) -> int:
        return self.same_text_counts([(to, body)], since).get((to, body), 0)

    def same_text_counts(self, keys: Collection[TextKey], since: datetime) -> dict[TextKey, int]:
        wanted, counts = set(keys), dict[TextKey, int]()
        for m in self.store.messages.values():
            key = (m.to, m.body)
            if key in wanted and m.created_at >= since and m.status not in NOT_COUNTED:
                counts[key] = counts.get(key, 0) + 1
        return counts

    def claim_queued(self, limit: int, skip_locked: bool, now: datetime) -> Sequence[Message]:
        every = self.store.messages.values()

        def waits_for_acknowledgement(m: Message) -> bool:
            return m.priority == PRIORITY_NOTIFICATION and any(
                e.to == m.to
                and e.created_at < m.created_at
                and e.priority == PRIORITY_REPLY
                and e.status in ("queued", "sending")
                for e in every
            )

        due = [
            m
            for m in every
            if m.status == "queued"
            and (m.not_before is None or m.not_before <= now)
            and not waits_for_acknowledgement(m)
        ]
        return sorted(due, key=lambda m: (m.priority, m.created_at))[:limit]

    def start_attempts(
        self, ids: Sequence[uuid.UUID], at: datetime, sender_id: uuid.UUID | None = None
    ) -> None:
        for i in ids:
            m = self.store.messages[i]
            m.status, m.attempts, m.attempt_started_at = "sending", m.attempts + 1, at
            m.sender_id, m.outcome_unknown_at, m.updated_at = sender_id, None, at

    def set_bodies(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.store.messages[row["id"]].body = row["body"]

    def stale_attempts(
        self, started_before: datetime, own_sender: uuid.UUID | None = None
    ) -> Sequence[Message]:
        def no_live_sender(m: Message) -> bool:
            return (
                m.sender_id is None
                or m.sender_id not in self.store.live_senders
                or m.sender_id == own_sender
            )

        return [
            m
            for m in self.store.messages.values()
            if m.status == "sending"
            and (
                (m.outcome_unknown_at is not None and m.outcome_unknown_at < started_before)
                or (
                    m.outcome_unknown_at is None
                    and m.attempt_started_at is not None
                    and m.attempt_started_at < started_before
                    and no_live_sender(m)
                )
            )
        ]

    def unfinished_with_provider(
        self, updated_after: datetime, updated_before: datetime, limit: int
    ) -> list[tuple[uuid.UUID, str, str]]:
        found = sorted(
            (
                m
                for m in self.store.messages.values()
                if m.status in ("accepted", "sent", "ringing", "in-progress")
                and m.provider_sid is not None
                and updated_after < m.updated_at < updated_before
            ),
            key=lambda m: m.updated_at,
        )
        return [(m.id, m.provider_sid or "", m.status) for m in found[:limit]]


class FakeStatuses:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def store_status_events(
        self, events: Sequence[tuple[uuid.UUID, str | None, str, str | None]]
    ) -> None:
        at = datetime.now(UTC)
        for message_id, sid, status, error in events:
            number = len(self.store.callbacks) + 1
            self.store.callbacks.append(
                StoredCallback(number, message_id, sid, status, error, at, None)
            )

    def pending_status_events(
        self, limit: int, *, lock: bool, only: int | None = None
    ) -> list[Any]:
        return [c for c in self.store.callbacks if c.applied is None and only in (None, c.id)][
            :limit
        ]

    def mark_status_events(self, rows: Sequence[dict[str, Any]]) -> None:
        applied = {row["id"]: row["applied"] for row in rows}
        self.store.callbacks = [
            c._replace(applied=applied[c.id]) if c.id in applied else c
            for c in self.store.callbacks
        ]

    def status_rows(self, ids: Sequence[uuid.UUID], *, lock: bool) -> dict[uuid.UUID, Any]:
        found = (self.store.messages[i] for i in sorted(ids) if i in self.store.messages)
        return {
            m.id: StatusRow(
                m.id,
                m.status,
                m.provider_sid,
                m.participant_id,
                m.trial_id,
                m.batch_id,
                m.kind,
                m.error,
                m.channel,
            )
            for m in found
        }

    def set_statuses(self, rows: Sequence[dict[str, Any]], at: datetime) -> None:
        for row in rows:
            m = self.store.messages[row["id"]]
            m.status, m.error, m.updated_at = row["status"], row["error"], at
            m.provider_sid = m.provider_sid or row["provider_sid"]

    def set_accepted(self, rows: Sequence[dict[str, Any]], at: datetime) -> None:
        for row in rows:
            m = self.store.messages[row["id"]]
            m.provider_sid, m.status, m.updated_at = row["provider_sid"], row["status"], at


class FakeReplies:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def add(self, inbound: InboundMessage) -> None:
        self.store.inbound[inbound.id] = inbound

    def inbound(self, inbound_id: uuid.UUID, *, lock: bool = False) -> InboundMessage | None:
        return self.store.inbound.get(inbound_id)

    def inbound_seen(self, provider_sid: str) -> bool:
        return bool(self.inbound_sids_seen([provider_sid]))

    def inbound_sids_seen(self, provider_sids: Collection[str]) -> set[str]:
        return {i.provider_sid for i in self.store.inbound.values()} & set(provider_sids)


class FakeSuppressions:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def add(self, suppression: Suppression) -> None:
        self.store.suppressions[suppression.mobile] = suppression

    def suppressed_among(self, mobiles: Sequence[str]) -> set[str]:
        return set(mobiles) & set(self.store.suppressions)

    def suppression(self, mobile: str) -> Suppression | None:
        return self.store.suppressions.get(mobile)

    def remove_suppression(self, mobile: str) -> None:
        self.store.suppressions.pop(mobile, None)


class FakeLetters:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def add_all(self, new: Sequence[Letter]) -> None:
        taken = {_cascade_key(letter) for letter in self.store.letters.values()} - {None}
        for letter in new:
            if _cascade_key(letter) in taken:  # the table's unique key (migration 0016)
                raise ValueError("one letter per cascade step and try")
        self.store.letters.update({letter.message_id: letter for letter in new})

    def letter(self, message_id: uuid.UUID, *, lock: bool = False) -> Letter | None:
        return self.store.letters.get(message_id)

    def of_batch(
        self, batch_id: uuid.UUID, statuses: Collection[str], *, lock: bool = False
    ) -> list[tuple[Letter, Message]]:
        found = [
            (letter, self.store.messages[letter.message_id])
            for letter in self.store.letters.values()
            if letter.batch_id == batch_id and letter.message_id in self.store.messages
        ]
        return [(letter, m) for letter, m in found if m.status in statuses]

    def counts(self, batch_id: uuid.UUID) -> list[tuple[str, bool, str, bool, int]]:
        tally: dict[tuple[str, bool, str, bool], int] = {}
        for letter in self.store.letters.values():
            message = self.store.messages.get(letter.message_id)
            if letter.batch_id != batch_id or message is None:
                continue
            key = (letter.language, letter.large_print, message.status, letter.link is not None)
            tally[key] = tally.get(key, 0) + 1
        return [(*key, count) for key, count in tally.items()]


def _cascade_key(letter: Letter) -> tuple[Any, ...] | None:
    if letter.cascade_run_id is None:
        return None
    return (letter.cascade_run_id, letter.cascade_step, letter.cascade_attempt)


class FakeMessagingUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: MessagingStore | None = None) -> None:
        super().__init__("messaging")
        self.store = store or MessagingStore()
        self.contacts = FakeContacts(self.store)
        self.trials = FakeTrials(self.store)
        self.templates = FakeTemplates(self.store)
        self.batches = FakeBatches(self.store)
        self.messages = FakeMessages(self.store)
        self.statuses = FakeStatuses(self.store)
        self.replies = FakeReplies(self.store)
        self.suppressions = FakeSuppressions(self.store)
        self.conversations = FakeConversations(self.store)
        self.callbacks = FakeCallbacks(self.store)
        self.calls = FakeCalls(self.store)
        self.recordings = FakeRecordings(self.store)
        self.whatsapp = FakeWhatsApp(self.store)
        self.cascades = FakeCascades(self.store)
        self.reach = FakeReach(self.store)
        self.letters = FakeLetters(self.store)


def _implements_the_port(uow: FakeMessagingUnitOfWork) -> MessagingUnitOfWork:
    return uow  # mypy checks the fake against the port here
