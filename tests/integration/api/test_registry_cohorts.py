"""Cohorts, statuses per trial and the participants API on PostgreSQL."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.registry.adapters.orm import trial_statuses
from services.registry.domain.eligibility import REASONS
from services.registry.entrypoints.handlers import HANDLERS
from services.registry.service_layer import invitations, practices, statuses
from services.registry.service_layer.participants import ParticipantDetails, register_participant
from shared.events import Event
from tests.integration.api.conftest import SEED, World, serial
from tests.support.factories import patient

pytestmark = pytest.mark.integration


def client_for(world: World, caller: str) -> FlaskClient:
    client = world.service.client()
    client.environ_base["HTTP_AUTHORIZATION"] = world.headers(caller)["Authorization"]
    return client


@pytest.fixture
def admin(registry_world: World) -> FlaskClient:
    return client_for(registry_world, "admin")


def new_practice(world: World) -> str:
    ods = f"Q{serial():05d}"
    practices.create_practice(world.service.uow(), ods, "Cohort practice")
    return ods


def new_trial(admin: FlaskClient) -> str:
    body = {"short_name": f"CO-{serial()}", "title": "Heart", "sponsor": "Uni", "languages": ["en"]}
    response = admin.post("/trials", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def person(world: World, ods: str, mobile_number: str | None = None, **extra: Any) -> uuid.UUID:
    """A 56-year-old Bengali-speaking Bangladeshi woman in IMD decile 1, unless told."""
    demographics = {"sex": "female", "ethnic_category": "K", "imd_decile": 1, "imd_edition": 2019}
    details = patient(ods, **(demographics | extra))
    if mobile_number:
        details["mobile"] = mobile_number
    participant, _ = register_participant(
        world.service.uow(),
        SEED,
        ParticipantDetails(**details),
        world.service.settings.dob_hash_key,
    )
    return participant.id


def consent_says(world: World, participant: uuid.UUID, trial: str, status: str) -> None:
    event = Event(
        type="consent.status.changed",
        producer="consent",
        data={
            "participant_id": participant,
            "trial_id": uuid.UUID(trial),
            "status": status,
            "previous_status": "invited",
            "form_version": None,
        },
    )
    HANDLERS["consent.status.changed"](event, world.service.uow())


def test_a_preview_counts_and_breaks_down_whoever_meets_the_filter(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    person(registry_world, ods)  # Bangladeshi woman, 56, decile 1, Bengali
    person(registry_world, ods, ethnic_category="J", imd_decile=4, language="ur", sex="male")
    person(registry_world, ods, ethnic_category="A", imd_decile=9)  # filtered out by decile
    person(registry_world, ods, mobile_number="0121 496 0000")  # a landline: not textable
    opted_out = person(registry_world, ods)
    statuses.record_opt_out(registry_world.service.uow(), opted_out, opted_out=True)
    declined_elsewhere = person(registry_world, ods)
    other_trial = new_trial(admin)
    consent_says(registry_world, declined_elsewhere, other_trial, "declined")

    created = admin.post(
        f"/trials/{trial}/cohorts",
        json={
            "practice_ods": ods,
            "name": "Most deprived, 40 to 69",
            "criteria": {"age_min": 40, "age_max": 69, "imd_deciles": [1, 2, 3, 4]},
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    preview = admin.get(f"/cohorts/{created.get_json()['id']}/preview").get_json()

    assert preview == {
        "count": 2,
        "textable": 2,
        "letters": 0,
        "by_ethnic_group": {
            "Asian or Asian British - Bangladeshi": 1,
            "Asian or Asian British - Pakistani": 1,
        },
        "by_imd_quintile": {"1": 1, "2": 1},
        "by_language": {"Bengali": 1, "Urdu": 1},
        "by_age_band": {"50-59": 2},
        "by_sex": {"female": 1, "male": 1},
        "left_out": {
            "opted out of texts": 1,
            "declined, refused, withdrew or opted out in another trial": 1,
            "no mobile number that can be texted, no postal address, and no call asked for": 1,
        },
    }


def test_requesting_invitations_freezes_the_members_and_sends_them_in_chunks(
    admin: FlaskClient, registry_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invitations, "CHUNK_SIZE", 2)
    ods, trial = new_practice(registry_world), new_trial(admin)
    members = {person(registry_world, ods) for _ in range(5)}
    cohort = admin.post(f"/trials/{trial}/cohorts", json={"practice_ods": ods, "name": "All"})
    cohort_id = cohort.get_json()["id"]

    stale = admin.post(f"/cohorts/{cohort_id}/invitations", json={"expected_count": 4})
    assert stale.status_code == 409  # the preview said 5: nothing is sent
    assert admin.get(f"/cohorts/{cohort_id}").get_json()["frozen_at"] is None
    response = admin.post(f"/cohorts/{cohort_id}/invitations", json={"expected_count": 5})

    assert response.status_code == 202, response.get_data(as_text=True)
    outcome = response.get_json()
    assert (outcome["invited"], outcome["chunks"]) == (5, 3)
    requested = [
        e
        for e in registry_world.service.outbox()
        if e.type == "registry.invitations.requested"
        and e.data["batch_id"] == uuid.UUID(outcome["batch_id"])
    ]
    assert [e.data["chunk"] for e in requested] == [0, 1, 2]
    assert {pid for e in requested for pid in e.data["participant_ids"]} == members

    person(registry_world, ods)  # joins the practice after the cohort was frozen
    frozen = admin.get(f"/cohorts/{cohort_id}").get_json()
    assert frozen["size"] == 5 and frozen["frozen_at"]
    assert admin.get(f"/cohorts/{cohort_id}/preview").get_json()["count"] == 5
    again = admin.post(f"/cohorts/{cohort_id}/invitations", json={"expected_count": 5})
    assert again.status_code == 409

    next_cohort = admin.post(f"/trials/{trial}/cohorts", json={"practice_ods": ods, "name": "Rest"})
    preview = admin.get(f"/cohorts/{next_cohort.get_json()['id']}/preview").get_json()
    assert preview["count"] == 1  # the members are already invited to this trial


def test_statuses_follow_consent_events_and_opted_out_patients_join_no_new_cohort(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    yes, stop = person(registry_world, ods), person(registry_world, ods)
    cohort = admin.post(f"/trials/{trial}/cohorts", json={"practice_ods": ods, "name": "All"})
    admin.post(f"/cohorts/{cohort.get_json()['id']}/invitations", json={"expected_count": 2})

    consent_says(registry_world, yes, trial, "interested")
    consent_says(registry_world, stop, trial, "opted_out")
    HANDLERS["messaging.participant.opted_out"](
        Event(
            type="messaging.participant.opted_out",
            producer="messaging",
            data={"participant_id": stop, "source": "sms"},
        ),
        registry_world.service.uow(),
    )

    page = admin.get(f"/trials/{trial}/statuses", query_string={"practice_ods": ods}).get_json()
    assert page["counts"] == {"interested": 1, "opted_out": 1}
    assert {(i["participant_id"], i["status"]) for i in page["items"]} == {
        (str(yes), "interested"),
        (str(stop), "opted_out"),
    }
    later_trial = new_trial(admin)
    later = admin.post(f"/trials/{later_trial}/cohorts", json={"practice_ods": ods, "name": "All"})
    preview = admin.get(f"/cohorts/{later.get_json()['id']}/preview").get_json()
    assert preview["count"] == 1  # the interested one; never the one who texted STOP


def test_the_patient_list_shows_each_patients_status_in_each_trial(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    invited, interested = person(registry_world, ods), person(registry_world, ods)
    cohort = admin.post(
        f"/trials/{trial}/cohorts", json={"practice_ods": ods, "name": "Two"}
    ).get_json()
    admin.post(f"/cohorts/{cohort['id']}/invitations", json={"expected_count": 2})
    consent_says(registry_world, interested, trial, "interested")
    not_invited = person(registry_world, ods)

    items = admin.get("/participants", query_string={"practice_ods": ods}).get_json()["items"]
    assert {i["id"]: [(t["trial_id"], t["status"]) for t in i["trials"]] for i in items} == {
        str(invited): [(trial, "invited")],
        str(interested): [(trial, "interested")],
        str(not_invited): [],
    }


def test_staff_of_another_practice_learn_nothing_through_any_filter(
    registry_world: World,
) -> None:
    staff_a, staff_b = client_for(registry_world, "staff_a"), client_for(registry_world, "staff_b")
    trial = str(registry_world.trial_x)
    a_cohort = staff_a.post(
        f"/trials/{trial}/cohorts", json={"practice_ods": "M85001", "name": "A's cohort"}
    )
    assert a_cohort.status_code == 201
    nhs = staff_a.get(f"/participants/{registry_world.participant_a}").get_json()["nhs_number"]

    for query in (
        {"q": nhs},
        {"language": "bn"},
        {"trial_id": trial},
        {"trial_id": trial, "status": "invited"},
        {"textable": "true"},
    ):
        items = staff_b.get("/participants", query_string=query).get_json()["items"]
        assert all(item["practice_ods"] == "M85002" for item in items), query
    assert staff_b.get("/participants", query_string={"q": nhs}).get_json()["items"] == []
    listed = staff_b.get(f"/trials/{trial}/cohorts").get_json()
    assert all(c["practice_ods"] == "M85002" for c in listed)
    assert staff_b.get(f"/cohorts/{a_cohort.get_json()['id']}/preview").status_code == 404
    forbidden = staff_b.get(f"/trials/{trial}/statuses", query_string={"practice_ods": "M85001"})
    assert forbidden.status_code == 403


def test_participants_are_found_by_nhs_number_or_family_name(
    admin: FlaskClient, registry_world: World
) -> None:
    ods = new_practice(registry_world)
    pid = person(registry_world, ods, language="pl")
    found = admin.get(f"/participants/{pid}").get_json()
    spaced = f"{found['nhs_number'][:3]} {found['nhs_number'][3:6]} {found['nhs_number'][6:]}"

    by_number = admin.get("/participants", query_string={"q": spaced}).get_json()["items"]
    by_name = admin.get(
        "/participants", query_string={"q": found["family_name"][:5].lower(), "practice_ods": ods}
    ).get_json()["items"]
    by_language = admin.get(
        "/participants", query_string={"language": "Polish", "practice_ods": ods}
    ).get_json()["items"]

    assert [p["id"] for p in by_number] == [str(pid)]
    assert str(pid) in [p["id"] for p in by_name]
    assert [p["id"] for p in by_language] == [str(pid)]


def test_staff_correct_a_mobile_and_language_and_bad_values_are_422(
    admin: FlaskClient, registry_world: World
) -> None:
    pid = person(registry_world, new_practice(registry_world))
    response = admin.patch(
        f"/participants/{pid}",
        json={"mobile": "0121 496 0000", "language": "Sylheti", "interpreter_needed": True},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["mobile"], body["textable"], body["language"]) == ("+441214960000", False, "syl")
    assert body["interpreter_needed"] is True

    for bad, field in (({"mobile": "12"}, "mobile"), ({"language": "Elvish"}, "language")):
        problem = admin.patch(f"/participants/{pid}", json=bad)
        assert problem.status_code == 422
        assert problem.get_json(force=True)["errors"][0]["field"] == field
    cleared = admin.patch(f"/participants/{pid}", json={"mobile": None}).get_json()
    assert (cleared["mobile"], cleared["textable"]) == (None, False)


def test_erasing_a_participant_removes_them_and_announces_it(
    admin: FlaskClient, registry_world: World
) -> None:
    pid = person(registry_world, new_practice(registry_world))
    assert admin.delete(f"/participants/{pid}").status_code == 204
    assert admin.get(f"/participants/{pid}").status_code == 404
    assert admin.delete(f"/participants/{pid}").status_code == 404
    erased = [e for e in registry_world.service.outbox() if e.type == "registry.participant.erased"]
    assert [e.data for e in erased if e.data["participant_id"] == pid] == [{"participant_id": pid}]


def test_a_trial_keeps_its_languages_and_has_no_sending_window(admin: FlaskClient) -> None:
    body = {
        "short_name": f"W-{serial()}",
        "title": "Window",
        "sponsor": "Uni",
        "response_deadline_days": 21,
        "languages": ["Urdu", "en", "Panjabi"],
    }
    created = admin.post("/trials", json=body).get_json()
    read = admin.get(f"/trials/{created['id']}").get_json()
    assert read["languages"] == ["ur", "en", "pa"]
    assert "sending_window" not in read and "sending_window" not in created


def test_a_sending_window_is_refused_with_where_to_set_it(admin: FlaskClient) -> None:
    short_name = f"W-{serial()}"
    body = {"short_name": short_name, "title": "Window", "sponsor": "Uni"}
    window = {"start": "10:00", "end": "16:30", "days": [1, 3, 5]}

    refused = admin.post("/trials", json={**body, "sending_window": window, "title": ""})

    assert refused.status_code == 422
    errors = {e["field"]: e["reason"] for e in refused.get_json(force=True)["errors"]}
    assert set(errors) == {"sending_window", "title"}, "the other fields are still checked"
    assert "messaging's trial settings" in errors["sending_window"]
    assert "/messaging-settings" in errors["sending_window"]
    assert "Trial setup" in errors["sending_window"]
    assert "messaging's trial settings" in refused.get_json(force=True)["detail"]
    other = admin.post("/trials", json={**body, "sending_hours": "9-5"})
    assert other.status_code == 422
    assert other.get_json(force=True)["errors"][0] == {
        "field": "sending_hours",
        "reason": "Sending hours is not something we accept here: remove it or check its spelling",
        "in": "json",
    }, "any other unknown field is refused as before"
    trials = admin.get("/trials").get_json()
    assert short_name not in {t["short_name"] for t in trials}, "nothing was created"


def test_a_practice_has_a_validated_ods_code_and_time_zone(admin: FlaskClient) -> None:
    ods = f"B{serial():05d}"
    ok = admin.post("/practices", json={"ods_code": ods, "name": "P", "timezone": "Europe/London"})
    assert ok.status_code == 201 and ok.get_json()["timezone"] == "Europe/London"
    for bad in ({"ods_code": "12345X"}, {"ods_code": f"C{serial():05d}", "timezone": "Mars/Base"}):
        response = admin.post("/practices", json={"name": "P", "ods_code": ods, **bad})
        assert response.status_code == 422, bad


def test_a_status_change_that_overtakes_the_one_before_it_waits_for_it(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    pid = person(registry_world, ods)
    cohort = admin.post(f"/trials/{trial}/cohorts", json={"practice_ods": ods, "name": "All"})
    admin.post(f"/cohorts/{cohort.get_json()['id']}/invitations", json={"expected_count": 1})

    def change(status: str, previous: str) -> Event:
        return Event(
            type="consent.status.changed",
            producer="consent",
            data={
                "participant_id": pid,
                "trial_id": uuid.UUID(trial),
                "status": status,
                "previous_status": previous,
                "form_version": 1,
            },
        )

    handler = HANDLERS["consent.status.changed"]
    with pytest.raises(statuses.StatusOutOfOrder):
        handler(change("link_sent", "interested"), registry_world.service.uow())
    handler(change("interested", "invited"), registry_world.service.uow())
    handler(change("link_sent", "interested"), registry_world.service.uow())
    handler(change("link_sent", "interested"), registry_world.service.uow())  # a duplicate

    read = admin.get(f"/participants/{pid}").get_json()
    assert [t["status"] for t in read["trials"]] == ["link_sent"]


def aged(years: int) -> str:
    """A date of birth of someone `years` old (a few days past that birthday) today."""
    return (date.today() - timedelta(days=years * 365 + 10)).isoformat()


def people_who_may_not_be_invited(world: World, ods: str, admin: FlaskClient) -> dict[str, Any]:
    """One adult who may be invited, and one person left out for each reason."""
    other_trial = new_trial(admin)
    said_no = {}
    for status in ("withdrawn", "declined", "refused", "opted_out"):
        said_no[status] = person(world, ods)
        consent_says(world, said_no[status], other_trial, status)
    child = person(world, ods, date_of_birth=aged(17))
    opted_out = person(world, ods)
    statuses.record_opt_out(world.service.uow(), opted_out, opted_out=True)
    return {
        "adult": person(world, ods),
        "said_no": said_no,
        "child": child,
        "opted_out": opted_out,
    }


def invited_in(world: World, trial: str) -> set[uuid.UUID]:
    with world.service.runtime.engine.connect() as conn:
        found = conn.scalars(
            select(trial_statuses.c.participant_id).where(
                trial_statuses.c.trial_id == uuid.UUID(trial),
                trial_statuses.c.status == "invited",
            )
        )
        return set(found)


def test_both_entrances_apply_one_rule_and_the_preview_counts_whom_it_leaves_out(
    admin: FlaskClient, registry_world: World
) -> None:
    """A cohort and a list of names invite the same people, and the preview's reasons
    (counted in SQL) are the rule's reasons (decided in Python) for the same people."""
    ods = new_practice(registry_world)
    people = people_who_may_not_be_invited(registry_world, ods, admin)
    everyone = [people["adult"], *people["said_no"].values(), people["child"], people["opted_out"]]

    by_list, by_cohort = new_trial(admin), new_trial(admin)
    listed = admin.post(
        f"/trials/{by_list}/invitations",
        json={"practice_ods": ods, "participant_ids": [str(i) for i in everyone]},
    )
    assert listed.status_code == 202, listed.get_data(as_text=True)
    skipped = listed.get_json()["skipped"]
    assert skipped == {
        **{str(pid): REASONS["said_no_elsewhere"] for pid in people["said_no"].values()},
        str(people["child"]): REASONS["under_age"],
        str(people["opted_out"]): REASONS["opted_out"],
    }

    cohort = admin.post(f"/trials/{by_cohort}/cohorts", json={"practice_ods": ods, "name": "All"})
    cohort_id = cohort.get_json()["id"]
    preview = admin.get(f"/cohorts/{cohort_id}/preview").get_json()
    assert preview["count"] == 1
    assert preview["left_out"] == dict(Counter(skipped.values()))
    response = admin.post(f"/cohorts/{cohort_id}/invitations", json={"expected_count": 1})
    assert response.status_code == 202, response.get_data(as_text=True)

    assert invited_in(registry_world, by_list) == {people["adult"]}
    assert invited_in(registry_world, by_cohort) == {people["adult"]}


def test_a_cohort_with_no_age_limits_leaves_children_out_and_says_so(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    adult = person(registry_world, ods)
    child = person(registry_world, ods, date_of_birth=aged(17))
    cohort = admin.post(f"/trials/{trial}/cohorts", json={"practice_ods": ods, "name": "All"})
    cohort_id = cohort.get_json()["id"]

    preview = admin.get(f"/cohorts/{cohort_id}/preview").get_json()
    assert (preview["count"], preview["left_out"]) == (1, {REASONS["under_age"]: 1})
    assert (
        admin.post(f"/cohorts/{cohort_id}/invitations", json={"expected_count": 1}).status_code
        == 202
    )
    assert invited_in(registry_world, trial) == {adult}
    assert child not in invited_in(registry_world, trial)


def test_only_an_admin_lowers_a_trials_minimum_age_and_the_change_is_kept(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    assert admin.get(f"/trials/{trial}").get_json()["minimum_age"] == 18
    teenager = person(registry_world, ods, date_of_birth=aged(16))
    staff = client_for(registry_world, "staff_a")
    body = {"minimum_age": 16, "reason": "ethics approval for 16 and over, ref 24/WM/0001"}
    assert staff.put(f"/trials/{trial}/minimum-age", json=body).status_code == 403
    assert admin.put(f"/trials/{trial}/minimum-age", json={"minimum_age": 16}).status_code == 422

    changed = admin.put(f"/trials/{trial}/minimum-age", json=body)

    assert changed.status_code == 200 and changed.get_json()["minimum_age"] == 16
    [change] = admin.get(f"/trials/{trial}/setting-changes").get_json()
    assert (change["setting"], change["old_value"], change["new_value"]) == (
        "minimum_age",
        "18",
        "16",
    )
    assert change["reason"] == body["reason"] and change["changed_by"]
    listed = admin.post(
        f"/trials/{trial}/invitations",
        json={"practice_ods": ods, "participant_ids": [str(teenager)]},
    )
    assert listed.status_code == 202 and listed.get_json()["invited"] == 1


def test_a_returned_patient_stays_not_invited_when_consents_opening_event_arrives_late(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    patient = person(registry_world, ods)
    listed = admin.post(
        f"/trials/{trial}/invitations",
        json={"practice_ods": ods, "participant_ids": [str(patient)]},
    )
    batch_id = uuid.UUID(listed.get_json()["batch_id"])
    cancelled = Event(
        type="messaging.batch.cancelled",
        producer="messaging",
        data={
            "batch_id": batch_id,
            "trial_id": uuid.UUID(trial),
            "practice_ods": ods,
            "participant_ids": [patient],
        },
    )
    HANDLERS["messaging.batch.cancelled"](cancelled, registry_world.service.uow())
    opening = Event(
        type="consent.status.changed",
        producer="consent",
        data={
            "participant_id": patient,
            "trial_id": uuid.UUID(trial),
            "status": "invited",
            "previous_status": None,
            "form_version": None,
        },
    )

    HANDLERS["consent.status.changed"](opening, registry_world.service.uow())

    with registry_world.service.runtime.engine.connect() as conn:
        status = conn.scalar(
            select(trial_statuses.c.status).where(
                trial_statuses.c.trial_id == uuid.UUID(trial),
                trial_statuses.c.participant_id == patient,
            )
        )
    assert status == "not_invited"
