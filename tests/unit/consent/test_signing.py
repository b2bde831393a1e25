"""Signing and the signed copy's use cases on simple fakes: what the trial asks for, what is
kept, which copy each of the patient, the copy link and the research team gets."""

from __future__ import annotations

import uuid

import pytest

from services.consent.domain.lifecycle import (
    CONSENTED,
    LINK_SENT,
    ConsentRecord,
)
from services.consent.domain.links import ConsentLink
from services.consent.domain.responses import AGREED, ConsentResponse, answer
from services.consent.domain.signatures import (
    DRAWN,
    DRAWN_OR_TYPED,
    NONE,
    TYPED,
)
from services.consent.service_layer import signed_copy, signing
from services.consent.service_layer.page import LinkNotUsable
from services.consent.service_layer.signing import SignatureGiven
from shared.auth.principal import Principal
from shared.errors import Forbidden, InvalidInput, NotFound
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import a_record_at, a_trial

DRAWING = "M10 100 L40 60 L70 140 L100 60 L130 140 L160 80 L190 120 L220 90"


def a_setting(mode: str) -> tuple[FakeConsentUnitOfWork, ConsentRecord, ConsentResponse]:
    """A trial asking for `mode`, its form published, and a patient's agreement to it."""
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow)
    uow.signatures.set_mode(trial, mode)
    record = a_record_at(uow, trial, LINK_SENT, "DEMO-000001")
    form = uow.forms.form(trial, 1)
    assert form is not None
    ticked = {item.key for item in form.items if item.mandatory}
    response = answer(form, record.id, record.participant_id, "en", AGREED, ticked)
    return uow, record, response


def consent_with(
    uow: FakeConsentUnitOfWork,
    record: ConsentRecord,
    response: ConsentResponse,
    given: SignatureGiven | None,
) -> str:
    """What page.respond does on agreeing: sign, seal the hash into the entry, keep both."""
    signature = signing.signature_for(uow, record, response, given)
    uow.responses.add(response)
    uow.audit.add(
        record.move_to(
            CONSENTED,
            actor="participant",
            channel="web",
            form_version=response.form_version,
            signature_hash=signature.sha256 if signature else None,
        )
    )
    return signing.keep(uow, response, signature)


def test_a_trial_asking_for_no_signature_signs_nothing() -> None:
    uow, record, response = a_setting(NONE)

    assert signing.signature_for(uow, record, response, SignatureGiven()) is None


def test_without_javascript_the_typed_name_is_taken_where_the_trial_allows_it() -> None:
    uow, record, response = a_setting(DRAWN_OR_TYPED)
    given = SignatureGiven(kind="", typed_name="Amina Begum", confirmed=True)

    signature = signing.signature_for(uow, record, response, given)

    assert signature is not None and signature.kind == TYPED
    assert signature.response_id == response.id and signature.verifies()


def test_a_drawn_only_trial_refuses_a_typed_name_naming_the_field() -> None:
    uow, record, response = a_setting(DRAWN)

    typed = SignatureGiven(typed_name="A B", confirmed=True)
    with pytest.raises(InvalidInput) as refused:
        signing.signature_for(uow, record, response, typed)
    assert refused.value.errors[0].field == "signature"


def test_keeping_a_signature_makes_a_copy_link_for_the_confirming_text() -> None:
    uow, record, response = a_setting(DRAWN_OR_TYPED)

    url = consent_with(uow, record, response, SignatureGiven(kind=DRAWN, drawing=DRAWING))

    assert url is not None and url.startswith(f"{uow.links.base_url}/copy/")
    copy = signed_copy.for_copy_link(uow, url.rsplit("/", 1)[1])
    assert copy.signature is not None and copy.signature.drawing == DRAWING
    assert copy.entry.signature_hash == copy.signature.sha256
    assert copy.form.content_hash == response.form_hash and copy.language == "en"


def test_without_a_signature_the_confirming_text_still_links_to_the_copy_of_the_answers() -> None:
    uow, record, response = a_setting(NONE)

    url = consent_with(uow, record, response, None)

    copy = signed_copy.for_copy_link(uow, url.rsplit("/", 1)[1])
    assert copy.signature is None and copy.response.id == response.id
    assert [c.signature_id for c in uow.store.copy_links.values()] == [None]


def test_a_link_made_after_the_countersignature_opens_the_latest_signed_copy() -> None:
    uow, record, response = a_setting(TYPED)
    first = consent_with(uow, record, response, SignatureGiven(typed_name="A B", confirmed=True))

    later = signing.link_to_latest_copy(uow, record)

    assert later is not None and later != first
    copy = signed_copy.for_copy_link(uow, later.rsplit("/", 1)[1])
    assert copy.signature is not None and copy.signature.typed_name == "A B"


def test_a_newer_agreement_closes_the_older_copy_link() -> None:
    uow, record, response = a_setting(NONE)
    older = consent_with(uow, record, response, None)
    form = uow.forms.form(record.trial_id, 1)
    assert form is not None
    ticked = {item.key for item in form.items if item.mandatory}
    again = answer(form, record.id, record.participant_id, "en", AGREED, ticked)
    uow.responses.add(again)

    with pytest.raises(LinkNotUsable):
        signed_copy.for_copy_link(uow, older.rsplit("/", 1)[1])
    newer = signing.link_to_latest_copy(uow, record)
    assert newer is not None
    assert signed_copy.for_copy_link(uow, newer.rsplit("/", 1)[1]).response.id == again.id


def test_a_consent_link_token_does_not_open_a_copy() -> None:
    uow, record, response = a_setting(DRAWN_OR_TYPED)
    url = consent_with(uow, record, response, SignatureGiven(kind=DRAWN, drawing=DRAWING))
    assert url is not None
    copy_id = uow.links.signer.link_id(url.rsplit("/", 1)[1], b"copy")
    assert copy_id is not None

    with pytest.raises(LinkNotUsable):
        signed_copy.for_copy_link(uow, uow.links.signer.token(copy_id))


def test_the_research_team_gets_the_copy_of_their_own_trials_only() -> None:
    uow, record, response = a_setting(TYPED)
    consent_with(uow, record, response, SignatureGiven(typed_name="Amina Begum", confirmed=True))
    mine = Principal(
        uuid.uuid4(), "coordinator", "coordinator", trials=frozenset({record.trial_id})
    )
    other = Principal(uuid.uuid4(), "coordinator", "coordinator", trials=frozenset({uuid.uuid4()}))

    copy = signed_copy.for_team(uow, mine, record.trial_id, "DEMO-000001")
    assert copy.signature is not None and copy.signature.typed_name == "Amina Begum"
    with pytest.raises(Forbidden):
        signed_copy.for_team(uow, other, record.trial_id, "DEMO-000001")
    with pytest.raises(NotFound):
        signed_copy.for_team(uow, mine, record.trial_id, "DEMO-000002")


def test_no_copy_before_consent() -> None:
    uow, record, _ = a_setting(TYPED)
    mine = Principal(
        uuid.uuid4(), "coordinator", "coordinator", trials=frozenset({record.trial_id})
    )

    with pytest.raises(signed_copy.NoCopy):
        signed_copy.for_team(uow, mine, record.trial_id, "DEMO-000001")


def test_an_admin_sets_a_known_trials_signature_and_nothing_else() -> None:
    uow, record, _ = a_setting(NONE)
    admin = Principal(uuid.uuid4(), "admin", "admin")

    signing.set_mode(uow, admin, record.trial_id, DRAWN)
    assert uow.signatures.mode(record.trial_id) == DRAWN
    with pytest.raises(InvalidInput):
        signing.set_mode(uow, admin, record.trial_id, "fingerprint")
    with pytest.raises(NotFound):
        signing.set_mode(uow, admin, uuid.uuid4(), DRAWN)


def test_the_patients_own_page_shows_their_copy_while_the_link_lives() -> None:
    uow, record, response = a_setting(TYPED)
    consent_with(uow, record, response, SignatureGiven(typed_name="Amina Begum", confirmed=True))
    link = ConsentLink(record.participant_id, record.trial_id)
    uow.consent_links.add(link)
    token = uow.links.signer.token(link.id)

    copy = signed_copy.for_patient(uow, token)

    assert copy.signature is not None and copy.signature.typed_name == "Amina Begum"
    assert copy.entry.signature_hash == copy.signature.sha256
    link.revoked_at = link.created_at
    with pytest.raises(LinkNotUsable):
        signed_copy.for_patient(uow, token)
