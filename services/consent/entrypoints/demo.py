"""The local run's demo consent form for trial DEMO-AF, in English and Urdu (fictional study)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from services.consent.service_layer import forms
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import ADMIN, Principal

SHEET = "https://example.org/demo-af/information-sheet"

DEMO_FORM: dict[str, Any] = {
    "items": [
        {"key": "read_summary", "mandatory": True},
        {"key": "voluntary", "mandatory": True},
        {"key": "gp_records", "mandatory": True},
        {"key": "future_studies", "mandatory": False},
    ],
    "translations": {
        "en": {
            "title": "Finding irregular heart rhythm early",
            "summary": (
                "This study checks if a simple test can find an irregular heart rhythm "
                "(atrial fibrillation) early. An irregular rhythm can lead to a stroke.\n\n"
                "If you take part, the study team will look at your GP records. They may ask "
                "you to wear a small heart monitor for 2 weeks. You do not need to travel.\n\n"
                "Taking part is your choice. If you say no, your care will not change. "
                "You can leave at any time without giving a reason."
            ),
            "sheet_url": SHEET,
            "items": {
                "read_summary": "I have read the information about the study.",
                "voluntary": "I understand that taking part is my choice and I can leave "
                "at any time.",
                "gp_records": "I agree that the study team can look at my GP records.",
                "future_studies": "You may contact me about future studies.",
            },
        },
        "ur": {
            "title": "دل کی بے ترتیب دھڑکن کا جلد پتہ لگانا",
            "summary": (
                "یہ مطالعہ جانچتا ہے کہ کیا ایک آسان ٹیسٹ دل کی بے ترتیب دھڑکن (ایٹریل "
                "فبریلیشن) کا جلد پتہ لگا سکتا ہے۔ بے ترتیب دھڑکن فالج کا سبب بن سکتی ہے۔\n\n"
                "اگر آپ حصہ لیتے ہیں تو مطالعے کی ٹیم آپ کے جی پی ریکارڈ دیکھے گی۔ وہ آپ سے دو "
                "ہفتے کے لیے دل کا ایک چھوٹا مانیٹر پہننے کو کہہ سکتے ہیں۔ آپ کو کہیں جانے کی "
                "ضرورت نہیں۔\n\n"
                "حصہ لینا آپ کی مرضی ہے۔ اگر آپ انکار کریں تو آپ کا علاج نہیں بدلے گا۔ "
                "آپ کسی بھی وقت بغیر وجہ بتائے مطالعہ چھوڑ سکتے ہیں۔"
            ),
            "sheet_url": SHEET + "?lang=ur",
            "items": {
                "read_summary": "میں نے مطالعے کے بارے میں معلومات پڑھ لی ہیں۔",
                "voluntary": "میں سمجھتا / سمجھتی ہوں کہ حصہ لینا میری مرضی ہے اور میں کسی "
                "بھی وقت چھوڑ سکتا / سکتی ہوں۔",
                "gp_records": "میں راضی ہوں کہ مطالعے کی ٹیم میرے جی پی ریکارڈ دیکھ سکتی ہے۔",
                "future_studies": "آپ مستقبل کے مطالعات کے بارے میں مجھ سے رابطہ کر سکتے ہیں۔",
            },
        },
    },
    "requires_reconsent": False,
}


def publish_demo_form(uow_factory: Callable[[], ConsentUnitOfWork], trial_id: uuid.UUID) -> bool:
    """Create and publish version 1 unless the trial already has a form."""
    admin = Principal(uuid.uuid4(), "demo set-up", ADMIN)
    if forms.list_forms(uow_factory(), admin, trial_id):
        return False
    form = forms.create_draft(uow_factory(), admin, trial_id, DEMO_FORM)
    forms.publish(uow_factory(), admin, trial_id, form.version, "REC 26/WM/0000 (demo)")
    return True
