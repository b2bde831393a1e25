"""The fake Twilio runs a call's TwiML against a real app, signed as Twilio signs (0033)."""

from __future__ import annotations

import time
from typing import Any

import requests
from twilio.rest import Client

from tests.integration.fake_voice.conftest import CALLER, PATIENT, SID, TOKEN, call, finished
from tests.support.twiml_app import TwimlApp, twiml
from tests.support.waiting import QUIET_PERIOD, eventually

EVERY_EVENT = ["initiated", "ringing", "answered", "completed"]
MENU = twiml(
    "<Gather action='/menu' numDigits='1' timeout='5'>",
    "<Play>https://recordings.example/invitation-syl.wav</Play>",
    "<Say language='bn-IN' voice='Polly.Aditi'>১ চাপুন</Say>",
    "</Gather>",
    "<Say>We did not hear a key.</Say>",
)


def log_of(fake_url: str, sid: str) -> dict[str, Any]:
    return dict(requests.get(f"{fake_url}/_fake/calls/{sid}", timeout=5).json())


def test_status_callbacks_arrive_in_order_signed_for_messaging(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/plan", outcome="answer")
    sid = call(
        twilio,
        voice_app,
        status_callback=f"{voice_app.url}/status?call=42",
        status_callback_event=EVERY_EVENT,
    ).sid
    posts = voice_app.wait_for(4, "/status")
    assert [p.params["CallStatus"] for p in posts] == [
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]
    assert [p.params["SequenceNumber"] for p in posts] == ["0", "1", "2", "3"]
    for post in posts:
        assert voice_app.accepted_by_messaging(post, TOKEN)
        assert not voice_app.accepted_by_messaging(post, "another-token")
        assert post.full_path == "/status?call=42"
        assert {k: post.params[k] for k in ("CallSid", "AccountSid", "From", "To")} == {
            "CallSid": sid,
            "AccountSid": SID,
            "From": CALLER,
            "To": PATIENT,
        }
        assert post.params["Direction"] == "outbound-api"
        assert post.params["CallbackSource"] == "call-progress-events"
    assert posts[-1].params["CallDuration"] == twilio.calls(sid).fetch().duration
    assert "AnsweredBy" not in posts[-1].params, "no answering machine detection was asked for"


def test_only_the_final_status_when_no_events_are_named(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app, status_callback=f"{voice_app.url}/status").sid
    finished(twilio, sid)
    [post] = voice_app.wait_for(1, "/status")
    time.sleep(QUIET_PERIOD)  # another status, if one were coming, lands now
    assert [p.params["CallStatus"] for p in voice_app.at("/status")] == ["completed"]
    assert post.params["CallSid"] == sid


def test_the_twiml_request_is_signed_with_the_call_params(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app).sid
    [fetch] = voice_app.wait_for(1, "/voice")
    assert fetch.method == "POST" and voice_app.accepted_by_messaging(fetch, TOKEN)
    assert {k: fetch.params[k] for k in ("CallSid", "CallStatus", "From", "To")} == {
        "CallSid": sid,
        "CallStatus": "in-progress",
        "From": CALLER,
        "To": PATIENT,
    }
    assert fetch.params["AccountSid"] == SID and fetch.params["ApiVersion"] == "2010-04-01"
    finished(twilio, sid)
    assert log_of(fake_url, sid)["heard"][0] | {"answered_by": None} == {
        "kind": "say",
        "text": "Hello",
        "language": "en-GB",
        "voice": None,
        "answered_by": None,
        "in_gather": False,
    }


def test_a_get_request_is_signed_over_its_query(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app, method="GET").sid
    [fetch] = voice_app.wait_for(1, "/voice")
    assert fetch.method == "GET" and fetch.params["CallSid"] == sid
    assert fetch.full_path.startswith("/voice?") and voice_app.accepted_by_messaging(fetch, TOKEN)


def test_a_key_press_goes_to_the_gather_action_and_its_twiml_runs(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = MENU
    voice_app.routes["/menu"] = twiml("<Say>Thank you. We will text you a link.</Say>")
    control("calls/plan", to=PATIENT, outcome="answer", keys=["1"])
    sid = call(twilio, voice_app).sid
    [action] = voice_app.wait_for(1, "/menu")
    assert (action.params["Digits"], action.params["CallSid"]) == ("1", sid)
    assert voice_app.accepted_by_messaging(action, TOKEN)
    finished(twilio, sid)
    log = log_of(fake_url, sid)
    assert log["keys"] == "1"
    assert [(h["kind"], h["text"]) for h in log["heard"]] == [
        ("play", "https://recordings.example/invitation-syl.wav"),  # cut short by the key
        ("say", "Thank you. We will text you a link."),
    ]


def test_no_key_runs_on_after_the_gather(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = MENU
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app).sid
    finished(twilio, sid)
    log = log_of(fake_url, sid)
    assert [h["text"] for h in log["heard"]][1:] == ["১ চাপুন", "We did not hear a key."]
    assert log["heard"][1]["language"] == "bn-IN" and log["heard"][1]["in_gather"]
    assert voice_app.at("/menu") == []


def test_keys_pressed_through_a_control_reach_the_gather(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    voice_app.routes["/voice"] = twiml(
        "<Gather action='/menu' numDigits='2' timeout='10'><Say>Two keys</Say></Gather>"
    )
    control("calls/plan", outcome="ring")
    sid = call(twilio, voice_app).sid
    eventually(lambda: twilio.calls(sid).fetch().status == "ringing", 5, "ringing")
    control(f"calls/{sid}/answer")
    voice_app.wait_for(1, "/voice")
    control(f"calls/{sid}/keys", digits="4")
    control(f"calls/{sid}/keys", digits="2")
    [action] = voice_app.wait_for(1, "/menu")
    assert action.params["Digits"] == "42"
    finished(twilio, sid)


def test_speech_reaches_the_gather_action(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    voice_app.routes["/voice"] = twiml("<Gather input='speech dtmf' action='/said'/>")
    control("calls/plan", outcome="answer", speech=["yes please"])
    call(twilio, voice_app)
    [action] = voice_app.wait_for(1, "/said")
    assert action.params["SpeechResult"] == "yes please" and "Confidence" in action.params


def test_voicemail_is_detected_and_the_message_recorded(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = MENU
    control("calls/plan", outcome="voicemail", keys=["1"])  # a machine presses nothing
    sid = call(
        twilio,
        voice_app,
        machine_detection="DetectMessageEnd",
        status_callback=f"{voice_app.url}/status",
    ).sid
    [fetch] = voice_app.wait_for(1, "/voice")
    assert fetch.params["AnsweredBy"] == "machine_end_beep"
    [status] = voice_app.wait_for(1, "/status")
    assert (status.params["CallStatus"], status.params["AnsweredBy"]) == (
        "completed",
        "machine_end_beep",
    )
    assert twilio.calls(sid).fetch().answered_by == "machine_end_beep"
    log = log_of(fake_url, sid)
    assert log["picked_up_by"] == "machine" and log["keys"] == ""
    assert {h["answered_by"] for h in log["heard"]} == {"machine"}
    assert log["heard"][0]["text"] == "https://recordings.example/invitation-syl.wav"
    assert voice_app.at("/menu") == []


def test_async_detection_reports_the_machine_while_the_call_runs(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = twiml("<Pause length='300'/>")
    control("calls/plan", outcome="voicemail")
    sid = call(
        twilio,
        voice_app,
        machine_detection="DetectMessageEnd",
        async_amd="true",
        async_amd_status_callback=f"{voice_app.url}/amd",
    ).sid
    [fetch] = voice_app.wait_for(1, "/voice")
    assert "AnsweredBy" not in fetch.params, "async: the TwiML does not wait for detection"
    [amd] = voice_app.wait_for(1, "/amd")
    assert amd.params["AnsweredBy"] == "machine_end_beep" and amd.params["CallSid"] == sid
    assert voice_app.accepted_by_messaging(amd, TOKEN)
    twilio.calls(sid).update(twiml=twiml("<Say>Please call the practice.</Say>"))
    finished(twilio, sid)
    heard = log_of(fake_url, sid)["heard"]
    assert [(h["kind"], h["text"], h["answered_by"]) for h in heard] == [
        ("pause", "300", "machine"),
        ("say", "Please call the practice.", "machine"),
    ]


def test_a_person_is_reported_as_human_when_detection_is_on(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/plan", outcome="answer")
    call(twilio, voice_app, machine_detection="Enable")
    [fetch] = voice_app.wait_for(1, "/voice")
    assert fetch.params["AnsweredBy"] == "human"


def test_unanswered_calls_end_with_their_status_and_no_twiml(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    for number, outcome in enumerate(("no-answer", "busy", "failed")):
        to = f"+44740000000{number}"
        control("calls/plan", to=to, outcome=outcome)
        sid = call(twilio, voice_app, to=to, status_callback=f"{voice_app.url}/status").sid
        ended = finished(twilio, sid, outcome)
        assert ended.duration is None and ended.answered_by is None
    posts = voice_app.wait_for(3, "/status")
    assert [p.params["CallStatus"] for p in posts] == ["no-answer", "busy", "failed"]
    assert all("CallDuration" not in p.params for p in posts)
    assert voice_app.at("/voice") == []


def test_the_patient_hangs_up_after_the_first_gather(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = MENU
    voice_app.routes["/menu"] = twiml("<Say>Never heard</Say>")
    control("calls/plan", outcome="answer", keys=["4"], hangup_after=1)
    sid = call(twilio, voice_app).sid
    finished(twilio, sid)
    assert voice_app.at("/menu")[0].params["Digits"] == "4"
    assert "Never heard" not in [h["text"] for h in log_of(fake_url, sid)["heard"]]


def test_a_failing_url_falls_back_and_errors_are_logged(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.failing["/voice"] = 500
    voice_app.routes["/fallback"] = twiml("<Say>Sorry</Say>", "<Record/>")
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app, fallback_url=f"{voice_app.url}/fallback").sid
    [fallback] = voice_app.wait_for(1, "/fallback")
    assert fallback.params["ErrorCode"] == "11200" and voice_app.accepted_by_messaging(
        fallback, TOKEN
    )
    finished(twilio, sid)
    log = log_of(fake_url, sid)
    assert [h["text"] for h in log["heard"]] == ["Sorry"]
    assert log["notices"] == ["<Record> is not run by the fake"]
    assert [r["purpose"] for r in log["requests"]] == ["twiml", "fallback"]


def test_a_broken_document_is_an_application_error(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = "<html>not TwiML</html>"
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app).sid
    finished(twilio, sid)
    log = log_of(fake_url, sid)
    assert log["notices"][0].startswith("12100 Document parse failure")
    assert log["heard"][-1]["text"] == "An application error has occurred. Goodbye."


def test_redirects_and_recordings_follow_relative_urls(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = twiml("<Redirect method='GET'>second</Redirect>")
    voice_app.routes["/second"] = twiml(
        "<Pause length='1'/><Play>clips/hello.wav</Play><Say>Second</Say><Hangup/>"
    )
    control("calls/plan", outcome="answer")
    sid = call(twilio, voice_app).sid
    finished(twilio, sid)
    assert voice_app.at("/second")[0].method == "GET"
    assert [h["text"] for h in log_of(fake_url, sid)["heard"]] == [
        "1",
        f"{voice_app.url}/clips/hello.wav",  # relative to the document, as Twilio reads it
        "Second",
    ]


def test_planned_keys_go_to_each_gather_in_turn(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    voice_app.routes["/voice"] = twiml(
        "<Gather action='/first' numDigits='1'><Say>First</Say></Gather>",
        "<Gather action='/second' numDigits='1'><Say>Again</Say></Gather>",
    )
    control("calls/plan", outcome="answer", keys=["", "2"])  # nothing at the first
    sid = call(twilio, voice_app).sid
    finished(twilio, sid)
    assert voice_app.at("/first") == []
    assert [h.params["Digits"] for h in voice_app.at("/second")] == ["2"]
    assert log_of(fake_url, sid)["keys"] == "2"


def test_a_scripted_call_cannot_be_answered_by_hand(
    twilio: Client, voice_app: TwimlApp, control: Any, fake_url: str
) -> None:
    control("calls/plan", outcome="no-answer")
    sid = call(twilio, voice_app).sid
    response = requests.post(f"{fake_url}/_fake/calls/{sid}/answer", json={}, timeout=5)
    assert response.status_code == 400
    finished(twilio, sid, "no-answer")


def test_status_callbacks_by_get_are_signed_over_their_query(
    twilio: Client, voice_app: TwimlApp, control: Any
) -> None:
    control("calls/plan", outcome="busy")
    sid = call(
        twilio,
        voice_app,
        status_callback=f"{voice_app.url}/status?call=7",
        status_callback_method="GET",
    ).sid
    [status] = voice_app.wait_for(1, "/status")
    assert status.method == "GET" and status.full_path.startswith("/status?call=7&")
    assert (status.params["CallSid"], status.params["CallStatus"]) == (sid, "busy")
    assert voice_app.accepted_by_messaging(status, TOKEN)
