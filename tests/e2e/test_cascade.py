"""Issue 17's cascade "done when", with every service as its own process (both run modes):
a trial's cascade SMS -> call -> letter on a controllable clock. An Urdu speaker gets the
text and does not reply; the clock moves past the trial's seven days (`advance-cascades
--as-of`, decision 30); the call rings on the phone simulator in Chromium and is declined,
twice; the letter step then makes the letter a letter batch would, which staff find on the
batch's letters page, download (its words in Urdu, its QR code the consent link behind the
printed short link) and record printed and posted. A second patient texts STOP and gets
neither call nor letter."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import pytest
import requests

from shared import i18n
from shared.documents import letter_words
from tests.e2e.conftest import SENDER_NUMBER, System
from tests.e2e.console_pages import page_becomes, sign_in
from tests.e2e.test_consent_journey import Trial, reply
from tests.e2e.test_letters import pdf_text, qr_links
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS, run_cli

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(600),  # two calls, a PDF rendered, rasterised and decoded
    pytest.mark.skipif(
        not (shutil.which("pdftotext") and shutil.which("zbarimg")),
        reason="poppler-utils and zbar-tools",
    ),
]
SILENT, STOPS = "+447400170001", "+447400170002"
STATUS = "document.querySelector('[data-testid=\"call-status\"]').textContent"
STEPS = [
    {"channel": "sms", "wait_hours": 7 * 24},
    {"channel": "voice", "wait_hours": 24, "tries": 2},
    {"channel": "letter", "wait_hours": 14 * 24},
]


def a_patient(trial: Trial, nhs: str, mobile: str, name: str) -> str:
    patient = trial.staff.post(
        "/participants",
        {
            "practice_ods": trial.practice,
            "nhs_number": nhs,
            "given_name": name,
            "family_name": "Akhtar",
            "date_of_birth": "02/07/1961",
            "mobile": mobile,
            "language": "ur",
            "sex": "female",
        },
    )
    answer = trial.staff.session.put(
        f"{trial.staff.base_url}/participants/{patient['id']}/address",
        json={"address_line_1": "12 Villa Road", "town": "Birmingham", "postcode": "b19 1bh"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return str(patient["id"])


def advance_cascades(system: System, as_of: datetime | None = None) -> str:
    """The cascade job, once, as its own process; with `as_of`, on a clock moved forward (the
    setting is given to this command alone: the sender keeps the real clock)."""
    args = ["services.messaging", "advance-cascades"]
    if as_of is not None:
        args += ["--as-of", as_of.isoformat(timespec="seconds")]
    return run_cli(args, {**system.env, "CASCADE_CLOCK_MOVABLE": "true"})


class Patient:
    def __init__(self, system: System, token: str, participant_id: str) -> None:
        self.system = system
        self.messaging = ApiClient(system.urls["messaging"], token)
        self.id = participant_id

    def messages(self) -> list[dict[str, Any]]:
        return list(self.messaging.get(f"/participants/{self.id}/messages"))

    def on(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.messages() if m["channel"] == channel]

    def after_steps(self, channel: str, count: int, as_of: datetime) -> list[dict[str, Any]]:
        """Run the cascade job until this patient has `count` messages on `channel`."""

        def taken() -> list[dict[str, Any]] | None:
            advance_cascades(self.system, as_of)
            found = self.on(channel)
            return found if len(found) >= count else None

        return eventually(taken, 90, what=f"{count} {channel} message(s) from the cascade")


def delivered(patient: Patient) -> bool:
    texts = patient.on("sms")
    return bool(texts) and texts[0]["status"] == "delivered"


def decline_the_call(page: Any, system: System, patient: Patient, calls: int) -> None:
    page.goto(f"{system.urls['twilio']}/phone?number={quote(SILENT)}")
    page_becomes(page, f"{STATUS}.includes('Incoming call from {SENDER_NUMBER}')", 60)
    page.click('[data-testid="call-decline"]')
    eventually(
        lambda: [c["status"] for c in patient.on("voice")][calls - 1] == "busy",
        60,
        what=f"call {calls} busy",
    )


def test_an_unanswered_text_then_two_unanswered_calls_bring_a_letter(
    system: System, browser: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    mode = request.node.callspec.id
    trial = Trial(system, f"CAS-{mode[:3]}", "M85017")
    admin = ApiClient(system.urls["messaging"], trial.admin_token)
    eventually(  # the trial reaches messaging as an event
        lambda: (
            admin.session.put(
                f"{admin.base_url}/trials/{trial.id}/cascade", json={"steps": STEPS}, timeout=10
            ).status_code
            == 200
        ),
        what="the trial's cascade set",
    )
    silent_id = a_patient(trial, "9990000042", "07400 170001", "Nasreen")
    stops_id = a_patient(trial, "9990000050", "07400 170002", "Farzana")
    requested = trial.staff.post(
        f"/trials/{trial.id}/invitations",
        {"practice_ods": trial.practice, "participant_ids": [silent_id, stops_id]},
        expect=202,
    )
    batch_id = requested["batch_id"]
    preview = system.send_batch(trial.admin_token, batch_id)
    assert [(c["channel"], c["count"]) for c in preview["channels"]] == [("sms", 2)]
    staff_token = system.token("--name", "cascade", "--role", "staff", "--practice", "M85017")
    silent = Patient(system, staff_token, silent_id)
    stops = Patient(system, staff_token, stops_id)
    eventually(lambda: delivered(silent) and delivered(stops), 60, what="both invitations")
    reply(system, STOPS, "STOP")
    eventually(lambda: len(system.texts_to(STOPS)) == 2, 60, what="the STOP confirmed")

    advance_cascades(system)  # the real clock: the seven days start now
    assert silent.on("voice") == []  # and no call before they are over
    week_on = datetime.now(UTC) + timedelta(days=7, hours=1)
    [call] = silent.after_steps("voice", 1, week_on)
    assert call["kind"] == "invitation"

    phone = browser.new_context(viewport={"width": 900, "height": 900})
    page = phone.new_page()
    decline_the_call(page, system, silent, 1)
    # The step's second try comes the trial's call-retry delay (two hours) after the job
    # first sees the first one busy, not at once; then the letter follows the second at once.
    advance_cascades(system, week_on + timedelta(hours=1))
    assert len(silent.on("voice")) == 1
    later = week_on + timedelta(hours=3, minutes=5)
    silent.after_steps("voice", 2, later)
    decline_the_call(page, system, silent, 2)
    [letter] = silent.after_steps("letter", 1, later)
    page.screenshot(path=str(ARTIFACTS / f"cascade-call-{mode}.png"), full_page=True)
    phone.close()
    assert stops.on("voice") == [] and stops.on("letter") == []  # STOP wins
    runs = admin.get(f"/trials/{trial.id}/cascade")["runs"]
    assert runs == {"running": 1, "stopped": 1}, runs

    messaging = ApiClient(system.urls["messaging"], staff_token)
    eventually(
        lambda: (
            (found := messaging.get(f"/batches/{batch_id}/letters"))["stages"]["to_print"] == 1
            and found["waiting_for_link"] == 0
        ),
        60,
        what="consent's link and code on the cascade's letter",
    )
    context = browser.new_context(accept_downloads=True)
    console = context.new_page()
    sign_in(console, system, staff_token)
    console.goto(f"{system.urls['console']}/practice/batches/{batch_id}")
    console.get_by_test_id("batch-letters").click()  # from the invitation's batch page
    assert "1 letter" in console.get_by_test_id("letters-summary").inner_text()
    with console.expect_download() as download:
        console.get_by_test_id("letters-pdf").first.click()
    pdf = tmp_path / "letters.pdf"
    download.value.save_as(pdf)
    folder = ARTIFACTS / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, folder / f"cascade-letter-{mode}.pdf")

    text = pdf_text(pdf)
    heading = i18n.gettext("ur", letter_words.HEADING)
    slip = i18n.gettext("ur", letter_words.SLIP)
    assert heading in text and slip in text and text.index(heading) < text.index(slip)
    assert "Nasreen Akhtar" in text and "12 Villa Road" in text and "B19 1BH" in text
    assert re.search(r"\b\d{3} \d{3}\b", text), text  # the one-time code, in threes
    short = re.search(r"https?://\S+/l/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text)
    assert short, text
    [qr] = qr_links(pdf, tmp_path)
    behind = requests.get(short.group(0), allow_redirects=False, timeout=10)
    assert behind.status_code in (302, 303) and "/c/" in qr
    # The printed short link leads where the QR code does: the letter's consent link.
    assert urljoin(short.group(0), behind.headers["Location"]) == qr

    console.get_by_test_id("letters-printed").click()
    page_becomes(console, "document.querySelector('[data-testid=stage-printed]').innerText === '1'")
    console.get_by_test_id("letters-posted").click()
    page_becomes(console, "document.querySelector('[data-testid=stage-posted]').innerText === '1'")
    console.screenshot(path=str(folder / f"cascade-letters-page-{mode}.png"), full_page=True)
    context.close()
    [posted] = silent.on("letter")
    assert posted["id"] == letter["id"] and posted["status"] == "sent"
