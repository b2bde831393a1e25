"""Messaging's fake batches and conversations: the queries that read across aggregates
(messages, replies, contacts, the STOP list), on the store of messaging.py."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from services.messaging.domain.batches import Batch
from services.messaging.domain.model import InboundMessage, Message
from services.messaging.domain.opt_in import HANDED_ON, OPENERS, OptInRequest
from services.messaging.domain.templates import Template

if TYPE_CHECKING:
    from tests.support.fakes.messaging import MessagingStore


class FakeBatches:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def _of(self, batch_id: uuid.UUID, kind: str | None = None) -> list[Message]:
        return [
            m
            for m in self.store.messages.values()
            if m.batch_id == batch_id and kind in (None, m.kind)
        ]

    def batch(self, batch_id: uuid.UUID, *, lock: bool = False) -> Batch | None:
        return self.store.batches.get(batch_id)

    def add_batch(self, batch: Batch) -> None:
        self.store.batches[batch.id] = batch

    def list_batches(self, practices: frozenset[str] | None, limit: int) -> Sequence[Batch]:
        found = [
            b
            for b in self.store.batches.values()
            if practices is None or b.practice_ods in practices
        ]
        return sorted(found, key=lambda b: b.created_at, reverse=True)[:limit]

    def batch_texts(
        self, batch_id: uuid.UUID
    ) -> list[tuple[str, str | None, uuid.UUID | None, str, int]]:
        counts: dict[tuple[str, str | None, uuid.UUID | None, str], int] = {}
        for m in self._of(batch_id, "invitation"):
            if m.channel == "letter":
                continue  # letters have no text to preview (service_layer/letters.py does)
            key = (m.channel, m.language, m.template_id, m.body)
            counts[key] = counts.get(key, 0) + 1
        ordered = sorted(counts.items(), key=lambda item: (item[0][1] or "", item[0][0]))
        return [(ch, language, template, body, n) for (ch, language, template, body), n in ordered]

    def held_languages(self, batch_id: uuid.UUID) -> list[str]:
        held = {m.participant_id for m in self._of(batch_id, "invitation") if m.status == "held"}
        return list({c.language for c in self.store.contacts.values() if c.participant_id in held})

    def retext_held(
        self, batch_id: uuid.UUID, contact_language: str, template: Template, body: str
    ) -> None:
        for m in self._of(batch_id, "invitation"):
            contact = self.store.contacts.get(m.participant_id)
            if m.status == "held" and contact and contact.language == contact_language:
                m.body, m.template_id, m.language = body, template.id, template.language
                m.updated_at = datetime.now(UTC)

    def open_batches(self, trial_id: uuid.UUID | None) -> Sequence[Batch]:
        return [
            b
            for b in self.store.batches.values()
            if b.status in ("draft", "paused") and trial_id in (None, b.trial_id)
        ]

    def batch_status_counts(self, batch_id: uuid.UUID) -> list[tuple[str, str, str | None, int]]:
        counts: dict[tuple[str, str, str | None], int] = {}
        for m in self._of(batch_id):
            counts[(m.kind, m.status, m.error)] = counts.get((m.kind, m.status, m.error), 0) + 1
        return [(kind, status, error, n) for (kind, status, error), n in counts.items()]

    def batch_reply_intents(self, batch: Batch) -> list[tuple[str, int]]:
        invited = {m.participant_id for m in self._of(batch.id, "invitation")}
        counts: dict[str, int] = {}
        for i in self.store.inbound.values():
            if i.trial_id == batch.trial_id and i.participant_id in invited:
                meaning = str(i.reviewed_intent or i.intent)
                counts[meaning] = counts.get(meaning, 0) + 1
        return list(counts.items())

    def set_batch_messages(
        self,
        batch_id: uuid.UUID,
        from_statuses: Sequence[str],
        to_status: str,
        not_before: datetime | None = None,
        error: str | None = None,
    ) -> int:
        changed = [m for m in self._of(batch_id) if m.status in from_statuses]
        for m in changed:
            m.status, m.updated_at = to_status, datetime.now(UTC)
            m.not_before = not_before if not_before is not None else m.not_before
            m.error = error if error is not None else m.error
        return len(changed)

    def batch_message_ids(self, batch_id: uuid.UUID, status: str) -> Sequence[Message]:
        return [m for m in self._of(batch_id) if m.status == status]

    def batches_due_a_reminder(self) -> Sequence[Batch]:
        return [
            b
            for b in self.store.batches.values()
            if b.status == "approved" and b.reminder_queued_at is None
        ]

    def unanswered_invitations(self, batch: Batch) -> Sequence[Message]:
        replied = {
            i.participant_id for i in self.store.inbound.values() if i.trial_id == batch.trial_id
        }
        reminded = {m.participant_id for m in self._of(batch.id, "reminder")}
        return [
            m
            for m in self._of(batch.id, "invitation")
            if m.status in ("accepted", "sent", "delivered")
            and m.participant_id not in replied | reminded
            and m.to not in self.store.suppressions
        ]

    def first_sent_at(self, batch_id: uuid.UUID) -> datetime | None:
        starts = [m.attempt_started_at for m in self._of(batch_id, "invitation")]
        return min((s for s in starts if s is not None), default=None)


class FakeConversations:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def latest_opener_to(self, mobile: str) -> Message | None:
        openers = [
            m
            for m in self.store.messages.values()
            if m.to == mobile and m.kind in OPENERS and m.status in HANDED_ON
        ]
        return max(openers, key=lambda m: m.created_at, default=None)

    def clarified(self, participant_id: uuid.UUID, trial_id: uuid.UUID | None) -> bool:
        return any(
            m.participant_id == participant_id
            and m.trial_id == trial_id
            and m.kind == "unclear_ack"
            for m in self.store.messages.values()
        )

    def unclear_inbox(self, practices: frozenset[str] | None, limit: int) -> Sequence[Any]:
        rows = []
        for i in sorted(self.store.inbound.values(), key=lambda i: i.received_at):
            contact = self.store.contacts.get(i.participant_id) if i.participant_id else None
            practice = contact.practice_ods if contact else None
            trial = self.store.trials.get(i.trial_id) if i.trial_id else None
            if (
                i.intent == "unknown"
                and i.reviewed_intent is None
                and (practices is None or practice in practices)
            ):
                stopped = i.from_number in self.store.suppressions
                rows.append((i, practice, trial.short_name if trial else None, stopped))
        return rows[:limit]

    def conversations(
        self, participant_ids: Collection[uuid.UUID]
    ) -> tuple[Sequence[Message], Sequence[InboundMessage]]:
        ids = set(participant_ids)
        out = [m for m in self.store.messages.values() if m.participant_id in ids]
        back = [i for i in self.store.inbound.values() if i.participant_id in ids]
        return (
            sorted(out, key=lambda m: m.created_at),
            sorted(back, key=lambda i: i.received_at),
        )

    def add_opt_in_request(self, request: OptInRequest) -> None:
        self.store.opt_in_requests.append(request)

    def opt_in_requests(self, mobile: str) -> Sequence[OptInRequest]:
        found = [r for r in self.store.opt_in_requests if r.mobile == mobile]
        return sorted(found, key=lambda r: r.requested_at)

    def pending_opt_in_requests(self, mobile: str) -> Sequence[OptInRequest]:
        return [r for r in self.opt_in_requests(mobile) if r.confirmed_at is None]
