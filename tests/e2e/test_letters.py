"""A patient with no mobile is invited by letter: staff download the batch in the console,
the PDF reads back in Urdu with its QR code decoding to the patient's consent link, which opens
their consent page after the date of birth and the letter's one-time code; a patient who asked
for large print gets a large-print letter. Real processes, both run modes, Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shared import i18n
from shared.documents import letter_words
from tests.e2e.conftest import System
from tests.e2e.console_pages import page_becomes, sign_in
from tests.e2e.test_consent_journey import PHONE, Trial
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS

pytestmark = [
    pytest.mark.e2e,
    # Two browser contexts, a PDF rendered, rasterised and decoded: more than the default
    # five minutes on a loaded machine (the RabbitMQ run's teardown ran out of it once).
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        not (shutil.which("pdftotext") and shutil.which("zbarimg")),
        reason="poppler-utils and zbar-tools",
    ),
]


def by_post(trial: Trial, nhs: str, language: str, large_print: bool) -> str:
    patient = trial.staff.post(
        "/participants",
        {
            "practice_ods": trial.practice,
            "nhs_number": nhs,
            "given_name": "Nasreen" if language == "ur" else "Margaret",
            "family_name": "Akhtar" if language == "ur" else "Jones",
            "date_of_birth": "02/07/1961",
            "language": language,
            "sex": "female",
        },
    )
    answer = trial.staff.session.put(
        f"{trial.staff.base_url}/participants/{patient['id']}/address",
        json={
            "address_line_1": "12 Villa Road" if language == "ur" else "4 Church Street",
            "town": "Birmingham",
            "postcode": "b19 1bh",
            "large_print": large_print,
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return str(patient["id"])


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def qr_links(path: Path, folder: Path) -> list[str]:
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(folder / "page")], check=True)
    found = []
    for image in sorted(folder.glob("page*.png")):
        out = subprocess.run(["zbarimg", "-q", str(image)], capture_output=True, text=True)
        found += [line.removeprefix("QR-Code:") for line in out.stdout.split()]
    return found


def qr_links_of_page(path: Path, number: int, folder: Path) -> str:
    target = folder / f"one-{number}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", str(number), "-l", str(number), str(path),
         str(target)], check=True,
    )  # fmt: skip
    [image] = folder.glob(f"one-{number}*.png")
    out = subprocess.run(["zbarimg", "-q", str(image)], capture_output=True, text=True)
    return out.stdout.strip().removeprefix("QR-Code:")


def test_a_letter_for_a_patient_without_a_mobile_opens_their_consent_page(
    system: System, browser: Any, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    mode = request.node.callspec.id
    trial = Trial(system, f"LT-{mode[:3]}", "M85021")
    urdu = by_post(trial, "9990000026", "ur", large_print=False)
    large = by_post(trial, "9990000034", "en", large_print=True)
    requested = trial.staff.post(
        f"/trials/{trial.id}/invitations",
        {"practice_ods": trial.practice, "participant_ids": [urdu, large]},
        expect=202,
    )
    batch_id = requested["batch_id"]
    system.send_batch(trial.admin_token, batch_id)  # approved: consent makes the letters' links
    staff_token = system.token("--name", "letters", "--role", "staff", "--practice", trial.practice)
    messaging = ApiClient(system.urls["messaging"], staff_token)

    def ready() -> bool:
        try:  # the new token reaches messaging as an event, then consent's links arrive
            found = messaging.get(f"/batches/{batch_id}/letters")
        except AssertionError:
            return False
        return bool(found["stages"]["to_print"] == 2 and found["waiting_for_link"] == 0)

    eventually(ready, what="both letters ready to print")

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    sign_in(page, system, staff_token)
    page.goto(f"{system.urls['console']}/practice/batches/{batch_id}/letters")
    summary = page.get_by_test_id("letters-summary").inner_text()
    assert "2 letters, 1 in large print" in summary and "1.70 GBP" in summary
    with page.expect_download() as download:
        page.get_by_test_id("letters-pdf").first.click()
    pdf = tmp_path / "letters.pdf"
    download.value.save_as(pdf)
    folder = ARTIFACTS / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, folder / f"letters-{mode}.pdf")

    # One page for the Urdu letter; two or more for the large-print English one.
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))  # type: ignore[union-attr]  # fmt: skip
    pages = [pdf_text(pdf, n) for n in range(1, count + 1)]
    heading = i18n.gettext("ur", letter_words.HEADING)
    [urdu_page] = [n for n, text in enumerate(pages, 1) if heading in text]
    first = pages[urdu_page - 1]
    slip = i18n.gettext("ur", letter_words.SLIP)
    assert slip in first and first.index(heading) < first.index(slip)
    assert "12 Villa Road" in first and "B19 1BH" in first
    large_pages = [text for n, text in enumerate(pages, 1) if n != urdu_page]
    assert len(large_pages) >= 2 and "4 Church Street" in large_pages[0]
    assert letter_words.HEADING in large_pages[0]

    links = qr_links(pdf, tmp_path)
    assert len(links) == 2 and all("/c/" in link for link in links)
    urdu_link = qr_links_of_page(pdf, urdu_page, tmp_path)
    code = re.search(r"\b(\d{3}) (\d{3})\b", first)
    assert code, first

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    patient = phone.new_page()
    patient.goto(urdu_link)  # the Urdu letter's QR code
    assert patient.locator("html").get_attribute("lang") == "ur"
    patient.get_by_test_id("dob-day").fill("2")
    patient.get_by_test_id("dob-month").fill("7")
    patient.get_by_test_id("dob-year").fill("1961")
    patient.get_by_test_id("dob-continue").click()
    patient.get_by_test_id("code").wait_for()
    assert (
        i18n.gettext("ur", "Enter the code from your letter") in patient.locator("h1").inner_text()
    )
    patient.get_by_test_id("code").fill(f"{code.group(1)} {code.group(2)}")
    patient.get_by_test_id("code-continue").click()
    patient.get_by_test_id("agree").wait_for()  # their consent page, the form to agree to
    patient.screenshot(path=str(folder / f"consent-page-{mode}.png"), full_page=True)
    phone.close()

    page.get_by_test_id("letters-printed").click()
    page_becomes(page, "document.querySelector('[data-testid=stage-printed]').innerText === '2'")
    page.get_by_test_id("letters-posted").click()
    page_becomes(page, "document.querySelector('[data-testid=stage-posted]').innerText === '2'")
    context.close()
    record = eventually(
        lambda: (r := trial.record(urdu))["status"] == "link_sent" and r,
        what="the letter's YES in the consent record",
    )
    assert [e["to_status"] for e in record["history"]][-2:] == ["interested", "link_sent"]
    # Reach by channel: both letters posted (invited and delivered); the Urdu patient
    # answered by her letter's code. Counts under 5 come as "<5"; no other channel was used.
    expected = [
        ("sms", {"invited": 0, "delivered": 0, "replied": 0, "consented": 0}),
        ("whatsapp", {"invited": 0, "delivered": 0, "replied": 0, "consented": 0}),
        ("voice", {"invited": 0, "delivered": 0, "replied": 0, "consented": 0}),
        ("letter", {"invited": "<5", "delivered": "<5", "replied": "<5", "consented": 0}),
    ]
    eventually(
        lambda: (
            [
                (row["channel"], row["counts"])
                for row in trial.coordinator.get(f"/trials/{trial.id}/equity")["channels"]
            ]
            == expected
        ),
        what="the letters in the reach by channel",
    )
