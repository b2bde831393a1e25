"""Invitations and batches through the fakes: chunks held for approval, approve, pause,
cancel, the report and reminders."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.messaging.domain.channels import ChannelPrices
from services.messaging.domain.model import Suppression
from services.messaging.service_layer import batches, contacts
from services.messaging.service_layer.invitations import queue_invitations
from services.messaging.service_layer.reach import ChannelPreview
from shared.auth.principal import ADMIN, STAFF, Principal
from shared.errors import Conflict, NotFound, NotYetKnown
from shared.events.commands import InvitationsRequested
from shared.languages import UNKNOWN
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import PRACTICE, a_contact, a_trial

STAFF_AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE}))
ELSEWHERE = Principal(uuid.uuid4(), "Kim", STAFF, frozenset({"Y00001"}))
AN_ADMIN = Principal(uuid.uuid4(), "Ada", ADMIN)
STATUS = "messaging.message.status_changed"


def chunk(
    trial: uuid.UUID, batch: uuid.UUID, people: list[uuid.UUID], chunks: int = 1
) -> InvitationsRequested:
    return InvitationsRequested(batch, trial, PRACTICE, 0, chunks, tuple(people))


def statuses(uow: FakeMessagingUnitOfWork, batch: uuid.UUID) -> list[str]:
    return sorted(m.status for m in uow.store.messages.values() if m.batch_id == batch)


def a_batch(uow: FakeMessagingUnitOfWork, languages: tuple[str, ...] = ("en", "en")) -> uuid.UUID:
    trial, batch = a_trial(uow), uuid.uuid4()
    people = [a_contact(uow, language).participant_id for language in languages]
    queue_invitations(uow, chunk(trial, batch, people))
    return batch


def test_a_chunk_is_held_for_approval_in_each_persons_language(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial, batch = a_trial(uow), uuid.uuid4()
    english, urdu = a_contact(uow, "en"), a_contact(uow, "ur")
    people = [english.participant_id, urdu.participant_id]

    assert queue_invitations(uow, chunk(trial, batch, people)) == 2

    held = {m.participant_id: m for m in uow.store.messages.values()}
    assert {m.status for m in held.values()} == {"held"}
    assert (held[english.participant_id].language, held[urdu.participant_id].language) == (
        "en",
        "ur",
    )
    assert "The HEART study" in held[english.participant_id].body
    assert uow.commits == 1


def test_a_patient_whose_language_the_list_did_not_say_is_invited_in_english(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial, batch = a_trial(uow), uuid.uuid4()
    english, unknown = a_contact(uow, "en"), a_contact(uow, UNKNOWN)

    queue_invitations(uow, chunk(trial, batch, [english.participant_id, unknown.participant_id]))

    held = {m.participant_id: m for m in uow.store.messages.values()}
    assert held[unknown.participant_id].language == "en"
    assert held[unknown.participant_id].body == held[english.participant_id].body


def test_a_chunk_for_an_unknown_trial_or_person_waits_for_the_bus_to_retry(
    uow: FakeMessagingUnitOfWork,
) -> None:
    with pytest.raises(NotYetKnown):
        queue_invitations(uow, chunk(uuid.uuid4(), uuid.uuid4(), []))
    with pytest.raises(NotYetKnown):
        queue_invitations(uow, chunk(a_trial(uow), uuid.uuid4(), [uuid.uuid4()]))
    assert uow.commits == 0


def test_erased_people_get_nothing_and_stopped_numbers_are_suppressed(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial, batch = a_trial(uow), uuid.uuid4()
    erased, stopped, fine = a_contact(uow), a_contact(uow), a_contact(uow)
    contacts.erase_contact(uow, erased.participant_id)
    assert stopped.mobile
    uow.suppressions.add(Suppression(stopped.mobile, "replied STOP"))

    people = [erased.participant_id, stopped.participant_id, fine.participant_id]
    assert queue_invitations(uow, chunk(trial, batch, people)) == 2

    assert statuses(uow, batch) == ["held", "suppressed"]
    assert [e["status"] for e in uow.published(STATUS)] == ["suppressed"]


def test_approve_queues_the_held_texts_pause_holds_them_resume_queues_them(
    uow: FakeMessagingUnitOfWork,
) -> None:
    batch = a_batch(uow)
    send_at = datetime.now(UTC) + timedelta(hours=1)

    batches.approve(uow, STAFF_AT_PRACTICE, batch, send_at=send_at, allow_unreviewed=False)
    assert statuses(uow, batch) == ["queued", "queued"]
    assert {m.not_before for m in uow.store.messages.values()} == {send_at}

    assert batches.pause(uow, STAFF_AT_PRACTICE, batch).status == "paused"
    assert statuses(uow, batch) == ["held", "held"]
    batches.resume(uow, STAFF_AT_PRACTICE, batch)
    assert statuses(uow, batch) == ["queued", "queued"]


def test_unreviewed_translations_need_an_admin(uow: FakeMessagingUnitOfWork) -> None:
    batch = a_batch(uow, ("en", "ur"))

    with pytest.raises(Conflict):
        batches.approve(uow, STAFF_AT_PRACTICE, batch, send_at=None, allow_unreviewed=False)
    approved = batches.approve(uow, AN_ADMIN, batch, send_at=None, allow_unreviewed=True)

    assert approved.status == "approved" and statuses(uow, batch) == ["queued", "queued"]


def test_another_practices_batch_is_not_found(uow: FakeMessagingUnitOfWork) -> None:
    batch = a_batch(uow)

    with pytest.raises(NotFound):
        batches.report(uow, ELSEWHERE, batch)


MOVES = {
    "preview": lambda uow, who, batch: batches.preview(
        uow, who, batch, batches.Pricing(0.04, "GBP")
    ),
    "approve": lambda uow, who, batch: batches.approve(
        uow, who, batch, send_at=None, allow_unreviewed=False
    ),
    "pause": batches.pause,
    "resume": batches.resume,
    "cancel": batches.cancel,
}


@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
def test_staff_of_another_practice_cannot_touch_a_batch_as_if_it_were_absent(
    uow: FakeMessagingUnitOfWork, move: Any
) -> None:
    batch = a_batch(uow)

    with pytest.raises(NotFound) as theirs:
        move(uow, ELSEWHERE, batch)
    absent = uuid.uuid4()
    with pytest.raises(NotFound) as missing:
        move(uow, STAFF_AT_PRACTICE, absent)

    assert str(theirs.value) == str(missing.value).replace(str(absent), str(batch))
    assert statuses(uow, batch) == ["held", "held"] and uow.commits == 1


def test_cancel_stops_what_was_not_sent_and_returns_those_people(
    uow: FakeMessagingUnitOfWork,
) -> None:
    batch = a_batch(uow, ("en", "en", "en"))
    batches.approve(uow, STAFF_AT_PRACTICE, batch, send_at=None, allow_unreviewed=False)
    sent = next(iter(uow.store.messages.values()))
    sent.status = "sent"

    batches.cancel(uow, STAFF_AT_PRACTICE, batch)

    assert statuses(uow, batch) == ["cancelled", "cancelled", "sent"]
    [returned] = uow.published("messaging.batch.cancelled")
    assert str(sent.participant_id) not in returned["participant_ids"]
    assert len(returned["participant_ids"]) == 2


def test_a_chunk_after_cancelling_is_cancelled_too(uow: FakeMessagingUnitOfWork) -> None:
    trial, batch = a_trial(uow), uuid.uuid4()
    first, late = a_contact(uow), a_contact(uow)
    queue_invitations(uow, chunk(trial, batch, [first.participant_id], chunks=2))
    batches.cancel(uow, STAFF_AT_PRACTICE, batch)

    queue_invitations(uow, chunk(trial, batch, [late.participant_id], chunks=2))

    assert statuses(uow, batch) == ["cancelled", "cancelled"]
    cancelled = uow.published("messaging.batch.cancelled")
    assert [c["participant_ids"] for c in cancelled] == [
        [str(first.participant_id)],
        [str(late.participant_id)],
    ]


def test_the_report_counts_stages_failures_and_replies(uow: FakeMessagingUnitOfWork) -> None:
    batch = a_batch(uow, ("en", "en", "en"))
    batches.approve(uow, STAFF_AT_PRACTICE, batch, send_at=None, allow_unreviewed=False)
    delivered, failed, _ = uow.store.messages.values()
    delivered.status = "delivered"
    failed.status, failed.error = "failed", "provider error 30003"

    report = batches.report(uow, STAFF_AT_PRACTICE, batch)

    assert report.invitations["delivered"] == 1 and report.invitations["queued"] == 1
    assert report.failed_by_reason == {"provider error 30003": 1}
    assert report.progress == round(2 / 3, 4)


def test_the_report_shows_reach_by_channel_as_the_funnel_counts_it(
    uow: FakeMessagingUnitOfWork,
) -> None:
    batch = a_batch(uow, ("en",) * 7)
    batches.approve(uow, STAFF_AT_PRACTICE, batch, send_at=None, allow_unreviewed=False)
    texted, answered_call, unanswered_call, posted, printed, held, failed = (
        uow.store.messages.values()
    )
    texted.status = "delivered"
    answered_call.channel, answered_call.status = "voice", "completed"
    unanswered_call.channel, unanswered_call.status = "voice", "no-answer"
    for letter, status in ((posted, "sent"), (printed, "accepted"), (held, "held")):
        letter.channel, letter.status = "letter", status
    failed.status = "failed"

    by_channel = batches.report(uow, STAFF_AT_PRACTICE, batch).by_channel

    picked = ("messages", "reached", "delivered", "waiting", "failed")
    assert {c: tuple(r[k] for k in picked) for c, r in by_channel.items()} == {
        "sms": (2, 1, 1, 0, 1),
        "voice": (2, 2, 1, 0, 0),  # both calls placed, one answered
        "letter": (3, 1, 1, 2, 0),  # posted counts; printed and held letters wait
    }


def test_the_preview_prices_each_text_at_its_channels_price(uow: FakeMessagingUnitOfWork) -> None:
    batch = a_batch(uow, ("en", "en"))
    _, on_whatsapp = uow.store.messages.values()
    on_whatsapp.channel = "whatsapp"
    prices = ChannelPrices(sms_per_part=0.04, whatsapp=0.03)

    found = batches.preview(uow, STAFF_AT_PRACTICE, batch, batches.Pricing(0.04, "GBP", prices))

    rows = {row.channel: row for row in found.languages}
    assert set(rows) == {"sms", "whatsapp"}  # the same words, one row per channel
    parts = rows["sms"].segments
    assert parts >= 1 and rows["sms"].encoding == "GSM-7"
    assert rows["sms"].cost == round(0.04 * parts, 4)
    # A WhatsApp message is not split into parts and costs its own price.
    assert (rows["whatsapp"].segments, rows["whatsapp"].encoding) == (0, "")
    assert rows["whatsapp"].cost == 0.03
    assert found.cost == round(0.04 * parts + 0.03, 4)
    assert found.channels == [
        ChannelPreview("sms", "en", count=1, segments=parts, cost=round(0.04 * parts, 4)),
        ChannelPreview("whatsapp", "en", count=1, segments=0, cost=0.03),
    ]
    assert (found.recipients, found.segments) == (2, parts)


def test_reminders_go_once_after_the_trials_days_to_who_has_not_answered(
    uow: FakeMessagingUnitOfWork,
) -> None:
    batch = a_batch(uow, ("en", "en"))
    batches.approve(uow, STAFF_AT_PRACTICE, batch, send_at=None, allow_unreviewed=False)
    started = datetime.now(UTC) - timedelta(days=8)
    for message in uow.store.messages.values():
        message.status, message.attempt_started_at = "delivered", started

    assert batches.queue_reminders(uow, at=started + timedelta(days=6)) == 0
    assert batches.queue_reminders(uow) == 2
    assert batches.queue_reminders(uow) == 0

    assert statuses(uow, batch).count("queued") == 2
