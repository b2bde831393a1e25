"""The admins' call recordings page over a fake messaging API (decision 27): what each
trial's calls play, listening through the console, upload, and review."""

from __future__ import annotations

import io
from typing import Any

import pytest

from shared.web import csrf
from tests.support.console_fakes import Answer, FakeServices, console_over, csrf_field, signed_in_as

TRIAL = {"id": "7d4c6f4e-0000-4000-8000-000000000001", "short_name": "HEART", "title": "Heart"}
REC = "0b7c1a52-0000-4000-8000-00000000000a"


def recording(rid: str, language: str, version: int, reviewed: bool, scope: str) -> dict[str, Any]:
    return {
        "id": rid,
        "scope": scope,
        "kind": "invitation",
        "language": language,
        "version": version,
        "reviewed": reviewed,
        "created_by": "Dr Author",
        "reviewed_by": "Ms Reviewer" if reviewed else None,
    }


class Recording(FakeServices):
    """The fake services, keeping what a multipart upload carried."""

    def __init__(self) -> None:
        super().__init__()
        self.uploads: list[dict[str, Any]] = []

    def request(
        self, method: str, url: str, params: Any = None, json: Any = None, **kw: Any
    ) -> Answer:
        if "files" in kw:
            name, stream, content_type = kw["files"]["audio"]
            self.uploads.append({**kw["data"], "file": (name, stream.read(), content_type)})
        return super().request(method, url, params, json, **kw)


@pytest.fixture
def services() -> Recording:
    fake = Recording()
    fake.routes[("GET", "/trials")] = lambda _: (200, [TRIAL])
    fake.routes[("GET", "/recordings")] = lambda q: (
        200,
        [
            recording(REC, "syl", 1, False, TRIAL["id"]),
            recording("0b7c1a52-0000-4000-8000-00000000000b", "bn", 2, True, TRIAL["id"]),
            recording("0b7c1a52-0000-4000-8000-00000000000c", "en", 1, True, "default"),
        ]
        if q.get("trial_id") == TRIAL["id"]
        else [recording("0b7c1a52-0000-4000-8000-00000000000c", "en", 1, True, "default")],
    )
    fake.routes[("POST", "/recordings")] = lambda _: (201, recording(REC, "syl", 2, False, "x"))
    fake.routes[("POST", f"/recordings/{REC}/review")] = lambda _: (
        200,
        recording(REC, "syl", 1, True, TRIAL["id"]),
    )
    return fake


def test_a_trials_recordings_are_listed_with_a_player_and_a_review_button_for_new_ones(
    services: Recording,
) -> None:
    client = signed_in_as(console_over(services).test_client(), "admin")
    page = client.get(f"/admin/recordings?trial={TRIAL['id']}")
    assert page.status_code == 200
    table = page.get_data(True).split('data-testid="recordings"', 1)[1].split("</table>", 1)[0]
    assert "Sylheti" in table and "Bengali" in table
    assert "English" not in table  # the shipped one is listed under shipped recordings
    assert table.count("<audio") == 2
    assert f"/admin/recordings/{REC}/audio" in table
    assert table.count("Mark version") == 1  # only the unreviewed Sylheti one


def test_an_upload_goes_to_messaging_as_a_multipart_form_with_the_trial(
    services: Recording,
) -> None:
    client = signed_in_as(console_over(services).test_client(), "admin")
    answer = client.post(
        "/admin/recordings",
        data={
            csrf.FIELD: csrf_field(client),
            "trial": TRIAL["id"],
            "kind": "invitation",
            "language": "syl",
            "audio": (io.BytesIO(b"RIFF1234WAVE"), "sylheti.wav", "audio/wav"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    (sent,) = services.uploads
    assert sent["trial_id"] == TRIAL["id"] and sent["language"] == "syl"
    assert sent["file"] == ("sylheti.wav", b"RIFF1234WAVE", "audio/wav")


def test_an_upload_without_a_file_is_refused_beside_the_field(services: Recording) -> None:
    client = signed_in_as(console_over(services).test_client(), "admin")
    answer = client.post(
        "/admin/recordings",
        data={csrf.FIELD: csrf_field(client), "kind": "invitation", "language": "syl"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    assert "Choose a WAV or MP3 file" in answer.get_data(True)
    assert services.uploads == []


def test_review_marks_it_reviewed_and_staff_may_not_open_the_page(services: Recording) -> None:
    client = signed_in_as(console_over(services).test_client(), "admin")
    answer = client.post(
        f"/admin/recordings/{REC}/review", data={csrf.FIELD: csrf_field(client), "trial": ""}
    )
    assert answer.status_code == 302
    assert ("POST", f"/recordings/{REC}/review", {}) in services.sent
    staff = signed_in_as(console_over(services).test_client(), "staff")
    assert staff.get("/admin/recordings").status_code in (302, 403)
