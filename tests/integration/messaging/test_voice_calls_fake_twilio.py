"""Calls end to end against the fake Twilio server's Calls API and TwiML runner (decision
27): messaging's web process and sender as processes on PostgreSQL, the real twilio SDK.

A Sylheti speaker answers and presses 1: the reply is a YES from a call, and the YES text
follows; another hears the call twice (9) and presses 4: a callback reply; a machine
takes the voicemail, and a phone nobody answers: each is queued again per the trial. A
one-time code for a patient invited by call is said in a call, twice."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from services.messaging.adapters import espeak
from services.messaging.adapters.orm import callback_tasks, inbound_messages, messages
from services.messaging.domain.model import PRIORITY_BULK, Message
from services.messaging.service_layer import contacts, demo_recordings, notifications, trials
from shared.events.commands import NotificationRequested, ParticipantShared, TrialCreated
from shared.runtime import Runtime
from tests.integration.messaging.conftest import uow
from tests.integration.messaging.test_sender_crash import _listening, env_for
from tests.support.processes import ARTIFACTS, free_port, processes
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration
ANSWERS, VOICEMAIL, AGAIN, NOBODY = (f"+4477009002{n:02d}" for n in range(1, 5))


@pytest.fixture
def running(runtime: Runtime, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The fake Twilio server, messaging's web process and its sender; the fake's URL."""
    twilio_port, web_port = free_port(), free_port()
    twilio = f"http://127.0.0.1:{twilio_port}"
    env = env_for(runtime.settings.database_url, twilio, "filesystem://", "voicee2e")
    env |= {
        "BUS_DATA_DIR": str(tmp_path / "bus"),
        "FAKE_TWILIO_PORT": str(twilio_port),
        "FAKE_TWILIO_CALL_DEFAULT": "no-answer",
        "MESSAGING_PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        "CALL_RATE_PER_SECOND": "5",
    }
    with processes(env, ARTIFACTS / "integration" / request.node.name) as procs:
        procs.start("twilio", [sys.executable, "-m", "services.fake_twilio"])
        eventually(lambda: _listening(twilio_port), 30, "the fake Twilio server")
        probe = requests.get(f"{twilio}/_fake/calls", timeout=10)
        if probe.status_code == 404:
            pytest.skip("the fake Twilio server has no Calls API yet (issue 16, fake side)")
        web = ["gunicorn", "-b", f"127.0.0.1:{web_port}", "services.messaging:create_app()"]
        procs.start("web", [sys.executable, "-m", *web])
        eventually(lambda: _listening(web_port), 30, "messaging's web process")
        procs.start("sender", [sys.executable, "-m", "services.messaging", "sender"])
        yield twilio
        procs.check_alive()


def plan(twilio: str, to: str, outcome: str, keys: list[str] | None = None) -> None:
    body: dict[str, Any] = {"to": to, "outcome": outcome, "keys": keys or []}
    requests.post(f"{twilio}/_fake/calls/plan", json=body, timeout=10).raise_for_status()


def rows(runtime: Runtime, table: Any, number_column: Any, number: str) -> list[Any]:
    with runtime.engine.connect() as conn:
        return list(conn.execute(select(table).where(number_column == number)))


def test_calls_through_the_fake_twilio_server_answered_keyed_voicemail_and_unanswered(
    runtime: Runtime, running: str
) -> None:
    if espeak.voice_for("bn") is None:
        pytest.skip("espeak-ng is needed for the demo recordings (tests/servers.sh installs it)")
    assert demo_recordings.seed(runtime.uow_factory, espeak.voice_for, espeak.speak, ["bn", "en"])
    trial = uuid.uuid4()
    contacts.save_trial(uow(runtime), TrialCreated(trial_id=trial, short_name="HEART", title="x"))
    trials.update_settings(uow(runtime), trial, {"call_retries": 1, "call_retry_delay": 300})
    plan(running, ANSWERS, "answer", ["1"])
    plan(running, AGAIN, "answer", ["9", "4"])
    plan(running, VOICEMAIL, "voicemail")
    for number, language in ((ANSWERS, "syl"), (AGAIN, "syl"), (VOICEMAIL, "en"), (NOBODY, "en")):
        person = uuid.uuid4()
        contacts.save_contact(
            uow(runtime),
            ParticipantShared(person, "M85001", language, number, textable=True),
        )
        with uow(runtime) as work:
            work.messages.add(
                Message(
                    person,
                    number,
                    "Invitation",
                    "invitation",
                    PRIORITY_BULK,
                    trial_id=trial,
                    language="bn",
                    channel="voice",
                )
            )
            work.commit()

    def calls_ended() -> bool:
        ended = {"completed", "no-answer"}
        return all(
            any(
                m.channel == "voice" and m.status in ended
                for m in rows(runtime, messages, messages.c.to, n)
            )
            for n in (ANSWERS, AGAIN, VOICEMAIL, NOBODY)
        )

    eventually(calls_ended, 60, "every call ended")
    (yes,) = rows(runtime, inbound_messages, inbound_messages.c.from_number, ANSWERS)
    assert (yes.intent, yes.channel, yes.body) == ("yes", "voice", "[key 1]")
    eventually(
        lambda: any(
            m.kind == "yes_ack" and m.status == "delivered"
            for m in rows(runtime, messages, messages.c.to, ANSWERS)
        ),
        30,
        "the YES text delivered",
    )
    (callback,) = rows(runtime, inbound_messages, inbound_messages.c.from_number, AGAIN)
    assert (callback.intent, callback.channel) == ("callback", "voice")
    with runtime.engine.connect() as conn:
        (task,) = conn.execute(
            select(callback_tasks.c.sources).where(callback_tasks.c.reply_id == callback.id)
        )
    assert "voice" in task.sources
    log = requests.get(f"{running}/_fake/calls", timeout=10).json()
    heard = {c["to"]: [h for h in c["heard"] if h["kind"] == "play"] for c in log}
    assert len(heard[AGAIN]) == 2  # 9 played it again
    # Sylheti has no recording: the Bengali one plays, fetched from messaging.
    with uow(runtime) as work:
        recorded = work.recordings.listed("default")
    (bengali,) = [r for r in recorded if (r.kind, r.language) == ("invitation", "bn")]
    (voicemail,) = [r for r in recorded if (r.kind, r.language) == ("voicemail", "en")]
    assert [h["text"].rsplit("/", 1)[-1] for h in heard[ANSWERS]] == [str(bengali.id)]
    for number, status in ((VOICEMAIL, "completed"), (NOBODY, "no-answer")):
        made = sorted(rows(runtime, messages, messages.c.to, number), key=lambda m: m.created_at)
        assert [(m.status, m.not_before is not None) for m in made] == [
            (status, False),
            ("queued", True),
        ]
    assert [c["answered_by"] for c in log if c["to"] == VOICEMAIL] == ["machine_end_beep"]
    assert [h["text"].rsplit("/", 1)[-1] for h in heard[VOICEMAIL]] == [str(voicemail.id)]


def test_a_code_asked_for_by_a_patient_invited_by_call_is_said_in_a_call(
    runtime: Runtime, running: str
) -> None:
    trial, person, number = uuid.uuid4(), uuid.uuid4(), "+447700900291"
    contacts.save_trial(uow(runtime), TrialCreated(trial_id=trial, short_name="HEART", title="x"))
    contacts.save_contact(
        uow(runtime), ParticipantShared(person, "M85001", "en", number, textable=True)
    )
    plan(running, number, "answer")
    asked = NotificationRequested(
        uuid.uuid4(), person, trial, "identity_code", None, code="482915", spoken=True
    )
    assert notifications.send_consent_notification(uow(runtime), asked)

    def said() -> list[str]:
        log = requests.get(f"{running}/_fake/calls", timeout=10).json()
        return [
            h["text"] for c in log if c["to"] == number for h in c["heard"] if h["kind"] == "say"
        ]

    heard = eventually(lambda: len(found := said()) >= 2 and found, 60, "the code said")
    assert heard[0] == heard[1] and "4, 8, 2, 9, 1, 5" in heard[0], heard
    assert not any(m.channel == "sms" for m in rows(runtime, messages, messages.c.to, number)), (
        "said, not texted"
    )
