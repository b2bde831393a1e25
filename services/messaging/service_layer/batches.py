"""Batches for staff: preview, approve (now or later), pause, resume, cancel, progress,
report; and the one reminder to those who have not answered."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.messaging.domain.batches import Batch, aware
from services.messaging.domain.channels import ChannelPrices
from services.messaging.domain.model import Message
from services.messaging.domain.segments import cost
from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.service_layer import channels, letters, reach
from services.messaging.service_layer.cancellation import announce_unsent
from services.messaging.service_layer.outbound import publish_status, queue_messages
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock, languages
from shared.auth.principal import Principal
from shared.errors import Conflict, FieldError, Forbidden
from shared.logs import get_logger
from shared.sms_segments import count_segments

log = get_logger(__name__)


@dataclass(frozen=True)
class Pricing:
    per_segment: float
    currency: str
    channels: ChannelPrices | None = None  # WhatsApp, calls and letters (decision 30)

    def prices(self) -> ChannelPrices:
        """Every channel's price; texts at `per_segment` where no channel prices were set."""
        return self.channels or ChannelPrices(self.per_segment, currency=self.currency)


def list_batches(
    uow: MessagingUnitOfWork, principal: Principal, limit: int = 100
) -> list[BatchSummary]:
    practices = None if principal.is_admin else principal.practices
    with uow:
        return [summary(b) for b in uow.batches.list_batches(practices, limit)]


@dataclass(frozen=True)
class BatchSummary:
    """A batch as staff see it in lists and after each move (the API's BatchOut)."""

    id: uuid.UUID
    trial_id: uuid.UUID
    practice_ods: str
    status: str
    parts_received: int
    parts: int
    send_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    allow_unreviewed: bool
    reminder_queued_at: datetime | None
    created_at: datetime


def summary(batch: Batch) -> BatchSummary:
    return BatchSummary(
        id=batch.id,
        trial_id=batch.trial_id,
        practice_ods=batch.practice_ods,
        status=batch.display_status(clock.now()),
        parts_received=batch.chunks_received,
        parts=batch.chunks,
        send_at=batch.send_at,
        approved_by=batch.approved_by,
        approved_at=batch.approved_at,
        allow_unreviewed=batch.allow_unreviewed,
        reminder_queued_at=batch.reminder_queued_at,
        created_at=batch.created_at,
    )


@dataclass(frozen=True)
class LanguagePreview:
    channel: str
    language: str
    language_name: str
    rtl: bool
    count: int
    text: str
    template_id: uuid.UUID | None
    template_version: int | None
    template_language: str | None
    reviewed: bool
    encoding: str
    segments: int
    characters: int
    cost: float


@dataclass(frozen=True)
class Preview:
    batch: BatchSummary
    languages: list[LanguagePreview] = field(default_factory=list)
    recipients: int = 0
    segments: int = 0
    cost: float = 0.0
    currency: str = "GBP"
    unreviewed_languages: list[str] = field(default_factory=list)
    channels: list[reach.ChannelPreview] = field(default_factory=list)  # per channel, language


def _languages(uow: MessagingUnitOfWork, batch: Batch, pricing: Pricing) -> list[LanguagePreview]:
    """Each text as it goes out, per channel: parts and their price for a text, the
    channel's own price per message otherwise (a WhatsApp message is not split)."""
    prices = pricing.prices()
    rows = []
    for channel, language, template_id, body, count in uow.batches.batch_texts(batch.id):
        template = uow.templates.template(template_id) if template_id else None
        info = count_segments(body)
        texted = channel == "sms"
        code = language or "en"
        known = languages.LANGUAGES.get(code)
        rows.append(
            LanguagePreview(
                channel=channel,
                language=code,
                language_name=known.name if known else code,
                rtl=languages.is_rtl(code),
                count=count,
                text=body,
                template_id=template_id,
                template_version=template.version if template else None,
                template_language=template.language if template else None,
                reviewed=bool(template and template.reviewed),
                encoding=info.encoding if texted else "",
                segments=info.segments if texted else 0,
                characters=len(body),
                cost=(
                    cost(info.segments * count, pricing.per_segment)
                    if texted
                    else round(prices.cost(channel) * count, 4)
                ),
            )
        )
    return rows


def preview(
    uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID, pricing: Pricing
) -> Preview:
    with uow:
        batch = letters.visible_batch(uow, principal, batch_id)
        rows = _languages(uow, batch, pricing)
        prices = pricing.prices()
        by_channel = reach.preview_rows(uow, batch.id, prices)
        return Preview(
            batch=summary(batch),
            languages=rows,
            recipients=sum(r.count for r in by_channel),  # on every channel, letters too
            segments=sum(r.segments for r in by_channel),  # texts' parts
            # Each channel at its own price: a letter is not a text of its letter's length.
            cost=round(sum(r.cost for r in by_channel), 4),
            currency=pricing.currency,
            unreviewed_languages=sorted({r.language for r in rows if not r.reviewed}),
            channels=by_channel,
        )


def approve(
    uow: MessagingUnitOfWork,
    principal: Principal,
    batch_id: uuid.UUID,
    *,
    send_at: datetime | None,
    allow_unreviewed: bool,
) -> BatchSummary:
    if allow_unreviewed and not principal.is_admin:
        raise Forbidden("only an admin may send translations nobody has reviewed")
    with uow:
        batch = letters.visible_batch(uow, principal, batch_id)
        unreviewed = sorted(
            {r.language for r in _languages(uow, batch, Pricing(0, "")) if not r.reviewed}
            | letters.unreviewed_languages(uow, batch)
        )
        if unreviewed and not allow_unreviewed:
            reason = (
                f"Nobody has reviewed the texts in {', '.join(unreviewed)} yet. Ask someone "
                "other than their author to review those templates, or ask an admin to "
                "approve the batch with texts nobody has reviewed"
            )
            raise Conflict(reason, [FieldError("allow_unreviewed", reason)])
        batch.move("approve")
        batch.send_at = send_at
        batch.approved_by, batch.approved_at = principal.name, clock.now()
        batch.allow_unreviewed = bool(unreviewed)
        uow.batches.set_batch_messages(batch.id, ["held"], "queued", not_before=send_at)
        letters.request_links(uow, batch)
        uow.commit()
        log.info("batch_approved", batch_id=str(batch.id), unreviewed=unreviewed)
        return summary(batch)


def pause(uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID) -> BatchSummary:
    """Texts already handed to the provider go on; the rest wait."""
    return _move_texts(uow, principal, batch_id, "pause", "queued", "held")


def resume(uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID) -> BatchSummary:
    return _move_texts(uow, principal, batch_id, "resume", "held", "queued")


def _move_texts(
    uow: MessagingUnitOfWork,
    principal: Principal,
    batch_id: uuid.UUID,
    move: str,
    from_status: str,
    to_status: str,
) -> BatchSummary:
    """The batch makes the move, and its texts waiting in one status go to the other."""
    with uow:
        batch = letters.visible_batch(uow, principal, batch_id)
        batch.move(move)
        uow.batches.set_batch_messages(batch.id, [from_status], to_status)
        uow.commit()
        return summary(batch)


def cancel(uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID) -> BatchSummary:
    """Texts not yet handed to the provider are cancelled; whoever's invitation was never
    sent goes back to "not invited" in the registry and consent."""
    with uow:
        batch = letters.visible_batch(uow, principal, batch_id)
        batch.move("cancel")
        unsent: list[uuid.UUID] = []
        for status in ("held", "queued"):
            for message in uow.batches.batch_message_ids(batch.id, status):
                message.status, message.error = "cancelled", "the batch was cancelled"
                message.updated_at = clock.now()
                publish_status(uow, message)
                if message.kind == "invitation":
                    unsent.append(message.participant_id)
        returned = announce_unsent(uow, batch, unsent)
        uow.commit()
        log.info("batch_cancelled", batch_id=str(batch.id), unsent=returned)
        return summary(batch)


# What "queued", "sent" ... mean to staff, from the messages' own statuses.
STAGES = {
    "held": "waiting_for_approval",
    "queued": "queued",
    "sending": "queued",
    "accepted": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "suppressed": "suppressed",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class BatchReport:
    """Live progress and outcome (the API's ReportOut): counts per stage of the invitations
    and the reminders, the share handed on, failures by reason, replies by intent, and reach
    per channel."""

    batch: BatchSummary
    invitations: dict[str, int]
    reminders: dict[str, int]
    progress: float
    failed_by_reason: dict[str, int]
    replies_by_intent: dict[str, int]
    by_channel: dict[str, dict[str, int]]


def report(uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID) -> BatchReport:
    """Live progress and outcome: counts per stage and kind, failures by reason, replies."""
    with uow:
        batch = letters.visible_batch(uow, principal, batch_id)
        stages: dict[str, Counter[str]] = defaultdict(Counter)
        failures: Counter[str] = Counter()
        for kind, status, error, count in uow.batches.batch_status_counts(batch.id):
            stage = STAGES.get(status, status)
            stages[kind][stage] += count
            if stage in ("failed", "suppressed"):
                failures[error or status] += count
        replies = dict(uow.batches.batch_reply_intents(batch))
        invitations = stages.get("invitation", Counter())
        total = sum(invitations.values())
        done = total - invitations["queued"] - invitations["waiting_for_approval"]
        return BatchReport(
            batch=summary(batch),
            invitations=_stage_counts(invitations),
            reminders=_stage_counts(stages.get("reminder", Counter())),
            progress=round(done / total, 4) if total else 0.0,
            failed_by_reason=dict(failures.most_common()),
            replies_by_intent=replies,
            by_channel=reach.reach_by_channel(uow, batch.id, batch.trial_id),
        )


def _stage_counts(counts: Counter[str]) -> dict[str, int]:
    names = ("waiting_for_approval", "queued", "sent", "delivered", "failed", "suppressed")
    return {name: counts[name] for name in (*names, "cancelled")} | {"total": sum(counts.values())}


def queue_reminders(uow: MessagingUnitOfWork, at: datetime | None = None) -> int:
    """Once per batch, after the trial's number of days: a reminder to each person whose
    invitation went out and who has neither answered nor opted out."""
    at = at or clock.now()
    created_at = clock.now()  # one moment for the pass: its loop check counts from there
    queued = 0
    with uow:
        due: Sequence[Batch] = uow.batches.batches_due_a_reminder()
        for batch in due:
            trial = uow.trials.trial_settings(batch.trial_id)
            first_sent = uow.batches.first_sent_at(batch.id)
            if trial is None or first_sent is None:
                continue
            if trial.reminder_days is None:
                batch.reminder_queued_at = at  # this trial sends none: settled
                continue
            if at < aware(first_sent) + timedelta(days=trial.reminder_days):
                continue
            # A batch's reminders in a fixed number of statements (its contacts read at once,
            # its texts stored at once): a practice's batch is thousands of people.
            reminders = _reminders(uow, batch, trial, created_at)
            queue_messages(uow, reminders)
            queued += len(reminders)
            batch.reminder_queued_at = at
        uow.commit()
    return queued


def _reminders(
    uow: MessagingUnitOfWork, batch: Batch, trial: TrialSettings, created_at: datetime
) -> list[Message]:
    """The batch's reminders, each in its person's language, to those still reachable."""
    invitations = uow.batches.unanswered_invitations(batch)
    people = uow.contacts.contacts_by_id([i.participant_id for i in invitations])
    texts = channels.BulkTexts(uow, trial, "reminder")
    new: list[Message] = []
    for invitation in invitations:
        contact = people.get(invitation.participant_id)
        if contact is None or contact.erased or not contact.mobile:
            continue
        new.append(texts.to(contact, batch.id, created_at))
    return new
