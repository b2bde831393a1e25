"""The fake Twilio's Calls API, spoken to by the real twilio SDK (decision 0033)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from services.messaging.adapters.twilio_client import make_twilio_client
from tests.integration.fake_voice.conftest import CALLER, PATIENT, SID, TOKEN, call, finished
from tests.support.twiml_app import TwimlApp, twiml
from tests.support.waiting import eventually


def test_create_returns_a_twilio_call_resource(twilio: Client, voice_app: TwimlApp) -> None:
    created = call(twilio, voice_app)
    assert created.sid.startswith("CA") and len(created.sid) == 34
    # The SDK keeps "from" as _from on calls (from_ on messages).
    assert (created.account_sid, created.to, created._from) == (SID, PATIENT, CALLER)
    assert (created.status, created.direction, created.api_version) == (
        "queued",
        "outbound-api",
        "2010-04-01",
    )
    assert created.start_time is None and created.duration is None and created.answered_by is None
    assert created.date_created is not None and created.date_created.tzinfo is not None
    assert created.uri == f"/2010-04-01/Accounts/{SID}/Calls/{created.sid}.json"
    assert created.subresource_uris["recordings"].endswith(f"/Calls/{created.sid}/Recordings.json")


def test_fetch_follows_the_call_to_completed(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app).sid
    done = finished(twilio, sid)
    assert done.start_time is not None and done.end_time is not None
    assert done.duration is not None and done.duration.isdigit()  # seconds, as a string
    assert done.end_time >= done.start_time and done.answered_by is None


def test_list_filters_newest_first_across_pages(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/plan", outcome="busy")
    sids = [call(twilio, voice_app).sid for _ in range(5)]
    other = call(twilio, voice_app, to="+447400999999").sid
    listed = twilio.calls.list(to=PATIENT, page_size=2)  # the SDK follows next_page_uri
    assert [c.sid for c in listed] == sids[::-1]
    assert [c.sid for c in twilio.calls.list(to=PATIENT, limit=3)] == sids[:1:-1]
    for sid in [*sids, other]:
        finished(twilio, sid, "busy")
    assert {c.sid for c in twilio.calls.list(status="busy")} == {*sids, other}
    assert twilio.calls.list(status="completed") == []
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert len(twilio.calls.list(to=PATIENT, start_time_after=hour_ago)) == 5
    assert twilio.calls.list(to=PATIENT, start_time_before=hour_ago) == []
    assert len(twilio.calls.list(start_time=datetime.now(UTC))) == 6


def test_the_page_has_twilios_paging_shape(
    fake_url: str, twilio: Client, voice_app: TwimlApp
) -> None:
    for _ in range(3):
        call(twilio, voice_app)
    page = requests.get(
        f"{fake_url}/2010-04-01/Accounts/{SID}/Calls.json",
        params={"To": PATIENT, "PageSize": "2"},
        auth=(SID, TOKEN),
        timeout=5,
    ).json()
    assert (page["page"], page["page_size"], page["start"], page["end"]) == (0, 2, 0, 1)
    assert len(page["calls"]) == 2 and page["previous_page_uri"] is None
    assert page["next_page_uri"].startswith(f"/2010-04-01/Accounts/{SID}/Calls.json?")
    assert "Page=1" in page["next_page_uri"] and "To=%2B447400123456" in page["next_page_uri"]


def test_canceling_a_ringing_call(twilio: Client, voice_app: TwimlApp, control: Any) -> None:
    control("calls/plan", outcome="ring")
    sid = call(twilio, voice_app).sid
    eventually(lambda: twilio.calls(sid).fetch().status == "ringing", 5, "ringing")
    canceled = twilio.calls(sid).update(status="canceled")
    assert canceled.status == "canceled" and canceled.duration is None
    completed = twilio.calls(call(twilio, voice_app).sid).update(status="completed")
    assert completed.status == "canceled", "completing an unanswered call cancels it"
    assert voice_app.at("/voice") == [], "a canceled call never fetches its TwiML"


def test_completing_a_live_call_hangs_it_up(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    voice_app.routes["/voice"] = twiml("<Pause length='30'/>")
    control("calls/plan", outcome="ring")
    sid = call(twilio, voice_app).sid
    eventually(lambda: twilio.calls(sid).fetch().status == "ringing", 5, "ringing")
    control(f"calls/{sid}/answer")  # a control answers in real time: the pause lasts
    eventually(lambda: twilio.calls(sid).fetch().status == "in-progress", 5, "answered")
    ended = twilio.calls(sid).update(status="completed")
    assert ended.status == "completed" and ended.duration is not None


def test_a_live_call_is_redirected_to_new_twiml(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = twiml("<Pause length='30'/>")
    voice_app.routes["/next"] = twiml("<Say>Moved on</Say>")
    control("calls/plan", outcome="ring")
    sid = call(twilio, voice_app).sid
    eventually(lambda: twilio.calls(sid).fetch().status == "ringing", 5, "ringing")
    control(f"calls/{sid}/answer")
    log = f"{fake_url}/_fake/calls/{sid}"
    eventually(lambda: requests.get(log, timeout=5).json()["heard"], 5, "the pause to begin")
    twilio.calls(sid).update(url=f"{voice_app.url}/next", method="GET")
    [hit] = voice_app.wait_for(1, "/next")
    assert hit.method == "GET" and hit.params["CallSid"] == sid
    finished(twilio, sid)
    assert [h["text"] for h in requests.get(log, timeout=5).json()["heard"]] == ["30", "Moved on"]
    with pytest.raises(TwilioRestException) as raised:
        twilio.calls(sid).update(twiml=twiml("<Hangup/>"))
    assert (raised.value.status, raised.value.code) == (400, 21220)


def test_fetching_an_unknown_call_is_a_404(twilio: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        twilio.calls("CA" + "0" * 32).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"to": ""}, 21201),
        ({"to": "07400 123456"}, 21211),
        ({"from_": ""}, 21213),
        ({"from_": "TrialReach"}, 21212),
        ({"url": None}, 21205),
        ({"url": "not-a-url"}, 21205),
        ({"status_callback": "nowhere"}, 21609),
    ],
)
def test_invalid_requests_are_refused_like_twilio(
    twilio: Client, voice_app: TwimlApp, fake_url: str, fields: dict[str, Any], code: int
) -> None:
    request = {"to": PATIENT, "from_": CALLER, "url": f"{voice_app.url}/voice"} | fields
    if request["url"] is None:
        del request["url"]
    with pytest.raises(TwilioRestException) as raised:
        twilio.calls.create(**request)
    assert (raised.value.status, raised.value.code) == (400, code)
    assert requests.get(f"{fake_url}/_fake/calls", timeout=5).json() == []


def test_wrong_credentials_get_twilios_401(fake_url: str, voice_app: TwimlApp) -> None:
    with pytest.raises(TwilioRestException) as raised:
        call(make_twilio_client(SID, "wrong-token", fake_url), voice_app)
    assert (raised.value.status, raised.value.code) == (401, 20003)


def test_the_calls_api_can_be_stalled_and_failed(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/latency", ms=200)
    started = time.monotonic()
    call(twilio, voice_app)
    assert time.monotonic() - started >= 0.2
    control("calls/latency", ms=0)
    control("calls/errors", status=429, code=20429, count=2, to=PATIENT)
    assert call(twilio, voice_app, to="+447400000001").status == "queued"
    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            call(twilio, voice_app)
        assert (raised.value.status, raised.value.code) == (429, 20429)
    assert call(twilio, voice_app).status == "queued"
    control("outage", seconds=5)  # the whole API's outage covers calls too
    with pytest.raises(TwilioRestException) as raised:
        call(twilio, voice_app)
    assert (raised.value.status, raised.value.code) == (503, 20503)


def test_bad_plans_are_refused(fake_url: str) -> None:
    response = requests.post(f"{fake_url}/_fake/calls/plan", json={"outcome": "x"}, timeout=5)
    assert response.status_code == 400 and "outcome" in response.json()["error"]
    response = requests.post(f"{fake_url}/_fake/calls/plan", json={"keys": ["1a"]}, timeout=5)
    assert response.status_code == 400 and "keys" in response.json()["error"]


def test_reset_ends_running_calls_and_forgets_them(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    control("calls/plan", outcome="ring")
    call(twilio, voice_app, status_callback=f"{voice_app.url}/status")
    control("reset")
    assert requests.get(f"{fake_url}/_fake/calls", timeout=5).json() == []
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app).sid
    finished(twilio, sid)
    assert voice_app.at("/status") == [], "the call ended by the reset posts no status"
