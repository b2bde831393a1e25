"""The consent page's identity check and staff's views through the fakes: date of birth,
one-time codes, lockouts lifted by the practice, new links, records, counts and exports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

import pytest

from services.consent.domain import lifecycle, links
from services.consent.domain.filters import RecordFilter
from services.consent.service_layer import identity, page, queries, records
from services.consent.service_layer.page import Locked, NotConfirmed
from shared.auth.principal import STAFF, Principal
from shared.errors import Forbidden, InvalidTransition, NotFound
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import (
    BORN,
    DOB_KEY,
    PRACTICE,
    a_trial,
    coordinator_of,
    registered,
    status,
    token,
)

KEY = DOB_KEY
STAFF_AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE}))
ELSEWHERE = Principal(uuid.uuid4(), "Kim", STAFF, frozenset({"Y00001"}))


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def with_a_link(uow: FakeConsentUnitOfWork, trial: uuid.UUID, language: str = "en") -> uuid.UUID:
    participant = registered(uow, language)
    records.record_invitations(uow, trial, [participant], practice_ods=PRACTICE)
    records.record_reply(uow, participant, trial, "yes")
    return participant


def test_the_right_date_of_birth_opens_the_page_and_five_wrong_ones_lock_it(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    participant = with_a_link(uow, trial)
    link = token(uow, participant, trial)

    assert not page.check_dob(uow, link, BORN, KEY).needs_code
    for _ in range(links.MAX_DOB_FAILURES - 1):
        with pytest.raises(NotConfirmed):
            page.check_dob(uow, link, date(1971, 1, 1), KEY)
    with pytest.raises(Locked):
        page.check_dob(uow, link, date(1971, 1, 1), KEY)
    with pytest.raises(Locked):
        page.check_dob(uow, link, BORN, KEY)  # locked: even the right answer waits

    assert identity.lift_lock(uow, STAFF_AT_PRACTICE, participant, trial)
    assert not page.check_dob(uow, link, BORN, KEY).needs_code
    record = uow.records.record(participant, trial)
    assert record is not None
    actions = [e.action for e in uow.audit.history(record.id)]
    assert "identity_locked" in actions and "identity_lock_lifted" in actions


def test_a_trial_that_asks_for_a_code_texts_one_and_checks_it(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    identity.set_identity_check(uow, coordinator_of(trial), trial, links.DOB_AND_CODE)
    participant = with_a_link(uow, trial)
    link = token(uow, participant, trial)

    assert page.check_dob(uow, link, BORN, KEY).needs_code
    [texted] = [n for n in uow.published("consent.notification.requested") if "code" in n]
    with pytest.raises(NotConfirmed):
        page.check_code(uow, link, "000000" if texted["code"] != "000000" else "111111")

    assert page.check_code(uow, link, f" {texted['code']} ") is not None
    assert "spoken" not in texted and page.code_route(uow, link) == links.BY_TEXT


@pytest.mark.parametrize(
    ("invited_on", "route"),
    [
        (("voice",), links.BY_CALL),  # may not read: the code is said in a call
        (("sms", "voice"), links.BY_TEXT),  # a cascade that texted first: texted
        (("whatsapp",), links.BY_TEXT),
    ],
)
def test_the_code_goes_the_way_the_invitation_did(
    uow: FakeConsentUnitOfWork, invited_on: tuple[str, ...], route: str
) -> None:
    trial = a_trial(uow)
    identity.set_identity_check(uow, coordinator_of(trial), trial, links.DOB_AND_CODE)
    participant = with_a_link(uow, trial)
    for channel in invited_on:
        uow.reporting.note_contact(trial, participant, channel, True, datetime.now(UTC))
    link = token(uow, participant, trial)

    assert page.check_dob(uow, link, BORN, KEY).needs_code

    [sent] = [n for n in uow.published("consent.notification.requested") if "code" in n]
    assert sent.get("spoken", False) is (route == links.BY_CALL)
    assert page.code_route(uow, link) == route
    assert page.check_code(uow, link, sent["code"]) is not None


def test_a_letters_code_is_printed_whatever_the_invitation() -> None:
    assert links.code_route(True, {"voice"}) == links.BY_LETTER
    assert links.code_route(False, set()) == links.BY_TEXT


def test_another_practice_sees_no_patient_and_a_new_link_replaces_the_old(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    participant = with_a_link(uow, trial)
    old = token(uow, participant, trial)

    with pytest.raises(NotFound):
        identity.consent_of(uow, ELSEWHERE, participant)
    identity.new_link(uow, STAFF_AT_PRACTICE, participant, trial, "phone lost")

    [mine] = identity.consent_of(uow, STAFF_AT_PRACTICE, participant)
    assert mine.status == lifecycle.LINK_SENT and mine.link_live
    assert token(uow, participant, trial) != old


def test_no_new_link_for_a_record_that_has_no_page(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    participant = registered(uow)
    records.record_invitations(uow, trial, [participant], practice_ods=PRACTICE)
    records.record_reply(uow, participant, trial, "no")

    with pytest.raises(InvalidTransition):
        identity.new_link(uow, STAFF_AT_PRACTICE, participant, trial)
    assert status(uow, participant, trial) == lifecycle.DECLINED


def test_a_form_not_in_the_patients_language_asks_for_a_call(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    participant = with_a_link(uow, trial, language="pa")

    page.request_callback(uow, token(uow, participant, trial), "pa")

    [asked] = uow.published("consent.callback.requested")
    assert asked["language"] == "pa" and asked["form_languages"] == ["en", "ur"]


def test_records_counts_and_exports_for_the_trials_coordinator(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    coordinator = coordinator_of(trial)
    urdu = with_a_link(uow, trial, language="ur")
    english = registered(uow)
    records.record_invitations(uow, trial, [english], practice_ods=PRACTICE)

    listed = queries.list_records(uow, coordinator, trial, RecordFilter(language="ur"), None, 10)
    view = queries.get_record(uow, coordinator, trial, listed[0].study_number or "")
    summary = queries.summary(uow, coordinator, trial)
    exported = list(
        csv.DictReader(
            io.StringIO(
                "".join(queries.export_csv(lambda: uow, coordinator, trial, RecordFilter()))
            )
        )
    )

    assert [r.participant_id for r in listed] == [urdu]
    assert view.chain_broken_at is None and [e.to_status for e in view.history][-1] == "link_sent"
    assert (summary.counts["invited"], summary.counts["link_sent"]) == (1, 1)
    assert (summary.trial_id, summary.total) == (trial, 2)
    assert [(row["status"], row["language"]) for row in exported] == [
        ("link_sent", "ur"),
        ("invited", "en"),
    ]
    with pytest.raises(Forbidden):
        queries.summary(uow, coordinator_of(uuid.uuid4()), trial)
