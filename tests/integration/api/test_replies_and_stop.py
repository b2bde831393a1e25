"""A STOP belongs to the number; replies belong to the conversation; the review inbox with
its context; consent link tokens never shown. Through messaging's HTTP API on PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from services.consent.domain.links import LinkSigner
from services.messaging.adapters.orm import messages, opt_in_requests, suppressions
from services.messaging.service_layer import batches, contacts, notifications, sending
from shared.events.commands import NotificationRequested
from tests.integration.api.conftest import (
    ODS_A,
    ODS_B,
    SEED,
    Service,
    World,
    messaging_batch,
    mobile,
    save_contact,
)
from tests.integration.api.test_messaging_batches import call, texts_to
from tests.integration.api.test_webhooks import text_from
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.integration


def send_all(service: Service, provider: FakeProvider | None = None) -> FakeProvider:
    provider = provider or FakeProvider()
    for job in sending.claim(service.uow(), 500):
        sending.send(service.uow(), provider, job, lambda m: f"http://cb/{m}", 3600)
    return provider


def invite(world: World, participant_id: uuid.UUID, practice: str) -> None:
    batch_id = messaging_batch(world.service, world.trial_x, participant_id, practice=practice)
    batches.approve(world.service.uow(), SEED, batch_id, send_at=None, allow_unreviewed=True)
    send_all(world.service)


def a_patient(world: World, practice: str, number: str, language: str = "en") -> uuid.UUID:
    participant_id = uuid.uuid4()
    save_contact(world.service, participant_id, practice, number, language)
    return participant_id


def stopped(service: Service, number: str) -> Any:
    with service.runtime.engine.connect() as conn:
        return conn.execute(select(suppressions).where(suppressions.c.mobile == number)).first()


def inbox(world: World, caller: str, **query: str) -> list[dict[str, Any]]:
    response = world.service.client().get(
        "/replies/unclear", query_string=query, headers=world.headers(caller)
    )
    assert response.status_code == 200
    return list(response.get_json())


def events(service: Service, kind: str, participant_id: uuid.UUID) -> list[Any]:
    return [
        e for e in service.outbox() if e.type == kind and e.data["participant_id"] == participant_id
    ]


# Item 9: a STOP belongs to the number


def test_staff_cannot_lift_another_practices_stop_with_a_decoy_patient(
    messaging_world: World,
) -> None:
    """The attack as found: staff of practice A register a decoy with practice B's patient's
    mobile, invite it, and ask to resubscribe the decoy."""
    service = messaging_world.service
    number = mobile()
    patient_b = a_patient(messaging_world, ODS_B, number)
    invite(messaging_world, patient_b, ODS_B)
    text_from(service, number, "STOP")
    assert stopped(service, number).practice_ods == ODS_B

    decoy = a_patient(messaging_world, ODS_A, number)
    invite(messaging_world, decoy, ODS_A)
    [decoy_invitation] = [t for t in texts_to(service, number) if t.participant_id == decoy]
    assert decoy_invitation.status == "suppressed"
    texts_before = len(texts_to(service, number))

    response = call(messaging_world, "staff_a", "POST", f"/participants/{decoy}/resubscribe", {})

    assert response.status_code == 403
    assert "START" in response.get_json()["detail"]
    assert stopped(service, number), "the number stays on the STOP list"
    assert events(service, "messaging.participant.opted_in", patient_b) == []
    assert len(texts_to(service, number)) == texts_before, "nothing is texted to the number"

    # The patient's next text stays in practice B's conversation, flagged as opted out.
    text_from(service, number, "please call me about my heart condition")
    assert all(
        r["body"] != "please call me about my heart condition"
        for r in inbox(messaging_world, "staff_a")
    )
    [reply] = [
        r
        for r in inbox(messaging_world, "staff_b")
        if r["body"] == "please call me about my heart condition"
    ]
    assert reply["participant_id"] == str(patient_b) and reply["number_opted_out"] is True
    assert not [t for t in texts_to(service, number) if t.kind == "unclear_ack"], "STOP wins"


def test_a_patient_newly_known_with_a_stopped_number_is_opted_out_too(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    first = a_patient(messaging_world, ODS_B, number)
    invite(messaging_world, first, ODS_B)
    text_from(service, number, "STOP")
    second = a_patient(messaging_world, ODS_A, number)
    [event] = events(service, "messaging.participant.opted_out", second)
    assert event.data["source"] == "stop_list"


def test_a_number_shared_by_two_practices_cannot_be_asked_about_by_either(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    own = a_patient(messaging_world, ODS_A, number)
    invite(messaging_world, own, ODS_A)
    text_from(service, number, "STOP")
    a_patient(messaging_world, ODS_B, number)
    response = call(messaging_world, "staff_a", "POST", f"/participants/{own}/resubscribe", {})
    assert response.status_code == 403
    assert stopped(service, number)


def test_the_confirmation_goes_to_the_stopped_number_once_and_only_start_lifts_it(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    own = a_patient(messaging_world, ODS_A, number, "ur")
    invite(messaging_world, own, ODS_A)
    text_from(service, number, "STOP")
    path = f"/participants/{own}/resubscribe"
    first = call(messaging_world, "staff_a", "POST", path, {"note": "asked on the phone"})
    assert first.status_code == 200 and first.get_json()["confirmation_requested"] is True
    again = call(messaging_world, "staff_a", "POST", path, {})
    assert again.status_code == 409, "one confirmation text a week"

    provider = send_all(service)
    [_stop_ack, check] = provider.sends_to(number)
    assert "START" in check.body and "پیغامات" in check.body  # in Urdu
    with service.runtime.engine.connect() as conn:
        [audit] = conn.execute(select(opt_in_requests).where(opt_in_requests.c.mobile == number))
    assert (audit.practice_ods, audit.note, audit.confirmed_at) == (
        ODS_A,
        "asked on the phone",
        None,
    )
    assert stopped(service, number), "asking is not lifting"

    text_from(service, number, "yes")
    assert stopped(service, number), "a plain YES never re-subscribes"
    text_from(service, number, "START")
    assert not stopped(service, number)
    with service.runtime.engine.connect() as conn:
        [audit] = conn.execute(select(opt_in_requests).where(opt_in_requests.c.mobile == number))
    assert audit.confirmed_at is not None


def test_staff_reading_a_reply_as_start_asks_the_number_rather_than_lifting_it(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    own = a_patient(messaging_world, ODS_A, number)
    invite(messaging_world, own, ODS_A)
    text_from(service, number, "STOP")
    text_from(service, number, "i want the texts back please")
    [reply] = [r for r in inbox(messaging_world, "staff_a") if r["participant_id"] == str(own)]
    response = call(
        messaging_world, "staff_a", "POST", f"/replies/{reply['id']}/intent", {"intent": "start"}
    )
    assert response.status_code == 200
    assert stopped(service, number)
    assert texts_to(service, number)[-1].kind == "opt_in_check"


def test_a_reply_goes_to_the_conversation_whose_text_reached_the_number(
    messaging_world: World,
) -> None:
    """Two practices' patients share a phone: the reply belongs to the last invitation that
    went out to it, whichever practice registered the number later."""
    service = messaging_world.service
    number = mobile()
    patient_b = a_patient(messaging_world, ODS_B, number)
    invite(messaging_world, patient_b, ODS_B)
    patient_a = a_patient(messaging_world, ODS_A, number)
    messaging_batch(service, messaging_world.trial_x, patient_a)  # held: never approved
    text_from(service, number, "not sure, maybe next month?")
    assert [
        r["participant_id"]
        for r in inbox(messaging_world, "staff_b")
        if r["body"] == "not sure, maybe next month?"
    ] == [str(patient_b)]
    assert not [
        r for r in inbox(messaging_world, "staff_a") if r["body"] == "not sure, maybe next month?"
    ]


@pytest.mark.parametrize("practices", [(ODS_A,), (ODS_A, ODS_B)])
def test_a_reply_to_a_number_no_practice_texted_reaches_no_practice_only_admins(
    messaging_world: World, practices: tuple[str, ...]
) -> None:
    service = messaging_world.service
    number = mobile()
    for practice in practices:
        a_patient(messaging_world, practice, number)
    text = f"hello who are you ({len(practices)})"
    text_from(service, number, text)
    for staff in ("staff_a", "staff_b"):
        assert not [r for r in inbox(messaging_world, staff) if r["body"] == text]
    [seen] = [r for r in inbox(messaging_world, "admin") if r["body"] == text]
    assert seen["participant_id"] is None and seen["practice_ods"] is None


# Item 14: consent link tokens are never shown, and not kept once sent


def test_a_consent_link_token_is_never_shown_and_is_masked_once_the_provider_has_it(
    messaging_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    service = messaging_world.service
    number = mobile()
    patient = a_patient(messaging_world, ODS_A, number)
    token = LinkSigner("a key for this test").token(uuid.uuid4())
    link = f"https://consent.example/c/{token}"
    notification = NotificationRequested(
        uuid.uuid4(), patient, messaging_world.trial_x, "consent_link", link
    )
    assert notifications.send_consent_notification(service.uow(), notification)
    path = f"/participants/{patient}/messages"

    queued = call(messaging_world, "staff_a", "GET", path)
    assert token not in queued.get_data(as_text=True), "not shown before sending"
    assert "https://consent.example/c/" in queued.get_json()[0]["body"]

    provider = send_all(service)
    [sent] = provider.sends_to(number)
    assert token in sent.body, "the patient's phone gets the live link"
    with service.runtime.engine.connect() as conn:
        [stored] = conn.execute(select(messages.c.body).where(messages.c.to == number))
    assert token not in stored.body and "https://consent.example/c/" in stored.body
    assert token not in call(messaging_world, "staff_a", "GET", path).get_data(as_text=True)
    assert token not in caplog.text


# Item 3: the review inbox with its context


def test_an_inbox_card_carries_the_conversation_and_the_trial(messaging_world: World) -> None:
    service = messaging_world.service
    number = mobile()
    patient = a_patient(messaging_world, ODS_A, number, "pl")
    invite(messaging_world, patient, ODS_A)
    text_from(service, number, "prosze zadzwonic, nie umiem czytac")
    [card] = [r for r in inbox(messaging_world, "staff_a") if r["participant_id"] == str(patient)]
    assert card["trial_id"] == str(messaging_world.trial_x) and card["trial_short_name"] == "T1"
    assert card["number_opted_out"] is False and card["clarification_sent"] is True
    kinds = [(t["direction"], t["kind"]) for t in card["conversation"]]
    assert kinds == [("out", "invitation"), ("in", "reply"), ("out", "unclear_ack")]
    assert card["conversation"][1]["body"] == "prosze zadzwonic, nie umiem czytac"
    assert "YES" in card["conversation"][2]["body"] and "CALL" in card["conversation"][2]["body"]
    assert [t["language"] for t in card["conversation"]] == ["pl", "pl", "pl"]


def test_an_unclear_reply_is_answered_once_per_conversation_in_the_patients_language(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    patient = a_patient(messaging_world, ODS_A, number, "ur")
    invite(messaging_world, patient, ODS_A)
    for text in ("kya?", "samajh nahi aaya", "CALL"):
        text_from(service, number, text)
    answers = [t for t in texts_to(service, number) if t.kind == "unclear_ack"]
    assert len(answers) == 1
    assert answers[0].language == "ur" and "CALL" in answers[0].body and "معذرت" in answers[0].body


def test_call_back_in_one_action_makes_a_callback_task_with_the_note(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number, other = mobile(), mobile()
    patient = a_patient(messaging_world, ODS_A, number)
    bystander = a_patient(messaging_world, ODS_A, other)
    for person in (patient, bystander):
        invite(messaging_world, person, ODS_A)
    text_from(service, number, "please call me, I cannot read well")
    text_from(service, other, "what is this about")
    [card] = [r for r in inbox(messaging_world, "staff_a") if r["participant_id"] == str(patient)]

    other_practice = call(
        messaging_world, "staff_b", "POST", f"/replies/{card['id']}/callback", {"note": "x"}
    )
    assert other_practice.status_code == 404
    made = call(
        messaging_world,
        "staff_a",
        "POST",
        f"/replies/{card['id']}/callback",
        {"note": "Needs an Urdu interpreter"},
    )
    assert made.status_code == 200, made.get_data(as_text=True)

    assert card["id"] not in {r["id"] for r in inbox(messaging_world, "staff_a")}
    tasks = call(messaging_world, "staff_a", "GET", "/callbacks").get_json()
    ids = {t["participant_id"] for t in tasks}
    assert str(patient) in ids and str(bystander) not in ids
    [task] = [t for t in tasks if t["participant_id"] == str(patient)]
    assert task["id"] == made.get_json()["callback_id"]
    assert task["sources"] == ["review_inbox"]
    assert task["request_note"] == "Needs an Urdu interpreter"
    again = call(messaging_world, "staff_a", "POST", f"/replies/{card['id']}/callback", {})
    assert again.status_code == 409


def test_a_patient_texting_call_gets_a_callback_task_not_an_inbox_card(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    patient = a_patient(messaging_world, ODS_A, number)
    invite(messaging_world, patient, ODS_A)
    text_from(service, number, "Call me")
    assert str(patient) not in {r["participant_id"] for r in inbox(messaging_world, "staff_a")}
    tasks = call(messaging_world, "staff_a", "GET", "/callbacks").get_json()
    [task] = [t for t in tasks if t["participant_id"] == str(patient)]
    assert task["sources"] == ["sms"] and task["state"] == "unassigned"


def test_the_conversation_never_shows_another_practices_texts_to_a_shared_number(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    patient_b = a_patient(messaging_world, ODS_B, number)
    invite(messaging_world, patient_b, ODS_B)
    text_from(service, number, "who is B?")
    patient_a = a_patient(messaging_world, ODS_A, number)
    invite(messaging_world, patient_a, ODS_A)
    text_from(service, number, "and who is A?")
    [card] = [r for r in inbox(messaging_world, "staff_a") if r["participant_id"] == str(patient_a)]
    assert "who is B?" not in {t["body"] for t in card["conversation"]}
    assert all(
        t["body"] != "who is B?"
        for r in inbox(messaging_world, "staff_a")
        for t in r["conversation"]
    )


def test_when_the_person_texted_was_erased_their_number_is_not_a_decoys(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    number = mobile()
    patient_b = a_patient(messaging_world, ODS_B, number)
    invite(messaging_world, patient_b, ODS_B)
    contacts.erase_contact(service.uow(), patient_b)
    a_patient(messaging_world, ODS_A, number)  # the decoy, never texted
    text_from(service, number, "is this about my heart?")
    assert not [
        r for r in inbox(messaging_world, "staff_a") if r["body"] == "is this about my heart?"
    ]


# Issue 15 item 7: declining gets the same courtesy as withdrawing


@pytest.mark.parametrize(
    ("language", "care"), [("en", "Your care does not change."), ("pl", "leczenie się nie zmieni")]
)
def test_a_no_is_thanked_told_no_more_contact_and_that_care_does_not_change(
    messaging_world: World, language: str, care: str
) -> None:
    service = messaging_world.service
    number = mobile()
    invite(messaging_world, a_patient(messaging_world, ODS_A, number, language), ODS_A)
    text_from(service, number, "NO" if language == "en" else "nie")
    [ack] = [t for t in texts_to(service, number) if t.kind == "no_ack"]
    assert ack.language == language and care in ack.body
    if language == "en":
        assert ack.body.startswith("Thank you") and "not contact you about this study" in ack.body
