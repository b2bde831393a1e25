"""The consent life cycle: each allowed step works and is sealed into the audit chain."""

from __future__ import annotations

import itertools
import uuid
from collections import deque

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.audit import GENESIS, first_broken
from services.consent.domain.lifecycle import NEXT, ConsentRecord
from shared.errors import InvalidTransition


def shortest_path_to(status: str) -> list[str]:
    """The statuses a new record passes through to reach `status` by allowed steps."""
    queue: deque[tuple[str | None, list[str]]] = deque([(None, [])])
    seen: set[str | None] = {None}
    while queue:
        current, path = queue.popleft()
        if current == status:
            return path
        for following in sorted(NEXT[current]):
            if following not in seen:
                seen.add(following)
                queue.append((following, [*path, following]))
    raise AssertionError(f"{status} cannot be reached")


REACHABLE = [s for s in lifecycle.STATUSES if s != lifecycle.ENTERED_IN_ERROR]
ALLOWED = [(source, target) for source in REACHABLE for target in sorted(NEXT[source])]
REFUSED = [
    (source, target)
    for source in [None, *REACHABLE]
    for target in lifecycle.STATUSES
    if target not in NEXT[source] and target != lifecycle.ENTERED_IN_ERROR
]


def a_record_that_is(status: str | None) -> ConsentRecord:
    record = ConsentRecord(participant_id=uuid.uuid4(), trial_id=uuid.uuid4())
    if status is not None:
        for step in shortest_path_to(status):
            record.move_to(step, actor="test", channel="system")
    return record


def test_the_happy_path_reaches_withdrawn_through_every_step() -> None:
    # Signed: consented at once, or awaiting the research team's confirmation first
    # (decision 0032); both are as short, and either may withdraw.
    path = shortest_path_to(lifecycle.WITHDRAWN)
    assert path[:3] == ["invited", "interested", "link_sent"]
    assert path[3] in lifecycle.SIGNED and path[4:] == ["withdrawn"]
    assert shortest_path_to(lifecycle.CONSENTED) == [
        "invited",
        "interested",
        "link_sent",
        "consented",
    ]


def test_a_new_record_can_only_be_invited() -> None:
    assert NEXT[None] == {lifecycle.INVITED}


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=[f"{s}->{t}" for s, t in ALLOWED])
def test_every_allowed_transition_appends_a_sealed_audit_entry(source: str, target: str) -> None:
    record = a_record_that_is(source)
    seq, last_hash = record.last_seq, record.last_hash

    entry = record.move_to(
        target, actor="coordinator:ann", channel="web", form_version=3, form_hash="f" * 64
    )

    assert record.status == target
    assert entry.record_id == record.id
    assert (entry.seq, entry.prev_hash) == (seq + 1, last_hash)
    assert (entry.from_status, entry.to_status) == (source, target)
    assert (entry.actor, entry.channel) == ("coordinator:ann", "web")
    assert (entry.form_version, entry.form_hash) == (3, "f" * 64)
    assert entry.hash == entry.compute_hash() and len(entry.hash) == 64
    assert (record.last_seq, record.last_hash) == (entry.seq, entry.hash)
    assert record.form_version == 3
    assert record.updated_at == entry.at


def test_the_first_entry_follows_the_genesis_hash() -> None:
    record = ConsentRecord(participant_id=uuid.uuid4(), trial_id=uuid.uuid4())
    entry = record.move_to(lifecycle.INVITED, actor="registry", channel="system")
    assert (entry.seq, entry.prev_hash, entry.from_status) == (1, GENESIS, None)


def test_a_whole_life_builds_one_chain_that_verifies() -> None:
    record = ConsentRecord(participant_id=uuid.uuid4(), trial_id=uuid.uuid4())
    entries = [
        record.move_to(step, actor="someone", channel="sms")
        for step in shortest_path_to(lifecycle.WITHDRAWN)
    ]
    entries.append(
        record.move_to(
            lifecycle.ENTERED_IN_ERROR, actor="coordinator", channel="web", reason="wrong person"
        )
    )
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    assert first_broken(entries) is None


def test_the_form_version_is_kept_when_a_later_step_names_none() -> None:
    record = a_record_that_is(lifecycle.LINK_SENT)
    record.move_to(lifecycle.CONSENTED, actor="participant", channel="web", form_version=2)
    record.move_to(lifecycle.WITHDRAWN, actor="participant", channel="sms")
    assert record.form_version == 2


@pytest.mark.parametrize(
    ("source", "target"), REFUSED, ids=[f"{s or 'new'}->{t}" for s, t in REFUSED]
)
def test_a_transition_that_skips_or_reverses_a_step_is_refused(
    source: str | None, target: str
) -> None:
    record = a_record_that_is(source)
    before = (record.status, record.last_seq, record.last_hash, record.form_version)

    with pytest.raises(InvalidTransition) as caught:
        record.move_to(target, actor="test", channel="system", form_version=9)

    message = str(caught.value)
    assert f"cannot become {target}" in message
    assert (source or "new") in message
    assert caught.value.title == "Transition not allowed"
    assert (record.status, record.last_seq, record.last_hash, record.form_version) == before


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("invited", "consented"),
        ("invited", "link_sent"),
        ("interested", "consented"),
        ("declined", "interested"),
        ("consented", "link_sent"),
        ("withdrawn", "consented"),
        ("refused", "consented"),
        ("opted_out", "interested"),
        ("expired", "interested"),
    ],
)
def test_the_named_skips_are_refused(source: str, target: str) -> None:
    assert (source, target) in REFUSED
    with pytest.raises(InvalidTransition, match=f"{source} cannot become {target}"):
        a_record_that_is(source).move_to(target, actor="test", channel="system")


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="unknown consent status 'maybe'"):
        a_record_that_is(lifecycle.INVITED).move_to("maybe", actor="test", channel="system")


@pytest.mark.parametrize("source", REACHABLE)
def test_a_coordinator_can_mark_any_record_entered_in_error_with_a_reason(source: str) -> None:
    record = a_record_that_is(source)
    entry = record.move_to(
        lifecycle.ENTERED_IN_ERROR, actor="coordinator", channel="web", reason="duplicate record"
    )
    assert record.status == lifecycle.ENTERED_IN_ERROR
    assert (entry.from_status, entry.reason) == (source, "duplicate record")
    assert entry.hash == entry.compute_hash()


@pytest.mark.parametrize("reason", [None, ""])
def test_entered_in_error_needs_a_reason(reason: str | None) -> None:
    record = a_record_that_is(lifecycle.CONSENTED)
    with pytest.raises(InvalidTransition, match="needs a reason"):
        record.move_to(lifecycle.ENTERED_IN_ERROR, actor="c", channel="web", reason=reason)
    assert (record.status, record.last_seq) == (lifecycle.CONSENTED, 4)


def test_a_record_that_was_never_invited_cannot_be_entered_in_error() -> None:
    record = a_record_that_is(None)
    with pytest.raises(InvalidTransition, match="new cannot become entered_in_error"):
        record.move_to(lifecycle.ENTERED_IN_ERROR, actor="c", channel="web", reason="typo")


def test_entered_in_error_is_final() -> None:
    record = a_record_that_is(lifecycle.INVITED)
    record.move_to(lifecycle.ENTERED_IN_ERROR, actor="c", channel="web", reason="wrong trial")
    with pytest.raises(InvalidTransition, match="entered_in_error cannot become"):
        record.move_to(lifecycle.ENTERED_IN_ERROR, actor="c", channel="web", reason="again")
    with pytest.raises(InvalidTransition):
        record.move_to(lifecycle.INVITED, actor="c", channel="web")
    assert record.last_seq == 2


def test_an_invitation_whose_batch_was_cancelled_is_undone_by_an_entry_and_can_be_redone() -> None:
    record = ConsentRecord(uuid.uuid4(), uuid.uuid4())
    entries = [record.move_to(lifecycle.INVITED, actor="registry", channel="system")]

    entries.append(
        record.move_to(
            lifecycle.NOT_INVITED, actor="messaging", channel="system", reason="batch cancelled"
        )
    )
    assert record.status == lifecycle.NOT_INVITED
    assert not record.can_move_to(lifecycle.INTERESTED)  # nobody was asked: no answer fits
    assert not record.can_move_to(lifecycle.EXPIRED)
    entries.append(record.move_to(lifecycle.INVITED, actor="registry", channel="system"))

    assert [e.to_status for e in entries] == ["invited", "not_invited", "invited"]
    assert first_broken(entries, (record.last_seq, record.last_hash)) is None


def test_only_an_unanswered_invitation_can_be_undone() -> None:
    for status in (lifecycle.INTERESTED, lifecycle.DECLINED, lifecycle.CONSENTED):
        assert lifecycle.NOT_INVITED not in NEXT[status]
