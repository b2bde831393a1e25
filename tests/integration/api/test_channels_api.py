"""WhatsApp templates and opt-ins, trial cascades, and batch previews and reports per
channel, through messaging's HTTP API on PostgreSQL (decision 30)."""

from __future__ import annotations

import uuid

import pytest

from services.messaging.service_layer import contacts
from shared.events.commands import ParticipantShared
from tests.integration.api.conftest import ODS_A, World, messaging_batch, save_trial
from tests.support.factories import mobile

pytestmark = pytest.mark.integration
SID = "HX" + "f" * 32


def a_patient(world: World, number: str | None, preferred: str | None) -> uuid.UUID:
    person = uuid.uuid4()
    contacts.save_contact(
        world.service.uow(),
        ParticipantShared(
            participant_id=person,
            practice_ods=ODS_A,
            mobile=number,
            textable=number is not None,
            language="en",
            preferred_channel=preferred,
            postal=preferred == "letter",
        ),
    )
    return person


def test_a_preview_and_report_show_each_channels_count_and_cost(messaging_world: World) -> None:
    world, client = messaging_world, messaging_world.service.client()
    admin, staff = world.headers("admin"), world.headers("staff_a")
    trial = uuid.uuid4()
    save_trial(world.service, trial, "CHAN")
    answer = client.put(
        "/whatsapp/templates/invitation/en",
        json={
            "content_sid": SID,
            "body": "{{1}}: would you take part? Reply YES or NO",
            "variables": ["short_name"],
            "approval": "approved",
        },
        headers=admin,
    )
    assert answer.status_code == 200, answer.get_json()
    texter = a_patient(world, mobile(), None)
    whatsapper = a_patient(world, mobile(), "whatsapp")
    opt_in = client.post(
        f"/participants/{whatsapper}/whatsapp-opt-in",
        json={"how": "paper_form", "note": "signed at reception"},
        headers=staff,
    )
    assert opt_in.status_code == 200 and opt_in.get_json()["how"] == "paper_form"
    by_post = a_patient(world, None, "letter")
    by_phone = a_patient(world, mobile(), "voice")
    batch = messaging_batch(world.service, trial, texter, whatsapper, by_post, by_phone)

    preview = client.get(f"/batches/{batch}/preview", headers=staff).get_json()
    rows = {row["channel"]: row for row in preview["channels"]}
    assert {c: (r["language"], r["count"]) for c, r in rows.items()} == {
        "sms": ("en", 1),
        "whatsapp": ("en", 1),
        "voice": ("en", 1),
        "letter": ("en", 1),
    }
    assert rows["whatsapp"]["cost"] == pytest.approx(0.03)
    assert rows["voice"]["cost"] == pytest.approx(0.10)
    assert rows["letter"]["cost"] == pytest.approx(0.85)
    sms_cost = 0.04 * rows["sms"]["segments"]
    assert rows["sms"]["cost"] == pytest.approx(sms_cost)
    assert preview["cost"] == pytest.approx(sms_cost + 0.03 + 0.10 + 0.85)
    assert preview["recipients"] == 4

    report = client.get(f"/batches/{batch}/report", headers=staff).get_json()
    assert {c: (r["messages"], r["waiting"]) for c, r in report["by_channel"].items()} == {
        "sms": (1, 1),
        "whatsapp": (1, 1),
        "voice": (1, 1),
        "letter": (1, 1),
    }


def test_a_cascade_is_set_read_and_refused_field_by_field(messaging_world: World) -> None:
    world, client = messaging_world, messaging_world.service.client()
    admin = world.headers("admin")
    steps = [
        {"channel": "sms", "wait_hours": 168},
        {"channel": "voice", "wait_hours": 48, "tries": 2},
        {"channel": "letter"},
    ]
    saved = client.put(f"/trials/{world.trial_y}/cascade", json={"steps": steps}, headers=admin)
    assert saved.status_code == 200, saved.get_json()
    read = client.get(f"/trials/{world.trial_y}/cascade", headers=admin).get_json()
    assert [(s["channel"], s["wait_hours"], s["tries"]) for s in read["steps"]] == [
        ("sms", 168, 1),
        ("voice", 48, 2),
        ("letter", 168, 1),
    ]
    bad = client.put(
        f"/trials/{world.trial_y}/cascade",
        json={"steps": [{"channel": "pigeon", "tries": 0}]},
        headers=admin,
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.get_json()["errors"]}
    assert any("channel" in f for f in fields) and any("tries" in f for f in fields)
    unknown = client.put(f"/trials/{uuid.uuid4()}/cascade", json={"steps": steps}, headers=admin)
    assert unknown.status_code == 404
    assert unknown.mimetype == "application/problem+json"


def test_a_bad_whatsapp_template_is_a_problem_naming_its_fields(messaging_world: World) -> None:
    client = messaging_world.service.client()
    answer = client.put(
        "/whatsapp/templates/invitation/xx-nowhere",
        json={"content_sid": "SM1", "body": "Hi {{3}}", "approval": "approved"},
        headers=messaging_world.headers("admin"),
    )
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.get_json()["errors"]}
    assert fields == {"language", "content_sid", "body"}
