"""One contract for every SMS provider: the same cases against the in-memory fake and
against TwilioProvider on the real twilio SDK talking to the fake Twilio server, so the
fake cannot drift from the Twilio error mapping (issue 19, item 7). Also the per-call
timing and outcome counters the sender serves at /metrics."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from services.fake_twilio import create_app
from services.fake_twilio.settings import FakeTwilioSettings
from services.messaging.adapters.provider import Accepted, ProviderError, SendRequest, SmsProvider
from services.messaging.adapters.provider_metrics import InstrumentedProvider, ProviderMetrics
from services.messaging.adapters.twilio_client import make_twilio_client
from services.messaging.adapters.twilio_provider import TwilioProvider
from tests.integration.test_fake_twilio import serving
from tests.support.fake_provider import FakeProvider
from tests.support.processes import free_port
from tests.support.settings import TWILIO_SID, TWILIO_TOKEN
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration
SENDER = "+447700900000"
TO = "+447700900123"
READ_TIMEOUT = 0.5


@dataclass
class Harness:
    """A provider, and how to make it misbehave the way a test needs."""

    name: str
    provider: SmsProvider
    error: Callable[[int, int], None]  # the next send fails with (HTTP status, Twilio code)
    stall: Callable[[float], None]  # calls take this long (seconds; 0 ends it)
    unreachable: Callable[[], SmsProvider]  # the same provider with nothing listening


def _fake_harness() -> Harness:
    fake = FakeProvider()
    meaning = {21610: "suppress", 20429: "retry", 20500: "retry", 20503: "retry"}

    def error(status: int, code: int) -> None:
        fake.fail_next.append((meaning.get(code, "fail"), str(code)))  # type: ignore[arg-type]

    def stall(seconds: float) -> None:
        if seconds:
            fake.fail_next.append(("unknown", "timeout"))

    return Harness("fake", fake, error, stall, lambda: FakeProvider(unreachable=True))


def _twilio_provider(url: str) -> TwilioProvider:
    client = make_twilio_client(
        TWILIO_SID, TWILIO_TOKEN, url, connect_timeout=0.5, read_timeout=READ_TIMEOUT
    )
    return TwilioProvider(client, from_number=SENDER)


@pytest.fixture(params=["fake", "twilio"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "fake":
        yield _fake_harness()
        return
    settings = FakeTwilioSettings(
        port=0,
        account_sid=TWILIO_SID,
        auth_token=TWILIO_TOKEN,
        phone_number=SENDER,
        inbound_url=f"http://127.0.0.1:{free_port()}/webhooks/twilio/inbound",
        status_delay=3600,
    )
    app = create_app(settings)
    with serving(app) as url:

        def control(path: str, **body: Any) -> None:
            requests.post(f"{url}/_fake/{path}", json=body, timeout=5).raise_for_status()

        yield Harness(
            "twilio",
            _twilio_provider(url),
            lambda status, code: control("errors", status=status, code=code),
            lambda seconds: control("latency", ms=seconds * 1000),
            lambda: _twilio_provider(f"http://127.0.0.1:{free_port()}"),
        )
    app.extensions["fake_twilio"].webhooks.close()


def request(body: str = "Your practice invites you to a study.") -> SendRequest:
    return SendRequest(TO, body, "http://127.0.0.1:9/webhooks/twilio/status/x", 3600, "m-1")


def refused(harness: Harness, status: int, code: int) -> ProviderError:
    harness.error(status, code)
    with pytest.raises(ProviderError) as caught:
        harness.provider.send(request())
    return caught.value


def test_an_accepted_text_has_a_sid_and_is_found_again(harness: Harness) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    accepted = harness.provider.send(request())
    assert isinstance(accepted, Accepted) and accepted.sid.startswith("SM")
    assert harness.provider.find_sent(TO, request().body, since) == accepted.sid
    assert harness.provider.find_sent(TO, "another text", since) is None


def test_21610_suppresses_the_number(harness: Harness) -> None:
    error = refused(harness, 400, 21610)
    assert (error.outcome, error.code, error.outage) == ("suppress", "21610", False)


def test_429_backs_off_and_retries_without_opening_the_breaker(harness: Harness) -> None:
    error = refused(harness, 429, 20429)
    assert (error.outcome, error.code, error.outage) == ("retry", "20429", False)


@pytest.mark.parametrize(("status", "code"), [(500, 20500), (503, 20503)])
def test_5xx_backs_off_and_retries_and_counts_as_an_outage(
    harness: Harness, status: int, code: int
) -> None:
    error = refused(harness, status, code)
    assert (error.outcome, error.code, error.outage) == ("retry", str(code), True)


def test_a_permanent_error_fails_with_its_reason(harness: Harness) -> None:
    error = refused(harness, 400, 21211)
    assert (error.outcome, error.code, error.outage) == ("fail", "21211", False)
    assert error.reason


def test_a_call_that_times_out_has_an_unknown_outcome_and_the_text_may_yet_arrive(
    harness: Harness,
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    harness.stall(READ_TIMEOUT * 3)
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        harness.provider.send(request())
    assert time.monotonic() - started < READ_TIMEOUT * 3, "the call gave up at its timeout"
    harness.stall(0)
    error = caught.value
    assert (error.outcome, error.code, error.outage) == ("unknown", "timeout", True)
    # Reconciliation, a while later, finds what the provider did with it.
    eventually(lambda: harness.provider.find_sent(TO, request().body, since), 5, "the stalled text")


def test_no_connection_sends_nothing_so_it_retries_and_counts_as_an_outage(
    harness: Harness,
) -> None:
    provider = harness.unreachable()
    with pytest.raises(ProviderError) as caught:
        provider.send(request())
    error = caught.value
    assert (error.outcome, error.code, error.outage) == ("retry", "connect", True)
    with pytest.raises(ProviderError) as lookup:  # an unknown outcome: never resend blind
        provider.find_sent(TO, "any", datetime.now(UTC))
    assert lookup.value.outcome == "unknown"


def test_each_call_is_timed_and_counted_by_provider_and_outcome(harness: Harness) -> None:
    metrics = ProviderMetrics()
    provider = InstrumentedProvider(harness.provider, harness.name, metrics, slow_after=10)
    provider.send(request())
    harness.error(400, 21610)
    with pytest.raises(ProviderError):
        provider.send(request())

    def value(name: str, outcome: str) -> float | None:
        labels = {"provider": harness.name, "outcome": outcome}
        return metrics.registry.get_sample_value(name, labels)

    assert value("sms_provider_calls_total", "accepted") == 1
    assert value("sms_provider_calls_total", "suppress") == 1
    assert value("sms_provider_call_duration_seconds_count", "accepted") == 1
    assert (value("sms_provider_call_duration_seconds_sum", "accepted") or 0) > 0
