"""Message templates: per trial, kind and language, versioned, with a reviewed flag.

A template's body is plain text with `{placeholder}` fields. Which fields a kind may use,
and which it must use, is fixed here, so a typo or a forgotten link is refused when an
admin saves the template, not discovered when a batch goes out.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from string import Formatter
from typing import Protocol, TypeVar

from services.messaging.domain.replies import WORDS
from shared import clock
from shared.errors import FieldError, InvalidInput
from shared.languages import fallbacks, is_text_language

KINDS = (
    "invitation",
    "reminder",
    "ack_yes",
    "ack_no",
    "ack_stop",
    "ack_start",
    "help",
    "consent_link",
    "consent_confirmation",
    "withdrawal_receipt",
    "identity_code",
    "consent_awaiting_confirmation",
    "unclear",
    "opt_in_check",
)
COMMON = frozenset({"short_name", "title", "info_url"})
# kind -> (required placeholders, allowed placeholders)
PLACEHOLDERS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "invitation": (frozenset({"title", "info_url"}), COMMON),
    "reminder": (frozenset({"title"}), COMMON),
    "ack_yes": (frozenset(), COMMON),
    "ack_no": (frozenset(), COMMON),
    "ack_stop": (frozenset(), COMMON),
    "ack_start": (frozenset(), COMMON),
    "help": (frozenset(), COMMON),
    "consent_link": (frozenset({"link"}), COMMON | {"link"}),
    "consent_confirmation": (frozenset(), COMMON | {"link"}),
    "withdrawal_receipt": (frozenset(), COMMON | {"link"}),
    "identity_code": (frozenset({"code"}), COMMON | {"code"}),  # the consent page's second step
    # Signed; the research team confirms before the patient takes part (decision 0032)
    "consent_awaiting_confirmation": (frozenset(), COMMON | {"link"}),
    "unclear": (frozenset(), COMMON),  # "we did not understand": once per conversation
    "opt_in_check": (frozenset(), COMMON),  # "reply START to confirm", after staff asked
}
MAX_BODY = 1000  # characters; Twilio refuses over 1,600 and 10 parts is already a letter
DEFAULT_SCOPE = "default"  # templates shipped for every trial; a trial's own ones win


def scope_of(trial_id: uuid.UUID | None) -> str:
    return DEFAULT_SCOPE if trial_id is None else str(trial_id)


@dataclass
class Template:
    scope: str  # "default" or a trial id
    kind: str
    language: str
    version: int
    body: str
    reviewed: bool = False
    # How the text asks for an answer: "words" (Reply YES or NO) or "digits" (Reply 1 or 2).
    reply_with: str = WORDS
    created_by: str = "system"
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())

    def review(self, by: str) -> None:
        self.reviewed, self.reviewed_by, self.reviewed_at = True, by, clock.now()

    def render(self, values: Mapping[str, str]) -> str:
        return self.body.format_map(dict(values))


def placeholders_in(body: str) -> list[str]:
    """The field names in a body; raises ValueError on broken braces."""
    names = []
    for _, name, spec, conversion in Formatter().parse(body):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"write placeholders as {{name}}, not {{{name}...}}")
        names.append(name)
    return names


def check_template(kind: str, language: str, body: str) -> None:
    """Refuse, naming the field, what would fail or mislead at send time."""
    problems: list[FieldError] = []
    if kind not in PLACEHOLDERS:
        problems.append(FieldError("kind", f"must be one of {', '.join(KINDS)}"))
    if not is_text_language(language):
        problems.append(FieldError("language", f"unknown language code {language!r}"))
    if not body.strip():
        problems.append(FieldError("body", "must not be empty"))
    elif len(body) > MAX_BODY:
        problems.append(FieldError("body", f"at most {MAX_BODY} characters"))
    else:
        try:
            used = set(placeholders_in(body))
        except ValueError as exc:
            problems.append(FieldError("body", str(exc)))
        else:
            if kind in PLACEHOLDERS:
                required, allowed = PLACEHOLDERS[kind]
                for name in sorted(used - allowed):
                    problems.append(
                        FieldError(
                            "body",
                            f"unknown placeholder {{{name}}}; a {kind} may use "
                            + ", ".join(f"{{{n}}}" for n in sorted(allowed)),
                        )
                    )
                for name in sorted(required - used):
                    problems.append(FieldError("body", f"missing placeholder {{{name}}}"))
    if problems:
        detail = "; ".join(f"{p.field}: {p.reason}" for p in problems)
        raise InvalidInput(detail, problems)


class Versioned(Protocol):
    """A template or a recording: versions per scope, kind and language."""

    @property
    def scope(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


def choose(templates: Iterable[V], kind: str, language: str, trial_scope: str) -> V | None:
    """The newest version for this kind in the first language of the fallback chain that has
    one, the trial's own before the shipped defaults (recordings are chosen the same way)."""
    latest: dict[tuple[str, str], V] = {}
    for template in templates:
        if template.kind != kind:
            continue
        key = (template.scope, template.language)
        if key not in latest or template.version > latest[key].version:
            latest[key] = template
    for code in fallbacks(language):
        for scope in (trial_scope, DEFAULT_SCOPE):
            if (scope, code) in latest:
                return latest[(scope, code)]
    return None
