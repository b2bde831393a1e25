"""A letter's link: its short reference, its printed one-time code, and how consent makes it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.consent.domain import lifecycle, links
from services.consent.domain.letter_links import id_range, new_link_id, short_ref
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink, LinkSigner
from services.consent.service_layer import letters
from services.consent.service_layer.records import RecordNotYetKnown
from services.consent.service_layer.unit_of_work import LinkMaker
from shared.events.commands import LetterRequested
from tests.support.fakes.consent import FakeConsentUnitOfWork

SIGNER = LinkSigner("a test key of at least sixteen characters")


@given(st.binary(min_size=16, max_size=16))
def test_a_short_reference_finds_its_own_link_id(raw: bytes) -> None:
    link_id = uuid.UUID(bytes=raw)
    ref = short_ref(link_id)
    assert len(ref) == 14 and ref.count("-") == 2
    found = id_range(ref.lower().replace("-", " "))
    assert found is not None
    low, high = found
    assert low.bytes <= link_id.bytes <= high.bytes


def test_references_are_read_forgivingly_and_nonsense_is_none() -> None:
    ref = short_ref(new_link_id())
    assert id_range(ref.replace("0", "O").replace("1", "I")) == id_range(ref)
    assert id_range("ABCD-EFGH") is None
    assert id_range("ABCD-EFGH-JKMU") is None  # U is not in Crockford's alphabet


def test_a_printed_code_lasts_as_long_as_the_link_and_works_once() -> None:
    link = ConsentLink(uuid.uuid4(), uuid.uuid4())
    link.start_letter_code(SIGNER.code_hash(link.id, "482913"))
    assert link.has_printed_code
    later = datetime.now(UTC) + timedelta(days=20)
    assert link.check_code(SIGNER.code_hash(link.id, "000000"), later) == links.WRONG
    assert link.check_code(SIGNER.code_hash(link.id, "482913"), later) == links.PASSED
    assert not link.has_printed_code
    assert link.check_code(SIGNER.code_hash(link.id, "482913"), later) == links.WRONG


def test_a_texted_code_is_not_a_printed_one() -> None:
    link = ConsentLink(uuid.uuid4(), uuid.uuid4())
    link.start_code(SIGNER.code_hash(link.id, "123456"), datetime.now(UTC))
    assert not link.has_printed_code


def a_world(status: str | None) -> tuple[Any, Any]:
    uow: Any = FakeConsentUnitOfWork(links=LinkMaker(SIGNER, "https://consent.example"))
    record = None
    if status is not None:
        record = ConsentRecord(uuid.uuid4(), uuid.uuid4(), "M85001")
        record.status = status
        uow.records.add(record)
    return uow, record


def test_consent_answers_a_letter_request_with_a_link_a_short_link_and_a_code() -> None:
    uow, record = a_world(lifecycle.INVITED)
    message_id = uuid.uuid4()
    ask = LetterRequested(message_id, record.participant_id, record.trial_id)
    link = letters.issue_letter_link(uow, ask)
    assert link is not None and link.has_printed_code
    (answer,) = uow.published("consent.notification.requested")
    assert answer["kind"] == "letter_link"
    assert answer["message_id"] == str(message_id)
    assert answer["link"] == uow.links.url(link.id)
    assert answer["short_link"].endswith("/l/" + short_ref(link.id))
    code_hash = SIGNER.code_hash(link.id, answer["code"])
    assert link.check_code(code_hash, datetime.now(UTC)) == links.PASSED


def test_no_link_for_a_record_that_has_moved_on() -> None:
    uow, record = a_world(lifecycle.OPTED_OUT)
    ask = LetterRequested(uuid.uuid4(), record.participant_id, record.trial_id)
    assert letters.issue_letter_link(uow, ask) is None
    (answer,) = uow.published("consent.notification.requested")
    assert answer["link"] is None and "code" not in answer


def test_a_letter_request_before_its_record_raises_so_the_bus_retries() -> None:
    uow, _ = a_world(None)
    ask = LetterRequested(uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    with pytest.raises(RecordNotYetKnown):
        letters.issue_letter_link(uow, ask)
