"""Messaging repositories on a SQLAlchemy session."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from services.messaging.adapters.db_clock import database_now
from services.messaging.adapters.orm import (
    batches,
    contacts,
    inbound_messages,
    messages,
    sender_leases,
    status_events,
    suppressions,
    templates,
    trials,
)
from services.messaging.domain.batches import Batch
from services.messaging.domain.model import (
    PRIORITY_NOTIFICATION,
    PRIORITY_REPLY,
    Contact,
    InboundMessage,
    Message,
    Suppression,
)
from services.messaging.domain.screening import NOT_COUNTED, TextKey
from services.messaging.domain.templates import Template
from services.messaging.domain.trial_settings import DEFAULT_INFO_URL, TrialSettings
from services.messaging.domain.windows import SendingWindow
from shared.db.bulk import insert_rows, update_rows

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_m = messages.c


class MessagingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj: Contact | Message | InboundMessage | Suppression) -> None:
        self.session.add(obj)

    def add_messages(self, new: Sequence[Message]) -> None:
        """New messages in one multi-row INSERT, outside the session's objects (nothing to
        flush); for a use case that does not touch them again."""
        if new:
            columns = [c.key for c in messages.columns]
            self.session.execute(
                insert(messages), [{key: getattr(m, key) for key in columns} for m in new]
            )

    def contact(self, participant_id: uuid.UUID) -> Contact | None:
        return self.session.get(Contact, participant_id)

    def contacts_by_id(self, participant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Contact]:
        if not participant_ids:
            return {}
        query = select(Contact).where(contacts.c.participant_id.in_(set(participant_ids)))
        return {c.participant_id: c for c in self.session.scalars(query)}

    def contacts_with_mobile(self, mobile: str) -> Sequence[Contact]:
        query = select(Contact).where(contacts.c.mobile == mobile, contacts.c.erased.is_(False))
        return self.session.scalars(query).all()

    def save_trial(self, trial_id: uuid.UUID, short_name: str, title: str) -> None:
        """Names come from the registry; the sending settings admins set here are kept."""
        found = self.session.execute(
            update(trials).where(trials.c.id == trial_id).values(short_name=short_name, title=title)
        )
        if not found.rowcount:  # type: ignore[attr-defined]
            self.session.execute(
                insert(trials).values(id=trial_id, short_name=short_name, title=title)
            )

    def trial(self, trial_id: uuid.UUID) -> tuple[str, str] | None:
        row = self.session.execute(
            select(trials.c.short_name, trials.c.title).where(trials.c.id == trial_id)
        ).first()
        return (row.short_name, row.title) if row else None

    def trial_settings(self, trial_id: uuid.UUID) -> TrialSettings | None:
        row = self.session.execute(select(trials).where(trials.c.id == trial_id)).first()
        if row is None:
            return None
        window = None
        if row.window_days and row.window_start and row.window_end:
            window = SendingWindow.parse(row.window_days, row.window_start, row.window_end)
        return TrialSettings(
            trial_id=row.id,
            short_name=row.short_name,
            title=row.title,
            info_url=row.info_url or DEFAULT_INFO_URL,
            reminder_days=7 if row.reminder_days is None else (row.reminder_days or None),
            window=window,
            smart_encoding=True if row.smart_encoding is None else row.smart_encoding,
        )

    def save_trial_settings(self, settings: TrialSettings) -> None:
        window = settings.window.describe() if settings.window else None
        self.session.execute(
            update(trials)
            .where(trials.c.id == settings.trial_id)
            .values(
                info_url=settings.info_url,
                reminder_days=settings.reminder_days or 0,
                window_days=window["days"] if window else None,
                window_start=window["start"] if window else None,
                window_end=window["end"] if window else None,
                smart_encoding=settings.smart_encoding,
            )
        )

    # Templates

    def add_template(self, template: Template) -> None:
        self.session.add(template)

    def template(self, template_id: uuid.UUID) -> Template | None:
        return self.session.get(Template, template_id)

    def templates_in(self, scopes: Sequence[str], kind: str | None = None) -> Sequence[Template]:
        query = select(Template).where(templates.c.scope.in_(scopes))
        if kind is not None:
            query = query.where(templates.c.kind == kind)
        return self.session.scalars(query).all()

    def list_templates(
        self, scope: str | None, kind: str | None, language: str | None
    ) -> Sequence[Template]:
        t = templates.c
        query = select(Template).order_by(t.scope, t.kind, t.language, t.version)
        for column, value in ((t.scope, scope), (t.kind, kind), (t.language, language)):
            if value is not None:
                query = query.where(column == value)
        return self.session.scalars(query).all()

    def latest_version(self, scope: str, kind: str, language: str) -> int:
        t = templates.c
        query = select(func.max(t.version)).where(
            t.scope == scope, t.kind == kind, t.language == language
        )
        return int(self.session.execute(query).scalar() or 0)

    # Batches

    def batch(self, batch_id: uuid.UUID, *, lock: bool = False) -> Batch | None:
        return self.session.get(Batch, batch_id, with_for_update=lock or None)

    def add_batch(self, batch: Batch) -> None:
        self.session.add(batch)

    def list_batches(self, practices: frozenset[str] | None, limit: int) -> Sequence[Batch]:
        query = select(Batch).order_by(batches.c.created_at.desc()).limit(limit)
        if practices is not None:
            query = query.where(batches.c.practice_ods.in_(practices))
        return self.session.scalars(query).all()

    def batch_texts(
        self, batch_id: uuid.UUID
    ) -> list[tuple[str | None, uuid.UUID | None, str, int]]:
        """(language, template id, body, how many) for the batch's invitations."""
        query = (
            select(_m.language, _m.template_id, _m.body, func.count())
            .where(_m.batch_id == batch_id, _m.kind == "invitation")
            .group_by(_m.language, _m.template_id, _m.body)
            .order_by(_m.language)
        )
        return [(r[0], r[1], r[2], int(r[3])) for r in self.session.execute(query)]

    def held_languages(self, batch_id: uuid.UUID) -> list[str]:
        """The languages of the people whose invitations in this batch are still held."""
        query = (
            select(contacts.c.language)
            .join(contacts, contacts.c.participant_id == _m.participant_id)
            .where(_m.batch_id == batch_id, _m.kind == "invitation", _m.status == "held")
            .distinct()
        )
        return list(self.session.scalars(query))

    def retext_held(
        self, batch_id: uuid.UUID, contact_language: str, template: Template, body: str
    ) -> None:
        """Give the batch's held invitations to people who read `contact_language` this text."""
        readers = select(contacts.c.participant_id).where(contacts.c.language == contact_language)
        self.session.execute(
            update(messages)
            .where(
                _m.batch_id == batch_id,
                _m.kind == "invitation",
                _m.status == "held",
                _m.participant_id.in_(readers),
            )
            .values(
                body=body,
                template_id=template.id,
                language=template.language,
                updated_at=datetime.now(UTC),
            )
        )

    def open_batches(self, trial_id: uuid.UUID | None) -> Sequence[Batch]:
        """Batches whose invitations are still held (not approved yet, or paused)."""
        query = select(Batch).where(batches.c.status.in_(("draft", "paused")))
        if trial_id is not None:
            query = query.where(batches.c.trial_id == trial_id)
        return self.session.scalars(query).all()

    def batch_status_counts(self, batch_id: uuid.UUID) -> list[tuple[str, str, str | None, int]]:
        """(kind, status, error, how many) for every message of the batch."""
        query = (
            select(_m.kind, _m.status, _m.error, func.count())
            .where(_m.batch_id == batch_id)
            .group_by(_m.kind, _m.status, _m.error)
        )
        return [(r[0], r[1], r[2], int(r[3])) for r in self.session.execute(query)]

    def batch_reply_intents(self, batch: Batch) -> list[tuple[str, int]]:
        """What the batch's people answered about its trial, the staff's reading first."""
        i = inbound_messages.c
        invited = select(_m.participant_id).where(_m.batch_id == batch.id, _m.kind == "invitation")
        meaning = func.coalesce(i.reviewed_intent, i.intent)
        query = (
            select(meaning, func.count())
            .where(i.trial_id == batch.trial_id, i.participant_id.in_(invited))
            .group_by(meaning)
        )
        return [(str(r[0]), int(r[1])) for r in self.session.execute(query)]

    def set_batch_messages(
        self,
        batch_id: uuid.UUID,
        from_statuses: Sequence[str],
        to_status: str,
        not_before: datetime | None = None,
        error: str | None = None,
    ) -> int:
        values: dict[str, object] = {"status": to_status, "updated_at": datetime.now(UTC)}
        if not_before is not None:
            values["not_before"] = not_before
        if error is not None:
            values["error"] = error
        result = self.session.execute(
            update(messages)
            .where(_m.batch_id == batch_id, _m.status.in_(from_statuses))
            .values(**values)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def batch_message_ids(self, batch_id: uuid.UUID, status: str) -> Sequence[Message]:
        query = select(Message).where(_m.batch_id == batch_id, _m.status == status)
        return self.session.scalars(query).all()

    def batches_due_a_reminder(self) -> Sequence[Batch]:
        query = select(Batch).where(
            batches.c.status == "approved", batches.c.reminder_queued_at.is_(None)
        )
        return self.session.scalars(query).all()

    def unanswered_invitations(self, batch: Batch) -> Sequence[Message]:
        """Invitations of the batch that went out, to people who have not replied about the
        trial and whose number is not on the STOP list."""
        i = inbound_messages.c
        replied = exists().where(
            i.participant_id == _m.participant_id, i.trial_id == batch.trial_id
        )
        stopped = exists().where(suppressions.c.mobile == _m.to)
        earlier = messages.alias("earlier").c
        reminded = exists().where(
            and_(
                earlier.participant_id == _m.participant_id,
                earlier.batch_id == batch.id,
                earlier.kind == "reminder",
            )
        )
        query = select(Message).where(
            _m.batch_id == batch.id,
            _m.kind == "invitation",
            _m.status.in_(("accepted", "sent", "delivered")),
            ~replied,
            ~stopped,
            ~reminded,
        )
        return self.session.scalars(query).all()

    def first_sent_at(self, batch_id: uuid.UUID) -> datetime | None:
        query = select(func.min(_m.attempt_started_at)).where(
            _m.batch_id == batch_id, _m.kind == "invitation"
        )
        return self.session.execute(query).scalar()

    # Loop protection

    def same_text_count(self, to: str, body: str, since: datetime) -> int:
        query = select(func.count()).where(
            _m.to == to,
            _m.created_at >= since,
            _m.body == body,
            _m.status.notin_(NOT_COUNTED),
        )
        return int(self.session.execute(query).scalar_one())

    def same_text_counts(self, keys: Collection[TextKey], since: datetime) -> dict[TextKey, int]:
        """`same_text_count` for many (to, body) at once, in one query (absent means 0)."""
        if not keys:
            return {}
        wanted = set(keys)
        query = (
            select(_m.to, _m.body, func.count())
            .where(
                _m.to.in_({to for to, _ in wanted}),
                _m.created_at >= since,
                _m.body.in_({body for _, body in wanted}),
                _m.status.notin_(NOT_COUNTED),
            )
            .group_by(_m.to, _m.body)
        )
        counts = {(r[0], r[1]): int(r[2]) for r in self.session.execute(query)}
        return {key: n for key, n in counts.items() if key in wanted}

    # Staff review of unclear replies

    def inbound(self, inbound_id: uuid.UUID, *, lock: bool = False) -> InboundMessage | None:
        return self.session.get(InboundMessage, inbound_id, with_for_update=lock or None)

    def message(self, message_id: uuid.UUID, *, lock: bool = False) -> Message | None:
        return self.session.get(Message, message_id, with_for_update=lock or None)

    def messages_for(self, participant_id: uuid.UUID) -> Sequence[Message]:
        query = select(Message).where(_m.participant_id == participant_id).order_by(_m.created_at)
        return self.session.scalars(query).all()

    def claim_queued(self, limit: int, skip_locked: bool) -> Sequence[Message]:
        due = or_(_m.not_before.is_(None), _m.not_before <= datetime.now(UTC))
        # A consent text never overtakes the acknowledgement it follows ("we will text
        # you a link", then the link): it waits while an older reply to the same number
        # is unsent, whichever sender holds it (ix_messages_to_created_at).
        earlier = messages.alias("earlier")
        e = earlier.c
        acknowledgement_unsent = exists().where(
            e.to == _m.to,
            e.created_at < _m.created_at,
            e.priority == PRIORITY_REPLY,
            e.status.in_(("queued", "sending")),
        )
        in_turn = or_(_m.priority != PRIORITY_NOTIFICATION, ~acknowledgement_unsent)
        query = (
            select(Message)
            .where(_m.status == "queued", due, in_turn)
            .order_by(_m.priority, _m.created_at)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).all()

    def stale_attempts(
        self, started_before: datetime, own_sender: uuid.UUID | None = None
    ) -> Sequence[Message]:
        """Attempts to reconcile: their call ended without an outcome before `started_before`,
        or they started before it and their sender's lease has lapsed (or is `own_sender`,
        who knows which of its calls are still running)."""
        lease_now = database_now(self.session.connection())
        live = exists().where(
            sender_leases.c.id == _m.sender_id, sender_leases.c.expires > lease_now
        )
        no_live_sender = or_(_m.sender_id.is_(None), ~live)
        if own_sender is not None:
            no_live_sender = or_(no_live_sender, _m.sender_id == own_sender)
        query = select(Message).where(
            _m.status == "sending",
            or_(
                _m.outcome_unknown_at < started_before,
                and_(
                    _m.outcome_unknown_at.is_(None),
                    _m.attempt_started_at < started_before,
                    no_live_sender,
                ),
            ),
        )
        return self.session.scalars(query).all()

    def inbound_seen(self, provider_sid: str) -> bool:
        query = select(InboundMessage).where(inbound_messages.c.provider_sid == provider_sid)
        return self.session.scalars(query).first() is not None

    def store_status_events(
        self, events: Sequence[tuple[uuid.UUID, str | None, str, str | None]]
    ) -> None:
        """Callbacks as received, not yet applied: (message id, provider SID, status, error)."""
        at = datetime.now(UTC)
        insert_rows(
            self.session,
            status_events,
            [
                {
                    "message_id": message_id,
                    "provider_sid": provider_sid,
                    "status": status,
                    "error_code": error_code,
                    "received_at": at,
                }
                for message_id, provider_sid, status, error_code in events
            ],
        )

    def pending_status_events(
        self, limit: int, *, lock: bool, only: int | None = None
    ) -> list[Any]:
        """The oldest callbacks not yet applied (or just `only`), skipping those another
        applier holds."""
        query = (
            select(status_events)
            .where(status_events.c.applied.is_(None))
            .order_by(status_events.c.id)
            .limit(limit)
        )
        if only is not None:
            query = query.where(status_events.c.id == only)
        if lock:
            query = query.with_for_update(skip_locked=True)
        return list(self.session.execute(query))

    def mark_status_events(self, rows: Sequence[dict[str, Any]]) -> None:
        """[{id, applied}] in one statement."""
        update_rows(self.session, status_events, rows, lambda new: {"applied": new.applied})

    def messages_by_id(self, ids: Sequence[uuid.UUID], *, lock: bool) -> dict[uuid.UUID, Message]:
        query = select(Message).where(_m.id.in_(ids)).order_by(_m.id)
        if lock:
            query = query.with_for_update()
        return {m.id: m for m in self.session.scalars(query)}

    def start_attempts(
        self, ids: Sequence[uuid.UUID], at: datetime, sender_id: uuid.UUID | None = None
    ) -> None:
        """Record an attempt on each, in one statement (see Message.start_attempt), as the
        call of `sender_id`, whose live lease keeps reconciliation away from it."""
        if ids:
            self.session.execute(
                update(messages)
                .where(_m.id.in_(ids))
                .values(
                    status="sending",
                    attempts=_m.attempts + 1,
                    attempt_started_at=at,
                    sender_id=sender_id,
                    outcome_unknown_at=None,
                    updated_at=at,
                )
                .execution_options(synchronize_session=False)
            )

    def status_rows(self, ids: Sequence[uuid.UUID], *, lock: bool) -> dict[uuid.UUID, Any]:
        """The columns a status change and its event need, without loading mapped objects.

        Locked in id order, so two writers of overlapping groups cannot deadlock."""
        query = (
            select(
                _m.id,
                _m.status,
                _m.provider_sid,
                _m.participant_id,
                _m.trial_id,
                _m.batch_id,
                _m.kind,
                _m.error,
            )
            .where(_m.id.in_(ids))
            .order_by(_m.id)
        )
        if lock:
            query = query.with_for_update()
        return {row.id: row for row in self.session.execute(query)}

    def set_statuses(self, rows: Sequence[dict[str, Any]], at: datetime) -> None:
        """[{id, status, error, provider_sid}] in one statement; a provider sid fills only a
        blank (a callback may carry the sid before the sender recorded it)."""
        update_rows(
            self.session,
            messages,
            rows,
            lambda new: {
                "status": new.status,
                "error": new.error,
                "provider_sid": func.coalesce(_m.provider_sid, new.provider_sid),
                "updated_at": at,
            },
        )

    def set_accepted(self, rows: Sequence[dict[str, Any]], at: datetime) -> None:
        """[{id, provider_sid, status}] in one statement: the provider's sid, the new status."""
        update_rows(
            self.session,
            messages,
            rows,
            lambda new: {"provider_sid": new.provider_sid, "status": new.status, "updated_at": at},
        )

    def set_bodies(self, rows: Sequence[dict[str, Any]]) -> None:
        """[{id, body}] in one statement (bodies with consent link tokens masked)."""
        if rows:
            update_rows(self.session, messages, rows, lambda new: {"body": new.body})

    def suppressed_among(self, mobiles: Sequence[str]) -> set[str]:
        if not mobiles:
            return set()
        query = select(suppressions.c.mobile).where(suppressions.c.mobile.in_(set(mobiles)))
        return set(self.session.scalars(query))

    def suppression(self, mobile: str) -> Suppression | None:
        return self.session.get(Suppression, mobile)

    def remove_suppression(self, mobile: str) -> None:
        found = self.suppression(mobile)
        if found is not None:
            self.session.delete(found)

    # Reconciliation with the provider (decision 16)

    def inbound_sids_seen(self, provider_sids: Collection[str]) -> set[str]:
        """Which of these MessageSids are stored already."""
        if not provider_sids:
            return set()
        query = select(inbound_messages.c.provider_sid).where(
            inbound_messages.c.provider_sid.in_(list(provider_sids))
        )
        return set(self.session.scalars(query))

    def unfinished_with_provider(
        self, updated_after: datetime, updated_before: datetime, limit: int
    ) -> list[tuple[uuid.UUID, str, str]]:
        """Texts the provider took (accepted or sent) with no news between the two times,
        stalest first: (message id, provider sid, status)."""
        query = (
            select(_m.id, _m.provider_sid, _m.status)
            .where(
                _m.status.in_(("accepted", "sent")),
                _m.provider_sid.is_not(None),
                _m.updated_at < updated_before,
                _m.updated_at > updated_after,
            )
            .order_by(_m.updated_at)
            .limit(limit)
        )
        return [(row.id, row.provider_sid, row.status) for row in self.session.execute(query)]
