"""The review inbox as staff read it: each unclear reply with its patient, trial and
conversation, in words and UK time. Pure: no Flask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.languages import LANGUAGES

UK = ZoneInfo("Europe/London")
INTENTS = (
    ("yes", "Yes, interested"),
    ("no", "No"),
    ("stop", "Stop all texts"),
    ("help", "Asked for help"),
)
# What staff see for each kind of text we send.
SENT_KINDS = {
    "invitation": "Invitation",
    "reminder": "Reminder",
    "yes_ack": "Thanks after YES",
    "no_ack": "Thanks after NO",
    "stop_ack": "Confirmation of STOP",
    "start_ack": "Confirmation of START",
    "help_ack": "Answer to HELP",
    "unclear_ack": "We did not understand (reply YES, NO or CALL)",
    "opt_in_check": "Asked to reply START",
    "consent_link": "Consent link",
    "consent_confirmation": "Consent confirmation",
    "withdrawal_receipt": "Withdrawal receipt",
    "identity_code": "Identity code (consent page)",
    "consent_awaiting_confirmation": "Signed, awaiting the research team's confirmation",
}


@dataclass(frozen=True)
class Text:
    sent: bool
    label: str
    body: str
    language: str | None
    when: str
    this_reply: bool


@dataclass(frozen=True)
class Card:
    id: str
    body: str
    received: str
    language: str | None
    language_name: str
    participant_id: str | None
    patient_name: str | None
    nhs_number: str | None
    trial: str | None
    opted_out: bool
    clarified: bool
    conversation: tuple[Text, ...]


def uk_time(iso: str) -> str:
    """ "6 Dec 2026, 13:05" in UK time, from the API's UTC timestamp."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UK)
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def nhs_number(number: str | None) -> str | None:
    return f"{number[:3]} {number[3:6]} {number[6:]}" if number and len(number) == 10 else number


def card(reply: Mapping[str, Any], patient: Mapping[str, Any] | None) -> Card:
    """One reply as a card; `patient` is what the registry told this caller, or None."""
    language = reply.get("language")
    known = LANGUAGES.get(language) if language else None
    texts = tuple(
        Text(
            sent=t["direction"] == "out",
            label=SENT_KINDS.get(t["kind"], t["kind"].replace("_", " ").capitalize())
            if t["direction"] == "out"
            else "Patient replied",
            body=t["body"],
            language=t.get("language"),
            when=uk_time(t["at"]),
            this_reply=t["direction"] == "in"
            and t["body"] == reply["body"]
            and t["at"] == reply["received_at"],
        )
        for t in reply.get("conversation", [])
    )
    name = f"{patient['given_name']} {patient['family_name']}" if patient else None
    return Card(
        id=reply["id"],
        body=reply["body"],
        received=uk_time(reply["received_at"]),
        language=language,
        language_name=known.name if known else (language or "not known"),
        participant_id=reply.get("participant_id"),
        patient_name=name,
        nhs_number=nhs_number(patient["nhs_number"]) if patient else None,
        trial=reply.get("trial_short_name"),
        opted_out=bool(reply.get("number_opted_out")),
        clarified=bool(reply.get("clarification_sent")),
        conversation=texts,
    )


def cards(
    replies: Sequence[Mapping[str, Any]], patients: Mapping[str, Mapping[str, Any]]
) -> list[Card]:
    return [card(r, patients.get(r.get("participant_id") or "")) for r in replies]
