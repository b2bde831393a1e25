"""The fake as it runs for real (gunicorn, one process): calls run on its threads after the
fork, and FAKE_TWILIO_CALL_DEFAULT decides how unplanned calls are taken (0033)."""

from __future__ import annotations

import sys
from pathlib import Path

import requests

from services.messaging.adapters.twilio_client import make_twilio_client
from tests.integration.fake_voice.conftest import CALLER
from tests.support.processes import free_port, processes, wait_until_healthy
from tests.support.twiml_app import TwimlApp, twiml

SID = "AC" + "9" * 32
TOKEN = "process-token"


def test_the_served_fake_runs_calls_to_their_end(tmp_path: Path, voice_app: TwimlApp) -> None:
    voice_app.routes["/voice"] = twiml("<Gather action='/menu' numDigits='1'/>")
    port = free_port()
    env = {
        "FAKE_TWILIO_PORT": str(port),
        "FAKE_TWILIO_ACCOUNT_SID": SID,
        "FAKE_TWILIO_AUTH_TOKEN": TOKEN,
        "FAKE_TWILIO_CALL_DEFAULT": "answer",
    }
    url = f"http://127.0.0.1:{port}"
    with processes(env, tmp_path) as procs:
        procs.start("twilio", [sys.executable, "-m", "services.fake_twilio"])
        wait_until_healthy(f"{url}/_fake/calls", procs)
        twilio = make_twilio_client(SID, TOKEN, url)
        plan = {"to": "+447400000000", "outcome": "answer", "keys": ["3"]}
        assert requests.post(f"{url}/_fake/calls/plan", json=plan, timeout=5).ok
        callback = f"{voice_app.url}/status"
        for n in range(20):
            to = f"+4474000{n:05d}"
            twilio.calls.create(
                to=to, from_=CALLER, url=f"{voice_app.url}/voice", status_callback=callback
            )
        posts = voice_app.wait_for(20, "/status")
        assert {p.params["CallStatus"] for p in posts} == {"completed"}
        assert all(voice_app.accepted_by_messaging(p, TOKEN) for p in posts)
        assert len(voice_app.at("/voice")) == 20
        [menu] = voice_app.at("/menu")  # only the planned patient pressed a key
        assert (menu.params["To"], menu.params["Digits"]) == ("+447400000000", "3")
        assert len(twilio.calls.list(status="completed")) == 20
        procs.check_alive()
