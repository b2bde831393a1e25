"""Batches, templates, the review inbox and re-subscribing, through messaging's HTTP API
on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from twilio.request_validator import RequestValidator

from services.messaging.adapters.orm import inbound_messages, messages, suppressions
from services.messaging.domain.screening import LOOP_LIMIT
from services.messaging.service_layer import batches, sending
from tests.integration.api.conftest import (
    ODS_A,
    SEED,
    Service,
    World,
    messaging_batch,
    mobile,
    save_contact,
)
from tests.integration.api.test_webhooks import text_from
from tests.support.fake_provider import FakeProvider
from tests.support.settings import TWILIO_TOKEN

pytestmark = pytest.mark.integration


def a_contact(service: Service, language: str, practice: str = ODS_A) -> tuple[uuid.UUID, str]:
    participant_id, number = uuid.uuid4(), mobile()
    save_contact(service, participant_id, practice, number, language)
    return participant_id, number


def mixed_batch(world: World, languages: tuple[str, ...]) -> tuple[uuid.UUID, list[str]]:
    people = [a_contact(world.service, language) for language in languages]
    batch_id = messaging_batch(world.service, world.trial_x, *[p for p, _ in people])
    return batch_id, [n for _, n in people]


def call(world: World, caller: str, method: str, path: str, json: Any = None) -> Any:
    return world.service.client().open(
        path, method=method, json=json, headers=world.headers(caller)
    )


def message_rows(service: Service, batch_id: uuid.UUID) -> list[Any]:
    with service.runtime.engine.connect() as conn:
        return list(conn.execute(select(messages).where(messages.c.batch_id == batch_id)))


def test_the_preview_shows_each_languages_text_parts_cost_and_review_state(
    messaging_world: World,
) -> None:
    batch_id, _ = mixed_batch(messaging_world, ("en", "ur", "pl", "bn", "en", "ta"))
    response = call(messaging_world, "staff_a", "GET", f"/batches/{batch_id}/preview")
    assert response.status_code == 200
    preview = response.get_json()
    by_language = {row["language"]: row for row in preview["languages"]}
    # Tamil has no template yet: it falls back to English and is counted with it.
    assert {code: row["count"] for code, row in by_language.items()} == {
        "en": 3,
        "ur": 1,
        "pl": 1,
        "bn": 1,
    }
    assert by_language["en"]["encoding"] == "GSM-7" and by_language["en"]["reviewed"] is True
    assert by_language["ur"]["encoding"] == "UCS-2" and by_language["ur"]["rtl"] is True
    assert "YES" in by_language["pl"]["text"] and "badaniu" in by_language["pl"]["text"]
    for row in preview["languages"]:
        assert row["cost"] == pytest.approx(row["segments"] * row["count"] * 0.04)
    assert preview["recipients"] == 6
    assert preview["unreviewed_languages"] == ["bn", "pl", "ur"]
    assert preview["batch"]["status"] == "draft"


def test_staff_cannot_send_unreviewed_translations_and_are_told_which_and_why(
    messaging_world: World,
) -> None:
    batch_id, _ = mixed_batch(messaging_world, ("en", "ur"))
    refused = call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/approve", {})
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["errors"][0]["field"] == "allow_unreviewed"
    assert "ur" in problem["errors"][0]["reason"]
    assert "allow_unreviewed" not in problem["errors"][0]["reason"], "plain words, not a field"
    assert "ask an admin" in problem["errors"][0]["reason"]
    override = call(
        messaging_world,
        "staff_a",
        "POST",
        f"/batches/{batch_id}/approve",
        {"allow_unreviewed": True},
    )
    assert override.status_code == 403
    assert {r.status for r in message_rows(messaging_world.service, batch_id)} == {"held"}

    approved = call(
        messaging_world, "admin", "POST", f"/batches/{batch_id}/approve", {"allow_unreviewed": True}
    )
    assert approved.status_code == 200
    assert approved.get_json()["allow_unreviewed"] is True
    assert {r.status for r in message_rows(messaging_world.service, batch_id)} == {"queued"}


def test_a_scheduled_batch_waits_for_its_time_then_goes(messaging_world: World) -> None:
    service = messaging_world.service
    batch_id, numbers = mixed_batch(messaging_world, ("en",))
    send_at = datetime.now(UTC) + timedelta(hours=2)
    response = call(
        messaging_world,
        "staff_a",
        "POST",
        f"/batches/{batch_id}/approve",
        {"send_at": send_at.isoformat()},
    )
    assert response.get_json()["status"] == "scheduled"
    provider = FakeProvider()
    for job in sending.claim(service.uow(), 500):
        sending.send(service.uow(), provider, job, lambda m: f"http://cb/{m}", 3600)
    assert provider.sends_to(numbers[0]) == []
    [row] = message_rows(service, batch_id)
    assert row.status == "queued" and row.not_before == send_at


def test_pause_holds_what_is_not_sent_resume_releases_it_cancel_drops_it(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    batch_id, _ = mixed_batch(messaging_world, ("en", "en", "en"))
    call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/approve", {})
    assert (
        call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/pause", {}).status_code
        == 200
    )
    assert {r.status for r in message_rows(service, batch_id)} == {"held"}
    assert (
        call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/resume", {}).status_code
        == 200
    )
    assert {r.status for r in message_rows(service, batch_id)} == {"queued"}
    cancelled = call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/cancel", {})
    assert cancelled.get_json()["status"] == "cancelled"
    assert {r.status for r in message_rows(service, batch_id)} == {"cancelled"}
    again = call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/resume", {})
    assert again.status_code == 409


def test_the_report_counts_sent_delivered_failed_by_reason_and_replies_by_intent(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    batch_id, numbers = mixed_batch(messaging_world, ("en", "en", "en", "en"))
    call(messaging_world, "admin", "POST", f"/batches/{batch_id}/approve", {})
    provider = FakeProvider(fail_next=[("fail", "21211")])
    jobs = [j for j in sending.claim(service.uow(), 500) if j.to in numbers]
    for job in jobs:
        sending.send(service.uow(), provider, job, lambda m: f"http://cb/{m}", 3600)
    with service.runtime.engine.begin() as conn:
        delivered_to = next(n for n in numbers if provider.sends_to(n))
        conn.execute(
            update(messages)
            .where(messages.c.batch_id == batch_id, messages.c.to == delivered_to)
            .values(status="delivered")
        )
    replying = [n for n in numbers if provider.sends_to(n)]
    text_from(service, replying[0], "YES")
    text_from(service, replying[1], "no thank you")
    text_from(service, replying[2], "maybe, which day?")

    report = call(messaging_world, "staff_a", "GET", f"/batches/{batch_id}/report").get_json()
    invitations = report["invitations"]
    assert (invitations["sent"], invitations["delivered"], invitations["failed"]) == (2, 1, 1)
    assert invitations["total"] == 4 and report["progress"] == 1.0
    [(reason, count)] = report["failed_by_reason"].items()
    assert reason.startswith("21211") and count == 1
    assert report["replies_by_intent"] == {"yes": 1, "no": 1, "unknown": 1}


def test_staff_of_another_practice_see_neither_its_batches_nor_their_previews(
    messaging_world: World,
) -> None:
    batch_id, _ = mixed_batch(messaging_world, ("en",))
    listed = call(messaging_world, "staff_b", "GET", "/batches").get_json()
    assert str(batch_id) not in {b["id"] for b in listed}
    assert (
        call(messaging_world, "staff_b", "GET", f"/batches/{batch_id}/preview").status_code == 404
    )
    mine = call(messaging_world, "staff_a", "GET", "/batches").get_json()
    assert str(batch_id) in {b["id"] for b in mine}


# Templates


def test_a_template_with_an_unknown_placeholder_is_a_problem_naming_the_body(
    messaging_world: World,
) -> None:
    response = call(
        messaging_world,
        "admin",
        "POST",
        "/templates",
        {"kind": "invitation", "language": "pl", "body": "Badanie {title} {tytul}"},
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    reasons = {(e["field"], e["reason"].split(";")[0]) for e in response.get_json()["errors"]}
    assert ("body", "missing placeholder {info_url}") in reasons
    assert any(f == "body" and r.startswith("unknown placeholder {tytul}") for f, r in reasons)


def test_a_template_asking_for_neither_words_nor_digits_is_a_problem_naming_the_field(
    messaging_world: World,
) -> None:
    body = {"kind": "invitation", "language": "en", "body": "{title} {info_url}"}
    response = call(messaging_world, "admin", "POST", "/templates", {**body, "reply_with": "emoji"})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["reply_with"]


def test_saving_makes_a_new_unreviewed_version_the_trial_uses_until_reviewed(
    messaging_world: World,
) -> None:
    trial = str(messaging_world.trial_y)
    body = {"trial_id": trial, "kind": "invitation", "language": "en"}
    first = call(
        messaging_world, "admin", "POST", "/templates", {**body, "body": "v1 {title} {info_url}"}
    ).get_json()
    second = call(
        messaging_world, "admin", "POST", "/templates", {**body, "body": "v2 {title} {info_url}"}
    ).get_json()
    assert (first["version"], second["version"]) == (1, 2)
    assert second["reviewed"] is False and second["trial_id"] == trial

    participant_id, _ = a_contact(messaging_world.service, "en")
    batch_id = messaging_batch(messaging_world.service, messaging_world.trial_y, participant_id)
    preview = call(messaging_world, "admin", "GET", f"/batches/{batch_id}/preview").get_json()
    [row] = preview["languages"]
    assert row["text"].startswith("v2 A heart study") and row["reviewed"] is False
    assert (
        call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/approve", {}).status_code
        == 409
    )

    reviewed = call(messaging_world, "admin", "POST", f"/templates/{second['id']}/review", {})
    assert reviewed.get_json()["reviewed"] is True
    assert (
        call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/approve", {}).status_code
        == 200
    )


def test_a_template_or_setting_changed_after_the_batch_was_made_is_what_goes_out(
    messaging_world: World,
) -> None:
    """Held invitations follow the current template and trial settings until approval."""
    service, trial = messaging_world.service, messaging_world.trial_y
    participant_id, _ = a_contact(service, "en")
    batch_id = messaging_batch(service, trial, participant_id)
    body = {"trial_id": str(trial), "kind": "invitation", "language": "en"}
    saved = call(
        messaging_world, "admin", "POST", "/templates", {**body, "body": "Newer {title} {info_url}"}
    ).get_json()
    call(messaging_world, "admin", "POST", f"/templates/{saved['id']}/review", {})
    patched = call(
        messaging_world,
        "admin",
        "PATCH",
        f"/trials/{trial}/messaging-settings",
        {"info_url": "https://x.example/af"},
    )
    assert patched.status_code == 200

    [row] = call(messaging_world, "admin", "GET", f"/batches/{batch_id}/preview").get_json()[
        "languages"
    ]
    assert row["text"] == "Newer A heart study https://x.example/af"
    assert row["template_version"] == saved["version"]
    approved = call(messaging_world, "staff_a", "POST", f"/batches/{batch_id}/approve", {})
    assert approved.status_code == 200
    [queued] = message_rows(service, batch_id)
    assert (queued.status, queued.body) == ("queued", row["text"])
    assert queued.template_id == uuid.UUID(saved["id"])


def test_the_shipped_translations_are_listed_unreviewed_and_english_reviewed(
    messaging_world: World,
) -> None:
    listed = call(messaging_world, "admin", "GET", "/templates?shipped=true&kind=invitation")
    shipped = {t["language"]: t["reviewed"] for t in listed.get_json()}
    assert shipped["en"] is True
    for code in ("ur", "pa", "pa-Arab", "bn", "pl", "ro", "ar", "so", "zh", "gu"):
        assert shipped[code] is False


def test_the_segment_counter_says_what_urdu_costs_and_refuses_a_text_too_long(
    messaging_world: World,
) -> None:
    yes_in_urdu = "\u06c1\u0627\u06ba"  # ہاں
    urdu = call(messaging_world, "admin", "POST", "/segments", {"text": f"{yes_in_urdu} " * 20})
    assert urdu.status_code == 200
    body = urdu.get_json()
    assert (body["encoding"], body["characters"], body["segments"]) == ("UCS-2", 80, 2)
    assert body["cost"] == 0.08 and body["currency"] == "GBP"
    assert body["outside_gsm7"] == list(yes_in_urdu)
    too_long = call(messaging_world, "admin", "POST", "/segments", {"text": "a" * 1601})
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"][0]["field"] == "text"


# Replies: acknowledgements in the patient's language, the review inbox, re-subscribing


def sent_batch(world: World, language: str) -> tuple[uuid.UUID, str]:
    participant_id, number = a_contact(world.service, language)
    batch_id = messaging_batch(world.service, world.trial_x, participant_id)
    batches.approve(world.service.uow(), SEED, batch_id, send_at=None, allow_unreviewed=True)
    provider = FakeProvider()
    for job in sending.claim(world.service.uow(), 500):
        sending.send(world.service.uow(), provider, job, lambda m: f"http://cb/{m}", 3600)
    return participant_id, number


def texts_to(service: Service, number: str) -> list[Any]:
    with service.runtime.engine.connect() as conn:
        query = select(messages).where(messages.c.to == number).order_by(messages.c.created_at)
        return list(conn.execute(query))


def test_a_yes_is_acknowledged_in_the_patients_own_language(messaging_world: World) -> None:
    _, number = sent_batch(messaging_world, "bn")
    text_from(messaging_world.service, number, "yes")
    ack = texts_to(messaging_world.service, number)[-1]
    assert ack.kind == "yes_ack" and ack.language == "bn"
    assert ack.body.startswith("ধন্যবাদ")


def test_an_unclear_reply_waits_for_staff_whose_reading_then_acts_like_any_reply(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    participant_id, number = sent_batch(messaging_world, "pl")
    text_from(service, number, "a co to jest?")
    inbox = call(messaging_world, "staff_a", "GET", "/replies/unclear").get_json()
    [item] = [i for i in inbox if i["participant_id"] == str(participant_id)]
    assert item["body"] == "a co to jest?" and item["language"] == "pl"
    # Not acknowledged as if understood: one "we did not understand" text, in Polish.
    [_, clarify] = texts_to(service, number)
    assert clarify.kind == "unclear_ack" and clarify.language == "pl"
    other = call(messaging_world, "staff_b", "GET", "/replies/unclear").get_json()
    assert item["id"] not in {i["id"] for i in other}

    set_stop = call(
        messaging_world, "staff_a", "POST", f"/replies/{item['id']}/intent", {"intent": "stop"}
    )
    assert set_stop.status_code == 200
    with service.runtime.engine.connect() as conn:
        assert conn.execute(select(suppressions).where(suppressions.c.mobile == number)).first()
    received = [
        e
        for e in service.outbox()
        if e.type == "messaging.reply.received" and e.data["participant_id"] == participant_id
    ]
    assert [e.data["intent"] for e in received] == ["unknown", "stop"]
    ack = texts_to(service, number)[-1]
    assert ack.kind == "stop_ack" and ack.language == "pl"
    twice = call(
        messaging_world, "staff_a", "POST", f"/replies/{item['id']}/intent", {"intent": "yes"}
    )
    assert twice.status_code == 409


def test_staff_asking_to_resubscribe_their_patient_texts_the_number_to_reply_start(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    participant_id, number = sent_batch(messaging_world, "en")
    text_from(service, number, "STOP")
    response = call(
        messaging_world,
        "staff_a",
        "POST",
        f"/participants/{participant_id}/resubscribe",
        {"note": "asked at the desk"},
    )
    assert response.get_json() == {
        "participant_id": str(participant_id),
        "was_stopped": True,
        "still_stopped": True,
        "confirmation_requested": True,
    }
    with service.runtime.engine.connect() as conn:
        assert conn.execute(select(suppressions).where(suppressions.c.mobile == number)).first()
    check = texts_to(service, number)[-1]
    assert check.kind == "opt_in_check" and "START" in check.body

    text_from(service, number, "START")
    with service.runtime.engine.connect() as conn:
        assert not conn.execute(select(suppressions).where(suppressions.c.mobile == number)).first()
    opted_in = [
        e
        for e in service.outbox()
        if e.type == "messaging.participant.opted_in" and e.data["participant_id"] == participant_id
    ]
    assert [e.data["source"] for e in opted_in] == ["sms"]


def test_the_same_text_to_the_same_number_again_and_again_is_stopped(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    _, number = sent_batch(messaging_world, "en")
    for _ in range(LOOP_LIMIT + 2):
        text_from(service, number, "help")
    acks = [t for t in texts_to(service, number) if t.kind == "help_ack"]
    assert [t.status for t in acks].count("failed") == 2
    assert all(t.error.startswith("loop protection") for t in acks if t.status == "failed")


# Reminders


def test_one_reminder_goes_after_the_trials_days_only_to_those_who_did_not_answer(
    messaging_world: World,
) -> None:
    service = messaging_world.service
    people = [a_contact(service, language) for language in ("en", "ur", "en", "en")]
    batch_id = messaging_batch(service, messaging_world.trial_x, *[p for p, _ in people])
    batches.approve(service.uow(), SEED, batch_id, send_at=None, allow_unreviewed=True)
    provider = FakeProvider()
    for job in sending.claim(service.uow(), 500):
        sending.send(service.uow(), provider, job, lambda m: f"http://cb/{m}", 3600)
    (_, silent_en), (_, silent_ur), (_, said_no), (_, said_stop) = people
    text_from(service, said_no, "no")
    text_from(service, said_stop, "stop")

    def reminders() -> dict[str, Any]:
        return {r.to: r for r in message_rows(service, batch_id) if r.kind == "reminder"}

    now = datetime.now(UTC)
    batches.queue_reminders(service.uow(), now + timedelta(days=6))
    assert reminders() == {}
    batches.queue_reminders(service.uow(), now + timedelta(days=7, minutes=1))
    assert set(reminders()) == {silent_en, silent_ur}
    assert reminders()[silent_ur].language == "ur"
    assert reminders()[silent_ur].body.startswith("آپ کے جی پی")
    batches.queue_reminders(service.uow(), now + timedelta(days=30))
    assert len(message_rows(service, batch_id)) == 4 + 2


def test_a_signature_over_the_internal_url_is_refused_behind_a_proxy(
    messaging_world: World,
) -> None:
    """Twilio signs the public URL; a signature over the host the app sees is not valid."""
    params = {"MessageSid": "SM" + "1" * 32, "From": mobile(), "To": "+447700900000", "Body": "YES"}
    internal = "http://localhost/webhooks/twilio/inbound"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(internal, params)
    response = messaging_world.service.client().post(
        "/webhooks/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    with messaging_world.service.runtime.engine.connect() as conn:
        query = select(inbound_messages).where(
            inbound_messages.c.provider_sid == params["MessageSid"]
        )
        assert conn.execute(query).first() is None


def test_the_trial_settings_say_which_sending_window_applies_and_whose_it_is(
    messaging_world: World,
) -> None:
    trial = messaging_world.trial_x
    path = f"/trials/{trial}/messaging-settings"
    deployment = messaging_world.service.settings.default_window.describe()
    shown = call(messaging_world, "admin", "GET", path).get_json()
    assert shown["window"] is None
    assert shown["effective_window"] == {**deployment, "source": "deployment"}

    own = {"days": "mon,wed", "start": "10:00", "end": "12:00"}
    try:
        patched = call(messaging_world, "admin", "PATCH", path, {"window": own}).get_json()
        assert patched["effective_window"] == {**own, "source": "trial"}
    finally:
        cleared = call(messaging_world, "admin", "PATCH", path, {"window": None}).get_json()
    assert cleared["effective_window"] == {**deployment, "source": "deployment"}
