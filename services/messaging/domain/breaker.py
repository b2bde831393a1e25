"""A circuit breaker for the SMS provider: after `threshold` calls in a row fail as an outage
would (5xx, timeout, no connection) nobody calls for a cool-down; then one call probes.
A failed probe doubles the cool-down, up to a cap; a success closes the breaker. Pure
arithmetic on a state; the state itself lives in the database, shared by every sender."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

State = Literal["closed", "open", "half_open"]
Decision = Literal["call", "probe", "wait"]


@dataclass(frozen=True)
class BreakerPolicy:
    threshold: int  # failures in a row that open the breaker
    cooldown: float  # seconds before the first probe
    max_cooldown: float  # the cool-down doubles per failed probe, up to this
    probe_lease: float  # how long one sender holds the probe before another may try


@dataclass(frozen=True)
class BreakerState:
    state: State = "closed"
    failures: int = 0  # in a row
    cooldown: float = 0.0  # the current open period
    until: float = 0.0  # open: no call before this; half_open: the probe's lease ends


def admit(state: BreakerState, now: float, policy: BreakerPolicy) -> tuple[Decision, BreakerState]:
    """Whether a sender may call now: freely, as the one probe, or not yet."""
    if state.state == "closed":
        return "call", state
    if now < state.until:
        return "wait", state
    return "probe", replace(state, state="half_open", until=now + policy.probe_lease)


def record(state: BreakerState, outage: bool, now: float, policy: BreakerPolicy) -> BreakerState:
    """One call's result: `outage` when it failed as a provider that is down would."""
    if not outage:
        return BreakerState()
    failures = state.failures + 1
    if state.state == "half_open":
        cooldown = min(policy.max_cooldown, max(policy.cooldown, state.cooldown * 2))
        return BreakerState("open", failures, cooldown, now + cooldown)
    if state.state == "closed" and failures >= policy.threshold:
        return BreakerState("open", failures, policy.cooldown, now + policy.cooldown)
    return replace(state, failures=failures)


def wait_left(state: BreakerState, now: float) -> float:
    return max(0.0, state.until - now)
