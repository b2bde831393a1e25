"""Twilio's webhooks on PostgreSQL: signed or refused, stored once, statuses only forward,
and STOP wins until START."""

from __future__ import annotations

import io
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from services.messaging.adapters.orm import (
    inbound_messages,
    messages,
    status_events,
    suppressions,
)
from services.messaging.entrypoints.api.webhooks import EMPTY_TWIML
from services.messaging.service_layer import sending, statuses
from shared.http.problems import PROBLEM_JSON
from tests.integration.api.conftest import (
    ODS_A,
    Service,
    World,
    mobile,
    queue_invitations,
    save_contact,
    save_trial,
)
from tests.support.fake_provider import FakeProvider
from tests.support.settings import TWILIO_TOKEN

pytestmark = pytest.mark.integration
SERVICE_NUMBER = "+447700900000"
INBOUND = "/webhooks/twilio/inbound"


def sign(service: Service, path: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    url = service.settings.public_base_url + path
    return str(RequestValidator(token).compute_signature(url, params))


def post_signed(
    service: Service, path: str, params: dict[str, str], signature: str | None = "valid"
) -> TestResponse:
    headers = {}
    if signature == "valid":
        headers["X-Twilio-Signature"] = sign(service, path, params)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return service.client().post(path, data=params, headers=headers)


def a_provider() -> FakeProvider:
    """A fake provider whose message SIDs no other test in this database has used."""
    return FakeProvider()


@dataclass
class Patient:
    participant_id: uuid.UUID
    mobile: str
    trial_id: uuid.UUID


@pytest.fixture
def service(messaging_world: World) -> Service:
    return messaging_world.service


@pytest.fixture
def patient(service: Service) -> Patient:
    """Someone with their own phone, invited to a trial, the invitation handed to the provider."""
    invited = Patient(uuid.uuid4(), mobile(), uuid.uuid4())
    save_trial(service, invited.trial_id)
    save_contact(service, invited.participant_id, ODS_A, invited.mobile)
    assert queue_invitations(service, invited.trial_id, invited.participant_id) == 1
    send_queued(service, a_provider())
    return invited


def send_queued(service: Service, provider: FakeProvider) -> None:
    base = service.settings.public_base_url
    for job in sending.claim(service.uow(), 500):
        sending.send(
            service.uow(), provider, job, lambda mid: f"{base}/webhooks/twilio/status/{mid}", 3600
        )


def messages_to(service: Service, number: str) -> list[Any]:
    with service.runtime.engine.connect() as conn:
        query = select(messages).where(messages.c.to == number).order_by(messages.c.created_at)
        return list(conn.execute(query))


def status_events_of(service: Service, message_id: uuid.UUID) -> list[Any]:
    with service.runtime.engine.connect() as conn:
        query = (
            select(status_events)
            .where(status_events.c.message_id == message_id)
            .order_by(status_events.c.id)
        )
        return list(conn.execute(query))


def inbound_rows(service: Service, sid: str) -> list[Any]:
    with service.runtime.engine.connect() as conn:
        return list(
            conn.execute(select(inbound_messages).where(inbound_messages.c.provider_sid == sid))
        )


def is_suppressed(service: Service, number: str) -> bool:
    with service.runtime.engine.connect() as conn:
        query = select(func.count()).where(suppressions.c.mobile == number)
        return bool(conn.execute(query).scalar_one())


def events(service: Service, kind: str, participant_id: uuid.UUID) -> list[Any]:
    return [
        e
        for e in service.outbox()
        if e.type == kind and e.data.get("participant_id") == participant_id
    ]


def the_invitation(service: Service, patient: Patient) -> Any:
    [invitation] = [m for m in messages_to(service, patient.mobile) if m.kind == "invitation"]
    return invitation


def callback(service: Service, message: Any, status: str, **extra: str) -> TestResponse:
    params = {"MessageSid": message.provider_sid, "MessageStatus": status, **extra}
    return post_signed(service, f"/webhooks/twilio/status/{message.id}", params)


def apply_stored(service: Service) -> int:
    """What the sending worker's applier thread does, until nothing is waiting."""
    applied = 0
    while taken := statuses.apply_stored(service.uow(), limit=7):
        applied += taken
    return applied


def text_from(service: Service, number: str, body: str, sid: str | None = None) -> TestResponse:
    params = {
        "MessageSid": sid or f"SM{uuid.uuid4().hex}",
        "From": number,
        "To": SERVICE_NUMBER,
        "Body": body,
        "AccountSid": "AC" + "0" * 32,
        "NumMedia": "0",
    }
    return post_signed(service, INBOUND, params)


# Status callbacks


def test_a_signed_status_callback_is_stored_then_applied(
    service: Service, patient: Patient
) -> None:
    invitation = the_invitation(service, patient)
    assert invitation.status == "accepted" and invitation.provider_sid

    response = callback(service, invitation, "delivered")

    assert response.status_code == 204
    [stored] = status_events_of(service, invitation.id)
    assert (stored.status, stored.applied) == ("delivered", None), "stored, not yet applied"
    assert the_invitation(service, patient).status == "accepted"
    assert apply_stored(service) >= 1
    assert the_invitation(service, patient).status == "delivered"
    [stored] = status_events_of(service, invitation.id)
    assert (stored.status, stored.provider_sid, stored.applied) == (
        "delivered",
        invitation.provider_sid,
        True,
    )
    changed = events(service, "messaging.message.status_changed", patient.participant_id)
    assert [e.data["status"] for e in changed] == ["accepted", "delivered"]


def test_callbacks_out_of_order_leave_the_message_delivered(
    service: Service, patient: Patient
) -> None:
    invitation = the_invitation(service, patient)
    assert callback(service, invitation, "delivered").status_code == 204
    assert callback(service, invitation, "sent").status_code == 204
    assert callback(service, invitation, "queued").status_code == 204
    apply_stored(service)

    assert the_invitation(service, patient).status == "delivered"
    stored = status_events_of(service, invitation.id)
    assert [(s.status, s.applied) for s in stored] == [
        ("delivered", True),
        ("sent", False),
        ("queued", False),
    ]
    changed = events(service, "messaging.message.status_changed", patient.participant_id)
    assert [e.data["status"] for e in changed] == ["accepted", "delivered"]


def test_callbacks_arriving_together_are_all_stored_and_only_move_forward(
    service: Service,
) -> None:
    """Twilio sends callbacks in bursts: they are written in groups, one per process."""
    trial_id = uuid.uuid4()
    save_trial(service, trial_id)
    people = [(uuid.uuid4(), mobile()) for _ in range(10)]
    for participant_id, number in people:
        save_contact(service, participant_id, ODS_A, number)
    assert queue_invitations(service, trial_id, *(p for p, _ in people)) == len(people)
    send_queued(service, a_provider())
    sent = [m for _, number in people for m in messages_to(service, number)]
    arriving = [(m, s) for m in sent for s in ("queued", "sent", "delivered", "delivered")]
    random.Random(7).shuffle(arriving)

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda item: callback(service, *item).status_code, arriving))

    assert answers == [204] * len(arriving)
    # Two appliers at once, as two sending workers run them: neither takes the other's.
    with ThreadPoolExecutor(2) as pool:
        taken = sum(pool.map(lambda _: apply_stored(service), range(2)))
    assert taken >= len(arriving)
    for message in sent:
        assert messages_to(service, message.to)[0].status == "delivered"
        stored = status_events_of(service, message.id)
        assert sorted(s.status for s in stored) == ["delivered", "delivered", "queued", "sent"]
        changed = [
            e.data["status"]
            for e in events(service, "messaging.message.status_changed", message.participant_id)
        ]
        assert changed[0] == "accepted" and changed[-1] == "delivered"
        assert len(changed) == len(set(changed)), "no status is announced twice"
        assert len(changed) - 1 == sum(s.applied for s in stored)


def test_a_failure_callback_keeps_the_providers_error_code(
    service: Service, patient: Patient
) -> None:
    invitation = the_invitation(service, patient)
    assert callback(service, invitation, "sent").status_code == 204
    assert callback(service, invitation, "undelivered", ErrorCode="30003").status_code == 204
    apply_stored(service)
    stored = the_invitation(service, patient)
    assert (stored.status, stored.error) == ("undelivered", "provider error 30003")


def test_a_callback_for_an_unknown_message_is_kept_but_changes_nothing(service: Service) -> None:
    unknown = uuid.uuid4()
    params = {"MessageSid": "SMdoesnotexist", "MessageStatus": "delivered"}
    assert post_signed(service, f"/webhooks/twilio/status/{unknown}", params).status_code == 204
    apply_stored(service)
    [stored] = status_events_of(service, unknown)
    assert stored.applied is False


BAD_SIGNATURES = {
    "missing": lambda s, path, params: None,
    "garbage": lambda s, path, params: "bm90IGEgc2lnbmF0dXJl",
    "not_ascii": lambda s, path, params: "sïgnätüré" * 3,
    "other_token": lambda s, path, params: sign(s, path, params, token="someone-elses-token"),
    "other_url": lambda s, path, params: sign(s, path + "/elsewhere", params),
    "tampered_form": lambda s, path, params: sign(
        s, path, {**params, "MessageSid": params["MessageSid"] + "0"}
    ),
}


@pytest.mark.parametrize("how", BAD_SIGNATURES)
def test_a_status_callback_without_a_good_signature_is_refused_and_not_stored(
    service: Service, patient: Patient, how: str
) -> None:
    invitation = the_invitation(service, patient)
    path = f"/webhooks/twilio/status/{invitation.id}"
    params = {"MessageSid": invitation.provider_sid, "MessageStatus": "failed"}

    response = post_signed(service, path, params, BAD_SIGNATURES[how](service, path, params))

    assert response.status_code == 403
    assert response.mimetype == PROBLEM_JSON
    assert response.get_json(force=True)["status"] == 403
    assert status_events_of(service, invitation.id) == []
    assert the_invitation(service, patient).status == "accepted"


@pytest.mark.parametrize("how", BAD_SIGNATURES)
def test_an_inbound_text_without_a_good_signature_is_refused_and_not_stored(
    service: Service, patient: Patient, how: str
) -> None:
    sid = f"SM{uuid.uuid4().hex}"
    params = {"MessageSid": sid, "From": patient.mobile, "To": SERVICE_NUMBER, "Body": "STOP"}
    signature = BAD_SIGNATURES[how](service, INBOUND, params)

    response = post_signed(service, INBOUND, params, signature)

    assert response.status_code == 403
    assert response.mimetype == PROBLEM_JSON
    assert inbound_rows(service, sid) == []
    assert not is_suppressed(service, patient.mobile)


def test_a_signed_callback_with_a_missing_field_is_a_422_problem(
    service: Service, patient: Patient
) -> None:
    invitation = the_invitation(service, patient)
    path = f"/webhooks/twilio/status/{invitation.id}"
    response = post_signed(service, path, {"MessageSid": invitation.provider_sid})
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0]["field"] == "MessageStatus"
    assert status_events_of(service, invitation.id) == []


def test_a_signed_callback_or_text_with_a_nul_character_is_a_422_problem(
    service: Service, patient: Patient
) -> None:
    """PostgreSQL text cannot hold NUL: refused naming the field, never a server error."""
    invitation = the_invitation(service, patient)
    response = callback(service, invitation, "delivered\x00")
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0]["field"] == "MessageStatus"
    assert status_events_of(service, invitation.id) == []

    response = text_from(service, patient.mobile, "yes\x00")
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0]["field"] == "Body"


# Inbound texts


def test_a_signed_reply_is_stored_understood_and_answered_with_empty_twiml(
    service: Service, patient: Patient
) -> None:
    sid = f"SM{uuid.uuid4().hex}"
    response = text_from(service, patient.mobile, "Yes please!", sid)

    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True) == EMPTY_TWIML
    [stored] = inbound_rows(service, sid)
    assert (stored.participant_id, stored.trial_id, stored.intent) == (
        patient.participant_id,
        patient.trial_id,
        "yes",
    )
    [reply] = events(service, "messaging.reply.received", patient.participant_id)
    assert reply.data == {
        "reply_id": stored.id,
        "participant_id": patient.participant_id,
        "trial_id": patient.trial_id,
        "intent": "yes",
        "language": "en",
        "channel": "sms",
    }
    assert [m.kind for m in messages_to(service, patient.mobile)] == ["invitation", "yes_ack"]


def test_the_same_inbound_message_sid_twice_is_stored_once(
    service: Service, patient: Patient
) -> None:
    sid = f"SM{uuid.uuid4().hex}"
    assert text_from(service, patient.mobile, "NO", sid).status_code == 200
    assert text_from(service, patient.mobile, "NO", sid).status_code == 200

    assert len(inbound_rows(service, sid)) == 1
    assert len(events(service, "messaging.reply.received", patient.participant_id)) == 1
    assert [m.kind for m in messages_to(service, patient.mobile)] == ["invitation", "no_ack"]


def test_a_text_from_an_unknown_number_is_stored_for_staff_and_tells_nobody(
    service: Service,
) -> None:
    sid, stranger = f"SM{uuid.uuid4().hex}", mobile()
    before = len(service.outbox())
    assert text_from(service, stranger, "maybe, who knows", sid).status_code == 200
    [stored] = inbound_rows(service, sid)
    assert (stored.participant_id, stored.intent) == (None, "unknown")
    assert len(service.outbox()) == before
    assert messages_to(service, stranger) == []


def test_stop_suppresses_the_number_acknowledges_once_and_tells_the_others(
    service: Service, patient: Patient
) -> None:
    assert text_from(service, patient.mobile, "STOP!!!").status_code == 200

    assert is_suppressed(service, patient.mobile)
    acks = [m for m in messages_to(service, patient.mobile) if m.kind == "stop_ack"]
    assert len(acks) == 1 and acks[0].status == "queued"
    [opted_out] = events(service, "messaging.participant.opted_out", patient.participant_id)
    assert opted_out.data == {
        "participant_id": patient.participant_id,
        "source": "sms",
        "channel": "sms",
        "trial_id": patient.trial_id,  # the trial the STOP answered, for its reach report
    }
    [reply] = events(service, "messaging.reply.received", patient.participant_id)
    assert reply.data["intent"] == "stop"

    provider = a_provider()
    send_queued(service, provider)
    assert [r.body for r in provider.sends_to(patient.mobile)] == [acks[0].body]


def test_a_second_stop_is_not_acknowledged_again(service: Service, patient: Patient) -> None:
    text_from(service, patient.mobile, "STOP")
    text_from(service, patient.mobile, "unsubscribe")
    acks = [m for m in messages_to(service, patient.mobile) if m.kind == "stop_ack"]
    assert len(acks) == 1


def test_after_stop_a_later_invitation_is_suppressed_not_sent(
    service: Service, patient: Patient
) -> None:
    text_from(service, patient.mobile, "Stop")
    send_queued(service, a_provider())  # the one confirmation goes
    another_trial = uuid.uuid4()
    save_trial(service, another_trial, "T2")

    queue_invitations(service, another_trial, patient.participant_id)
    provider = a_provider()
    send_queued(service, provider)

    assert provider.sends_to(patient.mobile) == []
    [later] = [
        m
        for m in messages_to(service, patient.mobile)
        if m.kind == "invitation" and m.trial_id == another_trial
    ]
    assert (later.status, later.attempts) == ("suppressed", 0)
    changed = events(service, "messaging.message.status_changed", patient.participant_id)
    assert changed[-1].data["status"] == "suppressed"
    assert changed[-1].data["message_id"] == later.id


def test_a_plain_yes_after_stop_does_not_resubscribe(service: Service, patient: Patient) -> None:
    text_from(service, patient.mobile, "STOP")
    text_from(service, patient.mobile, "yes")
    assert is_suppressed(service, patient.mobile)
    provider = a_provider()
    send_queued(service, provider)
    kinds = {m.kind: m.status for m in messages_to(service, patient.mobile)}
    assert kinds["yes_ack"] == "suppressed"
    assert [r.body for r in provider.sends_to(patient.mobile)] == [
        m.body for m in messages_to(service, patient.mobile) if m.kind == "stop_ack"
    ]


def test_start_removes_the_suppression(service: Service, patient: Patient) -> None:
    text_from(service, patient.mobile, "STOP")
    send_queued(service, a_provider())
    assert text_from(service, patient.mobile, "START").status_code == 200

    assert not is_suppressed(service, patient.mobile)
    [opted_in] = events(service, "messaging.participant.opted_in", patient.participant_id)
    assert opted_in.data == {"participant_id": patient.participant_id, "source": "sms"}
    another_trial = uuid.uuid4()
    save_trial(service, another_trial, "T3")
    queue_invitations(service, another_trial, patient.participant_id)
    provider = a_provider()
    send_queued(service, provider)

    sent = provider.sends_to(patient.mobile)
    assert len(sent) == 2  # the START confirmation and the new invitation
    statuses = {m.kind: m.status for m in messages_to(service, patient.mobile)}
    assert statuses["start_ack"] == "accepted"


# The same reply delivered many times at once (issue 13, item 8)


def test_twelve_concurrent_deliveries_of_one_reply_are_all_answered_and_stored_once(
    service: Service, patient: Patient
) -> None:
    sid = f"SM{uuid.uuid4().hex}"
    with ThreadPoolExecutor(12) as pool:
        answers = list(
            pool.map(lambda _: text_from(service, patient.mobile, "YES", sid), range(12))
        )

    assert [a.status_code for a in answers] == [200] * 12
    assert all(a.get_data(as_text=True) == EMPTY_TWIML for a in answers)
    assert len(inbound_rows(service, sid)) == 1
    assert len(events(service, "messaging.reply.received", patient.participant_id)) == 1
    assert [m.kind for m in messages_to(service, patient.mobile)] == ["invitation", "yes_ack"]


# Cheap checks first (issue 14, item 10)


def test_an_unsigned_flood_of_empty_fields_is_refused_before_it_is_parsed(
    service: Service,
) -> None:
    flood = "&" * 100_000
    started = time.perf_counter()
    response = service.client().post(
        INBOUND, data=flood, content_type="application/x-www-form-urlencoded"
    )
    took = time.perf_counter() - started

    assert response.status_code == 403 and response.mimetype == PROBLEM_JSON
    assert took < 0.05, f"refusing took {took:.3f} s"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("a=&" * 100_000, "100,000 fields"),
        ("&" * 150, "150 fields in a small body"),
        ("Body=" + "x" * 40_000, "40 KB"),
    ],
)
def test_a_signed_body_beyond_any_twilio_form_is_a_413_problem(
    service: Service, body: str, why: str
) -> None:
    started = time.perf_counter()
    response = service.client().post(
        INBOUND,
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": "c2lnbmF0dXJl"},
    )
    took = time.perf_counter() - started

    assert response.status_code == 413, why
    assert response.mimetype == PROBLEM_JSON
    assert response.get_json()["status"] == 413
    assert took < 0.05, f"{why}: refusing took {took:.3f} s"


def test_a_chunked_body_without_a_length_is_cut_off_at_the_cap(service: Service) -> None:
    body = (b"a=" + b"x" * 1000 + b"&") * 100
    response = service.client().post(
        INBOUND,
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": "c2lnbmF0dXJl", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413 and response.mimetype == PROBLEM_JSON


# Twilio's fallback URL (issue 13, item 3c)


def test_a_reply_signed_for_the_fallback_url_is_accepted_when_one_is_configured(
    service: Service, patient: Patient
) -> None:
    fallback = "https://fallback.messaging.test/base"
    sid = f"SM{uuid.uuid4().hex}"
    params = {"MessageSid": sid, "From": patient.mobile, "To": SERVICE_NUMBER, "Body": "NO"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(fallback + INBOUND, params)
    headers = {"X-Twilio-Signature": signature}

    refused = service.client().post(INBOUND, data=params, headers=headers)
    service.app.extensions["trialreach.settings"] = replace(
        service.settings, fallback_base_url=fallback
    )
    try:
        accepted = service.client().post(INBOUND, data=params, headers=headers)
    finally:
        service.app.extensions["trialreach.settings"] = service.settings

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert [row.intent for row in inbound_rows(service, sid)] == ["no"]


def test_a_signed_text_from_a_number_longer_than_its_column_is_a_422_naming_it(
    service: Service,
) -> None:
    response = text_from(service, "+44" + "7" * 20, "yes")

    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0]["field"] == "From"
