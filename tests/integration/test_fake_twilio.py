"""The fake Twilio server, spoken to by the real twilio SDK and calling back a real receiver."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.fake_twilio import create_app
from services.fake_twilio.settings import FakeTwilioSettings
from services.messaging.adapters import twilio_history
from services.messaging.adapters.twilio_client import make_twilio_client
from services.messaging.service_layer.reconciliation import ProviderStatus
from tests.support.waiting import QUIET_PERIOD, eventually

SID = "AC" + "1234abcd" * 4
TOKEN = "test-auth-token"
SENDER = "+447700900123"
PATIENT = "+447400123456"
# Urdu ends a sentence with its own full stop (U+06D4), which ruff takes for a look-alike.
URDU = "آپ کو ایک تحقیق میں شرکت کی دعوت دی جاتی ہے۔ مزید جاننے کے لیے جواب دیں: ہاں یا نہیں"  # noqa: RUF001


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free port in a thread, as the fake runs for real."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for it, twice per test.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@dataclass
class Received:
    url: str
    form: dict[str, str]
    signature: str


@dataclass
class Receiver:
    """Stands in for TrialReach's webhooks: records every POST and answers `status`."""

    url: str = ""
    status: int = 204
    delay: float = 0.0
    posts: list[Received] = field(default_factory=list)

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        time.sleep(self.delay)
        post = Received(
            request.url, request.form.to_dict(), request.headers.get("X-Twilio-Signature", "")
        )
        self.posts.append(post)
        return Response(status=self.status)(environ, start_response)

    def wait_for(self, count: int, where: str = "", timeout: float = 5) -> list[Received]:
        def matching() -> list[Received]:
            return [p for p in self.posts if where in p.url]

        return eventually(
            lambda: found if len(found := matching()) >= count else None,
            timeout,
            f"{count} webhooks at {where!r}",
            every=0.01,
        )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    with serving(receiver) as url:
        receiver.url = url
        yield receiver


@pytest.fixture
def settings(receiver: Receiver) -> FakeTwilioSettings:
    return FakeTwilioSettings(
        port=0,
        account_sid=SID,
        auth_token=TOKEN,
        phone_number=SENDER,
        inbound_url=f"{receiver.url}/webhooks/twilio/inbound",
        status_delay=0.02,
    )


@pytest.fixture
def fake_app(settings: FakeTwilioSettings) -> Iterator[Flask]:
    app = create_app(settings)
    yield app
    app.extensions["fake_twilio"].webhooks.close()


@pytest.fixture
def fake_url(fake_app: Flask) -> Iterator[str]:
    with serving(fake_app) as url:
        yield url


@pytest.fixture
def twilio(fake_url: str) -> Client:
    return make_twilio_client(SID, TOKEN, fake_url)


@pytest.fixture
def control(fake_url: str) -> Callable[..., Any]:
    def post(path: str, **body: Any) -> Any:
        response = requests.post(f"{fake_url}/_fake/{path}", json=body, timeout=5)
        assert response.ok, response.text
        return response.json()

    return post


def log(fake_url: str, to: str | None = None) -> list[dict[str, Any]]:
    response = requests.get(f"{fake_url}/_fake/messages", params={"to": to}, timeout=5)
    return list(response.json())


def send(twilio: Client, to: str = PATIENT, body: str = "Hello", **extra: Any) -> Any:
    return twilio.messages.create(to=to, from_=SENDER, body=body, **extra)


# The Messages API through the SDK


def test_create_returns_a_twilio_message_resource(twilio: Client) -> None:
    message = send(twilio, body="Reply YES to hear more")
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert (message.account_sid, message.to, message.from_) == (SID, PATIENT, SENDER)
    assert (message.body, message.status, message.direction) == (
        "Reply YES to hear more",
        "queued",
        "outbound-api",
    )
    assert (message.num_segments, message.num_media, message.api_version) == (
        "1",
        "0",
        "2010-04-01",
    )
    assert message.price is None and message.error_code is None and message.date_sent is None
    assert message.date_created is not None and message.date_created.tzinfo is not None
    assert message.uri == f"/2010-04-01/Accounts/{SID}/Messages/{message.sid}.json"
    assert message.subresource_uris["media"].endswith(f"/Messages/{message.sid}/Media.json")


def test_segments_and_encoding_follow_the_body(twilio: Client, fake_url: str) -> None:
    assert send(twilio, body=URDU).num_segments == "2"
    [entry] = log(fake_url, PATIENT)
    assert (entry["body"], entry["segments"], entry["encoding"]) == (URDU, 2, "UCS-2")


def test_a_messaging_service_picks_the_sender_later(twilio: Client) -> None:
    service = "MG" + "0" * 32
    message = twilio.messages.create(to=PATIENT, messaging_service_sid=service, body="Hi")
    assert (message.status, message.from_, message.messaging_service_sid) == (
        "accepted",
        None,
        service,
    )
    sent = eventually(
        lambda: (m := twilio.messages(message.sid).fetch()).from_ and m, 5, "a sender chosen"
    )
    assert sent.from_ == SENDER


def test_fetch_shows_the_message_moving_to_delivered(twilio: Client) -> None:
    sid = send(twilio).sid
    delivered = eventually(
        lambda: (m := twilio.messages(sid).fetch()).status == "delivered" and m, 5, "delivered"
    )
    assert delivered.sid == sid and delivered.date_sent is not None


def test_fetching_an_unknown_message_is_a_404(twilio: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        twilio.messages("SM" + "0" * 32).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)


def test_list_filters_by_recipient_newest_first_across_pages(twilio: Client) -> None:
    sids = [send(twilio, body=f"text {n}").sid for n in range(5)]
    send(twilio, to="+447400999999")
    listed = twilio.messages.list(to=PATIENT, page_size=2)  # the SDK follows next_page_uri
    assert [m.sid for m in listed] == sids[::-1]
    assert [m.sid for m in twilio.messages.list(to=PATIENT, limit=3)] == sids[:1:-1]


def test_list_by_date_sent_finds_only_sent_messages(settings: FakeTwilioSettings) -> None:
    app = create_app(replace(settings, status_delay=0.5))  # slow enough to see it queued
    with serving(app) as url:
        twilio = make_twilio_client(SID, TOKEN, url)
        check_date_sent_filters(twilio)
    app.extensions["fake_twilio"].webhooks.close()


def check_date_sent_filters(twilio: Client) -> None:
    sid = send(twilio).sid
    assert twilio.messages.list(to=PATIENT, date_sent_after=time_ago(60)) == []  # still queued
    sent = eventually(
        lambda: twilio.messages.list(to=PATIENT, date_sent_after=time_ago(60)), 5, "sent"
    )
    assert [m.sid for m in sent] == [sid]
    assert twilio.messages.list(to=PATIENT, date_sent_before=time_ago(60)) == []


def time_ago(seconds: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)


def test_the_page_has_twilios_paging_shape(fake_url: str, twilio: Client) -> None:
    for _ in range(3):
        send(twilio)
    response = requests.get(
        f"{fake_url}/2010-04-01/Accounts/{SID}/Messages.json",
        params={"To": PATIENT, "PageSize": "2"},
        auth=(SID, TOKEN),
        timeout=5,
    )
    page = response.json()
    assert (page["page"], page["page_size"], page["start"], page["end"]) == (0, 2, 0, 1)
    assert len(page["messages"]) == 2 and page["previous_page_uri"] is None
    assert page["next_page_uri"].startswith(f"/2010-04-01/Accounts/{SID}/Messages.json?")
    assert "Page=1" in page["next_page_uri"] and "To=%2B447400123456" in page["next_page_uri"]


def test_wrong_credentials_get_twilios_401(fake_url: str) -> None:
    with pytest.raises(TwilioRestException) as raised:
        send(make_twilio_client(SID, "wrong-token", fake_url))
    assert (raised.value.status, raised.value.code) == (401, 20003)
    response = requests.get(f"{fake_url}/2010-04-01/Accounts/{SID}/Messages.json", timeout=5)
    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"to": ""}, 21604),
        ({"to": "07400 123456"}, 21211),
        ({"body": ""}, 21602),
        ({"from_": None}, 21603),
        ({"from_": "not a number!"}, 21212),
        ({"body": "a" * 1601}, 21617),
        ({"status_callback": "not-a-url"}, 21609),
        ({"validity_period": 36_001}, 21624),
    ],
)
def test_invalid_requests_are_refused_like_twilio(
    twilio: Client, fake_url: str, fields: dict[str, Any], code: int
) -> None:
    request = {"to": PATIENT, "from_": SENDER, "body": "Hello"} | fields
    with pytest.raises(TwilioRestException) as raised:
        twilio.messages.create(**request)
    assert (raised.value.status, raised.value.code) == (400, code)
    assert log(fake_url) == []


# Misbehaving on request


def test_injected_errors_fail_the_next_creates_then_stop(twilio: Client, control: Any) -> None:
    control("errors", status=429, code=20429, count=2)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            send(twilio)
        assert (raised.value.status, raised.value.code) == (429, 20429)
    assert send(twilio).status == "queued"


def test_an_error_for_one_number_leaves_others_alone(twilio: Client, control: Any) -> None:
    control("errors", status=400, code=21610, to=PATIENT)
    assert send(twilio, to="+447400000001").status == "queued"
    with pytest.raises(TwilioRestException) as raised:
        send(twilio)
    assert (raised.value.status, raised.value.code) == (400, 21610)
    assert "unsubscribed" in raised.value.msg


def test_an_outage_answers_503_until_it_ends(twilio: Client, control: Any) -> None:
    started = time.monotonic()
    control("outage", seconds=0.5)
    with pytest.raises(TwilioRestException) as raised:
        send(twilio)
    assert (raised.value.status, raised.value.code) == (503, 20503)

    def sent() -> bool:
        try:
            return bool(send(twilio).status == "queued")
        except TwilioRestException as exc:
            assert (exc.status, exc.code) == (503, 20503), "only the outage's answer"
            return False

    eventually(sent, 5, "the outage to end", every=0.05)
    assert time.monotonic() - started >= 0.5, "503 until the outage ends"


def test_latency_slows_every_api_call(twilio: Client, control: Any) -> None:
    control("latency", ms=200)
    started = time.monotonic()
    send(twilio)
    assert time.monotonic() - started >= 0.2


def test_bad_control_requests_are_refused(fake_url: str) -> None:
    response = requests.post(f"{fake_url}/_fake/delivery", json={"status": "failed"}, timeout=5)
    assert (response.status_code, response.json()) == (400, {"error": "'to' is required"})


def test_reset_forgets_messages_and_misbehaviour(
    twilio: Client, control: Any, fake_url: str
) -> None:
    send(twilio)
    control("errors", status=500, code=20500, count=5)
    control("reset")
    assert log(fake_url) == []
    assert send(twilio).status == "queued"


# Status callbacks


def test_status_callbacks_arrive_in_order_signed(twilio: Client, receiver: Receiver) -> None:
    callback = f"{receiver.url}/webhooks/twilio/status?message=42"
    sid = send(twilio, status_callback=callback).sid
    posts = receiver.wait_for(2, "/status")
    assert [p.form["MessageStatus"] for p in posts] == ["sent", "delivered"]
    validator = RequestValidator(TOKEN)
    for post in posts:
        assert post.url == callback
        assert validator.validate(callback, post.form, post.signature)
        assert post.form == {
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": post.form["MessageStatus"],
            "SmsStatus": post.form["MessageStatus"],
            "AccountSid": SID,
            "From": SENDER,
            "To": PATIENT,
            "ApiVersion": "2010-04-01",
        }
    tampered = posts[1].form | {"MessageStatus": "failed"}
    assert not validator.validate(callback, tampered, posts[1].signature)
    assert not RequestValidator("another-token").validate(
        callback, posts[1].form, posts[1].signature
    )


def test_a_failing_number_reports_undelivered_with_its_error_code(
    twilio: Client, receiver: Receiver, control: Any
) -> None:
    control("delivery", to=PATIENT, status="undelivered", error_code=30003)
    sid = send(twilio, status_callback=f"{receiver.url}/status").sid
    posts = receiver.wait_for(2, "/status")
    assert [(p.form["MessageStatus"], p.form.get("ErrorCode")) for p in posts] == [
        ("sent", None),
        ("undelivered", "30003"),
    ]
    fetched = twilio.messages(sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", 30003)


def test_a_failed_message_is_never_sent(twilio: Client, receiver: Receiver, control: Any) -> None:
    control("delivery", to=PATIENT, status="failed", error_code=30008)
    send(twilio, status_callback=f"{receiver.url}/status")
    posts = receiver.wait_for(1, "/status")
    time.sleep(QUIET_PERIOD)  # a "sent" or "delivered" after it, if there were one, lands now
    assert [(p.form["MessageStatus"], p.form["ErrorCode"]) for p in receiver.posts] == [
        ("failed", "30008")
    ]
    assert posts[0].form["To"] == PATIENT


def test_callbacks_stay_in_order_per_message_under_load(twilio: Client, receiver: Receiver) -> None:
    sids = [
        send(twilio, to=f"+4474001{n:05d}", status_callback=f"{receiver.url}/status").sid
        for n in range(40)
    ]
    posts = receiver.wait_for(80, "/status", timeout=10)
    for sid in sids:
        assert [p.form["MessageStatus"] for p in posts if p.form["MessageSid"] == sid] == [
            "sent",
            "delivered",
        ]


def test_a_slow_receiver_does_not_slow_creates(
    twilio: Client, receiver: Receiver, fake_url: str
) -> None:
    receiver.delay = 0.5
    started = time.monotonic()
    for _ in range(5):
        send(twilio, status_callback=f"{receiver.url}/status")
    assert time.monotonic() - started < 0.5
    receiver.wait_for(10, "/status", timeout=10)
    answered = [{"status": "sent", "http_status": 204}, {"status": "delivered", "http_status": 204}]
    # The fake records each answer just after the receiver has seen the request.
    eventually(
        lambda: [e["callbacks"] for e in log(fake_url, PATIENT)] == [answered] * 5,
        5,
        "every answer logged",
    )


# Patients' replies


def test_a_reply_is_posted_signed_to_the_inbound_url(
    control: Any, receiver: Receiver, settings: FakeTwilioSettings, twilio: Client
) -> None:
    entry = control("inbound", **{"from": PATIENT, "body": "YES"})
    [post] = receiver.wait_for(1, "/inbound")
    assert post.url == settings.inbound_url
    assert RequestValidator(TOKEN).validate(settings.inbound_url, post.form, post.signature)
    assert post.form == {
        "MessageSid": entry["sid"],
        "SmsMessageSid": entry["sid"],
        "SmsSid": entry["sid"],
        "AccountSid": SID,
        "From": PATIENT,
        "To": SENDER,
        "Body": "YES",
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    assert (entry["direction"], entry["webhook_status"]) == ("inbound", 204)
    [listed] = twilio.messages.list(from_=PATIENT)
    assert (listed.sid, listed.direction, listed.body) == (entry["sid"], "inbound", "YES")


def test_the_log_records_what_trialreach_answered(control: Any, receiver: Receiver) -> None:
    receiver.status = 403
    entry = control("inbound", **{"from": PATIENT, "body": "نہیں"})
    assert (entry["webhook_status"], entry["encoding"]) == (403, "UCS-2")


# The phone simulator page


@pytest.fixture
def page(fake_app: Flask) -> Any:
    return fake_app.test_client()


def test_home_redirects_to_the_phone(page: Any) -> None:
    response = page.get("/")
    assert response.status_code == 302 and response.location.endswith("/phone")


def test_the_phone_shows_each_text_with_its_parts(page: Any, twilio: Client) -> None:
    send(twilio, body="Open https://consent.example/c/abc123. Reply STOP to opt out <b>")
    send(twilio, body=URDU)
    html = page.get("/phone").get_data(as_text=True)
    assert f'data-testid="phone-{PATIENT}"' in html
    assert html.count('data-testid="message"') == 2
    assert (
        '<a href="https://consent.example/c/abc123">https://consent.example/c/abc123</a>.' in html
    )
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "1 part · GSM-7" in html and "2 parts · UCS-2" in html
    assert 'dir="auto" data-testid="message"' in html
    for testid in ("thread", "reply-input", "reply-send"):
        assert f'data-testid="{testid}"' in html
    assert '<label for="reply">Reply as this patient</label>' in html


def test_replying_on_the_page_posts_the_webhook_and_shows_it(
    page: Any, twilio: Client, receiver: Receiver
) -> None:
    send(twilio)
    response = page.post("/phone/reply", data={"number": PATIENT, "body": "Yes please"})
    assert response.status_code == 303
    assert response.location.startswith(f"/phone?number=%2B{PATIENT[1:]}")
    [post] = receiver.wait_for(1, "/inbound")
    assert (post.form["From"], post.form["Body"]) == (PATIENT, "Yes please")
    html = page.get(response.location).get_data(as_text=True)
    assert "Yes please" in html and "delivered to TrialReach" in html
    assert 'data-direction="sent"' in html and 'data-direction="received"' in html


def test_the_phone_shows_when_trialreach_cannot_be_reached(settings: FakeTwilioSettings) -> None:
    app = create_app(replace(settings, inbound_url="http://127.0.0.1:9/x"))
    client = app.test_client()
    client.post("/phone/reply", data={"number": PATIENT, "body": "YES"})
    html = client.get("/phone", query_string={"number": PATIENT}).get_data(as_text=True)
    assert "could not reach TrialReach (ConnectionError)" in html
    app.extensions["fake_twilio"].webhooks.close()


# Settings and the client factory


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("HOST", "PORT", "ACCOUNT_SID", "AUTH_TOKEN", "PHONE_NUMBER", "INBOUND_URL")
    for name in (*names, "STATUS_DELAY"):
        monkeypatch.delenv(f"FAKE_TWILIO_{name}", raising=False)
    assert FakeTwilioSettings.from_env() == FakeTwilioSettings()
    monkeypatch.setenv("FAKE_TWILIO_PORT", "9010")
    monkeypatch.setenv("FAKE_TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("FAKE_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("FAKE_TWILIO_PHONE_NUMBER", SENDER)
    monkeypatch.setenv("FAKE_TWILIO_INBOUND_URL", "http://messaging:8000/in")
    monkeypatch.setenv("FAKE_TWILIO_STATUS_DELAY", "0.5")
    assert FakeTwilioSettings.from_env() == FakeTwilioSettings(
        port=9010,
        account_sid=SID,
        auth_token=TOKEN,
        phone_number=SENDER,
        inbound_url="http://messaging:8000/in",
        status_delay=0.5,
    )


def test_the_default_account_sid_looks_like_twilios() -> None:
    sid = FakeTwilioSettings().account_sid
    assert sid.startswith("AC") and len(sid) == 34 and int(sid[2:], 16) >= 0


def test_the_client_talks_to_twilio_unless_given_a_base_url() -> None:
    assert make_twilio_client(SID, TOKEN).api.base_url == "https://api.twilio.com"


def test_an_edge_in_the_environment_does_not_redirect_the_fake(
    monkeypatch: pytest.MonkeyPatch, fake_url: str
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "dublin")
    monkeypatch.setenv("TWILIO_REGION", "ie1")
    assert send(make_twilio_client(SID, TOKEN, fake_url + "/")).status == "queued"


# Fallback URL and reading replies back (decision 16)


def test_a_reply_whose_webhook_fails_goes_to_the_fallback_url_signed_for_it(
    receiver: Receiver, settings: FakeTwilioSettings
) -> None:
    receiver.status = 500
    fallback = f"{receiver.url}/fallback/inbound"
    app = create_app(replace(settings, inbound_fallback_url=fallback))
    with serving(app) as url:
        entry = requests.post(
            f"{url}/_fake/inbound", json={"from": PATIENT, "body": "STOP"}, timeout=10
        ).json()
    app.extensions["fake_twilio"].webhooks.close()
    first, second = receiver.wait_for(2)
    assert first.url == settings.inbound_url and second.url == fallback
    assert RequestValidator(TOKEN).validate(fallback, second.form, second.signature)
    assert (entry["webhook_status"], entry["fallback_webhook_status"]) == (500, 500)


def test_replies_are_listed_back_through_the_sdk_even_when_their_webhook_failed(
    control: Any, receiver: Receiver, twilio: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver.status = 500
    monkeypatch.setattr(twilio_history, "PAGE_SIZE", 2)  # pages, as the SDK follows them
    started = datetime.now(UTC) - timedelta(seconds=1)
    sent = [control("inbound", **{"from": PATIENT, "body": f"YES {n}"}) for n in range(5)]
    assert all(entry["webhook_status"] == 500 for entry in sent)
    text = twilio.messages.create(to=PATIENT, from_=SENDER, body="Thank you")
    history = twilio_history.TwilioHistory(twilio)
    found = list(history.inbound_since(started, SENDER))
    assert sorted(s.provider_sid for s in found) == sorted(e["sid"] for e in sent)
    assert {(s.from_number, s.to_number) for s in found} == {(PATIENT, SENDER)}
    assert sorted(s.body for s in found) == [f"YES {n}" for n in range(5)]
    assert list(history.inbound_since(datetime.now(UTC) + timedelta(minutes=1), SENDER)) == []
    eventually(
        lambda: history.status_of(str(text.sid)) == ProviderStatus("delivered", None),
        5,
        "delivered",
    )
    assert history.status_of("SM" + "0" * 32) is None
