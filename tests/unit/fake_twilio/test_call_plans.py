"""How the next calls go: plans per number before plans for any number, used up by count."""

from __future__ import annotations

from services.fake_twilio.voice_store import CallBehaviour, CallStore

RING = CallBehaviour("ring")
BUSY, ANSWER, VOICEMAIL = CallBehaviour("busy"), CallBehaviour("answer"), CallBehaviour("voicemail")


def test_a_number_s_own_plan_comes_before_the_plan_for_everyone() -> None:
    store = CallStore()
    store.plan(None, ANSWER, None)
    store.plan("+447400000001", BUSY, 1)
    assert store.behaviour_for("+447400000001", RING) == BUSY
    assert store.behaviour_for("+447400000001", RING) == ANSWER  # its own plan was used up
    assert store.behaviour_for("+447400000002", RING) == ANSWER


def test_counted_plans_run_in_turn_then_the_default_returns() -> None:
    store = CallStore()
    store.plan("+447400000001", BUSY, 2)
    store.plan("+447400000001", VOICEMAIL, 1)
    taken = [store.behaviour_for("+447400000001", RING) for _ in range(4)]
    assert taken == [BUSY, BUSY, VOICEMAIL, RING]


def test_a_reset_forgets_plans() -> None:
    store = CallStore()
    store.plan(None, BUSY, None)
    assert store.reset() == []
    assert store.behaviour_for("+447400000001", RING) == RING
