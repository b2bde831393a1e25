"""Logs never carry a phone number, an NHS number, a secret or a patient's words."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import structlog
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.logs import configure, get_logger, mask_digits, scrub_processor


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+447400123401", "*********401"),
        ("07400123401", "********401"),
        ("07400 123401", "********401"),
        ("07400-123-401", "********401"),
        ("+44 7400 123401", "*********401"),
        ("0121 496 0000", "********000"),
        ("+12025550143", "********143"),
        ("9434765919", "*******919"),
        ("943 476 5919", "*******919"),
        ("943-476-5919", "*******919"),
    ],
)
def test_phone_and_nhs_numbers_are_masked_but_for_their_last_three_digits(
    text: str, masked: str
) -> None:
    assert mask_digits(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("sending to +447400123401 now", "sending to *********401 now"),
        ("to=07400 123401, from=+447700900000", "to=********401, from=*********000"),
        ("NHS number: 943 476 5919.", "NHS number: *******919."),
        ("(07400 123401)", "(********401)"),
        ("call (0121) 496 0000", "call (********000"),
        ("(07400) 123401", "(********401"),
        ("+44 (0) 7400 123401", "+44 (********401"),
        ("+44(0)7400123401", "+44(********401"),
    ],
)
def test_numbers_inside_text_are_masked(text: str, masked: str) -> None:
    assert mask_digits(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "123e4567-e89b-12d3-a456-426614174000",
        "participant 9f1c2d3e-4b5a-4978-8796-1234567890ab",
        "2025-11-23T08:17:03.123456+00:00",
        "2025-11-23 08:17:03,123",
        "born 1961-07-02",
        "status 200 in 12.5 ms",
        "attempt 3 of 5",
        "order 123456789",  # nine digits: neither a phone nor an NHS number
        "M85001",
        "SM0000000000000000000000000000000a",
        "batch 12 of 1000",
        "born 1961-07-02 (64)",
        "ids 12345 (67890)",
    ],
)
def test_ids_times_dates_and_short_numbers_are_left_alone(text: str) -> None:
    assert mask_digits(text) == text


@settings(deadline=None)
@given(st.uuids())
def test_a_uuid_is_never_masked(value: uuid.UUID) -> None:
    assert mask_digits(str(value)) == str(value)
    assert mask_digits(value.hex) == value.hex
    assert mask_digits(f"id={value} ok") == f"id={value} ok"


@settings(deadline=None)
@given(st.datetimes(timezones=st.just(UTC)))
def test_a_timestamp_is_never_masked(moment: datetime) -> None:
    for text in (moment.isoformat(), moment.isoformat(sep=" "), str(moment.date())):
        assert mask_digits(text) == text


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_every_uk_mobile_is_masked(subscriber: int) -> None:
    for number in (f"+447400{subscriber:06d}", f"07400 {subscriber:06d}"):
        masked = mask_digits(f"text {number} now")
        assert not re.search(r"\d{4}", masked)
        assert masked.endswith(f"{subscriber % 1000:03d} now")


def scrub(**event: object) -> dict[str, object]:
    return scrub_processor(None, "info", dict(event))


@pytest.mark.parametrize(
    "key",
    [
        "token",
        "api_token",
        "token_hash",
        "Authorization",
        "authorization",
        "password",
        "db_password",
        "secret",
        "client_secret",
        "auth_token",
        "api_key",
        "cookie",
        "Set-Cookie",
    ],
)
def test_secret_keys_are_redacted(key: str) -> None:
    assert scrub(**{key: "trt_abcdef0123456789"})[key] == "[redacted]"


@pytest.mark.parametrize("key", ["body", "text", "reply", "Body"])
def test_free_text_becomes_its_length(key: str) -> None:
    words = "Yes please, my number is 07400 123401"
    assert scrub(**{key: words})[key] == f"[{len(words)} chars]"


def test_other_values_are_masked_however_deeply_nested() -> None:
    scrubbed = scrub(
        event="sms to +447400123401",
        to="+447400123401",
        nested={"mobile": "07400 123401", "headers": {"Authorization": "Bearer trt_x"}},
        numbers=["+447400123401", "943 476 5919"],
        count=3,
        ok=True,
    )
    assert scrubbed == {
        "event": "sms to *********401",
        "to": "*********401",
        "nested": {"mobile": "********401", "headers": {"Authorization": "[redacted]"}},
        "numbers": ["*********401", "*******919"],
        "count": 3,
        "ok": True,
    }


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """The service's own log configuration, writing into a buffer we can read."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, structlog.contextvars.get_contextvars())
    configure("test", "INFO", "json")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers, root.level = saved[0], saved[1]
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(**saved[2])


def test_a_real_log_line_carries_no_phone_number(captured_logs: io.StringIO) -> None:
    stdlib = logging.getLogger("tests.masking")
    stdlib.warning("could not text %s (NHS %s)", "+447400123401", "943 476 5919")
    get_logger("tests.masking").info(
        "sms_received", from_number="07400 123401", body="STOP 07400 123401", token="trt_secret"
    )

    output = captured_logs.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == 2
    for forbidden in ("7400123401", "07400 123401", "4765919", "476 5919", "trt_secret", "STOP"):
        assert forbidden not in output
    assert lines[0]["event"] == "could not text *********401 (NHS *******919)"
    assert lines[0]["level"] == "warning" and lines[0]["service"] == "test"
    assert lines[1]["from_number"] == "********401"
    assert lines[1]["body"] == "[17 chars]"
    assert lines[1]["token"] == "[redacted]"
    assert "correlation_id" in lines[1] and "timestamp" in lines[1]


def test_an_exception_in_a_log_line_is_masked_too(captured_logs: io.StringIO) -> None:
    try:
        raise ValueError("bad number +447400123401")
    except ValueError:
        logging.getLogger("tests.masking").exception("send_failed")
    output = captured_logs.getvalue()
    assert "send_failed" in output
    assert "7400123401" not in output
    assert "*********401" in output


def test_a_consent_link_token_never_reaches_a_log_line(captured_logs: io.StringIO) -> None:
    token = "Yx2zMEZBQ9K2v8l3lWQm0A.tY5n0bq3b1h0Jm8S6c8x_w"
    logging.getLogger("werkzeug").info('"GET /c/%s HTTP/1.1" 200 -', token)
    get_logger("tests.masking").info("link_made", url=f"https://consent.example/c/{token}")
    output = captured_logs.getvalue()
    assert token not in output and "Yx2zMEZBQ9K2v8l3lWQm0A" not in output
    assert "/c/[link hidden]" in output
