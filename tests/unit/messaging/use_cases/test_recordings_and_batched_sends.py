"""Call recordings as admins keep them and the demo ones the local run speaks, and the
sender's batched path (ask the provider outside a transaction, record every outcome in
one), through the fakes."""

from __future__ import annotations

import uuid

import pytest

from services.messaging.adapters.provider import Accepted, SendRequest
from services.messaging.domain.model import Message
from services.messaging.service_layer import demo_recordings, recordings, sending
from shared.errors import Forbidden, NotFound
from tests.support.fake_provider import FakeProvider
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import a_contact, a_trial

STATUS = "messaging.message.status_changed"
WAV = b"RIFF....WAVEfmt "


def test_a_recording_is_played_only_once_someone_else_reviewed_it(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial = a_trial(uow)
    first = recordings.upload(uow, "Ada", trial, "invitation", "ur", "audio/wav", WAV)
    second = recordings.upload(uow, "Ada", trial, "invitation", "ur", "audio/wav", WAV + b"2")

    with pytest.raises(Forbidden):
        recordings.review(uow, "Ada", second.id)  # not by its author
    reviewed = recordings.review(uow, "Ben", second.id)
    with pytest.raises(NotFound):
        recordings.upload(uow, "Ada", uuid.uuid4(), "invitation", "ur", "audio/wav", WAV)

    assert (first.version, second.version) == (1, 2)
    assert reviewed.reviewed and not first.reviewed
    assert [r.id for r in recordings.listed(uow, trial)] == [first.id, second.id]
    assert recordings.audio(uow, second.id) == ("audio/wav", WAV + b"2")
    with pytest.raises(NotFound):
        recordings.audio(uow, uuid.uuid4())


def test_the_demo_recordings_are_spoken_once_for_each_shipped_text(
    uow: FakeMessagingUnitOfWork,
) -> None:
    spoken: list[tuple[str, str]] = []

    def speak(text: str, voice: str) -> bytes:
        spoken.append((voice, text))
        return WAV

    made = demo_recordings.seed(lambda: uow, lambda code: f"voice-{code}", speak, ["en", "ur"])
    again = demo_recordings.seed(lambda: uow, lambda code: f"voice-{code}", speak, ["en", "ur"])

    assert made and again == []
    assert {language for _, language in made} == {"en", "ur"}
    assert len(spoken) == len(made)
    kept = recordings.listed(uow, None)
    assert len(kept) == len(made) and all(r.reviewed for r in kept)


def queued(uow: FakeMessagingUnitOfWork) -> Message:
    who = a_contact(uow)
    assert who.mobile
    message = Message(who.participant_id, who.mobile, "Hello", "invitation", 2)
    uow.messages.add(message)
    return message


def test_outcomes_asked_outside_a_transaction_are_recorded_together(
    uow: FakeMessagingUnitOfWork,
) -> None:
    accepted, refused, surprised = queued(uow), queued(uow), queued(uow)
    provider = FakeProvider(fail_next=[("fail", "21211")])

    class Broken(FakeProvider):
        def send(self, request: SendRequest) -> Accepted:
            raise RuntimeError("a client library surprise")

    jobs = {job.message_id: job for job in sending.claim(uow, 10)}
    outcomes = [
        (jobs[m.id], sending.call_provider(p, sending.request_for(jobs[m.id], str, 600)))
        for m, p in ((refused, provider), (accepted, provider), (surprised, Broken()))
    ]
    sending.record_outcomes(uow, outcomes)

    assert accepted.status == "accepted" and accepted.provider_sid == provider.sent[0][0]
    assert refused.status == "failed" and (refused.error or "").startswith("21211")
    # An unexplained error may have sent it: the outcome is unknown, reconciled later.
    assert surprised.status == "sending" and surprised.outcome_unknown_at is not None
    assert sorted(e["status"] for e in uow.published(STATUS)) == ["accepted", "failed"]
