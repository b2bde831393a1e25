"""Test data made in one place: unique numbers, a patient, a consent form.

Each factory returns plain data (what an API or a use case takes), with overrides for what a
test is about, so that a change to the data's shape is made here once.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

_serial = itertools.count(1)


def serial() -> int:
    """A number unique in this test run, for codes, names and NHS numbers."""
    return next(_serial)


def nhs_number() -> str:
    """A new, valid NHS number from the England range."""
    while True:
        first_nine = f"4{serial():08d}"
        total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return f"{first_nine}{check}"


def mobile() -> str:
    """A new UK mobile number in E.164, so that no two tests share a phone."""
    return f"+4474{serial():08d}"


def patient(practice_ods: str, **overrides: Any) -> dict[str, Any]:
    """A registry patient's details (ParticipantDetails, or the body of POST /participants):
    a 56-year-old Bengali speaker with her own phone and a new NHS number, unless told."""
    return {
        "practice_ods": practice_ods,
        "nhs_number": nhs_number(),
        "given_name": "Amina",
        "family_name": f"Begum{serial()}",
        "date_of_birth": "1970-03-04",
        "language": "bn",
        "mobile": mobile(),
        **overrides,
    }


_ITEMS = {
    "read_summary": {
        "en": "I have read the information about the study.",
        "ur": "میں نے مطالعے کے بارے میں معلومات پڑھ لی ہیں۔",
    },
    "gp_records": {
        "en": "The study team may look at my GP records.",
        "ur": "میں راضی ہوں کہ مطالعے کی ٹیم میرے جی پی ریکارڈ دیکھ سکتی ہے۔",
    },
    "future_studies": {
        "en": "You may contact me about future studies.",
        "ur": "آپ مستقبل کے مطالعات کے بارے میں مجھ سے رابطہ کر سکتے ہیں۔",
    },
}
_WORDS = {
    "en": {
        "title": "Finding irregular heart rhythm early",
        "summary": "This study checks if a simple test finds an irregular heart rhythm.",
        "sheet_url": "https://example.org/sheet",
    },
    "ur": {
        "title": "دل کی بے ترتیب دھڑکن کا جلد پتہ لگانا",
        "summary": "یہ مطالعہ جانچتا ہے کہ کیا ایک آسان ٹیسٹ"
        " دل کی بے ترتیب دھڑکن کا پتہ لگا سکتا ہے۔",
        "sheet_url": "https://example.org/sheet?lang=ur",
    },
}


def consent_form(
    languages: Sequence[str] = ("en", "ur"), *, future_studies: bool = True, **overrides: Any
) -> dict[str, Any]:
    """A consent form's body (POST /trials/{id}/forms, or `forms.create_draft`): two
    mandatory items and, unless told, an optional one about future studies."""
    keys = ["read_summary", "gp_records"] + (["future_studies"] if future_studies else [])
    return {
        "items": [{"key": key, "mandatory": key != "future_studies"} for key in keys],
        "translations": {
            language: {
                **_WORDS[language],
                "items": {key: _ITEMS[key][language] for key in keys},
            }
            for language in languages
        },
        **overrides,
    }
