"""JSON logs with the correlation id, and phone numbers, NHS numbers and secrets masked."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any

import structlog

from shared import correlation
from shared.link_tokens import mask_tokens

# A run of 10 to 15 digits, optionally led by + and split by single spaces or dashes, or
# by the closing bracket of an area code ("(0121) 496 0000"): covers E.164 and national
# phone formats and NHS numbers (3-3-4). Digits that are part of a longer word or id (such
# as a UUID), or run into a time, are left alone.
_DIGIT_RUN = re.compile(r"(?<![\w+-])\+?\d(?:(?:[ -]|\) ?)?\d){9,14}(?![\w:-])")
_SECRET_KEYS = re.compile(r"token|secret|password|authorization|auth_token|api_key|cookie", re.I)
# Free text a patient wrote may hold anything: log its length, never its words.
_FREE_TEXT_KEYS = frozenset({"body", "text", "reply"})


def mask_digits(text: str) -> str:
    """Keep the last three digits so support staff can still tell numbers apart."""

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return "*" * (len(digits) - 3) + digits[-3:]

    return _DIGIT_RUN.sub(_mask, text)


def _scrub(key: str, value: Any) -> Any:
    if _SECRET_KEYS.search(key):
        return "[redacted]"
    if isinstance(value, str):
        if key.lower() in _FREE_TEXT_KEYS:
            return f"[{len(value)} chars]"
        # A consent link's token (a request path, a URL in a message) is a secret too.
        return mask_digits(mask_tokens(value))
    if isinstance(value, Mapping):
        return {k: _scrub(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(key, v) for v in value]
    return value


def scrub_processor(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {key: _scrub(key, value) for key, value in event_dict.items()}


def _add_correlation(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    event_dict.setdefault("correlation_id", correlation.current())
    return event_dict


def configure(service: str, level: str = "INFO", fmt: str = "json") -> None:
    """Route structlog and the standard library (werkzeug, gunicorn, kombu) through one pipe."""
    shared_processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_correlation,
        structlog.processors.format_exc_info,
        scrub_processor,
    ]
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        # Below the level, drop the event before the chain runs: hot paths log at info.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared_processors,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared_processors,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    structlog.contextvars.bind_contextvars(service=service)
    for noisy in ("amqp", "kombu", "twilio.http_client", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
