"""Importing a practice's patient list over HTTP, on PostgreSQL: background job, progress,
error report, re-imports, dry runs, other practices, and a corpus of broken files."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from services.registry.adapters.orm import imports as imports_table
from services.registry.adapters.orm import participants
from services.registry.domain.identifiers import NOT_REGISTRABLE
from services.registry.service_layer import invitations, practices
from shared.auth.principal import Principal
from shared.http.problems import PROBLEM_JSON
from tests.integration.api.conftest import ODS_A, ODS_B, World, nhs_number, serial
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

MALFORMED = Path(__file__).parent / "malformed_csv"
HEADER = (
    "NHS Number,Forename,Surname,Date of Birth,Sex,Mobile,Main spoken language,Ethnicity,"
    "IMD decile,IMD edition"
)


@pytest.fixture
def staff(registry_world: World) -> FlaskClient:
    client = registry_world.service.client()
    client.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers("staff_a")["Authorization"]
    return client


def a_row(number: str | None = None, **overrides: str) -> dict[str, str]:
    row = {
        "nhs": number or nhs_number(),
        "given": "Amina",
        "family": f"Begum{serial()}",
        "dob": "04/03/1970",
        "sex": "F",
        "mobile": f"074{serial():08d}",
        "language": "Bengali",
        "ethnic": "K",
        "imd": "1",
        "edition": "2019",
    }
    row.update(overrides)
    return row


def as_csv(rows: list[dict[str, str]], header: str = HEADER) -> bytes:
    lines = [header] + [",".join(row.values()) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def upload(
    client: FlaskClient,
    body: bytes,
    content_type: str = "text/csv",
    *,
    ods: str = ODS_A,
    dry_run: bool = False,
) -> Any:
    return client.post(
        f"/practices/{ods}/imports",
        data=body,
        content_type=content_type,
        query_string={"dry_run": "true"} if dry_run else None,
    )


def finished(client: FlaskClient, response: Any, timeout: float = 60) -> dict[str, Any]:
    assert response.status_code == 202, response.get_data(as_text=True)
    location = response.headers["Location"]

    def ended() -> dict[str, Any] | None:
        job = client.get(location).get_json()
        return dict(job) if job["status"] in ("done", "failed") else None

    return eventually(ended, timeout, "the import to end", every=0.05)


def report(client: FlaskClient, job: dict[str, Any]) -> list[dict[str, str]]:
    response = client.get(job["error_report"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def stored(world: World, number: str) -> list[Any]:
    with world.service.runtime.engine.connect() as conn:
        return list(conn.execute(select(participants).where(participants.c.nhs_number == number)))


def test_good_rows_are_stored_and_each_bad_one_is_reported_by_line_column_and_reason(
    staff: FlaskClient, registry_world: World
) -> None:
    good = [a_row(), a_row(language="Panjabi", ethnic="Indian"), a_row(mobile="0121 496 0000")]
    bad_nhs = a_row(nhs="0000000000")
    bad_dob_and_language = a_row(dob="31/02/1980", language="Klingon")
    rows = [good[0], bad_nhs, good[1], bad_dob_and_language, good[2]]

    job = finished(staff, upload(staff, as_csv(rows)))

    assert job["status"] == "done", job
    assert (job["rows_total"], job["rows_read"], job["percent_done"]) == (5, 5, 100)
    assert (job["created"], job["updated"], job["rejected"]) == (3, 0, 2)
    # A language we cannot read never rejects a row: the date does (and no note is made).
    assert report(staff, job) == [
        {
            "line": "3",
            "column": "NHS Number",
            "reason": "cannot be the same digit ten times",
            "kind": "error",
        },
        {
            "line": "5",
            "column": "Date of Birth",
            "reason": "must be a date as YYYY-MM-DD or DD/MM/YYYY",
            "kind": "error",
        },
    ]
    [punjabi] = stored(registry_world, good[1]["nhs"])
    assert (punjabi.language, punjabi.ethnic_category, punjabi.sex) == ("pa", "H", "female")
    assert (punjabi.imd_decile, punjabi.imd_edition, punjabi.textable) == (1, 2019, True)
    [landline] = stored(registry_world, good[2]["nhs"])
    assert (landline.mobile, landline.textable) == ("+441214960000", False)


def test_reimporting_updates_by_nhs_number_and_never_duplicates(
    staff: FlaskClient, registry_world: World
) -> None:
    first, second = a_row(), a_row()
    finished(staff, upload(staff, as_csv([first, second])))
    [before] = stored(registry_world, first["nhs"])

    changed = {**first, "nhs": first["nhs"][:3] + " " + first["nhs"][3:], "language": "Urdu"}
    job = finished(staff, upload(staff, as_csv([changed, second])))

    assert (job["created"], job["updated"], job["unchanged"]) == (0, 1, 1)
    [after] = stored(registry_world, first["nhs"])
    assert after.id == before.id and after.language == "ur"
    assert len(stored(registry_world, second["nhs"])) == 1


def test_a_repeated_nhs_number_in_one_file_is_reported_and_the_first_kept(
    staff: FlaskClient, registry_world: World
) -> None:
    row = a_row()
    job = finished(staff, upload(staff, as_csv([row, {**row, "given": "Other"}])))
    assert (job["created"], job["duplicates"]) == (1, 1)
    assert report(staff, job) == [
        {
            "line": "3",
            "column": "NHS Number",
            "reason": "repeats an NHS number from an earlier line",
            "kind": "error",
        }
    ]
    [kept] = stored(registry_world, row["nhs"])
    assert kept.given_name == "Amina"


def test_a_dry_run_reports_without_storing(staff: FlaskClient, registry_world: World) -> None:
    existing = a_row()
    finished(staff, upload(staff, as_csv([existing])))
    new, bad = a_row(), a_row(mobile="not a phone")

    job = finished(staff, upload(staff, as_csv([existing, new, bad]), dry_run=True))

    assert job["dry_run"] is True
    assert (job["created"], job["updated"], job["rejected"]) == (1, 1, 1)
    assert stored(registry_world, new["nhs"]) == []
    assert [r["column"] for r in report(staff, job)] == ["Mobile"]


def test_a_patient_registered_at_another_practice_is_reported_and_left_there(
    registry_world: World,
) -> None:
    clients = {}
    for caller in ("staff_a", "staff_b"):
        client = registry_world.service.client()
        client.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers(caller)["Authorization"]
        clients[caller] = client
    row = a_row()
    finished(clients["staff_b"], upload(clients["staff_b"], as_csv([row]), ods=ODS_B))

    job = finished(clients["staff_a"], upload(clients["staff_a"], as_csv([row, a_row()])))

    assert (job["created"], job["rejected"]) == (1, 1)
    assert report(clients["staff_a"], job) == [
        {"line": "2", "column": "NHS Number", "reason": NOT_REGISTRABLE, "kind": "error"}
    ]
    [kept] = stored(registry_world, row["nhs"])
    assert kept.practice_ods == ODS_B


def test_headers_in_any_order_with_aliases_bom_and_windows_1252(
    staff: FlaskClient, registry_world: World
) -> None:
    number = nhs_number()
    text = (
        "Surname,DOB,Forename,NHS No.,Gender,Practice\r\n"
        f"Błaszczyk,1966-11-23,Zoë,{number},Female,X\r\n"
    )
    utf8 = finished(staff, upload(staff, b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert utf8["created"] == 1 and utf8["ignored_columns"] == ["Practice"]
    [zoe] = stored(registry_world, number)
    assert (zoe.given_name, zoe.family_name, zoe.sex) == ("Zoë", "Błaszczyk", "female")

    other = nhs_number()
    cp1252 = f"NHS number,First name,Last name,Date of birth\r\n{other},José,Muñoz,1980-01-02\r\n"
    job = finished(staff, upload(staff, cp1252.encode("cp1252")))
    assert job["created"] == 1
    [jose] = stored(registry_world, other)
    assert (jose.given_name, jose.family_name) == ("José", "Muñoz")


@pytest.mark.parametrize("content_type", ["application/json", "application/x-ndjson"])
def test_json_and_json_lines_import_like_csv(
    content_type: str, staff: FlaskClient, registry_world: World
) -> None:
    good: dict[str, Any] = {
        "nhs_number": nhs_number(),
        "given_name": "Rahima",
        "family_name": "Begum",
        "date_of_birth": "1955-01-30",
        "mobile": "+447400123404",
        "language": "Sylheti",
        "interpreter_needed": True,
        "imd_decile": 1,
        "imd_edition": 2025,
    }
    bad = {**good, "nhs_number": "123"}
    if content_type == "application/json":
        body = json.dumps([good, bad]).encode()
    else:
        body = (json.dumps(good) + "\n" + json.dumps(bad) + "\n").encode()

    job = finished(staff, upload(staff, body, content_type))

    assert (job["created"], job["rejected"]) == (1, 1)
    assert report(staff, job) == [
        {"line": "2", "column": "nhs_number", "reason": "must be 10 digits", "kind": "error"}
    ]
    [rahima] = stored(registry_world, good["nhs_number"])
    assert (rahima.language, rahima.interpreter_needed, rahima.imd_edition) == ("syl", True, 2025)


def test_a_multipart_upload_from_a_browser_form_works(staff: FlaskClient) -> None:
    body = {"file": (io.BytesIO(as_csv([a_row()])), "list.csv")}
    response = staff.post(
        f"/practices/{ODS_A}/imports", data=body, content_type="multipart/form-data"
    )
    job = finished(staff, response)
    assert (job["created"], job["filename"]) == (1, "list.csv")


MALFORMED_EXPECTED = {
    "empty.csv": "the file is empty",
    "blank_lines.csv": "the file is empty",
    "header_only.csv": "has a header but no patients",
    "semicolons.csv": "separated by semicolons",
    "tabs.csv": "separated by tabs",
    "spreadsheet.xlsx.csv": "binary data",
    "image.csv": "binary data",
    "huge_line.csv": "line 3 is longer than 65,536 bytes",
    "long_field.csv": "line 2 has a field longer than 1,000 characters",
    "not_text.csv": "line 2 is neither UTF-8 nor Windows-1252",
    "open_quote.csv": "is not valid CSV",
    "no_header.csv": "the header has no column for",
    "duplicate_columns.csv": "both hold family_name",
}


def test_every_file_in_the_malformed_corpus_has_an_expectation() -> None:
    assert {p.name for p in MALFORMED.iterdir()} == set(MALFORMED_EXPECTED)


@pytest.mark.parametrize("name", sorted(MALFORMED_EXPECTED))
def test_a_malformed_file_is_a_clear_problem_and_starts_no_import(
    name: str, staff: FlaskClient, registry_world: World
) -> None:
    before = staff.get(f"/practices/{ODS_A}/imports").get_json()
    folder = registry_world.service.settings.import_dir
    files_before = set(folder.glob("*.upload"))
    response = upload(staff, (MALFORMED / name).read_bytes())

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    problem = response.get_json(force=True)
    assert problem["title"] == "Unreadable patient list"
    assert MALFORMED_EXPECTED[name] in problem["detail"]
    assert staff.get(f"/practices/{ODS_A}/imports").get_json() == before
    assert set(folder.glob("*.upload")) <= files_before, "the refused file was removed"


def test_an_unknown_content_type_is_a_415_problem(staff: FlaskClient) -> None:
    response = upload(staff, b"<xml/>", "application/xml")
    assert response.status_code == 415 and response.mimetype == PROBLEM_JSON


def test_an_import_of_a_shared_participant_announces_the_change_and_others_stay_silent(
    staff: FlaskClient, registry_world: World
) -> None:
    service = registry_world.service
    invited, quiet = a_row(), a_row()
    finished(staff, upload(staff, as_csv([invited, quiet])))
    [row] = stored(registry_world, invited["nhs"])
    admin = Principal(uuid.uuid4(), "seed", "admin")
    invitations.request_invitations(
        service.uow(),
        admin,
        invitations.NamedParticipants(registry_world.trial_y, ODS_A, [row.id]),
        service.settings.dob_hash_key,
    )

    finished(
        staff,
        upload(staff, as_csv([{**invited, "language": "Urdu"}, {**quiet, "language": "Urdu"}])),
    )

    quiet_id = stored(registry_world, quiet["nhs"])[0].id
    updates = [e for e in service.outbox() if e.type == "registry.participant.updated"]
    assert [e.data["language"] for e in updates if e.data["participant_id"] == row.id] == ["ur"]
    assert all(e.data.get("participant_id") != quiet_id for e in service.outbox())


def test_imports_are_listed_for_the_practice_newest_first(staff: FlaskClient) -> None:
    first = finished(staff, upload(staff, as_csv([a_row()])))
    second = finished(staff, upload(staff, as_csv([a_row()])))
    listed = [job["id"] for job in staff.get(f"/practices/{ODS_A}/imports").get_json()]
    assert listed.index(second["id"]) < listed.index(first["id"])


def test_a_big_file_is_stored_in_batches_with_every_row_counted(
    staff: FlaskClient, registry_world: World
) -> None:
    rows = [a_row() for _ in range(30_000)]
    rows[7_000] = {**rows[7_000], "dob": "tomorrow"}
    body = as_csv(rows)
    assert len(body) > 2 * 1024 * 1024  # beyond the limit on every other request body
    job = finished(staff, upload(staff, body), timeout=120)
    assert (job["rows_read"], job["created"], job["rejected"]) == (30_000, 29_999, 1)
    assert report(staff, job)[0]["line"] == "7002"
    with registry_world.service.runtime.engine.connect() as conn:
        count = conn.execute(
            select(func.count()).where(participants.c.nhs_number.in_([r["nhs"] for r in rows]))
        ).scalar_one()
    assert count == 29_999


SAMPLE = Path(__file__).parents[3] / "deploy" / "local" / "samples" / "birmingham_practice_list.csv"


def test_the_shipped_sample_list_imports_with_only_its_deliberate_errors(
    registry_world: World,
) -> None:
    ods = f"S{serial():05d}"
    practices.create_practice(registry_world.service.uow(), ods, "Sample practice")
    admin = registry_world.service.client()
    admin.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers("admin")["Authorization"]

    job = finished(admin, upload(admin, SAMPLE.read_bytes(), ods=ods), timeout=120)

    assert (job["rows_total"], job["created"], job["rejected"], job["duplicates"]) == (
        2501,
        2492,
        8,
        1,
    )
    assert job["noted"] == 1
    reasons = {row["reason"] for row in report(admin, job)}
    # Misspelt on purpose: imported as an unknown language, never guessed.
    assert "language 'Patwari' is not one we know" in " ".join(reasons)
    assert "repeats an NHS number from an earlier line" in reasons
    # The sample's Mirpuri speakers are kept, to be texted in Urdu.
    with registry_world.service.runtime.engine.connect() as conn:
        languages = conn.execute(
            select(participants.c.language).where(participants.c.practice_ods == ods)
        ).scalars()
        assert "phr" in set(languages)


def test_an_import_whose_process_died_is_reported_as_interrupted(
    staff: FlaskClient, registry_world: World
) -> None:
    job = finished(staff, upload(staff, as_csv([a_row()])))
    with registry_world.service.runtime.engine.begin() as conn:
        conn.execute(
            update(imports_table)
            .where(imports_table.c.id == uuid.UUID(job["id"]))
            .values(status="running", heartbeat_at=datetime.now(UTC) - timedelta(minutes=3))
        )
    reported = staff.get(f"/imports/{job['id']}").get_json()
    assert reported["status"] == "failed"
    assert "upload the file again" in reported["problem"]


def test_an_erased_patient_is_not_brought_back_by_the_next_import(
    staff: FlaskClient, registry_world: World
) -> None:
    erased, kept = a_row(), a_row()
    finished(staff, upload(staff, as_csv([erased, kept])))
    [row] = stored(registry_world, erased["nhs"])
    assert staff.delete(f"/participants/{row.id}").status_code == 204

    job = finished(staff, upload(staff, as_csv([kept, erased])))

    assert (job["unchanged"], job["created"], job["rejected"]) == (1, 0, 1)
    assert report(staff, job) == [
        {"line": "3", "column": "NHS Number", "reason": NOT_REGISTRABLE, "kind": "error"}
    ]
    assert stored(registry_world, erased["nhs"]) == []
    body = {
        "practice_ods": ODS_A,
        "nhs_number": erased["nhs"],
        "given_name": "A",
        "family_name": "B",
        "date_of_birth": "1970-01-01",
    }
    assert staff.post("/participants", json=body).status_code == 409


def test_a_dry_run_tells_nothing_of_other_practices_or_erasures(registry_world: World) -> None:
    """The error report and the register endpoint give one neutral answer for a patient
    held by another practice and for one erased at their request: neither is an oracle."""
    clients = {}
    for caller in ("staff_a", "staff_b"):
        client = registry_world.service.client()
        client.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers(caller)["Authorization"]
        clients[caller] = client
    staff_a, staff_b = clients["staff_a"], clients["staff_b"]
    theirs, erased = a_row(), a_row()
    finished(staff_b, upload(staff_b, as_csv([theirs]), ods=ODS_B))
    finished(staff_a, upload(staff_a, as_csv([erased])))
    [row] = stored(registry_world, erased["nhs"])
    assert staff_a.delete(f"/participants/{row.id}").status_code == 204

    job = finished(staff_a, upload(staff_a, as_csv([theirs, erased, a_row()]), dry_run=True))

    reasons = [(r["line"], r["reason"]) for r in report(staff_a, job)]
    assert reasons == [("2", NOT_REGISTRABLE), ("3", NOT_REGISTRABLE)]
    answers = []
    for number in (theirs["nhs"], erased["nhs"]):
        body = {
            "practice_ods": ODS_A,
            "nhs_number": number,
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1970-01-01",
        }
        response = staff_a.post("/participants", json=body)
        assert response.status_code == 409
        answers.append(response.get_json()["detail"])
    assert answers == [NOT_REGISTRABLE, NOT_REGISTRABLE]
    for text in answers:
        assert "another practice" not in text and "erased" not in text
