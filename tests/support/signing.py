"""A consent form in English and Bengali for the signing tests, a drawn signature as the page
would send it, and reading a PDF back with pdftotext."""

from __future__ import annotations

import copy
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.support.factories import consent_form

# Bengali words of the form (unreviewed, like the catalogs). pdftotext moves some vowel signs
# that are written before their consonant (ি, ে, ৈ), so tests look for words without them,
# or compare with the same extraction of a reference rendering.
BN_FORM: dict[str, Any] = {
    "title": "হৃদস্পন্দন পরীক্ষা",
    "summary": "আমরা জানতে চাই একটা সহজ পরীক্ষা অনিয়মিত হৃদস্পন্দন ধরতে পারে কি না।",
    "sheet_url": "https://example.org/sheet?lang=bn",
    "items": {
        "read_summary": "আমি সারাংশ পড়েছি।",
        "gp_records": "গবেষকরা আমার জিপি রেকর্ড দেখতে পারবেন।",
        "future_studies": "ভবিষ্যতে আমার সাথে যোগাযোগ করা যাবে।",
    },
}
BN_WHOLE_WORDS = ("আমার", "স্বাক্ষর", "পরীক্ষা", "হৃদস্পন্দন")


def english_and_bengali_form() -> dict[str, Any]:
    """A new body each time: a test that adds to it (questions) must not change the next's."""
    body = consent_form(("en",))
    body["translations"]["bn"] = copy.deepcopy(BN_FORM)
    return body


# What the page's script sends for a short zigzag drawn with a finger.
A_DRAWING = "M20 150 L60 40 L100 160 L140 50 L180 150 L220 60 L260 140 L300 80 M320 120 L420 110"


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "copy.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return done.stdout.decode()


def pdf_info(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "copy.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            ["pdfinfo", "-meta", str(path)], capture_output=True, check=True, timeout=60
        )
    return done.stdout.decode(errors="replace")
