"""A chunk of a batch's invitations, stored all at once on PostgreSQL and on SQLite (the local
run): every rule applies as it did text by text, in a fixed number of statements."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import batches, messages
from services.messaging.domain.screening import LOOP_LIMIT, STOPPED
from services.messaging.service_layer import batches as batch_use_cases
from services.messaging.service_layer import cancellation, contacts, invitations
from services.messaging.service_layer.cancellation import BATCH_CANCELLED
from services.messaging.service_layer.outbound import STATUS_CHANGED
from services.messaging.service_layer.sending import suppress_number
from shared.auth.principal import Principal
from shared.errors import NotYetKnown
from shared.events import decode
from shared.events.commands import InvitationsRequested, ParticipantShared, TrialCreated
from shared.runtime import Runtime
from tests.integration.messaging.both_databases import on_both_databases  # noqa: F401
from tests.integration.messaging.conftest import uow
from tests.support.statements import counting_statements

pytestmark = pytest.mark.integration
STAFF = Principal(uuid.uuid4(), "test staff", "staff", practices=frozenset({"M85001"}))
LOOPED = f"loop protection: the same text went to this number {LOOP_LIMIT} times"


def a_trial(runtime: Runtime) -> uuid.UUID:
    trial_id = uuid.uuid4()
    contacts.save_trial(uow(runtime), TrialCreated(trial_id=trial_id, short_name="AF", title="A"))
    return trial_id


serial = iter(range(1_000_000))


def a_contact(runtime: Runtime, mobile: str | None = None, language: str = "en") -> uuid.UUID:
    participant_id = uuid.uuid4()
    contacts.save_contact(
        uow(runtime),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods="M85001",
            mobile=mobile if mobile is not None else f"+4474009{next(serial):05d}",
            textable=True,
            language=language,
        ),
    )
    return participant_id


def a_chunk(
    runtime: Runtime,
    trial_id: uuid.UUID,
    people: list[uuid.UUID],
    batch_id: uuid.UUID | None = None,
    index: int = 0,
    chunks: int = 1,
) -> int:
    return invitations.queue_invitations(
        uow(runtime),
        InvitationsRequested(
            batch_id=batch_id or uuid.uuid4(),
            trial_id=trial_id,
            practice_ods="M85001",
            chunk=index,
            chunks=chunks,
            participant_ids=tuple(people),
        ),
    )


def texts_of(runtime: Runtime, participant_id: uuid.UUID) -> list[Any]:
    with runtime.engine.connect() as conn:
        query = select(messages).where(messages.c.participant_id == participant_id)
        return list(conn.execute(query.order_by(messages.c.created_at)))


def status_events(runtime: Runtime) -> list[dict[str, Any]]:
    outbox = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        rows = conn.scalars(select(outbox.c.payload).order_by(outbox.c.id))
        return [e.data for e in map(decode, rows) if e.type == STATUS_CHANGED]


def suppress(runtime: Runtime, mobile: str) -> None:
    with uow(runtime) as work:
        suppress_number(work, mobile, "replied STOP", source="sms")
        work.commit()


def test_a_mixed_chunk_queues_the_good_and_stops_or_skips_the_others(runtime: Runtime) -> None:
    trial_id = a_trial(runtime)
    good_en, good_ur = a_contact(runtime), a_contact(runtime, language="ur")
    stopped = a_contact(runtime, mobile="+447400100001")
    suppress(runtime, "+447400100001")
    looped = a_contact(runtime)
    for _ in range(LOOP_LIMIT):  # the same batch requested again and again within the hour
        assert a_chunk(runtime, trial_id, [looped]) == 1
    erased = a_contact(runtime)
    contacts.erase_contact(uow(runtime), erased)
    no_mobile = a_contact(runtime, mobile="")
    events_before = len(status_events(runtime))
    batch_id = uuid.uuid4()

    chunk = [good_en, stopped, looped, erased, no_mobile, good_ur]
    assert a_chunk(runtime, trial_id, chunk, batch_id) == 4

    [en], [ur] = texts_of(runtime, good_en), texts_of(runtime, good_ur)
    assert (en.status, en.error, en.language, en.batch_id) == ("held", None, "en", batch_id)
    assert (ur.status, ur.language) == ("held", "ur") and ur.body != en.body
    [suppressed] = texts_of(runtime, stopped)
    assert (suppressed.status, suppressed.error, suppressed.body) == (
        "suppressed",
        STOPPED,
        en.body,
    )
    *earlier, failed = texts_of(runtime, looped)
    assert [m.status for m in earlier] == ["held"] * LOOP_LIMIT
    assert (failed.status, failed.error, failed.batch_id) == ("failed", LOOPED, batch_id)
    assert texts_of(runtime, erased) == [] and texts_of(runtime, no_mobile) == []
    assert status_events(runtime)[events_before:] == [
        {
            "message_id": m.id,
            "participant_id": m.participant_id,
            "trial_id": trial_id,
            "batch_id": batch_id,
            "kind": "invitation",
            "status": m.status,
            "reason": m.error,
            "channel": "sms",
        }
        for m in (suppressed, failed)
    ]


def test_people_sharing_a_phone_in_one_chunk_get_the_text_at_most_the_loop_limit(
    runtime: Runtime,
) -> None:
    trial_id = a_trial(runtime)
    family = [a_contact(runtime, mobile="+447400100002") for _ in range(LOOP_LIMIT + 2)]
    assert a_chunk(runtime, trial_id, family) == len(family)
    outcomes = [(m.status, m.error) for p in family for m in texts_of(runtime, p)]
    assert outcomes == [("held", None)] * LOOP_LIMIT + [("failed", LOOPED)] * 2


def test_an_unknown_participant_leaves_the_whole_chunk_for_later(runtime: Runtime) -> None:
    trial_id, batch_id = a_trial(runtime), uuid.uuid4()
    known, late = a_contact(runtime), uuid.uuid4()

    with pytest.raises(NotYetKnown, match=str(late)):
        a_chunk(runtime, trial_id, [known, late], batch_id)

    assert texts_of(runtime, known) == []
    with runtime.engine.connect() as conn:
        assert conn.execute(select(batches).where(batches.c.id == batch_id)).first() is None
    contacts.save_contact(
        uow(runtime),
        ParticipantShared(
            participant_id=late,
            practice_ods="M85001",
            mobile="+447400100003",
            textable=True,
            language="pl",
        ),
    )
    assert a_chunk(runtime, trial_id, [known, late], batch_id) == 2  # the retry
    assert [m.language for m in texts_of(runtime, late)] == ["pl"]


def test_a_chunk_after_its_batch_was_cancelled_is_cancelled_even_to_a_stopped_number(
    runtime: Runtime,
) -> None:
    trial_id, batch_id = a_trial(runtime), uuid.uuid4()
    first, good = a_contact(runtime), a_contact(runtime)
    stopped = a_contact(runtime, mobile="+447400100004")
    suppress(runtime, "+447400100004")
    a_chunk(runtime, trial_id, [first], batch_id, index=0, chunks=2)
    batch_use_cases.cancel(uow(runtime), STAFF, batch_id)
    events_before = len(status_events(runtime))

    assert a_chunk(runtime, trial_id, [good, stopped], batch_id, index=1, chunks=2) == 2

    cancelled = ("cancelled", "the batch was cancelled")
    assert [(m.status, m.error) for m in texts_of(runtime, good)] == [cancelled]
    [to_stopped] = texts_of(runtime, stopped)
    assert (to_stopped.status, to_stopped.error) == cancelled
    # As text by text: the STOP list still owes this one its status event.
    [owed] = status_events(runtime)[events_before:]
    assert (owed["message_id"], owed["status"]) == (to_stopped.id, "cancelled")


def statements_for_a_chunk(runtime: Runtime, size: int) -> int:
    trial_id = a_trial(runtime)
    people = [a_contact(runtime, language=("en", "ur")[i % 2]) for i in range(size)]
    stopped = a_contact(runtime, mobile=f"+44740020{size:04d}")
    suppress(runtime, f"+44740020{size:04d}")
    with counting_statements(runtime.engine) as count:
        assert a_chunk(runtime, trial_id, [*people, stopped]) == size + 1
    return count[0]


def test_a_chunk_costs_the_same_statements_whatever_its_size(runtime: Runtime) -> None:
    assert statements_for_a_chunk(runtime, 2) == statements_for_a_chunk(runtime, 40)


def cancellations(runtime: Runtime) -> list[dict[str, Any]]:
    outbox = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        rows = conn.scalars(select(outbox.c.payload).order_by(outbox.c.id))
        return [e.data for e in map(decode, rows) if e.type == BATCH_CANCELLED]


def test_cancelling_names_only_those_whose_invitation_was_never_sent(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cancellation, "CHUNK_SIZE", 2)
    trial_id, batch_id = a_trial(runtime), uuid.uuid4()
    people = [a_contact(runtime) for _ in range(4)]
    sent = a_contact(runtime)
    a_chunk(runtime, trial_id, [*people, sent], batch_id)
    admin = Principal(uuid.uuid4(), "test admin", "admin")
    batch_use_cases.approve(uow(runtime), admin, batch_id, send_at=None, allow_unreviewed=True)
    with runtime.engine.begin() as conn:  # the sender handed this one to the provider
        conn.execute(
            messages.update().where(messages.c.participant_id == sent).values(status="accepted")
        )

    batch_use_cases.cancel(uow(runtime), STAFF, batch_id)

    announced = cancellations(runtime)
    assert [len(e["participant_ids"]) for e in announced] == [2, 2]  # in chunks
    assert {pid for e in announced for pid in e["participant_ids"]} == set(people)
    assert {(e["batch_id"], e["trial_id"], e["practice_ods"]) for e in announced} == {
        (batch_id, trial_id, "M85001")
    }


def test_a_chunk_that_arrives_after_the_cancellation_is_announced_as_never_sent(
    runtime: Runtime,
) -> None:
    trial_id, batch_id = a_trial(runtime), uuid.uuid4()
    first, late = a_contact(runtime), a_contact(runtime)
    a_chunk(runtime, trial_id, [first], batch_id, index=0, chunks=2)
    batch_use_cases.cancel(uow(runtime), STAFF, batch_id)

    a_chunk(runtime, trial_id, [late], batch_id, index=1, chunks=2)

    assert [e["participant_ids"] for e in cancellations(runtime)] == [[first], [late]]
