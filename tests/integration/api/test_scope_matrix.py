"""Every endpoint of every service, called by every kind of caller.

Without a usable token: 401 asking for a bearer token. With the wrong role: 403. With the
right role but another practice's or trial's data: 403, or 404 where saying "forbidden"
would tell the caller that the thing exists. With the right role and scope: 2xx.

A new endpoint fails `test_every_endpoint_is_in_the_matrix` until it is added here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from services.consent import create_app as create_consent_app
from services.consent.service_layer import forms as consent_forms
from services.consent.service_layer import page as consent_page
from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from services.messaging import create_app as create_messaging_app
from services.messaging.adapters.letter_ports import (
    FakeRecipients,
    FilePrintProvider,
    WeasyPrintRenderer,
)
from services.messaging.adapters.orm import inbound_messages
from services.messaging.domain.letters import Recipient
from services.messaging.domain.model import Message
from services.messaging.entrypoints.api import letters as letters_api
from services.messaging.service_layer import batches as messaging_batches
from services.messaging.service_layer import callbacks as messaging_callbacks
from services.messaging.service_layer import contacts
from services.messaging.service_layer import letters as messaging_letters
from services.messaging.service_layer import recordings as messaging_recordings
from services.messaging.service_layer import replies as messaging_replies
from services.messaging.service_layer import templates as messaging_templates
from services.registry import create_app as create_registry_app
from services.registry.service_layer import cohorts, imports
from shared.auth.principal import Principal
from shared.events.commands import NotificationRequested, ParticipantShared
from shared.http.problems import PROBLEM_JSON
from tests.integration.api.conftest import (
    BAD_CALLERS,
    CALLER_ROLES,
    CALLERS,
    FORM_BODY,
    ODS_A,
    SEED,
    World,
    messaging_batch,
    mobile,
    register,
    save_contact,
    serial,
)
from tests.integration.api.research_team import (
    COUNTERSIGNATURE,
    DISCUSSION,
    RECORD,
    REPRESENTATIVE,
    awaiting,
    phone_consent_body,
    witness_statement,
)
from tests.support import settings
from tests.support.factories import patient

pytestmark = pytest.mark.integration

# Not behind an API token's role check by design: probes, metrics (their own token, see
# test_security_headers.py), the API's own description,
# Twilio's webhooks (signature-checked instead, see test_webhooks.py) and the patient's
# consent pages (a signed link and a date-of-birth check, see test_consent_page.py).
UNGUARDED = (
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/static",
    "/webhooks/",
    "/c/",
    "/voice/",  # the audio Twilio's <Play> fetches (no personal data; decision 27)
    "/copy/",  # the signed copy's own short-lived link (see test_signed_copy.py)
    "/l/",  # a letter's short link: on to its consent page (see test_letter_page.py)
    # Messaging's service credential, never a person's token (test_registry_addresses.py).
    "/internal/",
)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    query: Mapping[str, str] | None = None
    data: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Case:
    roles: frozenset[str]
    # Callers whose role is allowed, and what they get: scope decides between 2xx and 403/404.
    expect: Mapping[str, int]
    call: Callable[[World], Call]
    mimetype: str | None = "application/json"  # of a success; None when it has no body


def staff_of_a(ok: int, other_practice: int) -> dict[str, int]:
    return {"staff_a": ok, "staff_b": other_practice, "admin": ok}


def coordinator_of_x(ok: int, other_trial: int) -> dict[str, int]:
    return {"coordinator_x": ok, "coordinator_y": other_trial, "admin": ok}


def team_of_x(ok: int, other_trial: int) -> dict[str, int]:
    return {**coordinator_of_x(ok, other_trial), "researcher_x": ok, "researcher_y": other_trial}


def researcher_of_x(ok: int, other_trial: int) -> dict[str, int]:
    """Only the research team speaks for it: not coordinators, not admins."""
    return {"researcher_x": ok, "researcher_y": other_trial}


def new_participant_body(_: World) -> Call:
    return Call("POST", "/participants", json=patient(ODS_A))


def invite_a_new_participant(world: World) -> Call:
    participant_id = register(world.service, ODS_A)
    body = {"practice_ods": ODS_A, "participant_ids": [str(participant_id)]}
    return Call("POST", f"/trials/{world.trial_x}/invitations", json=body)


SMALL_LIST = (
    b"NHS Number,Forename,Surname,Date of Birth,Mobile\r\n"
    b"9434765919,Imran,Hussain,02/07/1961,07400 123499\r\n"
)


def an_import(world: World) -> uuid.UUID:
    """An import of practice A's list, made through the use case (left queued)."""
    folder = world.service.settings.import_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4()}.upload"
    path.write_bytes(SMALL_LIST)
    admin = Principal(uuid.uuid4(), "seed", "admin")
    job = imports.start_import(
        world.service.uow(), admin, ODS_A, imports.Upload(path, "csv"), dry_run=True
    )
    path.unlink()  # checked and recorded; never run, so nothing else will remove it
    return job.id


def a_cohort(world: World) -> uuid.UUID:
    """A new cohort on trial X at practice A, with a new patient it can invite."""
    register(world.service, ODS_A)
    admin = Principal(uuid.uuid4(), "seed", "admin")
    cohort = cohorts.create_cohort(
        world.service.uow(), admin, world.trial_x, ODS_A, f"Cohort {serial()}", {}
    )
    return cohort.id


def size(world: World, cohort_id: uuid.UUID) -> int:
    admin = Principal(uuid.uuid4(), "seed", "admin")
    return cohorts.preview(world.service.uow(), admin, cohort_id).textable


def a_batch(world: World, *, then: tuple[str, ...] = ()) -> uuid.UUID:
    """A new one-person batch of practice A in messaging, moved on by an admin as asked."""
    participant_id = uuid.uuid4()
    save_contact(world.service, participant_id, ODS_A, mobile())
    batch_id = messaging_batch(world.service, world.trial_x, participant_id)
    for action in then:
        if action == "approve":
            messaging_batches.approve(
                world.service.uow(), SEED, batch_id, send_at=None, allow_unreviewed=False
            )
        else:
            getattr(messaging_batches, action)(world.service.uow(), SEED, batch_id)
    return batch_id


def batch_call(method: str, action: str, *then: str) -> Callable[[World], Call]:
    def call(world: World) -> Call:
        batch_id = a_batch(world, then=then)
        return Call(method, f"/batches/{batch_id}/{action}", json={} if method == "POST" else None)

    return call


def a_letter_batch(world: World, *, printed: bool = False) -> uuid.UUID:
    """A one-letter batch of practice A, approved, its link made; fakes for the registry's
    addresses and the print provider (their real adapters are tested elsewhere)."""
    participant_id = uuid.uuid4()
    contacts.save_contact(
        world.service.uow(),
        ParticipantShared(participant_id, ODS_A, "en", mobile=None, textable=False, postal=True),
    )
    batch_id = messaging_batch(world.service, world.trial_x, participant_id)
    messaging_batches.approve(
        world.service.uow(), SEED, batch_id, send_at=None, allow_unreviewed=True
    )
    with world.service.uow() as uow:
        [(letter, _)] = uow.letters.of_batch(batch_id, ["queued"])
    messaging_letters.attach_link(
        world.service.uow(),
        NotificationRequested(
            uuid.uuid4(),
            participant_id,
            world.trial_x,
            "letter_link",
            "http://consent.test/c/x",
            code="123456",
            message_id=letter.message_id,
        ),
    )
    if printed:
        messaging_letters.mark_printed(world.service.uow(), SEED, batch_id)
    recipient = Recipient("A Patient", ["1 High St", "Walsall", "WS1 1AA"], False, "Practice A")
    world.service.app.extensions[letters_api.PORTS] = (
        FakeRecipients({participant_id: recipient}),
        WeasyPrintRenderer(),
        FilePrintProvider(world.service.settings.letters.print_dir),
    )
    return batch_id


def letter_call(method: str, action: str, *, printed: bool = False) -> Callable[[World], Call]:
    def call(world: World) -> Call:
        batch_id = a_letter_batch(world, printed=printed)
        return Call(method, f"/batches/{batch_id}/{action}", json={} if method == "POST" else None)

    return call


def an_unclear_reply(world: World) -> Call:
    participant_id, number = uuid.uuid4(), mobile()
    save_contact(world.service, participant_id, ODS_A, number)
    # A reply belongs to the conversation whose invitation reached the number.
    with world.service.uow() as uow:
        uow.messages.add(
            Message(participant_id, number, "Hello", "invitation", 2, world.trial_x, status="sent")
        )
        uow.commit()
    sid = f"SM{uuid.uuid4().hex}"
    messaging_replies.receive(
        world.service.uow(), messaging_replies.InboundSms(sid, number, "+447700900000", "hmm?")
    )
    with world.service.runtime.engine.connect() as conn:
        reply_id = conn.execute(
            select(inbound_messages.c.id).where(inbound_messages.c.provider_sid == sid)
        ).scalar_one()
    return Call("POST", f"/replies/{reply_id}/intent", json={"intent": "no"})


def a_reply_to_call_back(world: World) -> Call:
    reply = an_unclear_reply(world)
    return Call("POST", reply.path.replace("/intent", "/callback"), json={"note": "Urdu"})


BOUNDARY = "recording-boundary"


def _recording_form(trial_id: uuid.UUID) -> bytes:
    """A multipart upload of a tiny WAV recording for the trial."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("trial_id", trial_id), ("kind", "invitation"), ("language", "ur"))
    ]
    audio = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    )
    return ("".join(parts) + audio).encode() + b"RIFF0000WAVE" + f"\r\n--{BOUNDARY}--\r\n".encode()


def a_new_recording(world: World) -> uuid.UUID:
    return messaging_recordings.upload(
        world.service.uow(), "seed", world.trial_x, "invitation", "pl", "audio/wav", b"RIFF"
    ).id


def a_callback(world: World) -> uuid.UUID:
    """A new open callback task of a patient of practice A in trial X."""
    participant_id = uuid.uuid4()
    save_contact(world.service, participant_id, ODS_A, mobile())
    with world.service.uow() as uow:
        contact = uow.contacts.contact(participant_id)
        assert contact is not None
        task = messaging_callbacks.request_call(uow, contact, world.trial_x, "sms")
        uow.commit()
    return task.id


def a_period(world: World) -> Call:
    query = {"since": "2026-01-01T00:00:00Z", "until": "2027-01-01T00:00:00Z"}
    return Call("GET", "/callbacks/waiting", query={**query, "trial_id": str(world.trial_x)})


def a_new_template(world: World) -> uuid.UUID:
    return messaging_templates.save_template(
        world.service.uow(), "seed", world.trial_x, "help", "pl", "Pomoc: {info_url}"
    ).id


def a_consent_form(world: World, *, published: bool) -> int:
    """A new consent form version for trial X, straight through the use cases."""
    form = consent_forms.create_draft(world.service.uow(), SEED, world.trial_x, FORM_BODY)
    if published:
        consent_forms.publish(world.service.uow(), SEED, world.trial_x, form.version, "REC 1")
    return form.version


def publish_a_new_draft(world: World) -> Call:
    version = a_consent_form(world, published=False)
    body = {"ethics_reference": "REC 26/WM/0001"}
    return Call("POST", f"/trials/{world.trial_x}/forms/{version}/publish", json=body)


def revise_a_new_draft(world: World) -> Call:
    version = a_consent_form(world, published=False)
    return Call("PUT", f"/trials/{world.trial_x}/forms/{version}", json=FORM_BODY)


QUESTION_WORDS = {
    "text": "Can you leave the study?",
    "options": {"any_time": "Yes, at any time", "never": "No, never"},
    "explanation": "You can leave at any time.",
}


def a_question_of_a_new_draft(world: World) -> Call:
    version = a_consent_form(world, published=False)
    body = {
        "options": ["any_time", "never"],
        "correct": "any_time",
        "words": dict.fromkeys(FORM_BODY["translations"], QUESTION_WORDS),
    }
    return Call("PUT", f"/trials/{world.trial_x}/forms/{version}/questions/leave", json=body)


def remove_a_question_of_a_new_draft(world: World) -> Call:
    with_question = {
        **FORM_BODY,
        "questions": [{"key": "leave", "options": ["any_time", "never"], "correct": "any_time"}],
        "translations": {
            code: {**words, "questions": {"leave": QUESTION_WORDS}}
            for code, words in FORM_BODY["translations"].items()
        },
    }
    form = consent_forms.create_draft(world.service.uow(), SEED, world.trial_x, with_question)
    return Call("DELETE", f"/trials/{world.trial_x}/forms/{form.version}/questions/leave")


def read_a_published_form(world: World) -> Call:
    return Call("GET", f"/trials/{world.trial_x}/forms/{a_consent_form(world, published=True)}")


def a_record_to_correct(world: World) -> Call:
    participant_id = uuid.uuid4()
    consent_records.record_invitations(world.service.uow(), world.trial_x, [participant_id])
    with world.service.uow() as uow:
        record = uow.records.record(participant_id, world.trial_x)
        assert record is not None and record.study_number
        number = record.study_number
    path = f"/trials/{world.trial_x}/consent-records/{number}/entered-in-error"
    return Call("POST", path, json={"reason": "invited by mistake"})


def a_new_link_for_a_patient_of_a(world: World) -> Call:
    """A patient of practice A whose consent link has been texted, in trial X."""
    a_consent_form(world, published=True)
    participant_id = uuid.uuid4()
    consent_participants.save_participant(
        world.service.uow(),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods=ODS_A,
            mobile=None,
            textable=True,
            language="en",
        ),
    )
    consent_records.record_invitations(world.service.uow(), world.trial_x, [participant_id])
    consent_records.record_reply(world.service.uow(), participant_id, world.trial_x, "yes")
    return Call("POST", f"/participants/{participant_id}/trials/{world.trial_x}/new-link", json={})


def a_signed_copy_in_x(world: World) -> Call:
    """A patient of practice A who agreed on their page in trial X: their copy, by number."""
    participant_id = uuid.UUID(
        a_new_link_for_a_patient_of_a(world).path.split("/")[2]  # /participants/<id>/...
    )
    with world.service.uow() as uow:
        record = uow.records.record(participant_id, world.trial_x)
        [link] = uow.consent_links.live_links(participant_id, world.trial_x)
        token, number = uow.links.signer.token(link.id), record.study_number
        version = uow.forms.latest_published_version(world.trial_x)
    items = {item["key"] for item in FORM_BODY["items"]}
    consent_page.respond(world.service.uow(), token, "agreed", items, "en", version)
    return Call("GET", f"/trials/{world.trial_x}/consent-records/{number}/signed-copy")


def issued_token(world: World) -> str:
    response = world.service.client().post(
        "/tokens", json={"name": "to revoke", "role": "admin"}, headers=world.headers("admin")
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


STAFF_AND_ADMIN = frozenset({"staff", "admin"})
COORDINATOR_AND_ADMIN = frozenset({"coordinator", "admin"})
ADMIN = frozenset({"admin"})

EVERY_ROLE = frozenset({"staff", "coordinator", "researcher", "admin"})
# Coordinators and researchers read consent records and forms of their own trials.
TRIAL_TEAM = frozenset({"coordinator", "researcher", "admin"})
RESEARCHER = frozenset({"researcher"})
EVERY_CALLER_OK = dict.fromkeys(CALLER_ROLES, 200)

MATRIX: dict[tuple[str, str, str], Case] = {
    **{
        (service, "GET", "/whoami"): Case(
            EVERY_ROLE, EVERY_CALLER_OK, lambda w: Call("GET", "/whoami")
        )
        for service in ("registry", "messaging", "consent")
    },
    ("registry", "POST", "/practices"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call("POST", "/practices", json={"ods_code": f"Y{serial():05d}", "name": "P"}),
    ),
    ("registry", "GET", "/practices"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 200), lambda w: Call("GET", "/practices")
    ),
    ("registry", "POST", "/participants"): Case(
        STAFF_AND_ADMIN, staff_of_a(201, 403), new_participant_body
    ),
    ("registry", "GET", "/participants"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 403),
        lambda w: Call("GET", "/participants", query={"practice_ods": ODS_A}),
    ),
    ("registry", "GET", "/participants/<uuid:participant_id>"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/participants/{w.participant_a}"),
    ),
    ("registry", "GET", "/practices/<ods_code>"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), lambda w: Call("GET", f"/practices/{ODS_A}")
    ),
    ("registry", "POST", "/practices/<ods_code>/imports"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(202, 403),
        lambda w: Call(
            "POST",
            f"/practices/{ODS_A}/imports",
            query={"dry_run": "true"},
            data=SMALL_LIST,
            content_type="text/csv",
        ),
    ),
    ("registry", "GET", "/practices/<ods_code>/imports"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 403), lambda w: Call("GET", f"/practices/{ODS_A}/imports")
    ),
    ("registry", "GET", "/imports/<uuid:import_id>"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/imports/{an_import(w)}"),
    ),
    ("registry", "GET", "/imports/<uuid:import_id>/errors.csv"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/imports/{an_import(w)}/errors.csv"),
        mimetype="text/csv",
    ),
    ("registry", "PATCH", "/participants/<uuid:participant_id>"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("PATCH", f"/participants/{w.participant_a}", json={"language": "Urdu"}),
    ),
    ("registry", "DELETE", "/participants/<uuid:participant_id>"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(204, 404),
        lambda w: Call("DELETE", f"/participants/{register(w.service, ODS_A)}"),
        mimetype=None,
    ),
    ("registry", "GET", "/participants/<uuid:participant_id>/address"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/participants/{w.participant_a}/address"),
    ),
    ("registry", "PUT", "/participants/<uuid:participant_id>/address"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call(
            "PUT",
            f"/participants/{register(w.service, ODS_A)}/address",
            json={"address_line_1": "1 High St", "town": "Walsall", "postcode": "WS1 1AA"},
        ),
    ),
    ("registry", "GET", "/trials/<uuid:trial_id>"): Case(
        frozenset({"staff", "coordinator", "researcher", "admin"}),
        {
            "staff_a": 200,
            "staff_b": 200,
            "coordinator_x": 200,
            "coordinator_y": 404,
            "researcher_x": 200,
            "researcher_y": 404,
            "admin": 200,
        },
        lambda w: Call("GET", f"/trials/{w.trial_x}"),
    ),
    ("registry", "PUT", "/trials/<uuid:trial_id>/minimum-age"): Case(
        ADMIN,
        {"admin": 200},
        # The value it has already: the shared world's trial stays adults only.
        lambda w: Call(
            "PUT",
            f"/trials/{w.trial_x}/minimum-age",
            json={"minimum_age": 18, "reason": "matrix"},
        ),
    ),
    ("registry", "GET", "/trials/<uuid:trial_id>/setting-changes"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", f"/trials/{w.trial_x}/setting-changes")
    ),
    ("registry", "GET", "/trials/<uuid:trial_id>/statuses"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/statuses", query={"practice_ods": ODS_A}),
    ),
    ("registry", "POST", "/trials/<uuid:trial_id>/cohorts"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(201, 403),
        lambda w: Call(
            "POST",
            f"/trials/{w.trial_x}/cohorts",
            json={"practice_ods": ODS_A, "name": "Over 50s", "criteria": {"age_min": 50}},
        ),
    ),
    ("registry", "GET", "/trials/<uuid:trial_id>/cohorts"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/cohorts", query={"practice_ods": ODS_A}),
    ),
    ("registry", "GET", "/cohorts/<uuid:cohort_id>"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), lambda w: Call("GET", f"/cohorts/{a_cohort(w)}")
    ),
    ("registry", "GET", "/cohorts/<uuid:cohort_id>/preview"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/cohorts/{a_cohort(w)}/preview"),
    ),
    ("registry", "POST", "/cohorts/<uuid:cohort_id>/invitations"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(202, 404),
        lambda w: Call(
            "POST",
            f"/cohorts/{(c := a_cohort(w))}/invitations",
            json={"expected_count": size(w, c)},
        ),
    ),
    ("registry", "POST", "/trials"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call(
            "POST", "/trials", json={"short_name": f"T-{serial()}", "title": "t", "sponsor": "s"}
        ),
    ),
    ("registry", "GET", "/trials"): Case(
        frozenset({"staff", "coordinator", "researcher", "admin"}),
        EVERY_CALLER_OK,
        lambda w: Call("GET", "/trials"),
    ),
    ("registry", "POST", "/trials/<uuid:trial_id>/invitations"): Case(
        STAFF_AND_ADMIN, staff_of_a(202, 403), invite_a_new_participant
    ),
    ("registry", "GET", "/tokens"): Case(ADMIN, {"admin": 200}, lambda w: Call("GET", "/tokens")),
    ("registry", "POST", "/tokens"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call("POST", "/tokens", json={"name": "n", "role": "admin"}),
    ),
    ("registry", "DELETE", "/tokens/<uuid:token_id>"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("DELETE", f"/tokens/{issued_token(w)}")
    ),
    ("messaging", "GET", "/participants/<uuid:participant_id>/messages"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/participants/{w.participant_a}/messages"),
    ),
    ("messaging", "GET", "/batches"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 200), lambda w: Call("GET", "/batches")
    ),
    ("messaging", "GET", "/batches/<uuid:batch_id>/preview"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), batch_call("GET", "preview")
    ),
    ("messaging", "GET", "/batches/<uuid:batch_id>/report"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), batch_call("GET", "report", "approve")
    ),
    ("messaging", "POST", "/batches/<uuid:batch_id>/approve"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), batch_call("POST", "approve")
    ),
    ("messaging", "POST", "/batches/<uuid:batch_id>/pause"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), batch_call("POST", "pause", "approve")
    ),
    ("messaging", "POST", "/batches/<uuid:batch_id>/resume"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), batch_call("POST", "resume", "approve", "pause")
    ),
    ("messaging", "POST", "/batches/<uuid:batch_id>/cancel"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), batch_call("POST", "cancel")
    ),
    ("messaging", "GET", "/batches/<uuid:batch_id>/letters"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), letter_call("GET", "letters")
    ),
    ("messaging", "GET", "/batches/<uuid:batch_id>/letters.pdf"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        letter_call("GET", "letters.pdf"),
        mimetype="application/pdf",
    ),
    ("messaging", "POST", "/batches/<uuid:batch_id>/letters/print"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), letter_call("POST", "letters/print")
    ),
    ("messaging", "POST", "/batches/<uuid:batch_id>/letters/printed"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), letter_call("POST", "letters/printed")
    ),
    ("messaging", "POST", "/batches/<uuid:batch_id>/letters/posted"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), letter_call("POST", "letters/posted", printed=True)
    ),
    ("messaging", "GET", "/templates"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", "/templates", query={"shipped": "true"})
    ),
    ("messaging", "POST", "/templates"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call(
            "POST",
            "/templates",
            json={
                "trial_id": str(w.trial_x),
                "kind": "ack_no",
                "language": "ur",
                "body": "شکریہ",
            },
        ),
    ),
    ("messaging", "POST", "/templates/<uuid:template_id>/review"): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call("POST", f"/templates/{a_new_template(w)}/review", json={}),
    ),
    ("messaging", "GET", "/recordings"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", "/recordings")
    ),
    ("messaging", "POST", "/recordings"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call(
            "POST",
            "/recordings",
            data=_recording_form(w.trial_x),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        ),
    ),
    ("messaging", "POST", "/recordings/<uuid:recording_id>/review"): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call("POST", f"/recordings/{a_new_recording(w)}/review", json={}),
    ),
    ("messaging", "POST", "/segments"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("POST", "/segments", json={"text": "ہاں"})
    ),
    ("messaging", "GET", "/replies/unclear"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 200), lambda w: Call("GET", "/replies/unclear")
    ),
    ("messaging", "POST", "/replies/<uuid:reply_id>/intent"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), an_unclear_reply
    ),
    ("messaging", "POST", "/replies/<uuid:reply_id>/callback"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 404), a_reply_to_call_back
    ),
    ("messaging", "GET", "/callbacks"): Case(
        EVERY_ROLE,
        {
            "staff_a": 200,
            "staff_b": 403,
            "coordinator_x": 200,
            "coordinator_y": 200,
            "researcher_x": 200,
            "researcher_y": 200,
            "admin": 200,
        },
        lambda w: Call("GET", "/callbacks", query={"practice_ods": ODS_A}),
    ),
    ("messaging", "GET", "/callbacks/waiting"): Case(
        EVERY_ROLE,
        {
            "staff_a": 200,
            "staff_b": 200,
            **team_of_x(200, 403),
        },
        a_period,
    ),
    ("messaging", "GET", "/callbacks/<uuid:task_id>"): Case(
        EVERY_ROLE,
        {"staff_a": 200, "staff_b": 404, **team_of_x(200, 404)},
        lambda w: Call("GET", f"/callbacks/{a_callback(w)}"),
    ),
    ("messaging", "POST", "/callbacks/<uuid:task_id>/assign"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("POST", f"/callbacks/{a_callback(w)}/assign", json={}),
    ),
    # The research team closes only a call assigned to them: this one is nobody's yet.
    ("messaging", "POST", "/callbacks/<uuid:task_id>/close"): Case(
        EVERY_ROLE,
        {"staff_a": 200, "staff_b": 404, **team_of_x(403, 404), "admin": 200},
        lambda w: Call("POST", f"/callbacks/{a_callback(w)}/close", json={"outcome": "no_answer"}),
    ),
    ("messaging", "POST", "/participants/<uuid:participant_id>/resubscribe"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("POST", f"/participants/{w.participant_a}/resubscribe", json={}),
    ),
    ("messaging", "GET", "/trials/<uuid:trial_id>/messaging-settings"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", f"/trials/{w.trial_x}/messaging-settings")
    ),
    ("messaging", "PATCH", "/trials/<uuid:trial_id>/messaging-settings"): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call(
            "PATCH", f"/trials/{w.trial_x}/messaging-settings", json={"reminder_days": 5}
        ),
    ),
    ("messaging", "GET", "/whatsapp/templates"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", "/whatsapp/templates")
    ),
    ("messaging", "PUT", "/whatsapp/templates/<kind>/<language>"): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call(
            "PUT",
            "/whatsapp/templates/invitation/ur",
            json={
                "content_sid": "HX" + "e" * 32,
                "body": "{{1}}",
                "variables": ["short_name"],
                "approval": "approved",
            },
        ),
    ),
    ("messaging", "POST", "/participants/<uuid:participant_id>/whatsapp-opt-in"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call(
            "POST", f"/participants/{w.participant_a}/whatsapp-opt-in", json={"how": "in_person"}
        ),
    ),
    ("messaging", "GET", "/trials/<uuid:trial_id>/cascade"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", f"/trials/{w.trial_x}/cascade")
    ),
    ("messaging", "PUT", "/trials/<uuid:trial_id>/cascade"): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call(
            "PUT",
            f"/trials/{w.trial_x}/cascade",
            json={"steps": [{"channel": "sms", "wait_hours": 168}, {"channel": "letter"}]},
        ),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/summary"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/summary"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/consent-records"): Case(
        TRIAL_TEAM,
        team_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/consent-records"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/consent-records/<study_number>"): Case(
        TRIAL_TEAM,
        team_of_x(200, 403),
        # participant_a was the first in trial X: coordinators know them as X-000001.
        lambda w: Call("GET", f"/trials/{w.trial_x}/consent-records/X-000001"),
    ),
    (
        "consent",
        "POST",
        "/trials/<uuid:trial_id>/consent-records/<study_number>/entered-in-error",
    ): Case(COORDINATOR_AND_ADMIN, coordinator_of_x(200, 403), a_record_to_correct),
    ("consent", "GET", "/trials/<uuid:trial_id>/summary/practices"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/summary/practices"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/consent-records.csv"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/consent-records.csv"),
        mimetype="text/csv",
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/fhir"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/fhir"),
        mimetype="application/fhir+json",
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/equity"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/equity"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/equity.csv"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/equity.csv"),
        mimetype="text/csv",
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/equity.html"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/equity.html"),
        mimetype="text/html",
    ),
    ("consent", "POST", "/trials/<uuid:trial_id>/forms"): Case(
        ADMIN, {"admin": 201}, lambda w: Call("POST", f"/trials/{w.trial_x}/forms", json=FORM_BODY)
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/forms"): Case(
        TRIAL_TEAM,
        team_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/forms"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/forms/<int:version>"): Case(
        TRIAL_TEAM, team_of_x(200, 403), read_a_published_form
    ),
    ("consent", "PUT", "/trials/<uuid:trial_id>/forms/<int:version>"): Case(
        ADMIN, {"admin": 200}, revise_a_new_draft
    ),
    ("consent", "PUT", "/trials/<uuid:trial_id>/forms/<int:version>/questions/<key>"): Case(
        ADMIN, {"admin": 200}, a_question_of_a_new_draft
    ),
    ("consent", "DELETE", "/trials/<uuid:trial_id>/forms/<int:version>/questions/<key>"): Case(
        ADMIN, {"admin": 200}, remove_a_question_of_a_new_draft
    ),
    ("consent", "POST", "/trials/<uuid:trial_id>/forms/<int:version>/publish"): Case(
        ADMIN, {"admin": 200}, publish_a_new_draft
    ),
    ("consent", "GET", "/admin/audit/verify"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", "/admin/audit/verify")
    ),
    (
        "consent",
        "POST",
        "/admin/trials/<uuid:trial_id>/participants/<uuid:participant_id>/link/revoke",
    ): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call(
            "POST",
            f"/admin/trials/{w.trial_x}/participants/{w.participant_a}/link/revoke",
            json={"reason": "phone lost"},
        ),
    ),
    ("consent", "GET", "/participants/<uuid:participant_id>/consent"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/participants/{w.participant_a}/consent"),
    ),
    (
        "consent",
        "POST",
        "/participants/<uuid:participant_id>/trials/<uuid:trial_id>/lock/lift",
    ): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call(
            "POST", f"/participants/{w.participant_a}/trials/{w.trial_x}/lock/lift", json={}
        ),
    ),
    (
        "consent",
        "POST",
        "/participants/<uuid:participant_id>/trials/<uuid:trial_id>/new-link",
    ): Case(STAFF_AND_ADMIN, staff_of_a(200, 404), a_new_link_for_a_patient_of_a),
    ("consent", "GET", "/trials/<uuid:trial_id>/consent-records/<study_number>/signed-copy"): Case(
        TRIAL_TEAM,
        team_of_x(200, 403),
        a_signed_copy_in_x,
        mimetype="application/pdf",
    ),
    ("consent", "PUT", "/trials/<uuid:trial_id>/signature"): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call("PUT", f"/trials/{w.trial_x}/signature", json={"signature": "none"}),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/confirmation"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("GET", f"/trials/{w.trial_x}/confirmation")
    ),
    ("consent", "PUT", "/trials/<uuid:trial_id>/confirmation"): Case(
        ADMIN,
        {"admin": 200},
        # The value it has already: the shared world's trial X asks for no confirmation.
        lambda w: Call("PUT", f"/trials/{w.trial_x}/confirmation", json={"required": False}),
    ),
    ("consent", "GET", f"{RECORD}/attestations"): Case(
        TRIAL_TEAM,
        team_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/consent-records/X-000001/attestations"),
    ),
    ("consent", "POST", f"{RECORD}/discussion"): Case(
        RESEARCHER,
        researcher_of_x(201, 403),
        lambda w: Call("POST", f"{awaiting(w)}/discussion", json=DISCUSSION),
    ),
    ("consent", "POST", f"{RECORD}/witness"): Case(
        RESEARCHER,
        researcher_of_x(201, 403),
        lambda w: Call("POST", f"{awaiting(w)}/witness", json=witness_statement(w)),
    ),
    ("consent", "POST", f"{RECORD}/representative"): Case(
        RESEARCHER,
        researcher_of_x(201, 403),
        lambda w: Call("POST", f"{awaiting(w)}/representative", json=REPRESENTATIVE),
    ),
    ("consent", "POST", f"{RECORD}/countersignature"): Case(
        RESEARCHER,
        researcher_of_x(200, 403),
        lambda w: Call(
            "POST", f"{awaiting(w, discussed=True)}/countersignature", json=COUNTERSIGNATURE
        ),
    ),
    ("consent", "POST", "/trials/<uuid:trial_id>/phone-consent"): Case(
        RESEARCHER,
        researcher_of_x(200, 403),
        lambda w: Call("POST", f"/trials/{w.trial_x}/phone-consent", json=phone_consent_body(w)),
    ),
    ("consent", "PUT", "/trials/<uuid:trial_id>/identity-check"): Case(
        ADMIN,
        {"admin": 200},
        lambda w: Call(
            "PUT", f"/trials/{w.trial_x}/identity-check", json={"identity_check": "dob"}
        ),
    ),
}


def expected_status(case: Case, caller: str) -> int:
    if caller in BAD_CALLERS:
        return 401
    if CALLER_ROLES[caller] not in case.roles:
        return 403
    return case.expect[caller]


def guarded_endpoints(service: str, app: Flask) -> set[tuple[str, str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(UNGUARDED):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.add((service, method, rule.rule))
    return found


def test_every_endpoint_is_in_the_matrix(tmp_path: Any) -> None:
    bus = settings.bus_settings("filesystem://", tmp_path)
    url = "postgresql+psycopg://nobody@127.0.0.1:1/unused"  # building an app connects to nothing
    apps = {
        "registry": create_registry_app(settings.registry(url, bus)),
        "messaging": create_messaging_app(settings.messaging(url, bus)),
        "consent": create_consent_app(settings.consent(url, bus)),
    }
    live = set().union(*(guarded_endpoints(name, app) for name, app in apps.items()))
    assert live - set(MATRIX) == set(), "endpoints missing from the scope matrix"
    assert set(MATRIX) - live == set(), "the matrix lists endpoints that no longer exist"


def test_every_allowed_role_has_an_expectation_for_each_of_its_callers() -> None:
    for key, case in MATRIX.items():
        allowed = {c for c, role in CALLER_ROLES.items() if role in case.roles}
        assert set(case.expect) == allowed, key


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(MATRIX), ids=lambda k: f"{k[0]}:{k[1]}:{k[2]}")
def test_scope_matrix(
    endpoint: tuple[str, str, str], caller: str, request: pytest.FixtureRequest
) -> None:
    case = MATRIX[endpoint]
    world: World = request.getfixturevalue(f"{endpoint[0]}_world")
    call = case.call(world)
    response = world.service.client().open(
        call.path,
        method=call.method,
        json=call.json,
        data=call.data,
        content_type=call.content_type,
        query_string=call.query,
        headers=world.headers(caller),
    )
    expected = expected_status(case, caller)

    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        assert response.mimetype == PROBLEM_JSON
        problem = response.get_json(force=True)
        assert problem["status"] == expected
        assert problem["title"] and problem["type"].startswith("https://")
    elif case.mimetype is not None:
        assert response.mimetype == case.mimetype
    else:
        assert response.get_data() == b""
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("world_name", "path"),
    [("registry_world", "/participants/{id}"), ("messaging_world", "/participants/{id}/messages")],
)
def test_another_practices_participant_looks_exactly_like_one_that_does_not_exist(
    world_name: str, path: str, request: pytest.FixtureRequest
) -> None:
    world: World = request.getfixturevalue(world_name)
    client, headers = world.service.client(), world.headers("staff_b")
    answers = []
    for participant_id in (world.participant_a, uuid.uuid4()):
        response = client.get(path.format(id=participant_id), headers=headers)
        assert response.status_code == 404
        problem = response.get_json(force=True)
        problem["detail"] = problem["detail"].replace(str(participant_id), "<id>")
        answers.append(problem)
    theirs, nobodys = answers
    assert theirs == nobodys


def test_staff_see_only_their_own_practices(registry_world: World) -> None:
    client = registry_world.service.client()
    listed = client.get("/practices", headers=registry_world.headers("staff_b")).get_json()
    assert [p["ods_code"] for p in listed] == ["M85002"]


def test_staff_listing_all_participants_see_only_their_own_practices(
    registry_world: World,
) -> None:
    client = registry_world.service.client()
    response = client.get(
        "/participants", query_string={"limit": 500}, headers=registry_world.headers("staff_b")
    )
    items = response.get_json()["items"]
    assert items, "practice B has a participant"
    assert {item["practice_ods"] for item in items} == {"M85002"}
    assert str(registry_world.participant_a) not in {item["id"] for item in items}


@pytest.mark.parametrize(
    "query",
    [
        {"q": "amina"},
        {"q": "nhs"},
        {"q": "mobile"},
        {"sort": "name", "limit": 500},
        {"sort": "-added", "page": 1, "limit": 500},
        {"status": "not_invited", "language": "bn", "sort": "date_of_birth", "limit": 500},
    ],
)
def test_staff_searching_sorting_or_paging_see_only_their_own_practices(
    registry_world: World, query: dict[str, Any]
) -> None:
    client = registry_world.service.client()
    with registry_world.service.uow() as uow:
        theirs = uow.registry.participant(registry_world.participant_a)
        assert theirs is not None and theirs.mobile
        typed = {"nhs": theirs.nhs_number, "mobile": theirs.mobile}
    asked = {**query, "q": typed.get(query.get("q", ""), query.get("q"))}
    asked = {k: v for k, v in asked.items() if v is not None}
    response = client.get(
        "/participants", query_string=asked, headers=registry_world.headers("staff_b")
    )
    assert response.status_code == 200
    body = response.get_json()
    assert {item["practice_ods"] for item in body["items"]} <= {"M85002"}
    assert str(registry_world.participant_a) not in {item["id"] for item in body["items"]}
    # The count is of their own practice too: it tells nothing of another's patients.
    assert body["total"] == len(body["items"])
    # Naming another practice in the same search is refused outright.
    refused = client.get(
        "/participants",
        query_string={**asked, "practice_ods": ODS_A},
        headers=registry_world.headers("staff_b"),
    )
    assert refused.status_code == 403


def test_coordinators_see_only_their_own_trials(registry_world: World) -> None:
    client = registry_world.service.client()
    listed = client.get("/trials", headers=registry_world.headers("coordinator_y")).get_json()
    assert [t["id"] for t in listed] == [str(registry_world.trial_y)]


def test_a_coordinator_of_one_trial_cannot_read_another_trials_record(consent_world: World) -> None:
    client = consent_world.service.client()
    own = client.get(
        f"/trials/{consent_world.trial_y}/consent-records/Y-000001",
        headers=consent_world.headers("coordinator_y"),
    )
    other = client.get(
        f"/trials/{consent_world.trial_x}/consent-records/X-000001",
        headers=consent_world.headers("coordinator_y"),
    )
    assert own.status_code == 200
    assert own.get_json()["participant"]["practice_ods"] == "M85002"
    assert own.get_json()["study_number"] == "Y-000001"
    assert str(consent_world.participant_b) not in own.get_data(as_text=True)
    assert other.status_code == 403
    assert str(consent_world.participant_a) not in other.get_data(as_text=True)


def test_whoami_tells_each_caller_its_own_role_and_scopes(registry_world: World) -> None:
    client = registry_world.service.client()
    staff = client.get("/whoami", headers=registry_world.headers("staff_b")).get_json()
    assert (staff["role"], staff["practices"], staff["trials"]) == ("staff", ["M85002"], [])
    coordinator = client.get("/whoami", headers=registry_world.headers("coordinator_y")).get_json()
    assert (coordinator["role"], coordinator["trials"]) == (
        "coordinator",
        [str(registry_world.trial_y)],
    )


def test_researchers_see_only_their_own_trials_and_need_one(registry_world: World) -> None:
    client = registry_world.service.client()
    listed = client.get("/trials", headers=registry_world.headers("researcher_y")).get_json()
    assert [t["id"] for t in listed] == [str(registry_world.trial_y)]
    refused = client.post(
        "/tokens",
        json={"name": "Dr R Patel", "role": "researcher"},
        headers=registry_world.headers("admin"),
    )
    assert refused.status_code == 422
    assert "a researcher token needs at least one trial" in refused.get_data(as_text=True)
