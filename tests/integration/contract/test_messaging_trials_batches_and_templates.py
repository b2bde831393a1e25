"""The messaging ports' contract for trials, batches and templates: the fake and the
SQLAlchemy repositories keep settings, count a batch and retext its held invitations alike."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from services.messaging.domain.batches import Batch
from services.messaging.domain.model import InboundMessage, Suppression
from services.messaging.domain.templates import Template
from tests.integration.contract.messaging_helpers import New, add, contact, practice, text

pytestmark = pytest.mark.integration


def test_a_trials_settings_default_and_survive_a_rename(messaging: New) -> None:
    trial_id = uuid.uuid4()
    with messaging() as uow:
        uow.trials.save_trial(trial_id, "HEART", "The heart study")
        uow.commit()
    with messaging() as uow:
        settings = uow.trials.trial_settings(trial_id)
        assert settings is not None
        assert (settings.reminder_days, settings.smart_encoding, settings.window) == (7, True, None)
        changed = dataclasses.replace(settings, reminder_days=None, info_url="https://x.test")
        uow.trials.save_trial_settings(changed)
        uow.commit()
    with messaging() as uow:
        uow.trials.save_trial(trial_id, "HEART2", "The heart study, renamed")
        uow.commit()
    with messaging() as uow:
        settings = uow.trials.trial_settings(trial_id)
        assert uow.trials.trial(trial_id) == ("HEART2", "The heart study, renamed")
    assert settings is not None and (settings.reminder_days, settings.info_url) == (
        None,
        "https://x.test",
    )


def test_templates_are_listed_in_order_and_versioned_per_scope_kind_and_language(
    messaging: New,
) -> None:
    scope = str(uuid.uuid4())
    made = [
        Template(scope, "reminder", "ur", 1, "r ur"),
        Template(scope, "invitation", "en", 2, "i en 2"),
        Template(scope, "invitation", "en", 1, "i en 1"),
    ]
    add(messaging, *made)

    with messaging() as uow:
        listed = [t.body for t in uow.templates.list_templates(scope, None, None)]
        invitations = uow.templates.templates_in([scope], "invitation")
        latest = uow.templates.latest_version(scope, "invitation", "en")
        none_yet = uow.templates.latest_version(scope, "invitation", "pa")
    assert listed == ["i en 1", "i en 2", "r ur"]
    assert sorted(t.version for t in invitations) == [1, 2]
    assert (latest, none_yet) == (2, 0)


def test_a_batch_s_counts_texts_and_unanswered_invitations(messaging: New) -> None:
    trial_id, ods = uuid.uuid4(), practice()
    batch = Batch(uuid.uuid4(), trial_id, ods, chunks=1)
    quiet, replied, stopped, reminded = (contact(ods=ods) for _ in range(4))
    invitations = [
        text(p, batch_id=batch.id, trial_id=trial_id, status="delivered", language="en")
        for p in (quiet, replied, stopped, reminded)
    ]
    for invitation in invitations:
        invitation.body = "the invitation"
    failed = text(quiet, "reminder", batch_id=batch.id, status="failed", error="provider 30003")
    failed.participant_id = reminded.participant_id
    reply = InboundMessage(
        f"SM{uuid.uuid4().hex}",
        replied.mobile or "",
        "+44",
        "yes",
        participant_id=replied.participant_id,
        trial_id=trial_id,
        intent="yes",
    )
    add(
        messaging,
        batch,
        quiet,
        replied,
        stopped,
        reminded,
        *invitations,
        failed,
        reply,
        Suppression(stopped.mobile or "", "replied STOP"),
    )

    with messaging() as uow:
        found = uow.batches.batch(batch.id)
        assert found is not None
        unanswered = [m.participant_id for m in uow.batches.unanswered_invitations(found)]
        counts = sorted(uow.batches.batch_status_counts(batch.id))
        intents = uow.batches.batch_reply_intents(found)
        texts = uow.batches.batch_texts(batch.id)
        listed = [b.id for b in uow.batches.list_batches(frozenset({ods}), 10)]
    assert unanswered == [quiet.participant_id]
    assert counts == [
        ("invitation", "delivered", None, 4),
        ("reminder", "failed", "provider 30003", 1),
    ]
    assert intents == [("yes", 1)]
    assert texts == [("sms", "en", None, "the invitation", 4)]
    assert listed == [batch.id]


def test_a_batchs_texts_leave_its_letters_out(messaging: New) -> None:
    batch = Batch(uuid.uuid4(), uuid.uuid4(), practice(), chunks=1)
    texted, posted = contact(), contact("ur")
    sms = text(texted, batch_id=batch.id, status="held", language="en")
    letter = text(posted, batch_id=batch.id, status="held", language="ur", channel="letter")
    add(messaging, batch, texted, posted, sms, letter)

    with messaging() as uow:
        texts = uow.batches.batch_texts(batch.id)

    assert texts == [("sms", "en", None, sms.body, 1)]


def test_held_invitations_are_moved_and_retexted_by_their_readers_language(
    messaging: New,
) -> None:
    batch = Batch(uuid.uuid4(), uuid.uuid4(), practice(), chunks=1)
    english, urdu = contact("en"), contact("ur")
    held = [text(p, batch_id=batch.id, status="held") for p in (english, urdu)]
    template = Template(str(batch.trial_id), "invitation", "ur", 1, "new words")
    add(messaging, batch, english, urdu, *held, template)

    with messaging() as uow:
        assert sorted(uow.batches.held_languages(batch.id)) == ["en", "ur"]
        assert [b.id for b in uow.batches.open_batches(batch.trial_id)] == [batch.id]
        uow.batches.retext_held(batch.id, "ur", template, "new words")
        uow.commit()
    with messaging() as uow:
        bodies = {m.participant_id: m.body for m in uow.messages.messages_for(urdu.participant_id)}
        moved = uow.batches.set_batch_messages(batch.id, ["held"], "queued")
        uow.commit()
    with messaging() as uow:
        queued = uow.batches.batch_message_ids(batch.id, "queued")
    assert bodies == {urdu.participant_id: "new words"}
    assert moved == 2 and len(queued) == 2
