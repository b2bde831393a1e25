"""Key presses on a call, a trial's cascade as admins set it, and the lists staff and admins
read (batches, templates), through the fakes."""

from __future__ import annotations

import uuid

import pytest

from services.messaging.domain.batches import Batch
from services.messaging.domain.cascade import CascadeRun, Step
from services.messaging.domain.model import Contact, Message
from services.messaging.domain.templates import DEFAULT_SCOPE, Template
from services.messaging.domain.voice import Hangup, Redirect
from services.messaging.domain.whatsapp import WhatsAppTemplate
from services.messaging.service_layer import batches, calls, cascades, templates, whatsapp
from services.messaging.service_layer.calls import Gathered
from shared.auth.principal import ADMIN, STAFF, Principal
from shared.errors import InvalidInput, NotFound
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import PRACTICE, a_contact, a_trial

OUR_NUMBER = "+441214960999"
AGAIN = "https://m.test/calls/again"
REPLY = "messaging.reply.received"
AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE}))


def a_call(uow: FakeMessagingUnitOfWork) -> tuple[Contact, Message]:
    contact, trial = a_contact(uow, "ur"), a_trial(uow)
    assert contact.mobile
    call = Message(contact.participant_id, contact.mobile, "invitation", "invitation", 2)
    call.trial_id, call.channel, call.status = trial, "voice", "in-progress"
    uow.messages.add(call)
    return contact, call


def press(uow: FakeMessagingUnitOfWork, call: Message, digits: str) -> list[object]:
    gathered = Gathered("CA" + call.id.hex, digits, None, OUR_NUMBER)
    _, steps = calls.key_pressed(lambda: uow, call.id, gathered, lambda exc: False, AGAIN)
    return list(steps)


def test_nine_plays_the_call_again_and_stores_nothing(uow: FakeMessagingUnitOfWork) -> None:
    _, call = a_call(uow)

    assert press(uow, call, "9") == [Redirect(AGAIN)]
    assert uow.store.inbound == {} and uow.events == []


def test_one_is_a_yes_on_the_call_stored_once_however_often_pressed(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact, call = a_call(uow)

    assert press(uow, call, "1") == [Hangup()]
    press(uow, call, "1")

    [reply] = uow.published(REPLY)
    assert (reply["intent"], reply["channel"], reply["trial_id"]) == (
        "yes",
        "voice",
        str(call.trial_id),
    )
    [stored] = uow.store.inbound.values()
    assert (stored.from_number, stored.to_number, stored.body) == (call.to, OUR_NUMBER, "[key 1]")
    assert stored.participant_id == contact.participant_id


def test_three_stops_the_number(uow: FakeMessagingUnitOfWork) -> None:
    _, call = a_call(uow)

    press(uow, call, "3")

    assert uow.suppressions.suppression(call.to) is not None
    assert uow.published("messaging.participant.opted_out") != []


def test_a_key_on_a_text_or_an_unknown_message_hangs_up(uow: FakeMessagingUnitOfWork) -> None:
    _, call = a_call(uow)
    call.channel = "sms"
    gathered = Gathered("CA1", "1", None, OUR_NUMBER)

    assert press(uow, call, "1") == [Hangup()]
    assert calls.key_pressed(lambda: uow, uuid.uuid4(), gathered, lambda e: False, AGAIN)[1] == [
        Hangup()
    ]
    assert uow.store.inbound == {}


def test_a_cascade_is_set_checked_and_replaced_and_its_runs_counted(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial = a_trial(uow)

    assert cascades.get_cascade(uow, trial) == cascades.CascadeView(trial, (), None, None, {})
    first = cascades.set_cascade(uow, "Ada", trial, [{"channel": "sms"}, {"channel": "letter"}])
    second = cascades.set_cascade(
        uow, "Ben", trial, [{"channel": "whatsapp", "wait_hours": 48, "tries": 2}]
    )
    with pytest.raises(InvalidInput):
        cascades.set_cascade(uow, "Ada", trial, [{"channel": "pigeon"}])
    with pytest.raises(NotFound):
        cascades.set_cascade(uow, "Ada", uuid.uuid4(), [{"channel": "sms"}])
    with pytest.raises(NotFound):
        cascades.get_cascade(uow, uuid.uuid4())

    assert (first.steps, first.updated_by) == ((Step("sms", 168, 1), Step("letter", 168, 1)), "Ada")
    assert second == cascades.get_cascade(uow, trial)
    assert (second.steps, second.updated_by, second.runs) == ((Step("whatsapp", 48, 2),), "Ben", {})
    for participant in (uuid.uuid4(), uuid.uuid4()):
        uow.cascades.add(CascadeRun(participant, trial, "whatsapp", uuid.uuid4()))
    assert cascades.get_cascade(uow, trial).runs == {"running": 2}
    assert cascades.get_cascade(uow, a_trial(uow)).runs == {}


def test_templates_are_listed_by_scope_kind_and_language(uow: FakeMessagingUnitOfWork) -> None:
    trial = a_trial(uow)
    own = Template(str(trial), "invitation", "ur", 1, "{short_name}: invitation")
    uow.templates.add_template(own)

    shipped = templates.list_templates(uow, None, "invitation", "ur", shipped=True)
    mine = templates.list_templates(uow, trial, None, None, shipped=False)

    assert mine == [own]
    assert shipped and {(t.scope, t.kind, t.language) for t in shipped} == {
        (DEFAULT_SCOPE, "invitation", "ur")
    }
    assert [t.version for t in shipped] == sorted(t.version for t in shipped)


def test_whatsapp_templates_are_listed_by_kind_and_language(uow: FakeMessagingUnitOfWork) -> None:
    sid = "HX" + "a" * 32
    for kind, language in (("reminder", "en"), ("invitation", "ur"), ("invitation", "en")):
        uow.whatsapp.add_template(WhatsAppTemplate(kind, language, sid, "Hi", [], "approved"))

    listed = whatsapp.list_templates(uow)

    assert [(t.kind, t.language) for t in listed] == [
        ("invitation", "en"),
        ("invitation", "ur"),
        ("reminder", "en"),
    ]


def test_staff_list_their_practices_batches_and_an_admin_every_one(
    uow: FakeMessagingUnitOfWork,
) -> None:
    ours = Batch(uuid.uuid4(), a_trial(uow), PRACTICE, chunks=2, chunks_received=1)
    theirs = Batch(uuid.uuid4(), a_trial(uow), "Y00001", chunks=1)
    for batch in (ours, theirs):
        uow.batches.add_batch(batch)
    admin = Principal(uuid.uuid4(), "Ada", ADMIN)

    [listed] = batches.list_batches(uow, AT_PRACTICE)

    assert (listed.id, listed.practice_ods) == (ours.id, PRACTICE)
    assert (listed.parts_received, listed.parts) == (1, 2)
    assert {b.id for b in batches.list_batches(uow, admin)} == {ours.id, theirs.id}
    assert len(batches.list_batches(uow, admin, limit=1)) == 1
