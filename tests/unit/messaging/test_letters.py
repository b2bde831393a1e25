"""Letters in a batch, on fakes: who gets one, links asked of consent, STOP wins, printed and
posted with status events, postage in the preview, and no address on the bus."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.messaging.adapters.letter_ports import FakeRecipients
from services.messaging.domain.batches import Batch
from services.messaging.domain.letters import wants_letter
from services.messaging.domain.model import Contact, Suppression
from services.messaging.service_layer import batches, letter_printing, letters
from shared.auth.principal import Principal
from shared.errors import Conflict, NotFound, NotYetKnown
from shared.events.commands import NotificationRequested
from tests.support.fakes.messaging import FakeMessagingUnitOfWork as FakeUnitOfWork
from tests.support.fakes.messaging_letters import FakePrintProvider, FakeRenderer, a_recipient

ODS = "M85001"
STAFF = Principal(uuid.uuid4(), "staff", "staff", practices=frozenset({ODS}))
OTHER = Principal(uuid.uuid4(), "other", "staff", practices=frozenset({"M85002"}))
PRICING = letters.LetterPricing(0.85, "GBP")


def contact(mobile: str | None = None, language: str = "ur", large: bool = False) -> Contact:
    return Contact(
        uuid.uuid4(), ODS, mobile, bool(mobile), language, postal=True, large_print=large
    )


def a_batch_with(uow: FakeUnitOfWork, people: list[Contact]) -> Batch:
    batch = Batch(uuid.uuid4(), uuid.uuid4(), ODS, 1, chunks_received=1)
    uow.batches.add_batch(batch)
    uow.trials.save_trial(batch.trial_id, "DEMO-AF", "Atrial fibrillation screening")
    for person in people:
        uow.contacts.add(person)
    with uow:  # as queue_invitations does: the letters and their events in its transaction
        letters.letters_for(uow, batch, people, "held", datetime.now(UTC))
        uow.commit()
    return batch


def stop(uow: FakeUnitOfWork, number: str) -> None:
    uow.suppressions.add(Suppression(number, "replied STOP"))


def approve(uow: FakeUnitOfWork, batch: Batch) -> None:
    batch.move("approve")
    for message in uow.store.messages.values():
        if message.status == "held":
            message.status = "queued"
    with uow:  # as batches.approve does
        letters.request_links(uow, batch)
        uow.commit()


def link_for(
    asked: dict[str, Any], link: str | None, code: str | None = None
) -> NotificationRequested:
    """Consent's answer to messaging.letter.requested, as the handler loads it."""
    return NotificationRequested(
        uuid.uuid4(),
        uuid.UUID(asked.get("participant_id") or str(uuid.uuid4())),
        uuid.UUID(asked.get("trial_id") or str(uuid.uuid4())),
        "letter_link",
        link,
        code=code,
        message_id=uuid.UUID(asked["message_id"]),
        short_link="https://consent.example/l/ABCD-EFGH-JKMN" if link else None,
    )


def answer_links(uow: FakeUnitOfWork) -> None:
    for data in uow.published(letters.REQUESTED):
        letters.attach_link(
            uow,
            link_for(data, f"https://consent.example/c/{data['message_id']}", code="482913"),
        )


def test_a_letter_goes_where_no_text_can_and_only_to_a_known_address() -> None:
    assert wants_letter(contact())
    assert not wants_letter(contact("+447400123456"))
    landline = Contact(uuid.uuid4(), ODS, "+441214960000", False, "en", postal=True)
    assert wants_letter(landline)
    assert not wants_letter(Contact(uuid.uuid4(), ODS, None, False, "en", postal=False))


def test_letters_are_held_with_the_batch_and_a_stopped_number_gets_none() -> None:
    uow = FakeUnitOfWork()
    stopped = contact("+441214960001")
    stopped.textable = False
    stop(uow, "+441214960001")
    batch = a_batch_with(uow, [contact(), stopped])
    statuses = sorted(m.status for m in uow.store.messages.values())
    assert statuses == ["held", "suppressed"]
    assert {m.channel for m in uow.store.messages.values()} == {"letter"}
    events = uow.published("messaging.message.status_changed")
    assert [(e["status"], e["channel"]) for e in events] == [("suppressed", "letter")]
    assert letters.preview(uow, STAFF, batch.id, PRICING).letters == 1


def test_approval_asks_consent_once_for_each_letter_link() -> None:
    uow = FakeUnitOfWork()
    batch = a_batch_with(uow, [contact(), contact(language="bn")])
    approve(uow, batch)
    with uow:
        letters.request_links(uow, batch)  # a second call asks for nothing more
        uow.commit()
    asked = uow.published(letters.REQUESTED)
    assert len(asked) == 2
    assert set(asked[0]) == {"message_id", "participant_id", "trial_id"}


def test_consent_declining_to_make_a_link_cancels_the_letter() -> None:
    uow = FakeUnitOfWork()
    batch = a_batch_with(uow, [contact()])
    approve(uow, batch)
    (message_id,) = [d["message_id"] for d in uow.published(letters.REQUESTED)]
    letters.attach_link(uow, link_for({"message_id": message_id}, None))
    assert uow.store.messages[uuid.UUID(message_id)].status == "cancelled"


def test_a_link_for_a_letter_not_stored_yet_raises_so_the_bus_retries() -> None:
    with pytest.raises(NotYetKnown):
        uow = FakeUnitOfWork()
        letters.attach_link(uow, link_for({"message_id": str(uuid.uuid4())}, "x"))


def test_preview_counts_letters_per_language_with_large_print_and_postage() -> None:
    uow = FakeUnitOfWork()
    batch = a_batch_with(uow, [contact(), contact(large=True), contact(language="bn")])
    found = letters.preview(uow, STAFF, batch.id, PRICING)
    assert found.letters == 3 and found.large_print == 1
    assert found.postage == pytest.approx(2.55)
    by_language = {row.language: row for row in found.languages}
    assert by_language["ur"].count == 2 and by_language["ur"].rtl is True
    assert by_language["bn"].postage == pytest.approx(0.85)
    assert found.stages["waiting_for_approval"] == 3
    with pytest.raises(NotFound):
        letters.preview(uow, OTHER, batch.id, PRICING)


def test_the_batch_pdf_holds_each_ready_letter_with_its_address_link_and_code() -> None:
    uow = FakeUnitOfWork()
    people = [contact(), contact(language="bn", large=True)]
    batch = a_batch_with(uow, people)
    with pytest.raises(Conflict):  # nothing to print before approval
        letter_printing.printable(uow, STAFF, batch.id, FakeRecipients(), FakeRenderer())
    approve(uow, batch)
    answer_links(uow)
    directory = FakeRecipients({p.participant_id: a_recipient() for p in people})
    renderer = FakeRenderer()
    made = letter_printing.printable(
        uow, STAFF, batch.id, directory, renderer, today=date(2026, 12, 6)
    )
    assert made.letters == 2 and made.parts == 1
    (html,) = renderer.documents
    assert html.count('<section class="letter') == 2 and html.count('class="letter large"') == 1
    assert "3 Soho Hill" in html and "482 913" in html and "ABCD-EFGH-JKMN" in html
    assert 'lang="ur" dir="rtl"' in html and 'lang="bn" dir="ltr"' in html
    assert "6 December 2026" in html


def test_another_practices_letters_are_not_found_to_print_or_mark() -> None:
    uow = FakeUnitOfWork()
    person = contact()
    batch = a_batch_with(uow, [person])
    approve(uow, batch)
    answer_links(uow)
    directory = FakeRecipients({person.participant_id: a_recipient()})

    with pytest.raises(NotFound):
        letter_printing.printable(uow, OTHER, batch.id, directory, FakeRenderer())
    with pytest.raises(NotFound):
        letters.mark_printed(uow, OTHER, batch.id)
    with pytest.raises(NotFound):
        letters.mark_posted(uow, OTHER, batch.id)

    assert letters.mark_printed(uow, STAFF, batch.id) == 1  # still ready: nothing was moved


def test_stop_after_approval_still_wins_at_the_printer() -> None:
    uow = FakeUnitOfWork()
    person = contact("+441214960002")
    person.textable = False
    batch = a_batch_with(uow, [person, contact()])
    approve(uow, batch)
    answer_links(uow)
    stop(uow, "+441214960002")  # STOP by text after the letters were made
    directory = FakeRecipients({p: a_recipient() for p in uow.store.contacts})
    made = letter_printing.printable(uow, STAFF, batch.id, directory, FakeRenderer())
    assert made.letters == 1
    mine = [m for m in uow.store.messages.values() if m.participant_id == person.participant_id]
    assert mine[0].status == "suppressed"


def test_printed_then_posted_each_with_its_status_event_and_no_address_on_the_bus() -> None:
    uow = FakeUnitOfWork()
    people = [contact(), contact()]
    batch = a_batch_with(uow, people)
    approve(uow, batch)
    answer_links(uow)
    directory = FakeRecipients({p.participant_id: a_recipient() for p in people})
    provider = FakePrintProvider()
    reference, moved = letter_printing.send_to_printer(
        uow, STAFF, batch.id, directory, FakeRenderer(), provider
    )
    assert (reference, moved) == ("job-1", 2) and provider.jobs[0][2] == 2
    assert letters.mark_posted(uow, STAFF, batch.id) == 2
    events = uow.published("messaging.message.status_changed")
    assert [e["status"] for e in events] == ["accepted", "accepted", "sent", "sent"]
    assert {e["channel"] for e in events} == {"letter"}
    stages = letters.preview(uow, STAFF, batch.id, PRICING).stages
    assert stages["posted"] == 2 and stages["to_print"] == 0
    bus = json.dumps([e.data for e in uow.events], default=str)
    assert "Soho Hill" not in bus and "B19 1AA" not in bus and "Amina" not in bus


def test_letters_whose_links_are_still_being_made_wait_for_the_next_print() -> None:
    uow = FakeUnitOfWork()
    batch = a_batch_with(uow, [contact()])
    approve(uow, batch)
    assert letters.mark_printed(uow, STAFF, batch.id) == 0
    assert letters.preview(uow, STAFF, batch.id, PRICING).waiting_for_link == 1


def test_letters_in_unreviewed_words_need_an_admin_as_unreviewed_texts_do() -> None:
    uow = FakeUnitOfWork()
    batch = a_batch_with(uow, [contact(language="ur")])
    with pytest.raises(Conflict) as refused:
        batches.approve(uow, STAFF, batch.id, send_at=None, allow_unreviewed=False)
    assert "ur" in refused.value.detail
    admin = Principal(uuid.uuid4(), "admin", "admin")
    batches.approve(uow, admin, batch.id, send_at=None, allow_unreviewed=True)
    assert len(uow.published(letters.REQUESTED)) == 1
    english = a_batch_with(uow, [contact(language="en")])
    batches.approve(uow, STAFF, english.id, send_at=None, allow_unreviewed=False)
