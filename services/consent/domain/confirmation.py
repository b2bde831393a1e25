"""The research team's part of a consent (decision 0032): the consent discussion, the
countersignature, an impartial witness, a legal representative, and consent taken by phone.

Each is an `Attestation`: what was said and who said it, kept beside the record. Names are
personal data, so the audit chain holds only the attestation's SHA-256 (its `reason` is
`sha256:<hex>`): changing an attestation breaks the match, and erasing one leaves the chain
whole. Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared import clock, languages
from shared.errors import FieldError, InvalidInput

DISCUSSION, COUNTERSIGNATURE = "discussion", "countersignature"
WITNESS, REPRESENTATIVE, PHONE_CONSENT = "witness", "representative", "phone_consent"
KINDS = (DISCUSSION, COUNTERSIGNATURE, WITNESS, REPRESENTATIVE, PHONE_CONSENT)
# What the audit chain calls each (an action on the record, status unchanged but for phone).
ACTIONS = {
    DISCUSSION: "discussion_recorded",
    COUNTERSIGNATURE: "countersigned",
    WITNESS: "witnessed",
    REPRESENTATIVE: "representative_signed",
}
MODES = ("phone", "video", "in_person")
RELATIONSHIPS = (
    "spouse_or_partner",
    "parent",
    "child",
    "other_relative",
    "friend",
    "carer",
    "nominated_professional",
)
NAME_MAX, NOTE_MAX = 200, 2000
READ_AT_MOST = timedelta(days=366)  # a witness's statement is recorded when it is made


@dataclass(frozen=True)
class Setting:
    """Whether a trial (or one version of its form) asks for the research team's confirmation.

    A version's own setting wins; without one, the trial's; without that, no confirmation."""

    trial: bool | None = None
    version: bool | None = None

    @property
    def required(self) -> bool:
        if self.version is not None:
            return self.version
        return bool(self.trial)


@dataclass
class Attestation:
    record_id: uuid.UUID
    trial_id: uuid.UUID
    kind: str
    details: dict[str, Any]
    actor: str  # "<role>:<token id>", as the audit chain names people
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: datetime = field(default_factory=lambda: clock.now())
    hash: str = ""

    def compute_hash(self) -> str:
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)
        content = {
            "id": str(self.id),
            "record_id": str(self.record_id),
            "trial_id": str(self.trial_id),
            "kind": self.kind,
            "details": self.details,
            "actor": self.actor,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def seal(self) -> Attestation:
        self.hash = self.compute_hash()
        return self

    @property
    def reason(self) -> str:
        """What the audit entry carries: the hash, never the names."""
        return f"sha256:{self.hash}"


# Validation: each returns the cleaned details, or raises InvalidInput naming every field.


def discussion(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    mode = data.get("mode")
    if mode not in MODES:
        errors.append(FieldError("mode", f"must be one of {', '.join(MODES)}"))
    researcher = _name(data, "researcher_name", errors)
    language = _text(data.get("interpreter_language"))
    interpreter = _text(data.get("interpreter_name"))
    if language and not languages.is_text_language(language):
        errors.append(FieldError("interpreter_language", "not a language we know"))
    if bool(language) != bool(interpreter):
        missing = "interpreter_name" if language else "interpreter_language"
        errors.append(FieldError(missing, "give the interpreter's language and name together"))
    if interpreter and len(interpreter) > NAME_MAX:
        errors.append(FieldError("interpreter_name", f"at most {NAME_MAX} characters"))
    if data.get("questions_answered") is not True:
        errors.append(
            FieldError("questions_answered", "confirm the patient's questions were answered")
        )
    notes = _text(data.get("questions"))
    if len(notes) > NOTE_MAX:
        errors.append(FieldError("questions", f"at most {NOTE_MAX} characters"))
    can_read = data.get("patient_can_read")
    _raise(errors, "the consent discussion is not complete")
    return {
        # whether the patient reads the form (domain.reading): None when not asked
        "patient_can_read": can_read if isinstance(can_read, bool) else None,
        "mode": mode,
        "researcher_name": researcher,
        "interpreter_language": language or None,
        "interpreter_name": interpreter or None,
        "questions_answered": True,
        "questions": notes or None,
    }


def countersignature(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    name = _name(data, "researcher_name", errors)
    _signature(data, "signature", name, errors)
    _raise(errors, "the countersignature is not complete")
    return {"researcher_name": name, "signature": "typed_name_and_tick"}


def witness(data: Mapping[str, Any], form_version: int | None, now: datetime) -> dict[str, Any]:
    """An impartial witness for a patient who cannot read: they heard the whole form read
    aloud and the patient agree. Independent of the research team, so not the reader."""
    errors: list[FieldError] = []
    name = _name(data, "witness_name", errors)
    _signature(data, "witness_signature", name, errors)
    reader = _name(data, "read_by", errors)
    if name and reader and _same(name, reader):
        errors.append(FieldError("witness_name", "the witness cannot be the person who read"))
    if data.get("impartial") is not True:
        errors.append(FieldError("impartial", "confirm the witness is independent of the study"))
    read_at = _instant(data.get("read_at"))
    if read_at is None:
        errors.append(FieldError("read_at", "give the date and time the form was read aloud"))
    elif read_at > now:
        errors.append(FieldError("read_at", "cannot be in the future"))
    elif read_at < now - READ_AT_MOST:
        errors.append(FieldError("read_at", "more than a year ago: record it when it happens"))
    version = data.get("form_version")
    if form_version is not None and version != form_version:
        errors.append(FieldError("form_version", f"the patient's form is version {form_version}"))
    _raise(errors, "the witness's statement is not complete")
    assert read_at is not None
    return {
        "witness_name": name,
        "signature": "typed_name_and_tick",
        "impartial": True,
        "read_by": reader,
        "read_at": read_at.isoformat(),
        "form_version": version,
    }


def representative(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    name = _name(data, "representative_name", errors)
    relationship = data.get("relationship")
    if relationship not in RELATIONSHIPS:
        errors.append(FieldError("relationship", f"must be one of {', '.join(RELATIONSHIPS)}"))
    _signature(data, "representative_signature", name, errors)
    _raise(errors, "the legal representative's part is not complete")
    return {
        "representative_name": name,
        "relationship": relationship,
        "signature": "typed_name_and_tick",
    }


def phone_consent(data: Mapping[str, Any], witness_signs: str | None = None) -> dict[str, Any]:
    """Oral consent on a call before a witness: both names, and the witness's statement.
    `witness_signs`: why the witness must also sign (the patient may not read), if so."""
    errors: list[FieldError] = []
    researcher = _name(data, "researcher_name", errors)
    witness_name = _name(data, "witness_name", errors)
    if researcher and witness_name and _same(researcher, witness_name):
        errors.append(FieldError("witness_name", "the witness cannot be the researcher"))
    if data.get("witness_confirms") is not True:
        errors.append(
            FieldError("witness_confirms", "the witness confirms they heard the form and answers")
        )
    if data.get("read_out") is not True:
        errors.append(FieldError("read_out", "confirm the whole form was read out"))
    signed = witness_signs is not None or data.get("witness_signature_ticked") is True
    if signed:
        _signature(data, "witness_signature", witness_name, errors)
    why = f" (the patient may not read the form: {witness_signs}; the witness signs)"
    _raise(errors, "the consent by phone is not complete" + (why if witness_signs else ""))
    can_read = data.get("patient_can_read")
    return {
        "researcher_name": researcher,
        "witness_name": witness_name,
        "witness_confirms": True,
        "read_out": True,
        **({"witness_signature": "typed_name_and_tick"} if signed else {}),
        **({"patient_can_read": can_read} if isinstance(can_read, bool) else {}),
    }


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _name(data: Mapping[str, Any], key: str, errors: list[FieldError]) -> str:
    value = _text(data.get(key))
    if not value:
        errors.append(FieldError(key, "enter the full name"))
    elif len(value) > NAME_MAX:
        errors.append(FieldError(key, f"at most {NAME_MAX} characters"))
    return value


def _signature(data: Mapping[str, Any], key: str, name: str, errors: list[FieldError]) -> None:
    """A typed full name that matches, and a tick: the signature without a drawn one."""
    typed = _text(data.get(f"{key}_typed"))
    if not typed or (name and not _same(typed, name)):
        errors.append(FieldError(f"{key}_typed", "type the same full name to sign"))
    if data.get(f"{key}_ticked") is not True:
        errors.append(FieldError(f"{key}_ticked", "tick to sign"))


def _same(a: str, b: str) -> bool:
    return _text(a).casefold() == _text(b).casefold()


def _instant(moment: Any) -> datetime | None:
    """The moment in UTC; None for anything else, or one beyond what UTC can hold."""
    if not isinstance(moment, datetime):
        return None
    try:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        return None


def _raise(errors: list[FieldError], detail: str) -> None:
    if errors:
        raise InvalidInput(detail, errors)
