"""The issue's "done when": staff send a batch to a cohort of English, Urdu, Polish and
Bengali speakers; each text arrives in its language with its part count; replies are
acknowledged in the patient's language, STOP suppresses, and an unclear reply waits for
staff, whose reading then flows on like any reply."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
import requests

from tests.e2e.conftest import System
from tests.support.api import ApiClient, eventually

pytestmark = pytest.mark.e2e
PRACTICE = "M85009"
COHORT = {  # language: (mobile as staff type it, E.164, a word only that translation has)
    "en": ("07400 223401", "+447400223401", "Your GP practice"),
    "ur": ("07400 223402", "+447400223402", "تحقیقی"),
    "pl": ("07400 223403", "+447400223403", "badaniu"),
    "bn": ("07400 223404", "+447400223404", "গবেষণায়"),
}


def nhs_number(serial: int) -> str:
    while True:
        first_nine = f"45{serial:07d}"
        total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return f"{first_nine}{check}"
        serial += 1


def reply(system: System, number: str, body: str) -> None:
    response = requests.post(
        f"{system.urls['twilio']}/_fake/inbound", json={"from": number, "body": body}, timeout=10
    )
    assert response.status_code == 201


def last_text(system: System, number: str, count: int) -> Any:
    return eventually(
        lambda: len(texts := system.texts_to(number)) == count and texts[-1],
        what=f"text {count} to {number}",
    )


def test_a_mixed_language_batch_arrives_in_each_language_and_replies_flow_on(
    system: System,
) -> None:
    admin_token = system.token("--name", "admin", "--role", "admin")
    staff_token = system.token("--name", "staff", "--role", "staff", "--practice", PRACTICE)
    registry = ApiClient(system.urls["registry"], admin_token)
    registry.post("/practices", {"ods_code": PRACTICE, "name": "Multilingual Practice"})
    trial = registry.post(
        "/trials", {"short_name": "MIX-1", "title": "A heart study", "sponsor": "Uni"}
    )
    staff = ApiClient(system.urls["registry"], staff_token)
    people = {
        language: staff.post(
            "/participants",
            {
                "practice_ods": PRACTICE,
                "nhs_number": nhs_number(100 + 10 * n),
                "given_name": "Test",
                "family_name": f"Patient{n}",
                "date_of_birth": "02/07/1961",
                "mobile": typed,
                "language": language,
            },
        )["id"]
        for n, (language, (typed, _, _)) in enumerate(COHORT.items())
    }
    requested = staff.post(
        f"/trials/{trial['id']}/invitations",
        {"practice_ods": PRACTICE, "participant_ids": list(people.values())},
        expect=202,
    )
    batch = f"/batches/{requested['batch_id']}"

    messaging_staff = ApiClient(system.urls["messaging"], staff_token)
    preview = eventually(
        lambda: (p := messaging_staff.get(f"{batch}/preview"))["recipients"] == 4 and p,
        what="the whole batch in messaging",
    )
    by_language = {row["language"]: row for row in preview["languages"]}
    assert set(by_language) == set(COHORT)
    assert preview["unreviewed_languages"] == ["bn", "pl", "ur"]
    messaging_staff.post(f"{batch}/approve", {}, expect=409)  # staff may not send unreviewed
    ApiClient(system.urls["messaging"], admin_token).post(
        f"{batch}/approve", {"allow_unreviewed": True}, expect=200
    )

    for language, (_, number, marker) in COHORT.items():
        [text] = eventually(partial(system.texts_to, number), what=f"the {language} text")
        assert marker in text["body"]
        assert text["body"] == by_language[language]["text"]
        assert text["segments"] == by_language[language]["segments"]
        assert text["encoding"] == by_language[language]["encoding"]
    assert by_language["en"]["encoding"] == "GSM-7" and by_language["ur"]["encoding"] == "UCS-2"

    # Replies: understood ones are acknowledged in the patient's language.
    reply(system, COHORT["en"][1], "Yes please")
    assert last_text(system, COHORT["en"][1], 2)["body"].startswith("Thank you.")
    reply(system, COHORT["bn"][1], "STOP")
    assert "START" in last_text(system, COHORT["bn"][1], 2)["body"]
    reply(system, COHORT["ur"][1], "YES")
    assert last_text(system, COHORT["ur"][1], 2)["body"].startswith("شکریہ")

    # An unclear reply gets one "we did not understand" in Polish, and waits for staff.
    reply(system, COHORT["pl"][1], "a o co chodzi???")
    inbox = eventually(
        lambda: [
            item
            for item in messaging_staff.get("/replies/unclear")
            if item["participant_id"] == people["pl"]
        ],
        what="the unclear reply in the staff inbox",
    )
    assert last_text(system, COHORT["pl"][1], 2)["body"].startswith("Przepraszamy")
    messaging_staff.post(f"/replies/{inbox[0]['id']}/intent", {"intent": "no"}, expect=200)
    assert last_text(system, COHORT["pl"][1], 3)["body"].startswith("Dziękujemy")

    report = eventually(
        lambda: (
            (r := messaging_staff.get(f"{batch}/report"))["invitations"]["delivered"] == 4 and r
        ),
        what="every invitation delivered",
    )
    # Staff read the unclear one as "no"; the report counts what each reply came to mean.
    assert report["replies_by_intent"] == {"yes": 2, "stop": 1, "no": 1}
