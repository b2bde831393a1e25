"""Callback tasks as staff read them: who is waiting, for how long, in which language, and
whether to book an interpreter. Pure: no Flask."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from services.console.domain.review_inbox import nhs_number, uk_time
from shared.languages import LANGUAGES

OUTCOMES = (
    ("reached_interested", "Reached, interested"),
    ("consented_by_phone", "Consented by phone"),
    ("declined", "Declined"),
    ("no_answer", "No answer"),
    ("wrong_number", "Wrong number"),
)
SOURCES = {
    "sms": "Text reply",
    "whatsapp": "WhatsApp reply",
    "voice": "Pressed 4 on a call",
    "letter": "Letter",
    "consent_page": "Consent page button",
    "review_inbox": "Staff, from the review inbox",
}
STATES = (("", "All open"), ("unassigned", "Not assigned"), ("assigned", "Assigned"))
# The waiting-time summary's periods, in days.
PERIODS = ((7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days"))


def waited(seconds: int | None) -> str:
    """A wait in words a person reads at a glance: "2 days 3 hours", "45 minutes"."""
    if seconds is None:
        return "None closed"
    span = timedelta(seconds=max(seconds, 0))
    days, hours, minutes = span.days, span.seconds // 3600, span.seconds % 3600 // 60

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute") if minutes else "Under a minute"


def language_name(code: str | None) -> str:
    known = LANGUAGES.get(code) if code else None
    return known.name if known else (code or "not known")


@dataclass(frozen=True)
class Row:
    id: str
    participant_id: str
    patient_name: str | None
    nhs_number: str | None
    practice: str
    trial: str | None
    language: str
    language_name: str
    interpreter: bool
    sources: tuple[str, ...]
    requests: int
    note: str | None
    opened: str
    waiting: str
    assigned_to: str | None
    outcome: str | None
    closed: str | None


def row(task: Mapping[str, Any], patient: Mapping[str, Any] | None) -> Row:
    """One task; `patient` is what the registry told this caller (None for coordinators,
    who never see names, and for another practice's patient)."""
    name = f"{patient['given_name']} {patient['family_name']}" if patient else None
    return Row(
        id=task["id"],
        participant_id=task["participant_id"],
        patient_name=name,
        nhs_number=nhs_number(patient["nhs_number"]) if patient else None,
        practice=task["practice_ods"],
        trial=task.get("trial_short_name"),
        language=task["language"],
        language_name=language_name(task["language"]),
        interpreter=bool(task["interpreter_needed"]),
        sources=tuple(SOURCES.get(s, s) for s in task["sources"]),
        requests=int(task["requests"]),
        note=task.get("request_note"),
        opened=uk_time(task["opened_at"]),
        waiting=waited(task["waited_seconds"]),
        assigned_to=task.get("assigned_to"),
        outcome=dict(OUTCOMES).get(task.get("outcome") or "", task.get("outcome")),
        closed=uk_time(task["closed_at"]) if task.get("closed_at") else None,
    )
