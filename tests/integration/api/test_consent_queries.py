"""Coordinators' queries on PostgreSQL: summaries, filters and cursors, exports checked with
fhir.resources, the equity report, and audit verification catching a database altered behind
the service's back."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import text

from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from shared.events.commands import ParticipantShared, TrialCreated
from tests.integration.api.conftest import Service, store_token
from tests.support.processes import ROOT
from tests.support.settings import DOB_KEY

pytestmark = pytest.mark.integration

PEOPLE = (  # practice, language, ethnic category, IMD decile, sex, age band, reply
    ("M85001", "ur", "J", 1, "male", "60-69", "yes"),
    ("M85001", "ur", "J", 2, "female", "60-69", "no"),
    ("M85001", "en", "A", 9, "female", "70-79", "yes"),
    ("M85002", "bn", "K", 1, "female", "50-59", None),
    ("M85002", "en", "A", 10, "male", "70-79", "stop"),
    ("M85002", "pl", "C", 5, "male", "50-59", "yes"),
)


@pytest.fixture(scope="module")
def trial(consent_service: Service) -> tuple[uuid.UUID, list[uuid.UUID]]:
    trial_id = uuid.uuid4()
    consent_participants.save_trial(
        consent_service.uow(),
        TrialCreated(trial_id=trial_id, short_name="Q", title="Q", response_deadline_days=None),
    )
    ids = []
    for ods, language, ethnic, imd, sex, age, reply in PEOPLE:
        participant_id = uuid.uuid4()
        consent_participants.save_participant(
            consent_service.uow(),
            ParticipantShared(
                participant_id=participant_id,
                practice_ods=ods,
                mobile="+447400000001",
                textable=True,
                language=language,
                sex=sex,
                age_band=age,
                ethnic_category=ethnic,
                imd_decile=imd,
                imd_edition=2019,
                dob_hash="e" * 64,
            ),
        )
        consent_records.record_invitations(consent_service.uow(), trial_id, [participant_id], ods)
        if reply:
            consent_records.record_reply(consent_service.uow(), participant_id, trial_id, reply)
        ids.append(participant_id)
    return trial_id, ids


def number(index: int) -> str:
    """The study number of PEOPLE[index] in trial "Q": invited in that order."""
    return f"Q-{index + 1:06d}"


@pytest.fixture(scope="module")
def coordinator(consent_service: Service, trial: tuple[uuid.UUID, list[uuid.UUID]]) -> Any:
    token = store_token(consent_service, "coordinator", trial_ids=[trial[0]])
    return {"Authorization": f"Bearer {token}"}


def test_summary_per_trial_and_per_practice_count_each_status(
    consent_service: Service, trial: Any, coordinator: Any
) -> None:
    client = consent_service.client()
    summary = client.get(f"/trials/{trial[0]}/summary", headers=coordinator).get_json()
    practices = client.get(f"/trials/{trial[0]}/summary/practices", headers=coordinator).get_json()

    assert summary["total"] == 6
    assert summary["counts"]["interested"] == 3  # no form published: nobody got a link yet
    assert (summary["counts"]["declined"], summary["counts"]["opted_out"]) == (1, 1)
    by_practice = {p["practice_ods"]: p for p in practices["practices"]}
    assert by_practice["M85001"]["total"] == 3
    assert by_practice["M85002"]["counts"]["opted_out"] == 1


def test_records_filter_by_bands_and_page_with_a_cursor(
    consent_service: Service, trial: Any, coordinator: Any
) -> None:
    client = consent_service.client()
    path = f"/trials/{trial[0]}/consent-records"
    urdu = client.get(path, query_string={"language": "ur"}, headers=coordinator).get_json()
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = client.get(path, query_string=query, headers=coordinator).get_json()
        seen += [item["study_number"] for item in page["items"]]
        assert not any(str(p) in json.dumps(page) for p in trial[1])  # never the registry's id
        cursor = page["next_cursor"]
        if cursor is None:
            break
    practice = client.get(
        path, query_string={"practice_ods": "M85002", "status": "interested"}, headers=coordinator
    ).get_json()

    assert {i["study_number"] for i in urdu["items"]} == {number(0), number(1)}
    assert seen == [number(i) for i in range(6)]  # in study-number order, each once
    assert [i["study_number"] for i in practice["items"]] == [number(5)]


def test_one_record_shows_bands_and_history_but_no_contact_details(
    consent_service: Service, trial: Any, coordinator: Any
) -> None:
    client = consent_service.client()
    record = client.get(
        f"/trials/{trial[0]}/consent-records/{number(0)}", headers=coordinator
    ).get_json()
    by_participant_id = client.get(
        f"/trials/{trial[0]}/consent-records/{trial[1][0]}", headers=coordinator
    )

    assert record["study_number"] == number(0)
    assert by_participant_id.status_code == 404  # coordinator URLs take the study number
    assert [e["to_status"] for e in record["history"]] == ["invited", "interested"]
    assert record["participant"]["imd_quintile"] == 1
    body = json.dumps(record)
    assert "+447400000001" not in body and "dob_hash" not in body and "e" * 64 not in body
    assert str(trial[1][0]) not in body and "participant_id" not in body


def test_the_csv_export_streams_every_record_with_bands_only(
    consent_service: Service, trial: Any, coordinator: Any
) -> None:
    response = consent_service.client().get(
        f"/trials/{trial[0]}/consent-records.csv", headers=coordinator
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))

    assert "Content-Length" not in response.headers  # streamed, not built in memory
    assert len(rows) == 6
    assert [r["study_number"] for r in rows] == [number(i) for i in range(6)]
    assert "participant_id" not in rows[0]
    assert not any(str(p) in response.get_data(as_text=True) for p in trial[1])
    assert {r["practice_ods"] for r in rows} == {"M85001", "M85002"}
    assert "mobile" not in rows[0] and "+447400000001" not in response.get_data(as_text=True)


def test_the_fhir_export_is_a_valid_r4_bundle_of_consent_and_research_subject(
    consent_service: Service, trial: Any, coordinator: Any
) -> None:
    response = consent_service.client().get(f"/trials/{trial[0]}/fhir", headers=coordinator)
    bundle = Bundle.model_validate_json(response.get_data(as_text=True))

    # Any: fhir.resources types an entry's resource as its base class.
    resources: list[Any] = [entry.resource for entry in bundle.entry or []]
    kinds = [resource.get_resource_type() for resource in resources]
    assert kinds.count("Consent") == 6 and kinds.count("ResearchSubject") == 6
    consents = {
        r.patient.identifier.value: r.status
        for r in resources
        if r.get_resource_type() == "Consent"
    }
    assert consents[number(1)] == "rejected"  # said NO
    assert consents[number(0)] == "proposed"  # said YES, not yet asked
    assert not any(str(p) in response.get_data(as_text=True) for p in trial[1])
    subjects = [r for r in resources if r.get_resource_type() != "Consent"]
    full_urls = {e.fullUrl for e in bundle.entry or []}
    assert all(s.consent.reference in full_urls for s in subjects)


def test_the_equity_report_breaks_down_each_stage_with_wilson_intervals(
    consent_service: Service, trial: Any, coordinator: Any
) -> None:
    client = consent_service.client()
    report = client.get(f"/trials/{trial[0]}/equity", headers=coordinator).get_json()
    as_csv = client.get(f"/trials/{trial[0]}/equity.csv", headers=coordinator)
    page = client.get(f"/trials/{trial[0]}/equity.html", headers=coordinator)

    assert report["totals"] == {
        "invited": 6,
        "replied": 5,
        "interested": "<5",  # 3: too few to show
        "consented": 0,
        "withdrawn": 0,
    }
    rows = {(r["dimension"], r["group"]): r for r in report["rows"]}
    asian = rows[("ethnic_group", "Asian or Asian British")]
    # 3 of 6 invited: hidden, and with it what it would give away (its rates and shares).
    assert asian["counts"]["invited"] == "<5" and asian["counts"]["interested"] == "<5"
    assert asian["intervals"]["interested"] is None and asian["share_of_invited"] is None
    assert asian["flag"] == "too_small"
    assert rows[("ethnic_category", "Asian - Pakistani")]["counts"]["invited"] == "<5"
    assert rows[("imd_quintile", "1")]["counts"]["invited"] == "<5"
    assert all(c in (0, "<5") or c >= 5 for r in report["rows"] for c in r["counts"].values())
    assert "Prevalence" in report["definition"] or "prevalence" in report["definition"]
    assert as_csv.mimetype == "text/csv" and "participation_to_prevalence_ratio" in as_csv.text
    assert page.mimetype == "text/html" and "<svg" in page.text


def test_audit_verification_names_the_first_entry_altered_behind_the_services_back(
    consent_service: Service, trial: Any
) -> None:
    admin = {"Authorization": f"Bearer {store_token(consent_service, 'admin')}"}
    client = consent_service.client()
    victim = trial[1][2]
    with consent_service.uow() as uow:
        record_id = uow.records.record(victim, trial[0]).id
    before = client.get(
        "/admin/audit/verify", query_string={"trial_id": str(trial[0])}, headers=admin
    ).get_json()

    # Someone with database access rewrites history: "invited" was "opted_out".
    with consent_service.runtime.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE audit_entries SET to_status = 'opted_out' WHERE record_id = :r AND seq = 1"
            ),
            {"r": record_id},
        )
    after = client.get(
        "/admin/audit/verify", query_string={"trial_id": str(trial[0])}, headers=admin
    ).get_json()
    record = client.get(f"/trials/{trial[0]}/consent-records/{number(2)}", headers=admin).get_json()
    command = subprocess.run(
        [sys.executable, "-m", "services.consent", "verify-audit", "--trial", str(trial[0])],
        cwd=ROOT,
        env={
            **os.environ,
            "CONSENT_DATABASE_URL": consent_service.settings.common.database_url,
            "DOB_HASH_KEY": DOB_KEY,
            "BROKER_URL": "filesystem://",
            "BUS_DATA_DIR": str(consent_service.settings.common.bus.data_dir),
            "LOG_LEVEL": "WARNING",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert before["intact"] is True and before["checked"] == 6
    assert after["intact"] is False
    assert after["broken"] == [
        {
            "record_id": str(record_id),
            "participant_id": str(victim),
            "trial_id": str(trial[0]),
            "first_broken_seq": 1,
        }
    ]
    assert record["audit_chain_intact"] is False and record["audit_chain_broken_at"] == 1
    assert command.returncode == 1, command.stderr
    assert json.loads(command.stdout.splitlines()[0])["first_broken_seq"] == 1
    assert "6 chain(s) checked, 1 broken" in command.stderr


def test_a_correction_out_of_order_is_refused_with_a_clear_problem(
    consent_service: Service, trial: Any, coordinator: Any
) -> None:
    client = consent_service.client()
    path = f"/trials/{trial[0]}/consent-records/{number(3)}/entered-in-error"

    first = client.post(path, json={"reason": "wrong patient"}, headers=coordinator)
    again = client.post(path, json={"reason": "wrong patient"}, headers=coordinator)
    no_reason = client.post(path, json={}, headers=coordinator)

    assert first.status_code == 200 and first.get_json()["status"] == "entered_in_error"
    assert again.status_code == 409
    assert again.get_json()["detail"] == (
        "a record that is entered_in_error cannot become entered_in_error"
    )
    assert no_reason.status_code == 422
