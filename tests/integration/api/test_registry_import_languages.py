"""A practice list in the languages GP systems write imports without rejecting anyone
(issue 15 item 1), on PostgreSQL through the registry's import."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.integration.api.conftest import ODS_A, World
from tests.integration.api.test_registry_imports import (
    a_row,
    as_csv,
    finished,
    report,
    staff,  # noqa: F401 - the fixture
    stored,
    upload,
)

pytestmark = pytest.mark.integration

# What a West Midlands practice's "main spoken language" column holds, and what each is
# kept as: the spoken language, never the one it is texted in.
WRITTEN = {
    "Mirpuri": "phr",
    "Pahari": "phr",
    "Sylheti": "syl",
    "Panjabi (Shahmukhi)": "pa-Arab",
    "Czech": "cs",
    "Tigrinya": "ti",
    "Kurdish Sorani": "ckb",
    "Cantonese": "yue",
    "315570003 |Main spoken language English|": "en",
    "315570003": "en",
    "Main spoken language Polish": "pl",
    # Read v2 codes as EMIS and Vision export them: with or without dots and term
    "13lL.": "ur",
    "13lE. Main spoken language Punjabi": "pa",
    "13lJ.|Main spoken language Sylheti": "syl",
    "13b4.": "phr",
    "13b2.|Sylhety": "syl",
    "13l3": "cs",
    "13uL.": "sk",
    "13ly. Main spoken language Tigrinya": "ti",
    "13lU.|Main spoken language Romanian": "ro",  # a code we have no row for: its term
}


def test_every_patient_is_kept_in_their_own_language_with_an_interpreter_flag(
    staff: FlaskClient,  # noqa: F811
    registry_world: World,
) -> None:
    rows = [a_row(language=text) for text in WRITTEN]

    job = finished(staff, upload(staff, as_csv(rows)))

    assert job["status"] == "done", job
    assert (job["created"], job["rejected"]) == (len(rows), 0), job
    for row, code in zip(rows, WRITTEN.values(), strict=True):
        [participant] = stored(registry_world, row["nhs"])
        assert participant.language == code, row["language"]
        shown = staff.get(f"/participants/{participant.id}").get_json()
        # Texts go in the best language the patient reads; staff see when that is not
        # their own.
        expected_text, expected_flag = {
            "phr": ("ur", True),
            "syl": ("bn", True),
            "pa-Arab": ("pa-Arab", False),
            "cs": ("en", True),
            "ti": ("en", True),
            "ckb": ("en", True),
            "yue": ("zh", True),
            "en": ("en", False),
            "pl": ("pl", False),
            "ur": ("ur", False),
            "pa": ("pa", False),
            "sk": ("en", True),
            "ro": ("ro", False),
        }[code]
        assert (shown["texted_in"], shown["interpreter_may_be_needed"]) == (
            expected_text,
            expected_flag,
        ), row["language"]
        assert shown["interpreter_needed"] is False  # what the GP said is kept apart


def test_a_read_code_that_names_no_language_is_noted_not_guessed(
    staff: FlaskClient,  # noqa: F811
    registry_world: World,
) -> None:
    rows = [a_row(language="13Z67 Speaks English well"), a_row(language="13lL.")]

    job = finished(staff, upload(staff, as_csv(rows)))

    assert (job["created"], job["noted"], job["rejected"]) == (2, 1, 0), job
    [note] = report(staff, job)
    assert (note["line"], note["kind"]) == ("2", "note")
    assert note["reason"].startswith("language '13Z67 Speaks English well' is not one we know")
    [participant] = stored(registry_world, rows[0]["nhs"])
    assert participant.language == "und"  # imported, its language unknown: never guessed


# What a list holds when it does not say, or says in words we cannot read: each patient is
# imported as speaking an unknown language, never guessed (issue 15 item 1).
UNREADABLE = {
    "Unknown": "is not recorded",
    "Not known": "is not recorded",
    "Creole": "is not one we know",  # many languages
    "Polsih": "is not one we know",  # Polish, probably: never guessed
}


def test_a_patient_whose_language_we_cannot_read_is_imported_texted_in_english_and_noted(
    staff: FlaskClient,  # noqa: F811
    registry_world: World,
) -> None:
    unreadable = [a_row(language=text) for text in UNREADABLE]
    patois = a_row(language="Patois")  # read: Jamaican Patois, no note
    rows = [a_row(), unreadable[0], unreadable[1], patois, a_row(), *unreadable[2:]]
    rows.append(a_row(dob="31/02/1980", language="Gaelic"))  # still fails, for its date

    job = finished(staff, upload(staff, as_csv(rows)))

    assert job["status"] == "done", job
    assert (job["created"], job["noted"], job["rejected"]) == (len(rows) - 1, 4, 1), job
    lines = {row["nhs"]: number for number, row in enumerate(rows, start=2)}
    assert [r for r in report(staff, job) if r["kind"] == "note"] == [
        {
            "line": str(lines[row["nhs"]]),
            "column": "Main spoken language",
            "reason": f"language {row['language']!r} {UNREADABLE[row['language']]}: imported as "
            "an unknown language, texted in English; an interpreter may be needed",
            "kind": "note",
        }
        for row in unreadable
    ]
    assert [r["column"] for r in report(staff, job) if r["kind"] == "error"] == ["Date of Birth"]
    for row in unreadable:
        [participant] = stored(registry_world, row["nhs"])
        assert participant.language == "und", row["language"]
        shown = staff.get(f"/participants/{participant.id}").get_json()
        assert (shown["language"], shown["texted_in"], shown["interpreter_may_be_needed"]) == (
            "und",
            "en",
            True,
        )
    [jamaican] = stored(registry_world, patois["nhs"])
    assert jamaican.language == "jam"
    found = staff.get("/participants", query_string={"language": "und", "practice_ods": ODS_A})
    assert found.status_code == 200, found.get_json()
    listed = {p["nhs_number"] for p in found.get_json()["items"]}
    assert {row["nhs"] for row in unreadable} <= listed


def test_a_list_that_does_not_say_a_known_patients_language_leaves_it_as_it_was(
    staff: FlaskClient,  # noqa: F811
    registry_world: World,
) -> None:
    known, unknown = a_row(language="Tigrinya"), a_row(language="Unknown")
    finished(staff, upload(staff, as_csv([known, unknown])))

    job = finished(
        staff,
        upload(staff, as_csv([{**known, "language": "Not known"}, {**unknown, "language": "ti"}])),
    )

    assert (job["updated"], job["unchanged"], job["noted"]) == (1, 1, 1), job
    [kept] = stored(registry_world, known["nhs"])
    [learnt] = stored(registry_world, unknown["nhs"])
    assert (kept.language, learnt.language) == ("ti", "ti")
