"""The envelope around every event: id, type, version, time, producer, correlation id, data."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from shared import clock, correlation
from shared.events.contracts import CONTRACTS


class MalformedEvent(Exception):
    """The bytes are not an event we know, or its data breaks the contract."""


@dataclass(frozen=True)
class Event:
    type: str
    data: dict[str, Any]
    producer: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    # Consent dates a status by it; a lambda so a test that moves the clock moves it too.
    occurred_at: datetime = field(default_factory=lambda: clock.now())
    correlation_id: str = field(default_factory=correlation.current)


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    producer = fields.String(required=True)
    correlation_id = fields.String(required=True)
    data = fields.Dict(required=True)


_envelope = EnvelopeSchema()


def new_event(type_: str, data: dict[str, Any], producer: str) -> Event:
    """Build an event whose data is checked against its contract now, not by the consumer."""
    return Event(type=type_, data=_check(type_, data, dump=True), producer=producer)


def _check(type_: str, data: dict[str, Any], *, dump: bool) -> dict[str, Any]:
    schema = CONTRACTS.get(type_)
    if schema is None:
        raise MalformedEvent(f"unknown event type {type_!r}")
    undeclared = set(data) - _declared(type_)
    if undeclared:
        # Dumping would drop them silently; refuse as a consumer would.
        raise MalformedEvent(f"{type_}: undeclared fields {sorted(undeclared)}")
    if dump:
        # What goes on the wire is the dump; it must load as a consumer will load it.
        wire: dict[str, Any] = schema.dump(data)
        errors = schema.validate(wire)
        if errors:
            raise MalformedEvent(f"{type_}: {errors}")
        return wire
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        raise MalformedEvent(f"{type_}: {exc.messages}") from exc
    return loaded


@cache
def _declared(type_: str) -> frozenset[str]:
    return frozenset(f.data_key or name for name, f in CONTRACTS[type_].fields.items())


def encode(event: Event) -> str:
    return json.dumps(_envelope.dump(event), separators=(",", ":"))


def decode(body: bytes | str | dict[str, Any]) -> Event:
    """Parse and validate; anything wrong raises MalformedEvent (it goes to the dead letters)."""
    try:
        raw = json.loads(body) if isinstance(body, bytes | str) else body
        env = _envelope.load(raw)
    except (ValueError, TypeError, RecursionError, ValidationError) as exc:
        raise MalformedEvent(f"bad envelope: {exc}") from exc
    data = _check(env["type"], env["data"], dump=False)
    return Event(
        type=env["type"],
        data=data,
        producer=env["producer"],
        id=env["id"],
        version=env["version"],
        occurred_at=env["occurred_at"],
        correlation_id=env["correlation_id"],
    )
