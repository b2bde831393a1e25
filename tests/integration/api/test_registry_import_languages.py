"""A practice list in the languages GP systems write imports without rejecting anyone
(issue 15 item 1), on PostgreSQL through the registry's import."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.integration.api.conftest import World
from tests.integration.api.test_registry_imports import (
    a_row,
    as_csv,
    finished,
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
        }[code]
        assert (shown["texted_in"], shown["interpreter_may_be_needed"]) == (
            expected_text,
            expected_flag,
        ), row["language"]
        assert shown["interpreter_needed"] is False  # what the GP said is kept apart
