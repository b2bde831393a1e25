"""WhatsApp on Twilio's Messages API: addresses, approved content templates, opt-in, and the
24-hour session window (decision 30).

A WhatsApp message to a patient is either free-form, allowed only within 24 hours of the
patient's last WhatsApp message to us (the session window), or an approved content template
(a ContentSid and its numbered variables), which may open a conversation at any time.
Outside the window with no approved template, nothing is sent.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared import clock

PREFIX = "whatsapp:"
SESSION = timedelta(hours=24)
APPROVALS = ("pending", "approved", "rejected", "paused")
# What staff may record as the way a patient agreed to WhatsApp.
OPT_IN_WAYS = ("in_person", "phone", "paper_form", "online_form", "whatsapp_message")
# The values a content template's numbered variables may take, in order ({{1}}, {{2}}...).
VARIABLE_NAMES = ("short_name", "title", "info_url", "link", "code")


def address(number: str) -> str:
    """The provider's address for a WhatsApp number: `whatsapp:+447700900123`."""
    return number if number.startswith(PREFIX) else PREFIX + number


def split_address(value: str) -> tuple[str, str]:
    """(channel, E.164 number) of a provider address: `whatsapp:+44...` is WhatsApp."""
    if value.startswith(PREFIX):
        return "whatsapp", value[len(PREFIX) :]
    return "sms", value


def in_session(last_inbound: datetime | None, at: datetime) -> bool:
    """Free-form messages only within 24 hours of the patient's last WhatsApp message."""
    return last_inbound is not None and at - last_inbound < SESSION


@dataclass
class WhatsAppTemplate:
    """An approved (or not yet) content template for one kind of message in one language.
    `variables` names the value each numbered placeholder takes, e.g. ["short_name",
    "info_url"] for {{1}} and {{2}}; `body` is the text as approved, for previews and for
    matching what the provider holds after a crash."""

    kind: str
    language: str
    content_sid: str
    body: str
    variables: list[str] = field(default_factory=list)
    approval: str = "pending"
    updated_by: str = ""
    updated_at: datetime = field(default_factory=lambda: clock.now())
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def approved(self) -> bool:
        return self.approval == "approved"

    def content_variables(self, values: dict[str, str]) -> str:
        """Twilio's ContentVariables: JSON {"1": value, "2": value}."""
        return json.dumps(
            {str(i): values.get(name, "") for i, name in enumerate(self.variables, start=1)},
            ensure_ascii=False,
        )

    def text(self, values: dict[str, str]) -> str:
        """The template's text with its variables filled in, as the patient will read it."""
        rendered = self.body
        for i, name in enumerate(self.variables, start=1):
            rendered = rendered.replace("{{" + str(i) + "}}", values.get(name, ""))
        return rendered


@dataclass
class WhatsAppOptIn:
    """When and how the patient agreed to be messaged on WhatsApp at this number."""

    mobile: str
    participant_id: uuid.UUID
    agreed_at: datetime
    how: str
    recorded_by: str
    note: str | None = None
    recorded_at: datetime = field(default_factory=lambda: clock.now())


FREE_FORM, TEMPLATE, NOTHING = "free_form", "template", "nothing"


def how_to_send(has_template: bool, session_open: bool, template_approved: bool) -> str:
    """The rule for one WhatsApp message: its own approved template goes at any time; a
    free-form text only inside the session window; else the kind's approved template if
    there is one; else nothing."""
    if has_template:
        return TEMPLATE if template_approved else NOTHING
    if session_open:
        return FREE_FORM
    return TEMPLATE if template_approved else NOTHING
