"""A Bengali-reading patient signs with a finger on a phone and downloads the signed copy; a
patient without JavaScript signs with a typed name and a tick; the research team downloads
the copy. Real processes, the fake Twilio server, real Chromium (touch through the DevTools
protocol, so the page sees pointer events of type "touch", as a finger makes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import System
from tests.e2e.test_consent_journey import link_after_yes
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS
from tests.support.signing import BN_WHOLE_WORDS, english_and_bengali_form, pdf_text

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


class SigningTrial:
    def __init__(self, system: System, short_name: str, practice: str) -> None:
        self.system = system
        self.admin_token = system.token("--name", "admin", "--role", "admin")
        registry = ApiClient(system.urls["registry"], self.admin_token)
        registry.post("/practices", {"ods_code": practice, "name": "Signing Medical Centre"})
        self.id = registry.post(
            "/trials",
            {"short_name": short_name, "title": "A heart study", "sponsor": "Test University",
             "response_deadline_days": 28},
        )["id"]  # fmt: skip
        self.practice = practice
        self.staff = ApiClient(
            system.urls["registry"],
            system.token("--name", "staff", "--role", "staff", "--practice", practice),
        )
        self.form = system.publish_form(
            self.admin_token, self.id, english_and_bengali_form(), "REC 26/WM/0031"
        )
        self.consent_admin = ApiClient(system.urls["consent"], self.admin_token)
        self.consent_admin.request(
            "PUT", f"/trials/{self.id}/signature", 200, json={"signature": "drawn_or_typed"}
        )
        self.coordinator_token = system.token(
            "--name", "coord", "--role", "coordinator", "--trial", self.id
        )

    def invite(self, mobile: str, language: str, dob: str, nhs: str) -> str:
        patient = self.staff.post(
            "/participants",
            {"practice_ods": self.practice, "nhs_number": nhs, "given_name": "Test",
             "family_name": "Patient", "date_of_birth": dob, "mobile": mobile,
             "language": language, "sex": "female", "ethnic_category": "H", "imd_decile": 2,
             "imd_edition": 2019},
        )  # fmt: skip
        requested = self.staff.post(
            f"/trials/{self.id}/invitations",
            {"practice_ods": self.practice, "participant_ids": [patient["id"]]},
            expect=202,
        )
        self.system.send_batch(self.admin_token, requested["batch_id"])
        return str(patient["id"])

    def study_number(self, participant_id: str) -> str:
        trials = self.consent_admin.get(f"/participants/{participant_id}/consent")["trials"]
        [number] = [t["study_number"] for t in trials if t["trial_id"] == self.id]
        return str(number)

    def team_copy(self, participant_id: str) -> bytes:
        number = self.study_number(participant_id)
        response = requests.get(
            f"{self.system.urls['consent']}/trials/{self.id}/consent-records/{number}/signed-copy",
            headers={"Authorization": f"Bearer {self.coordinator_token}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.content


def shot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "signature"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def confirm_dob(page: Any, day: str, month: str, year: str) -> None:
    page.get_by_test_id("dob-day").fill(day)
    page.get_by_test_id("dob-month").fill(month)
    page.get_by_test_id("dob-year").fill(year)
    page.get_by_test_id("dob-continue").click()


def draw_with_a_finger(page: Any) -> None:
    """A zigzag drawn by touch: touchStart, touchMoves, touchEnd, as a phone sends them."""
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box and box["width"] >= 300  # the whole width of a small phone's column
    cdp = page.context.new_cdp_session(page)
    x0, y0 = box["x"] + 20, box["y"] + box["height"] * 0.7
    points = [(x0 + i * 14, y0 - (i % 2) * box["height"] * 0.45) for i in range(18)]

    def touch(kind: str, x: float, y: float) -> None:
        touches = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touches})

    touch("touchStart", *points[0])
    for x, y in points[1:]:
        touch("touchMove", x, y)
    touch("touchEnd", *points[-1])
    cdp.detach()


def test_a_bengali_patient_signs_with_a_finger_and_downloads_the_signed_copy(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = SigningTrial(system, f"BN-{mode[:3]}", "M85031")
    mobile = "+447400123531"
    participant_id = trial.invite(mobile, "bn", "09/11/1958", "9990000034")
    link = link_after_yes(system, mobile)

    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3, accept_downloads=True
    )
    page = context.new_page()
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "bn"
    confirm_dob(page, "9", "11", "1958")
    page.get_by_test_id("agree").wait_for()
    page.get_by_test_id("item-read_summary").check()
    page.get_by_test_id("item-gp_records").check()
    pad = page.get_by_test_id("signature-pad")
    assert pad.is_visible() and not page.get_by_test_id("typed-name").is_visible()
    assert page.get_by_test_id("signature-kind").input_value() == "drawn"

    draw_with_a_finger(page)
    drawing = page.locator("input[name=drawing]").input_value()
    assert re.fullmatch(r"M[\d. ]+( L[\d. ]+){10,}", drawing), drawing
    shot(page, f"bn-1-signed-{mode}")
    texts_before = len(system.texts_to(mobile))
    page.get_by_test_id("agree").click()
    page.get_by_test_id("confirmation").wait_for()
    assert re.search(
        r"\d\d/\d\d/\d{4} \d\d:\d\d (GMT|BST)", page.get_by_test_id("copy").inner_text()
    )
    shot(page, f"bn-2-agreed-{mode}")

    with page.expect_download() as download:
        page.get_by_test_id("download-copy").click()
    pdf = Path(download.value.path()).read_bytes()
    context.close()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for word in BN_WHOLE_WORDS:
        assert word in text, word
    assert trial.form["content_hash"] in re.sub(r"\s+", "", text)
    (ARTIFACTS / "signature").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "signature" / f"bn-copy-{mode}.pdf").write_bytes(pdf)

    eventually(lambda: len(system.texts_to(mobile)) > texts_before, what="the confirming text")
    team_copy = trial.team_copy(participant_id)
    assert trial.form["content_hash"] in re.sub(r"\s+", "", pdf_text(team_copy))


def test_without_javascript_a_patient_signs_with_a_typed_name_and_a_tick(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = SigningTrial(system, f"TY-{mode[:3]}", "M85032")
    mobile = "+447400123532"
    participant_id = trial.invite(mobile, "en", "03/04/1970", "9990000042")
    link = link_after_yes(system, mobile)

    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(link)
    confirm_dob(page, "3", "4", "1970")
    page.get_by_test_id("agree").wait_for()
    assert not page.get_by_test_id("signature-pad").is_visible()
    page.get_by_test_id("item-read_summary").check()
    page.get_by_test_id("item-gp_records").check()
    page.get_by_test_id("typed-name").fill("Amina Begum")
    page.get_by_test_id("agree").click()  # no tick yet: refused, naming the signature
    page.locator(".nhsuk-error-summary a[href='#signature']").wait_for()
    page.get_by_test_id("item-read_summary").check()
    page.get_by_test_id("item-gp_records").check()
    page.get_by_test_id("typed-name").fill("Amina Begum")
    page.get_by_test_id("typed-confirm").check()
    shot(page, f"typed-1-signed-{mode}")
    page.get_by_test_id("agree").click()
    page.get_by_test_id("confirmation").wait_for()
    shot(page, f"typed-2-agreed-{mode}")
    context.close()

    copy = eventually(lambda: trial.team_copy(participant_id), what="the team's copy")
    assert "Amina Begum" in pdf_text(copy)
