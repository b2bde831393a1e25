"""Postal addresses on PostgreSQL: imported with the list (COPY), corrected by staff, and read
only by messaging's letters with their service credential."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.http.problems import PROBLEM_JSON
from shared.letter_recipients import PATH
from tests.integration.api.conftest import ODS_A, World, register
from tests.integration.api.test_registry_imports import (
    a_row,
    as_csv,
    finished,
    report,
    stored,
    upload,
)
from tests.support.settings import LETTERS_TOKEN

pytestmark = pytest.mark.integration


@pytest.fixture
def staff(registry_world: World) -> FlaskClient:
    client = registry_world.service.client()
    client.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers("staff_a")["Authorization"]
    return client


HEADER = (
    "NHS Number,Forename,Surname,Date of Birth,Sex,Mobile,Main spoken language,Ethnicity,"
    "IMD decile,IMD edition,Address line 1,Address line 2,Town,Postcode,Large print"
)


def with_address(
    line: str, town: str, postcode: str, large: str = "", **row: str
) -> dict[str, str]:
    return {**a_row(**row), "a1": line, "a2": "", "town": town, "pc": postcode, "lp": large}


def test_an_import_stores_checked_addresses_and_reports_a_bad_postcode(
    staff: FlaskClient,
    registry_world: World,
) -> None:
    good = with_address("12 Villa Road", "Birmingham", "b19 1bh", "Y", mobile="")
    bad = with_address("3 Soho Hill", "Birmingham", "B19 ZZZ")
    job = finished(staff, upload(staff, as_csv([good, bad], HEADER)))

    assert (job["created"], job["rejected"]) == (1, 1), job
    assert report(staff, job) == [
        {
            "line": "3",
            "column": "Postcode",
            "reason": "'B19 ZZZ' is not a UK postcode (for example B18 4BX)",
            "kind": "error",
        }
    ]
    [row] = stored(registry_world, good["nhs"])
    assert (row.address_line_1, row.town, row.postcode, row.large_print) == (
        "12 Villa Road",
        "Birmingham",
        "B19 1BH",
        True,
    )
    assert row.mobile is None and row.textable is False


def test_staff_read_and_correct_an_address_and_a_bad_one_names_its_field(
    staff: FlaskClient,
    registry_world: World,
) -> None:
    participant_id = register(registry_world.service, ODS_A)
    path = f"/participants/{participant_id}/address"
    assert staff.get(path).get_json()["postcode"] is None

    bad = staff.put(path, json={"address_line_1": "1 High St", "postcode": "nope"})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM_JSON
    assert {e["field"] for e in bad.get_json()["errors"]} == {"town", "postcode"}

    good = staff.put(
        path,
        json={
            "address_line_1": "1 High St",
            "town": "Walsall",
            "postcode": "ws1 1aa",
            "large_print": True,
        },
    )
    assert good.status_code == 200, good.get_json()
    assert (good.get_json()["postcode"], good.get_json()["large_print"]) == ("WS1 1AA", True)

    other = registry_world.service.client()
    other.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers("staff_b")["Authorization"]
    assert other.get(path).status_code == 404


def ask(client: FlaskClient, ids: list[uuid.UUID], token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(PATH, json={"participant_ids": [str(i) for i in ids]}, headers=headers)


def test_only_the_letters_credential_reads_addresses_and_only_of_those_asked(
    staff: FlaskClient,
    registry_world: World,
) -> None:
    with_one = register(registry_world.service, ODS_A)
    without = register(registry_world.service, ODS_A)
    staff.put(
        f"/participants/{with_one}/address",
        json={"address_line_1": "7 Church St", "town": "Dudley", "postcode": "DY1 1AA"},
    )
    client = registry_world.service.client()

    assert ask(client, [with_one], None).status_code == 401
    admin_token = registry_world.headers("admin")["Authorization"].split(" ", 1)[1]
    assert ask(client, [with_one], admin_token).status_code == 401  # a person's token: never
    assert ask(client, [with_one], "x" * len(LETTERS_TOKEN)).status_code == 401

    found = ask(client, [with_one, without], LETTERS_TOKEN)
    assert found.status_code == 200
    [recipient] = found.get_json()["recipients"]
    assert recipient["participant_id"] == str(with_one)
    assert recipient["address_lines"] == ["7 Church St", "Dudley", "DY1 1AA"]
    assert recipient["practice_ods"] == ODS_A and recipient["name"]


def test_a_cohort_counts_who_gets_a_letter_and_invites_them_with_the_texted(
    staff: FlaskClient, registry_world: World
) -> None:
    practice_trial = registry_world.trial_x
    by_post = register(registry_world.service, ODS_A, mobile=None)
    staff.put(
        f"/participants/{by_post}/address",
        json={"address_line_1": "2 Mill Lane", "town": "Walsall", "postcode": "WS2 8AA"},
    )
    cohort = staff.post(
        f"/trials/{practice_trial}/cohorts",
        json={"practice_ods": ODS_A, "name": f"Letters {uuid.uuid4().hex[:6]}", "criteria": {}},
    ).get_json()
    preview = staff.get(f"/cohorts/{cohort['id']}/preview").get_json()
    assert preview["letters"] >= 1
    assert preview["textable"] + preview["letters"] == preview["count"]

    invited = staff.post(
        f"/cohorts/{cohort['id']}/invitations", json={"expected_count": preview["count"]}
    )
    assert invited.status_code == 202, invited.get_json()
