"""The research team's console forms turned into the consent API's bodies (decision 0032).
Pure: no Flask. The service checks what makes each complete; this only reads the form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.console.domain.formats import uk_moment

ACTIONS = ("discussion", "witness", "representative", "countersignature")
MODES = (("phone", "By phone"), ("video", "By video call"), ("in_person", "In person"))
RELATIONSHIPS = (
    ("spouse_or_partner", "Spouse or partner"),
    ("parent", "Parent"),
    ("child", "Son or daughter"),
    ("other_relative", "Other relative"),
    ("friend", "Friend"),
    ("carer", "Carer"),
    ("nominated_professional", "Nominated professional"),
)
# Each form's fields, with the labels the page shows (for the error summary).
FIELDS: dict[str, dict[str, str]] = {
    "discussion": {
        "mode": "How you talked",
        "researcher_name": "Your full name",
        "interpreter_language": "Interpreter's language",
        "interpreter_name": "Interpreter's full name",
        "questions_answered": "Questions answered",
        "questions": "What they asked",
        "patient_can_read": "Whether the patient reads the form",
    },
    "witness": {
        "witness_name": "Witness's full name",
        "witness_signature_typed": "Witness's signature (typed name)",
        "witness_signature_ticked": "Witness's signature (tick)",
        "impartial": "Independent of the study",
        "read_by": "Who read the form aloud",
        "read_at": "When it was read",
        "form_version": "Form version read",
    },
    "representative": {
        "representative_name": "Representative's full name",
        "relationship": "Relationship to the patient",
        "representative_signature_typed": "Representative's signature (typed name)",
        "representative_signature_ticked": "Representative's signature (tick)",
    },
    "countersignature": {
        "researcher_name": "Your full name",
        "signature_typed": "Your signature (typed name)",
        "signature_ticked": "Your signature (tick)",
    },
    "phone": {
        "study_number": "Study number",
        "form_version": "Form version",
        "language": "Language read out in",
        "decision": "The patient's decision",
        "items": "Answers",
        "researcher_name": "Your full name",
        "witness_name": "Witness's full name",
        "witness_confirms": "The witness heard it all",
        "read_out": "The whole form read out",
        "patient_can_read": "Whether the patient reads the form",
        "witness_signature_typed": "Witness's signature (typed name)",
        "witness_signature_ticked": "Witness's signature (tick)",
    },
}
TICKS = {
    "questions_answered",
    "witness_signature_ticked",
    "impartial",
    "representative_signature_ticked",
    "signature_ticked",
    "witness_confirms",
    "read_out",
}


def body(action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The API body of one of the record page's forms: text as typed, ticks as booleans."""
    found: dict[str, Any] = {}
    for name in FIELDS[action]:
        if name == "patient_can_read":  # yes, no, or not asked (blank: not sent)
            if form.get(name) in ("yes", "no"):
                found[name] = form[name] == "yes"
        elif name in TICKS:
            found[name] = form.get(name) == "yes"
        elif form.get(name, "").strip():
            found[name] = form[name].strip()
    if action == "witness":
        found["read_at"] = uk_to_utc(form.get("read_at", ""))
        found["form_version"] = _number(form.get("form_version"))
    return found


def phone_body(form: Mapping[str, str], item_keys: list[str]) -> dict[str, Any]:
    """Consent by phone: each item answered yes or no, the decision, both names."""
    found = body("phone", form)
    found["form_version"] = _number(form.get("form_version"))
    found["answers"] = {key: form.get(f"item-{key}") == "yes" for key in item_keys}
    participant = form.get("participant", "").strip()
    if participant:
        found["participant_id"] = participant
    found.pop("items", None)
    return found


def uk_to_utc(value: str) -> str | None:
    """A datetime-local field (UK time, as staff read clocks) as an ISO instant; None if blank
    or not a date and time (the service then says it is missing)."""
    moment = uk_moment(value)
    return None if moment is None else moment.isoformat()


def _number(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None
