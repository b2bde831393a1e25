"""The audit chain: any change to a consent record's history shows at the right seq."""

from __future__ import annotations

import copy
import itertools
import uuid
from dataclasses import fields, replace
from datetime import timedelta
from typing import Any

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.audit import GENESIS, AuditEntry, first_broken
from services.consent.domain.lifecycle import ConsentRecord

STEPS = [
    (lifecycle.INVITED, "registry", "system", None),
    (lifecycle.INTERESTED, "participant", "sms", None),
    (lifecycle.LINK_SENT, "consent", "system", None),
    (lifecycle.CONSENTED, "participant", "web", 2),
    (lifecycle.WITHDRAWN, "participant", "sms", None),
]


def a_chain() -> tuple[ConsentRecord, list[AuditEntry]]:
    record = ConsentRecord(participant_id=uuid.uuid4(), trial_id=uuid.uuid4())
    entries = [
        record.move_to(
            status,
            actor=actor,
            channel=channel,
            form_version=version,
            form_hash="ab" * 32 if version else None,
        )
        for status, actor, channel, version in STEPS
    ]
    return record, entries


def head(record: ConsentRecord) -> tuple[int, str]:
    return record.last_seq, record.last_hash


def test_an_untouched_chain_verifies() -> None:
    record, entries = a_chain()
    assert first_broken(entries) is None
    assert first_broken(entries, head=head(record)) is None


def test_an_empty_chain_verifies_against_a_new_record() -> None:
    record = ConsentRecord(participant_id=uuid.uuid4(), trial_id=uuid.uuid4())
    assert first_broken([], head=head(record)) is None
    assert head(record) == (0, GENESIS)


def test_the_hash_covers_every_field_and_nothing_personal() -> None:
    _, entries = a_chain()
    entry = entries[0]
    assert entry.hash == entry.compute_hash()
    assert {field.name for field in fields(entry)} == {
        "record_id",
        "seq",
        "action",
        "from_status",
        "to_status",
        "actor",
        "channel",
        "prev_hash",
        "form_version",
        "form_hash",
        "reason",
        "at",
        "hash",
        "signature_hash",  # a salted hash, never the signature (decision 0031)
    }


ALTERATIONS: dict[str, Any] = {
    "record_id": uuid.uuid4(),
    "action": "status_overwritten",
    "from_status": lifecycle.LINK_SENT,
    "to_status": lifecycle.REFUSED,
    "actor": "somebody else",
    "channel": "paper",
    "form_version": 7,
    "form_hash": "cd" * 32,
    "reason": "added later",
    "hash": "0" * 64,
    "signature_hash": "ef" * 32,  # a signature claimed for an entry that had none
}


@pytest.mark.parametrize("position", [0, 2, 4])
@pytest.mark.parametrize("field", [*ALTERATIONS, "at"])
def test_altering_a_field_is_caught_at_that_entry(field: str, position: int) -> None:
    record, entries = a_chain()
    tampered = entries[position]
    if field == "at":
        tampered.at = tampered.at - timedelta(microseconds=1)
    else:
        setattr(tampered, field, ALTERATIONS[field])
    assert first_broken(entries) == position + 1
    assert first_broken(entries, head=head(record)) == position + 1


def test_altering_the_seq_is_caught_at_that_entry() -> None:
    _, entries = a_chain()
    entries[2].seq = 9
    assert first_broken(entries) == 3


@pytest.mark.parametrize("position", [0, 1, 2, 3])
def test_deleting_an_entry_is_caught_where_it_was(position: int) -> None:
    record, entries = a_chain()
    del entries[position]
    assert first_broken(entries) == position + 1
    assert first_broken(entries, head=head(record)) == position + 1


def test_deleting_the_newest_entries_is_caught_against_the_records_head() -> None:
    record, entries = a_chain()
    assert first_broken(entries[:3]) is None  # the chain alone cannot tell
    assert first_broken(entries[:3], head=head(record)) == 4
    assert first_broken(entries[:4], head=head(record)) == 5
    assert first_broken([], head=head(record)) == 1


def test_an_entry_added_beyond_the_records_head_is_caught() -> None:
    record, entries = a_chain()
    extra = AuditEntry(
        record_id=record.id,
        seq=6,
        action="status_changed",
        from_status=lifecycle.WITHDRAWN,
        to_status=lifecycle.CONSENTED,
        actor="somebody",
        channel="web",
        prev_hash=entries[-1].hash,
    ).seal()
    assert first_broken([*entries, extra]) is None
    assert first_broken([*entries, extra], head=head(record)) == 6


@pytest.mark.parametrize(("first", "second"), [(0, 1), (1, 2), (3, 4), (0, 4)])
def test_reordering_entries_is_caught_at_the_first_moved_one(first: int, second: int) -> None:
    record, entries = a_chain()
    entries[first], entries[second] = entries[second], entries[first]
    assert first_broken(entries) == first + 1
    assert first_broken(entries, head=head(record)) == first + 1


def test_reordering_and_renumbering_is_still_caught() -> None:
    _, entries = a_chain()
    entries[1], entries[2] = entries[2], entries[1]
    entries[1].seq, entries[2].seq = 2, 3
    assert first_broken(entries) == 2


@pytest.mark.parametrize("position", [0, 1, 3])
def test_changing_a_prev_hash_is_caught_at_that_entry(position: int) -> None:
    _, entries = a_chain()
    entries[position].prev_hash = "1" * 64
    assert first_broken(entries) == position + 1


def test_changing_a_prev_hash_and_resealing_is_caught_at_that_entry() -> None:
    _, entries = a_chain()
    entries[2].prev_hash = "1" * 64
    entries[2].seal()
    assert first_broken(entries) == 3


def test_a_resealed_altered_entry_is_caught_at_the_entry_after_it() -> None:
    _, entries = a_chain()
    entries[1].actor = "somebody else"
    entries[1].seal()  # the forger recomputes its hash...
    assert first_broken(entries) == 3  # ...but the next entry still names the old one


def test_rewriting_and_resealing_the_whole_tail_is_caught_against_the_head() -> None:
    record, entries = a_chain()
    forged = [copy.copy(e) for e in entries]
    forged[1].actor = "somebody else"
    forged[1].seal()
    for previous, entry in itertools.pairwise(forged[1:]):
        entry.prev_hash = previous.hash
        entry.seal()
    assert first_broken(forged) is None
    assert first_broken(forged, head=head(record)) == 5


def test_the_hash_does_not_depend_on_the_timezone_the_time_is_read_in() -> None:
    _, entries = a_chain()
    entry = entries[0]
    naive_utc = replace(entry, at=entry.at.replace(tzinfo=None))
    assert naive_utc.compute_hash() == entry.hash
