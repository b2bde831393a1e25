"""The voice ports' contract (decision 27): the fakes and the SQLAlchemy repositories answer
alike for calls in flight, calls made, who answered, recordings and a trial's call settings."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from services.messaging.domain.recordings import new_recording
from tests.integration.contract.messaging_helpers import New, add, contact, text

pytestmark = pytest.mark.integration


def test_calls_in_flight_made_and_who_answered(messaging: New) -> None:
    ringing, done, other = contact(), contact(), contact()
    trial = uuid.uuid4()
    first = text(done, channel="voice", status="no-answer", trial_id=trial)
    again = text(done, channel="voice", status="queued", trial_id=trial)
    live = text(ringing, channel="voice", status="ringing", trial_id=trial)
    sms = text(other, status="sending")
    add(messaging, ringing, done, other, first, again, live, sms)

    with messaging() as uow:
        patients, numbers = uow.calls.in_flight(
            [ringing.participant_id, done.participant_id, other.participant_id],
            [other.mobile or ""],
        )
        made = uow.calls.calls_made(again)
        uow.calls.set_answered_by(live.id, "machine_end_beep")
        uow.calls.set_answered_by(live.id, "human")  # the first answer stays
        uow.commit()
    assert (patients, numbers) == ({ringing.participant_id}, {ringing.mobile})
    assert made == 1  # the queued one is not a call yet
    with messaging() as uow:
        found = uow.messages.message(live.id)
        assert found is not None and found.answered_by == "machine_end_beep"


def test_recordings_versioned_per_scope_kind_and_language(messaging: New) -> None:
    scope = str(uuid.uuid4())
    made = [
        new_recording(scope, "voicemail", "ur", 1, "audio/wav", b"RIFF1", "a"),
        new_recording(scope, "invitation", "syl", 2, "audio/mpeg", b"ID32", "a"),
        new_recording(scope, "invitation", "syl", 1, "audio/wav", b"RIFF2", "a"),
        new_recording("default", "invitation", "bn", 1, "audio/wav", b"RIFF3", "a"),
    ]
    with messaging() as uow:
        for recording in made:
            uow.recordings.add(recording)
        uow.commit()
    with messaging() as uow:
        listed = [(r.kind, r.language, r.version) for r in uow.recordings.listed(scope)]
        invitations = uow.recordings.for_kind([scope, "default"], "invitation")
        latest = uow.recordings.latest_version(scope, "invitation", "syl")
        none_yet = uow.recordings.latest_version(scope, "reminder", "syl")
        one = uow.recordings.get(made[1].id)
        assert one is not None and (one.audio, one.content_type) == (b"ID32", "audio/mpeg")
    assert listed == [("invitation", "syl", 1), ("invitation", "syl", 2), ("voicemail", "ur", 1)]
    assert sorted((r.scope == scope, r.version) for r in invitations) == [
        (False, 1),
        (True, 1),
        (True, 2),
    ]
    assert (latest, none_yet) == (2, 0)


def test_a_trials_call_settings_default_and_are_kept(messaging: New) -> None:
    trial_id = uuid.uuid4()
    with messaging() as uow:
        uow.trials.save_trial(trial_id, "HEART", "The heart study")
        uow.commit()
    with messaging() as uow:
        settings = uow.trials.trial_settings(trial_id)
        assert settings is not None
        defaults = (settings.call_retries, settings.call_retry_delay, settings.say_allowed)
        assert (defaults, settings.callback_number) == ((2, 7200, False), None)
        changed = dataclasses.replace(
            settings, call_retries=0, say_allowed=True, callback_number="+441214960000"
        )
        uow.trials.save_trial_settings(changed)
        uow.commit()
    with messaging() as uow:
        kept = uow.trials.trial_settings(trial_id)
    assert kept is not None
    assert (kept.call_retries, kept.say_allowed, kept.callback_number) == (
        0,
        True,
        "+441214960000",
    )
