"""Letters in a batch: made beside the texts, links asked of consent once staff approve, a
preview with postage, and staff recording them printed and posted (decision 0029).

A letter's message follows the batch (held, then queued); consent answers each
`messaging.letter.requested` with a link and a one-time code (`consent.notification.requested`,
kind `letter_link`); printing moves it to accepted and posting to sent, each a status event on
channel "letter" as for any message. STOP wins: a patient whose number is on the STOP list, or
whose record consent has closed, gets no letter.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.messaging.domain.batches import Batch
from services.messaging.domain.letters import (
    LETTER,
    POSTED,
    PRINTED,
    READY,
    TO_POST,
    Letter,
    postage,
)
from services.messaging.domain.model import PRIORITY_BULK, Contact, Message
from services.messaging.service_layer.outbound import publish_status, status_payload
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock, languages
from shared.auth.principal import Principal
from shared.documents.letter_words import letter_language, reviewed
from shared.errors import Conflict, NotYetKnown
from shared.events.commands import NotificationRequested
from shared.logs import get_logger

log = get_logger(__name__)
REQUESTED = "messaging.letter.requested"


def _letter(
    contact: Contact,
    trial_id: uuid.UUID,
    batch_id: uuid.UUID,
    status: str,
    created_at: datetime,
) -> tuple[Message, Letter]:
    """A letter's message (its status is the letter's life) and its row."""
    message = Message(
        participant_id=contact.participant_id,
        to=TO_POST,
        body="",
        kind="invitation",
        priority=PRIORITY_BULK,
        trial_id=trial_id,
        batch_id=batch_id,
        status=status,
        language=letter_language(contact.language),
        channel=LETTER,
        created_at=created_at,
        updated_at=created_at,
    )
    row = Letter(
        message_id=message.id,
        batch_id=batch_id,
        participant_id=contact.participant_id,
        trial_id=trial_id,
        language=contact.language,
        large_print=contact.large_print,
        created_at=created_at,
    )
    return message, row


def letters_for(
    uow: MessagingUnitOfWork,
    batch: Batch,
    people: Sequence[Contact],
    status: str,
    created_at: datetime,
) -> list[Message]:
    """Each person's invitation letter, held like the batch's texts; a stopped number gets
    none (its message is suppressed, with the event any suppressed message has)."""
    stopped = uow.suppressions.suppressed_among([c.mobile for c in people if c.mobile])
    new: list[Message] = []
    rows: list[Letter] = []
    for contact in people:
        message, row = _letter(contact, batch.trial_id, batch.id, status, created_at)
        if batch.status == "cancelled":
            message.status, message.error = "cancelled", "the batch was cancelled"
        elif contact.mobile in stopped:
            message.status, message.error = "suppressed", "the patient's number replied STOP"
        new.append(message)
        rows.append(row)
    uow.messages.add_messages(new)
    uow.letters.add_all(rows)
    stopped_now = [m for m in new if m.status == "suppressed"]
    uow.publish_many("messaging.message.status_changed", [status_payload(m) for m in stopped_now])
    return new


def cascade_letter(
    uow: MessagingUnitOfWork,
    contact: Contact,
    trial_id: uuid.UUID,
    batch_id: uuid.UUID,
    step: tuple[uuid.UUID, int, int],
) -> Message:
    """A trial cascade's letter step (decision 30): the letter a batch makes, in the batch of
    the patient's invitation (so staff print and post it from that batch's letters), queued
    at once as its batch was approved long ago, and consent asked for its link and code in
    the step's own transaction. `step` is (run, step, try): one letter each, enforced by a
    unique key. STOP wins: a stopped number's letter is suppressed, and no link is asked."""
    at = clock.now()
    message, row = _letter(contact, trial_id, batch_id, READY, at)
    row.cascade_run_id, row.cascade_step, row.cascade_attempt = step
    stopped = contact.mobile and uow.suppressions.suppression(contact.mobile) is not None
    if contact.erased or stopped:
        message.status, message.error = "suppressed", "the patient opted out or was erased"
    uow.messages.add_messages([message])
    uow.letters.add_all([row])
    if message.status == "suppressed":
        publish_status(uow, message)
        return message
    row.link_requested_at = at
    uow.publish(
        REQUESTED,
        {"message_id": message.id, "participant_id": contact.participant_id, "trial_id": trial_id},
    )
    return message


def request_links(uow: MessagingUnitOfWork, batch: Batch) -> int:
    """Once staff approve: ask consent for each letter's link and one-time code."""
    asked = 0
    at = clock.now()
    for letter, _ in uow.letters.of_batch(batch.id, [READY]):
        if letter.link_requested_at is None:
            letter.link_requested_at = at
            uow.publish(
                REQUESTED,
                {
                    "message_id": letter.message_id,
                    "participant_id": letter.participant_id,
                    "trial_id": letter.trial_id,
                },
            )
            asked += 1
    return asked


def unreviewed_languages(uow: MessagingUnitOfWork, batch: Batch) -> set[str]:
    """The languages the batch's letters are printed in whose words nobody has reviewed: a
    batch refuses them, as it refuses unreviewed texts, unless an admin approves anyway."""
    printed = {letter_language(language) for language, *_ in uow.letters.counts(batch.id)}
    return {code for code in printed if not reviewed(code)}


def attach_link(uow: MessagingUnitOfWork, answer: NotificationRequested) -> None:
    """Consent's answer: the letter's link and code, or no link (the record moved on: the
    patient answered another way or opted out), and then no letter goes."""
    with uow:
        letter = (
            uow.letters.letter(answer.message_id, lock=uow.row_locks) if answer.message_id else None
        )
        if letter is None:
            raise NotYetKnown(f"letter {answer.message_id} not known yet")
        message = uow.messages.message(letter.message_id, lock=uow.row_locks)
        assert message is not None
        if answer.link is None:
            if message.move_to("cancelled", "consent no longer invites this patient"):
                publish_status(uow, message)
        else:
            letter.link, letter.code = answer.link, answer.code
            letter.short_link = answer.short_link or answer.link
        uow.commit()


@dataclass(frozen=True)
class LetterPricing:
    per_letter: float
    currency: str


def visible_batch(uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID) -> Batch:
    """The batch, locked, if this caller may see it (batches.py and letter_printing.py use
    it too: this module is the one both import)."""
    return principal.visible_at_practice(
        uow.batches.batch(batch_id, lock=uow.row_locks), f"no batch {batch_id}"
    )


STAGES = {"held": "waiting_for_approval", READY: "to_print", PRINTED: "printed", POSTED: "posted"}


@dataclass(frozen=True)
class LanguageLetters:
    language: str
    language_name: str
    printed_in: str  # the language, or the fallback a whole letter can be printed in
    rtl: bool
    reviewed: bool
    count: int
    large_print: int
    postage: float


@dataclass(frozen=True)
class LetterPreview:
    """A batch's letters before and after printing (the API's LetterPreviewOut)."""

    batch_id: uuid.UUID
    batch_status: str
    letters: int
    large_print: int
    languages: list[LanguageLetters]
    postage_per_letter: float
    postage: float
    currency: str
    stages: dict[str, int]
    waiting_for_link: int


def preview(
    uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID, pricing: LetterPricing
) -> LetterPreview:
    """Per language: how many letters, how many in large print, the postage; and where the
    batch's letters are (waiting for approval, to print, printed, posted, or not sent)."""
    with uow:
        batch = visible_batch(uow, principal, batch_id)
        rows = uow.letters.counts(batch.id)
    by_language: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "large_print": 0})
    stages: dict[str, int] = defaultdict(int)
    waiting_for_link = 0
    for language, large, status, made, count in rows:
        stage = STAGES.get(status, "not_sent")
        stages[stage] += count
        if stage == "to_print" and not made:
            waiting_for_link += count
        if stage == "not_sent":
            continue
        entry = by_language[language]
        entry["count"] += count
        entry["large_print"] += count if large else 0
    total = sum(e["count"] for e in by_language.values())
    return LetterPreview(
        batch_id=batch.id,
        batch_status=batch.status,
        letters=total,
        large_print=sum(e["large_print"] for e in by_language.values()),
        languages=[
            LanguageLetters(
                language=code,
                language_name=_name(code),
                printed_in=letter_language(code),
                rtl=languages.is_rtl(letter_language(code)),
                reviewed=reviewed(letter_language(code)),
                count=entry["count"],
                large_print=entry["large_print"],
                postage=postage(entry["count"], pricing.per_letter),
            )
            for code, entry in sorted(by_language.items())
        ],
        postage_per_letter=pricing.per_letter,
        postage=postage(total, pricing.per_letter),
        currency=pricing.currency,
        stages={name: stages[name] for name in (*STAGES.values(), "not_sent")},
        waiting_for_link=waiting_for_link,
    )


def _name(code: str) -> str:
    known = languages.LANGUAGES.get(code)
    return known.name if known else code


def _move(
    uow: MessagingUnitOfWork,
    principal: Principal,
    batch_id: uuid.UUID,
    from_status: str,
    to_status: str,
    *,
    reference: str | None = None,
    only: set[uuid.UUID] | None = None,
) -> int:
    moved = 0
    at = clock.now()
    with uow:
        batch = visible_batch(uow, principal, batch_id)
        if batch.status not in ("approved", "paused"):
            raise Conflict(f"a {batch.status} batch has no letters to print or post")
        for letter, message in uow.letters.of_batch(batch.id, [from_status], lock=True):
            if only is not None and letter.message_id not in only:
                continue
            if from_status == READY and not letter.ready:
                continue  # its link is still being made: not printed with this lot
            if message.move_to(to_status):
                if to_status == PRINTED:
                    letter.printed_at, letter.print_reference = at, reference
                else:
                    letter.posted_at = at
                publish_status(uow, message)
                moved += 1
        uow.commit()
    log.info(
        "letters_moved", batch_id=str(batch_id), to=to_status, letters=moved, by=principal.name
    )
    return moved


def mark_printed(
    uow: MessagingUnitOfWork,
    principal: Principal,
    batch_id: uuid.UUID,
    reference: str | None = None,
    only: set[uuid.UUID] | None = None,
) -> int:
    """Staff printed the batch's ready letters (or handed them to the print provider)."""
    return _move(uow, principal, batch_id, READY, PRINTED, reference=reference, only=only)


def mark_posted(uow: MessagingUnitOfWork, principal: Principal, batch_id: uuid.UUID) -> int:
    """Staff posted the printed letters: they count as sent."""
    return _move(uow, principal, batch_id, PRINTED, POSTED)
