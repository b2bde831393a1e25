"""The messaging ports' contract for contacts, the stop list, replies and callback tasks: the
fake and the SQLAlchemy repositories answer alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.callbacks import CallbackTask
from services.messaging.domain.filters import CallbackFilter
from services.messaging.domain.model import InboundMessage, Suppression
from tests.integration.contract.messaging_helpers import New, add, contact, practice, text
from tests.support.factories import mobile

pytestmark = pytest.mark.integration


def test_contacts_with_a_mobile_leave_out_the_erased(messaging: New) -> None:
    shared, erased = contact(), contact()
    erased.mobile, erased.erased = shared.mobile, True
    add(messaging, shared, erased)

    with messaging() as uow:
        found = uow.contacts.contacts_with_mobile(shared.mobile or "")
        by_id = uow.contacts.contacts_by_id([shared.participant_id, uuid.uuid4()])
    assert [c.participant_id for c in found] == [shared.participant_id]
    assert list(by_id) == [shared.participant_id]


def test_the_stop_list(messaging: New) -> None:
    stopped, other = mobile(), mobile()
    add(messaging, Suppression(stopped, "replied STOP"))

    with messaging() as uow:
        assert uow.suppressions.suppressed_among([stopped, other]) == {stopped}
        uow.suppressions.remove_suppression(stopped)
        uow.suppressions.remove_suppression(other)  # not there: nothing happens
        uow.commit()
    with messaging() as uow:
        assert uow.suppressions.suppression(stopped) is None


def test_replies_seen_by_their_sid(messaging: New) -> None:
    sid = f"SM{uuid.uuid4().hex}"
    add(messaging, InboundMessage(sid, mobile(), "+447700900000", "yes"))

    with messaging() as uow:
        assert uow.replies.inbound_seen(sid) and not uow.replies.inbound_seen("SMnone")
        assert uow.replies.inbound_sids_seen([sid, "SMnone"]) == {sid}


def test_a_reply_belongs_to_the_last_opener_that_reached_the_number(messaging: New) -> None:
    who = contact()
    reached = text(who, created_at=datetime.now(UTC) - timedelta(days=1))
    held = text(who, status="held")
    add(messaging, who, reached, held)

    with messaging() as uow:
        opener = uow.conversations.latest_opener_to(who.mobile or "")
        assert not uow.conversations.clarified(who.participant_id, reached.trial_id)
    assert opener is not None and opener.id == reached.id


def test_the_review_inbox_shows_a_practices_unclear_replies(messaging: New) -> None:
    ods = practice()
    who = contact(ods=ods)
    unclear = InboundMessage(
        f"SM{uuid.uuid4().hex}",
        who.mobile or "",
        "+44",
        "eh?",
        participant_id=who.participant_id,
        intent="unknown",
    )
    clear = InboundMessage(
        f"SM{uuid.uuid4().hex}",
        who.mobile or "",
        "+44",
        "yes",
        participant_id=who.participant_id,
        intent="yes",
    )
    add(messaging, who, unclear, clear, Suppression(who.mobile or "", "replied STOP"))

    with messaging() as uow:
        rows = uow.conversations.unclear_inbox(frozenset({ods}), 100)
        _, received = uow.conversations.conversations([who.participant_id])
    assert [(r[0].id, r[1], bool(r[3])) for r in rows] == [(unclear.id, ods, True)]
    assert {r.id for r in received} == {unclear.id, clear.id}


def test_callback_tasks_open_listed_oldest_first_and_closed_in_a_period(messaging: New) -> None:
    ods, trial_id = practice(), uuid.uuid4()
    with messaging() as uow:
        uow.trials.save_trial(trial_id, "CALL", "Calls")
        uow.commit()
    now = datetime.now(UTC)
    first = CallbackTask(
        uuid.uuid4(), ods, trial_id, "en", False, "sms", opened_at=now - timedelta(hours=2)
    )
    second = CallbackTask(
        uuid.uuid4(),
        ods,
        trial_id,
        "ur",
        True,
        "staff",
        opened_at=now - timedelta(hours=1),
        assigned_to="Sam",
    )
    done = CallbackTask(
        uuid.uuid4(),
        ods,
        None,
        "en",
        False,
        "consent_page",
        closed_at=now - timedelta(minutes=5),
        outcome="reached",
    )
    with messaging() as uow:
        for task in (first, second, done):
            uow.callbacks.add(task)
        uow.commit()

    mine = CallbackFilter(practice_ods=ods)
    with messaging() as uow:
        open_ = [t.id for t in uow.callbacks.listed(mine)]
        unassigned = [
            t.id for t in uow.callbacks.listed(CallbackFilter(practices=[ods], state="unassigned"))
        ]
        closed = [t.id for t in uow.callbacks.closed_between(mine, now - timedelta(hours=1), now)]
        found = uow.callbacks.open_for(first.participant_id, trial_id)
        none = uow.callbacks.open_for(done.participant_id, None)
        names = uow.callbacks.trial_names({trial_id, uuid.uuid4()})
    assert open_ == [first.id, second.id] and unassigned == [first.id]
    assert closed == [done.id]
    assert found is not None and found.id == first.id and none is None
    assert names == {trial_id: "CALL"}
