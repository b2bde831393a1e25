"""The token bucket's arithmetic, shared by every sending process through the database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.messaging.domain.rate import claim_size, refill, take, wait_for_one


def test_a_bucket_refills_at_the_rate_up_to_its_burst() -> None:
    assert refill(0.0, last=100.0, now=100.05, rate=100, burst=10) == pytest.approx(5.0)
    assert refill(0.0, last=100.0, now=200.0, rate=100, burst=10) == 10.0


def test_a_clock_that_went_backwards_adds_nothing() -> None:
    assert refill(2.0, last=100.0, now=99.0, rate=100, burst=10) == 2.0


def test_only_whole_tokens_are_granted_and_never_more_than_asked() -> None:
    assert take(3.7, wanted=10) == (3, 3.7 - 3)
    assert take(9.0, wanted=2) == (2, 7.0)
    assert take(0.5, wanted=1) == (0, 0.5)


def test_the_wait_for_one_token_follows_the_rate() -> None:
    assert wait_for_one(0.5, rate=100) == 0.005


@given(
    steps=st.lists(st.tuples(st.floats(0, 0.5), st.integers(0, 50)), min_size=1, max_size=200),
    rate=st.floats(1, 1000),
)
def test_over_any_run_no_more_is_granted_than_the_burst_plus_rate_times_time(
    steps: list[tuple[float, int]], rate: float
) -> None:
    burst = max(1.0, rate / 10)
    tokens, clock, granted_total = burst, 0.0, 0
    for elapsed, wanted in steps:
        tokens = refill(tokens, clock, clock + elapsed, rate, burst)
        clock += elapsed
        granted, tokens = take(tokens, wanted)
        granted_total += granted
    assert granted_total <= burst + rate * clock + 1e-6


@pytest.mark.parametrize(
    ("batch", "rate", "claimed"),
    [
        (200, 0.0, 200),  # no limit: the whole batch
        (200, 100.0, 50),  # half a second at 100 a second
        (200, 1000.0, 200),  # never more than the batch
        (200, 1.0, 1),  # a slow limit still claims one
        (200, 0.5, 1),
    ],
)
def test_a_sender_claims_at_most_half_a_seconds_worth_under_a_limit(
    batch: int, rate: float, claimed: int
) -> None:
    assert claim_size(batch, rate) == claimed
