"""Message templates as the admin pages show them. Pure: no Flask.

The kinds and languages come from messaging's own templates (its shipped defaults hold every
kind), so the console holds no list of its own that could drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KIND_NAMES = {
    "invitation": "Invitation",
    "reminder": "Reminder",
    "ack_yes": "Thanks after YES",
    "ack_no": "Thanks after NO",
    "ack_stop": "Confirmation of STOP",
    "ack_start": "Confirmation of START",
    "help": "Answer to HELP",
    "consent_link": "Consent link",
    "consent_confirmation": "Consent confirmation",
    "withdrawal_receipt": "Withdrawal receipt",
    "identity_code": "Identity code (consent page)",
    "consent_awaiting_confirmation": "Signed, awaiting the research team's confirmation",
    "unclear": "Answer to an unclear reply",
    "opt_in_check": "Check before texting again (reply START)",
}
PLACEHOLDER_NEXT_STEP = (
    "Change the text and save again. Write placeholders in braces exactly as listed, "
    "for example {title}; the message says which ones this kind of text may or must use."
)


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class InUse:
    """The version that goes out for one kind and language, and where it comes from."""

    kind: str
    language: str
    template: Mapping[str, Any]
    own: bool  # the trial's own version, not the shipped default

    @property
    def reviewed(self) -> bool:
        return bool(self.template["reviewed"])


def latest(templates: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for template in templates:
        key = (template["kind"], template["language"])
        if key not in found or template["version"] > found[key]["version"]:
            found[key] = template
    return found


def in_use(own: Iterable[Mapping[str, Any]], shipped: Iterable[Mapping[str, Any]]) -> list[InUse]:
    """Per kind and language, the trial's newest version, else the newest shipped one; in the
    order messaging lists its kinds, English first within each."""
    mine, defaults = latest(own), latest(shipped)
    order = list(KIND_NAMES)
    rows = [
        InUse(
            kind,
            language,
            mine.get((kind, language)) or defaults[(kind, language)],
            (kind, language) in mine,
        )
        for kind, language in {*mine, *defaults}
    ]
    return sorted(
        rows,
        key=lambda r: (
            order.index(r.kind) if r.kind in order else len(order),
            r.kind,
            r.language != "en",
            r.language,
        ),
    )
