"""The provider's circuit breaker: pure state arithmetic, shared through the database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.messaging.domain.breaker import BreakerPolicy, BreakerState, admit, record

POLICY = BreakerPolicy(threshold=3, cooldown=2.0, max_cooldown=10.0, probe_lease=5.0)


def fail(state: BreakerState, times: int, now: float = 100.0) -> BreakerState:
    for _ in range(times):
        state = record(state, outage=True, now=now, policy=POLICY)
    return state


def test_it_opens_after_the_threshold_of_outages_in_a_row() -> None:
    state = fail(BreakerState(), 2)
    assert admit(state, 100.0, POLICY)[0] == "call"
    state = fail(state, 1)
    assert state.state == "open"
    assert admit(state, 101.9, POLICY)[0] == "wait"


def test_a_success_in_between_starts_the_count_again() -> None:
    state = fail(BreakerState(), 2)
    state = record(state, outage=False, now=100.0, policy=POLICY)
    state = fail(state, 2)
    assert state.state == "closed"


def test_after_the_cooldown_one_caller_probes_and_the_others_wait() -> None:
    state = fail(BreakerState(), 3)
    decision, state = admit(state, 102.0, POLICY)
    assert decision == "probe"
    assert admit(state, 102.1, POLICY)[0] == "wait"
    # A prober that vanished: another may probe once its lease has run out.
    assert admit(state, 107.1, POLICY)[0] == "probe"


def test_a_failed_probe_doubles_the_cooldown_up_to_the_cap() -> None:
    state = fail(BreakerState(), 3)
    cooldowns = []
    now = 100.0
    for _ in range(5):
        now = state.until
        _, state = admit(state, now, POLICY)
        state = record(state, outage=True, now=now, policy=POLICY)
        cooldowns.append(state.cooldown)
    assert cooldowns == [4.0, 8.0, 10.0, 10.0, 10.0]
    assert admit(state, now + 9.9, POLICY)[0] == "wait"


def test_a_successful_probe_closes_it_and_resets_the_cooldown() -> None:
    state = fail(BreakerState(), 3)
    _, state = admit(state, 102.0, POLICY)
    state = record(state, outage=False, now=102.5, policy=POLICY)
    assert state == BreakerState()
    assert admit(state, 102.5, POLICY)[0] == "call"


@given(st.lists(st.booleans(), max_size=200))
def test_while_open_nobody_calls_before_the_cooldown_ends(outcomes: list[bool]) -> None:
    state, now = BreakerState(), 0.0
    for outage in outcomes:
        decision, state = admit(state, now, POLICY)
        if decision == "wait":
            assert state.state != "closed" and now < state.until
        else:
            state = record(state, outage, now, POLICY)
            if state.state == "open":  # just opened: a cool-down within the bounds
                assert POLICY.cooldown <= state.until - now <= POLICY.max_cooldown
        now += 0.5
