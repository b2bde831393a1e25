"""The event envelope: what is encoded decodes to the same event; anything else is malformed."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.events import Event, MalformedEvent, decode, encode, new_event
from shared.events.contracts import CHANNELS, CONTRACTS, INTENTS

ERASED = "registry.participant.erased"


def envelope(**overrides: Any) -> dict[str, Any]:
    event = new_event(ERASED, {"participant_id": uuid.uuid4()}, "registry")
    return {**json.loads(encode(event)), **overrides}


def reply_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "reply_id": st.uuids(),
            "participant_id": st.uuids(),
            "trial_id": st.none() | st.uuids(),
            "intent": st.sampled_from(INTENTS),
            "language": st.text(min_size=1, max_size=12),
            "channel": st.sampled_from(CHANNELS),
        }
    )


@given(data=reply_data(), producer=st.text(min_size=1), correlation_id=st.text(min_size=1))
def test_an_encoded_event_decodes_to_the_same_event(
    data: dict[str, Any], producer: str, correlation_id: str
) -> None:
    event = Event(
        type="messaging.reply.received",
        data=new_event("messaging.reply.received", data, producer).data,
        producer=producer,
        correlation_id=correlation_id,
    )

    decoded = decode(encode(event).encode())

    assert (decoded.id, decoded.type, decoded.version) == (event.id, event.type, 1)
    assert decoded.occurred_at == event.occurred_at
    assert decoded.occurred_at.tzinfo is not None
    assert (decoded.producer, decoded.correlation_id) == (producer, correlation_id)
    assert decoded.data == data, "the consumer gets typed values (UUIDs), as sent"


def test_new_event_leaves_data_ready_for_json() -> None:
    participant = uuid.uuid4()
    event = new_event(ERASED, {"participant_id": participant}, "registry")

    assert event.data == {"participant_id": str(participant)}
    assert json.loads(encode(event))["data"] == {"participant_id": str(participant)}


def test_decode_accepts_bytes_text_and_an_already_parsed_dict() -> None:
    raw = envelope()
    text = json.dumps(raw)

    assert decode(text.encode()) == decode(text) == decode(raw)


def test_an_occurred_at_without_offset_is_read_as_utc() -> None:
    decoded = decode(json.dumps(envelope(occurred_at="2026-11-23T10:00:00")))

    assert decoded.occurred_at == datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_a_trial_event_written_with_the_old_sending_window_still_loads() -> None:
    # The registry sent a trial's sending window until messaging owned it.
    trial = {"trial_id": uuid.uuid4(), "short_name": "T", "title": "A", "response_deadline_days": 7}
    event = new_event("registry.trial.created", trial, "registry")
    window = {"window_start": "09:00", "window_end": "18:00", "sending_days": [1, 2, 3, 4, 5]}
    written_before = {**json.loads(encode(event)), "data": {**event.data, **window}}

    assert decode(json.dumps(written_before)).data["window_start"] == "09:00"


def test_a_reply_sent_before_channels_existed_was_a_text() -> None:
    reply = {"reply_id": uuid.uuid4(), "participant_id": uuid.uuid4(), "trial_id": None}
    event = new_event("messaging.reply.received", {**reply, "intent": "yes", "language": "en"}, "m")
    written_before = json.loads(encode(event))

    assert "channel" not in written_before["data"]
    assert decode(json.dumps(written_before)).data["channel"] == "sms"


def test_fields_the_envelope_does_not_know_are_ignored() -> None:
    assert decode(json.dumps(envelope(trace="abc"))).type == ERASED


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"\xff\xfe\x00", id="not-utf8"),
        pytest.param(b"null", id="null"),
        pytest.param(b"[1, 2]", id="a-list"),
        pytest.param(b'"text"', id="a-string"),
    ],
)
def test_bytes_that_are_not_an_envelope_are_malformed(body: bytes) -> None:
    with pytest.raises(MalformedEvent, match="bad envelope"):
        decode(body)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"id": "not-a-uuid"}, id="bad-id"),
        pytest.param({"type": None}, id="no-type"),
        pytest.param({"version": "one"}, id="bad-version"),
        pytest.param({"occurred_at": "yesterday"}, id="bad-time"),
        pytest.param({"data": ["a", "list"]}, id="data-not-an-object"),
    ],
)
def test_an_envelope_with_a_bad_field_is_malformed(overrides: dict[str, Any]) -> None:
    with pytest.raises(MalformedEvent, match="bad envelope"):
        decode(json.dumps(envelope(**overrides)))


@pytest.mark.parametrize("missing", ["id", "type", "version", "occurred_at", "producer", "data"])
def test_an_envelope_missing_a_field_is_malformed(missing: str) -> None:
    raw = envelope()
    del raw[missing]

    with pytest.raises(MalformedEvent):
        decode(json.dumps(raw))


def test_an_unknown_event_type_is_malformed() -> None:
    with pytest.raises(MalformedEvent, match=r"unknown event type 'registry\.nothing\.happened'"):
        decode(json.dumps(envelope(type="registry.nothing.happened")))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="missing-field"),
        pytest.param({"participant_id": "not-a-uuid"}, id="wrong-type"),
        pytest.param({"participant_id": str(uuid.uuid4()), "nhs_number": "x"}, id="extra"),
    ],
)
def test_data_that_breaks_the_contract_is_malformed(data: dict[str, Any]) -> None:
    with pytest.raises(MalformedEvent, match=ERASED):
        decode(json.dumps(envelope(data=data)))


def test_new_event_refuses_an_unknown_type_when_publishing() -> None:
    with pytest.raises(MalformedEvent, match="unknown event type"):
        new_event("registry.nothing.happened", {}, "registry")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="missing-field"),
        pytest.param({"participant_id": "not-a-uuid"}, id="wrong-type"),
        pytest.param({"participant_id": uuid.uuid4(), "name": "Ada"}, id="extra-field"),
    ],
)
def test_new_event_refuses_data_that_breaks_the_contract_when_publishing(
    data: dict[str, Any],
) -> None:
    with pytest.raises(MalformedEvent, match=ERASED):
        new_event(ERASED, data, "registry")


def test_every_contract_refuses_fields_it_does_not_declare() -> None:
    """So personal data cannot ride along in an event unnoticed."""
    for type_, schema in CONTRACTS.items():
        assert schema.unknown == "raise", type_
