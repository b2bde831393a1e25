"""WhatsApp's rules: addresses, the 24-hour session window, content templates (decision 30)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain import whatsapp
from services.messaging.domain.channels import ChannelPrices, choose, reply_channel
from services.messaging.domain.whatsapp import FREE_FORM, NOTHING, TEMPLATE, WhatsAppTemplate

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_a_whatsapp_address_is_the_number_and_its_channel() -> None:
    assert whatsapp.address("+447700900123") == "whatsapp:+447700900123"
    assert whatsapp.address("whatsapp:+447700900123") == "whatsapp:+447700900123"
    assert whatsapp.split_address("whatsapp:+447700900123") == ("whatsapp", "+447700900123")
    assert whatsapp.split_address("+447700900123") == ("sms", "+447700900123")


@pytest.mark.parametrize(
    ("ago", "open_"),
    [
        (None, False),
        (timedelta(hours=1), True),
        (timedelta(hours=23, minutes=59), True),
        (timedelta(hours=24), False),
        (timedelta(days=3), False),
    ],
)
def test_free_form_messages_only_within_24_hours_of_the_patients_last_message(
    ago: timedelta | None, open_: bool
) -> None:
    last = AT - ago if ago is not None else None
    assert whatsapp.in_session(last, AT) is open_


@pytest.mark.parametrize(
    ("has_template", "session_open", "approved", "how"),
    [
        (True, False, True, TEMPLATE),  # an approved template opens a conversation any time
        (True, True, False, NOTHING),  # a template not (or no longer) approved never goes
        (False, True, False, FREE_FORM),
        (False, False, True, TEMPLATE),  # outside the window: the kind's template instead
        (False, False, False, NOTHING),  # or nothing at all
    ],
)
def test_how_a_whatsapp_message_may_go(
    has_template: bool, session_open: bool, approved: bool, how: str
) -> None:
    assert whatsapp.how_to_send(has_template, session_open, approved) == how


def test_a_content_template_fills_its_numbered_variables_in_order() -> None:
    template = WhatsAppTemplate(
        "invitation",
        "ur",
        "HX" + "a" * 32,
        "{{1}} مطالعہ: {{2}}",
        variables=["short_name", "info_url"],
        approval="approved",
    )
    values = {"short_name": "AF-SCREEN", "info_url": "https://example.org", "title": "x"}
    assert json.loads(template.content_variables(values)) == {
        "1": "AF-SCREEN",
        "2": "https://example.org",
    }
    assert template.text(values) == "AF-SCREEN مطالعہ: https://example.org"
    assert template.approved


def test_the_preferred_channel_is_used_only_when_it_can_be() -> None:
    assert choose("whatsapp", {"sms", "voice", "whatsapp", "letter"}) == "whatsapp"
    assert choose("whatsapp", {"sms", "voice", "letter"}) == "sms"  # no opt-in or template
    assert choose("letter", {"letter"}) == "letter"  # no mobile at all
    assert choose(None, {"letter"}) is None  # no mobile and no preference: not reachable
    assert choose("voice", {"sms", "voice", "letter"}) == "voice"


def test_replies_are_acknowledged_on_their_own_channel() -> None:
    assert reply_channel("whatsapp") == "whatsapp"
    assert reply_channel("sms") == "sms"
    assert reply_channel("voice") == "sms"  # a key press is answered by text


def test_cost_per_channel() -> None:
    prices = ChannelPrices(sms_per_part=0.04, whatsapp=0.03, voice=0.1, letter=0.85)
    assert prices.cost("sms", 3) == pytest.approx(0.12)
    assert prices.cost("whatsapp") == pytest.approx(0.03)
    assert prices.cost("letter") == pytest.approx(0.85)
