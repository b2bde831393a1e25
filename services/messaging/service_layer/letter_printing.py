"""Rendering letters to print: one PDF for a batch (in parts, so a big batch never sits in
memory whole), or handed to a print provider. The registry is asked for names and addresses
outside any transaction, and they live only in memory while the letters render."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from services.messaging.domain import letter_layout
from services.messaging.domain.letter_layout import LetterContent
from services.messaging.domain.letters import PRINTED, READY, Letter, Recipient
from services.messaging.domain.model import Message
from services.messaging.service_layer import letters as lifecycle
from services.messaging.service_layer.outbound import publish_status
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock, languages
from shared.auth.principal import Principal
from shared.documents.letter_words import letter_language, words_in
from shared.errors import Conflict
from shared.logs import get_logger

log = get_logger(__name__)
LETTERS_PER_PART = 250


class RecipientDirectory(Protocol):
    def recipients(self, participant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Recipient]: ...


class Renderer(Protocol):
    def qr_svg(self, data: str) -> str: ...

    def pdf(self, html: str) -> bytes: ...


class PrintProvider(Protocol):
    def submit(self, batch_id: uuid.UUID, pdf: bytes, letters: int) -> str: ...


@dataclass(frozen=True)
class Printable:
    pdf: bytes
    letters: int
    part: int
    parts: int
    message_ids: frozenset[uuid.UUID]
    left_out: int  # no address any more, or stopped since approval


def printed_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def letter_html(
    letter: Letter, recipient: Recipient, trial: tuple[str, str], renderer: Renderer, day: date
) -> str:
    """One letter's section of the document (letter_layout.letter_body)."""
    assert letter.link is not None and letter.code is not None
    code = letter_language(letter.language)
    content = LetterContent(
        language=code,
        rtl=languages.is_rtl(code),
        words=words_in(code),
        name=recipient.name,
        address_lines=recipient.address_lines,
        practice_name=recipient.practice_name,
        trial_title=trial[1],
        trial_short_name=trial[0],
        link=letter.link,
        short_link=letter.short_link or letter.link,
        code=letter.code,
        qr_svg=renderer.qr_svg(letter.link),
        date=printed_date(day),
        large_print=letter.large_print or recipient.large_print,
    )
    return letter_layout.letter_body(content)


def _stopped(
    uow: MessagingUnitOfWork, found: list[tuple[Letter, Message]]
) -> list[tuple[Letter, Message]]:
    """STOP wins up to the printer: letters to a stopped number or an erased patient are
    suppressed now; the rest are returned."""
    people = uow.contacts.contacts_by_id([letter.participant_id for letter, _ in found])
    mobiles = [c.mobile for c in people.values() if c.mobile]
    stopped = uow.suppressions.suppressed_among(mobiles)
    kept = []
    for letter, message in found:
        contact = people.get(letter.participant_id)
        if contact is None or contact.erased or (contact.mobile and contact.mobile in stopped):
            if message.move_to("suppressed", "the patient opted out or was erased"):
                publish_status(uow, message)
            continue
        kept.append((letter, message))
    return kept


def printable(
    uow: MessagingUnitOfWork,
    principal: Principal,
    batch_id: uuid.UUID,
    directory: RecipientDirectory,
    renderer: Renderer,
    *,
    part: int = 1,
    statuses: Sequence[str] = (READY, PRINTED),
    today: date | None = None,
) -> Printable:
    """The batch's letters to print (ready ones, and printed ones again unless asked not to)
    as one PDF, `part` of however many parts of LETTERS_PER_PART it takes."""
    with uow:
        batch = lifecycle.visible_batch(uow, principal, batch_id)
        if batch.status not in ("approved", "paused"):
            raise Conflict(f"a {batch.status} batch has no letters to print")
        found = [
            (letter, message)
            for letter, message in uow.letters.of_batch(batch.id, statuses, lock=True)
            if letter.ready
        ]
        found = _stopped(uow, found)
        trial = uow.trials.trial(batch.trial_id) or ("", "")
        uow.commit()
    parts = max(1, -(-len(found) // LETTERS_PER_PART))
    if not 1 <= part <= parts:
        raise Conflict(f"this batch's letters come in {parts} part(s)")
    chosen = found[(part - 1) * LETTERS_PER_PART : part * LETTERS_PER_PART]
    if not chosen:
        raise Conflict("no letter of this batch is ready to print yet")
    people = directory.recipients([letter.participant_id for letter, _ in chosen])
    day = today or clock.now().date()
    bodies = [
        letter_html(letter, people[letter.participant_id], trial, renderer, day)
        for letter, _ in chosen
        if letter.participant_id in people
    ]
    if not bodies:
        raise Conflict("none of these patients has a postal address any more")
    pdf = renderer.pdf(letter_layout.document(bodies))
    log.info("letters_rendered", batch_id=str(batch_id), letters=len(bodies), part=part)
    return Printable(
        pdf=pdf,
        letters=len(bodies),
        part=part,
        parts=parts,
        message_ids=frozenset(
            letter.message_id for letter, _ in chosen if letter.participant_id in people
        ),
        left_out=len(chosen) - len(bodies),
    )


def send_to_printer(
    uow: MessagingUnitOfWork,
    principal: Principal,
    batch_id: uuid.UUID,
    directory: RecipientDirectory,
    renderer: Renderer,
    provider: PrintProvider,
) -> tuple[str, int]:
    """Hand the next part of ready letters to the print provider; they count as printed."""
    made = printable(uow, principal, batch_id, directory, renderer, statuses=(READY,))
    reference = provider.submit(batch_id, made.pdf, made.letters)
    moved = lifecycle.mark_printed(
        uow, principal, batch_id, reference=reference, only=set(made.message_ids)
    )
    return reference, moved
