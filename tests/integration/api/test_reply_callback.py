"""A patient who asks to be phoned: recorded, told to consent, shown to staff, and staff
can mark an unclear reply as such (issue 15 item 6)."""

from __future__ import annotations

import uuid

import pytest

from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from shared.events.commands import ParticipantShared, TrialCreated
from shared.events.contracts import CONTRACTS
from tests.integration.api.conftest import Service, World
from tests.integration.api.test_messaging_batches import call, sent_batch, texts_to
from tests.integration.api.test_webhooks import text_from

pytestmark = pytest.mark.integration


def test_a_call_me_reply_is_recorded_shown_to_staff_and_not_acknowledged_as_a_yes(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    participant_id, number = sent_batch(messaging_world, "ur")
    text_from(service, number, "mujhe call karo")

    received = [
        e
        for e in service.outbox()
        if e.type == "messaging.reply.received" and e.data["participant_id"] == participant_id
    ]
    assert [e.data["intent"] for e in received] == ["callback"]
    tasks = call(messaging_world, "staff_a", "GET", "/callbacks").get_json()
    [task] = [t for t in tasks if t["participant_id"] == str(participant_id)]
    assert (task["language"], task["sources"]) == ("ur", ["sms"])
    shown = call(messaging_world, "staff_a", "GET", f"/callbacks/{task['id']}").get_json()
    assert shown["conversation"][-1]["body"] == "mujhe call karo"
    assert len(texts_to(service, number)) == 1, "no acknowledgement promises a call"


def test_staff_can_mark_an_unclear_reply_as_a_request_for_a_call(messaging_world: World) -> None:
    service = messaging_world.service
    participant_id, number = sent_batch(messaging_world, "pl")
    text_from(service, number, "a co to jest?")
    inbox = call(messaging_world, "staff_a", "GET", "/replies/unclear").get_json()
    [item] = [i for i in inbox if i["participant_id"] == str(participant_id)]
    assert item["intent"] == "unknown"

    marked = call(
        messaging_world, "staff_a", "POST", f"/replies/{item['id']}/intent", {"intent": "callback"}
    )

    assert marked.status_code == 200, marked.get_data(as_text=True)
    received = [
        e.data["intent"]
        for e in service.outbox()
        if e.type == "messaging.reply.received" and e.data["participant_id"] == participant_id
    ]
    assert received == ["unknown", "callback"]
    after = call(messaging_world, "staff_a", "GET", "/replies/unclear").get_json()
    assert item["id"] not in {i["id"] for i in after}


def test_consent_takes_a_call_me_reply_without_changing_the_record(
    consent_service: Service,
) -> None:
    trial_id, participant_id = uuid.uuid4(), uuid.uuid4()
    consent_participants.save_trial(
        consent_service.uow(),
        TrialCreated(trial_id=trial_id, short_name="C", title="C", response_deadline_days=None),
    )
    consent_participants.save_participant(
        consent_service.uow(),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods="M85001",
            mobile="+447400000002",
            textable=True,
            language="ur",
            sex="female",
            age_band="60-69",
            ethnic_category="J",
            imd_decile=1,
            imd_edition=2019,
            dob_hash="e" * 64,
        ),
    )
    consent_records.record_invitations(consent_service.uow(), trial_id, [participant_id], "M85001")
    event = {
        "reply_id": uuid.uuid4(),
        "participant_id": participant_id,
        "trial_id": trial_id,
        "intent": "callback",
        "language": "ur",
    }
    assert CONTRACTS["messaging.reply.received"].validate(event) == {}
    uow = consent_service.uow()
    with uow:
        before = uow.records.record(participant_id, trial_id)
        assert before is not None
        status = before.status

    consent_records.record_reply(consent_service.uow(), participant_id, trial_id, "callback")

    uow = consent_service.uow()
    with uow:
        after = uow.records.record(participant_id, trial_id)
        assert after is not None and after.status == status
