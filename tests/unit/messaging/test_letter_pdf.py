"""A letter as printed: Urdu and Bengali words read back in order, the QR code decodes to the
consent link, large print is larger, a batch is one PDF (WeasyPrint, poppler, zbar)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest

from services.messaging.adapters.letter_ports import WeasyPrintRenderer
from services.messaging.domain import letter_layout
from services.messaging.domain.letters import Letter
from services.messaging.service_layer.letter_printing import letter_html
from shared import i18n
from shared.documents import letter_words
from tests.support.fakes.messaging_letters import a_recipient

needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("zbarimg")), reason="poppler-utils, zbar-tools"
)
LINK = "https://consent.example/c/AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBB"
TRIAL = ("DEMO-AF", "Atrial fibrillation screening")


def a_letter(language: str, large_print: bool = False) -> Letter:
    return Letter(
        message_id=uuid.uuid4(),
        batch_id=uuid.uuid4(),
        participant_id=uuid.uuid4(),
        trial_id=uuid.uuid4(),
        language=language,
        large_print=large_print,
        link=LINK,
        short_link="https://consent.example/l/ABCD-EFGH-JKMN",
        code="482913",
    )


def render(tmp_path: Path, *letters: Letter) -> Path:
    renderer = WeasyPrintRenderer()
    bodies = [
        letter_html(letter, a_recipient(), TRIAL, renderer, date(2026, 12, 6)) for letter in letters
    ]
    path = tmp_path / f"letters-{uuid.uuid4().hex[:6]}.pdf"
    path.write_bytes(renderer.pdf(letter_layout.document(bodies)))
    return path


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def reference_text(tmp_path: Path, language: str, words: str) -> str:
    """The words as the same engine and the same extraction give them back on their own."""
    path = tmp_path / "reference.pdf"
    html = (
        f"<html><head><style>body {{ font-family: {letter_layout.FONTS}; }}</style></head>"
        f'<body><p lang="{language}">{words}</p></body></html>'
    )
    path.write_bytes(WeasyPrintRenderer().pdf(html))
    return text_of(path).strip()


@needs_tools
def test_an_urdu_letter_reads_back_in_urdu_in_order(tmp_path: Path) -> None:
    text = text_of(render(tmp_path, a_letter("ur")))
    heading = i18n.gettext("ur", letter_words.HEADING)
    assert heading == "تحقیقی مطالعے میں شرکت کی دعوت"
    assert heading in text
    slip, phone = (i18n.gettext("ur", w) for w in (letter_words.SLIP, letter_words.PHONE_ME))
    assert text.index(heading) < text.index(slip) < text.index(phone)
    assert "482 913" in text and "ABCD-EFGH-JKMN" in text and "Soho Hill" in text


@needs_tools
def test_a_bengali_letter_holds_its_words_as_the_engine_reads_them_back(tmp_path: Path) -> None:
    # pdftotext moves some Bengali vowel signs: compare with the same extraction of the words.
    text = text_of(render(tmp_path, a_letter("bn")))
    heading = i18n.gettext("bn", letter_words.HEADING)
    assert heading != letter_words.HEADING
    expected = reference_text(tmp_path, "bn", heading)
    assert expected and expected in text
    slip = reference_text(tmp_path, "bn", i18n.gettext("bn", letter_words.SLIP))
    assert text.index(expected) < text.index(slip)


@needs_tools
def test_the_qr_code_decodes_to_the_letters_consent_link(tmp_path: Path) -> None:
    path = render(tmp_path, a_letter("ur"))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    page = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "-q", str(page)], capture_output=True, text=True)
    assert decoded.stdout.strip() == f"QR-Code:{LINK}"


@needs_tools
def test_large_print_is_the_same_letter_in_bigger_type(tmp_path: Path) -> None:
    standard = render(tmp_path, a_letter("en"))
    large = render(tmp_path, a_letter("en", large_print=True))
    assert pages(standard) == 1 and pages(large) > 1
    assert text_of(standard).split() == text_of(large).split()


@needs_tools
def test_a_batch_is_one_pdf_with_each_letter_on_its_own_pages(tmp_path: Path) -> None:
    path = render(tmp_path, a_letter("en"), a_letter("ur"), a_letter("pl"))
    text = text_of(path)
    assert pages(path) == 3
    assert text.count("482 913") == 3
    assert i18n.gettext("pl", letter_words.HEADING) in text
