"""The STOP list and loop protection on new texts: one at a time or a chunk at once."""

from __future__ import annotations

import uuid
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from services.messaging.domain.model import PRIORITY_BULK, Message
from services.messaging.domain.screening import (
    LOOP_LIMIT,
    NOT_COUNTED,
    STOPPED,
    TextKey,
    screen,
    text_key,
)

SUPPRESSED, LOOPED, GOOD = "+447400000001", "+447400000002", "+447400000003"
INVITATION = "Your GP practice invites you to a heart study. Reply YES or NO."


def a_text(to: str, body: str = INVITATION, status: str = "held") -> Message:
    return Message(uuid.uuid4(), to, body, "invitation", PRIORITY_BULK, status=status)


def test_a_chunk_stops_the_suppressed_and_the_looped_and_keeps_the_rest() -> None:
    chunk = [a_text(GOOD), a_text(SUPPRESSED), a_text(LOOPED), a_text(GOOD, "Other text")]

    stopped = screen(chunk, {SUPPRESSED}, {(LOOPED, INVITATION): LOOP_LIMIT})

    assert [(m.status, m.error) for m in chunk] == [
        ("held", None),
        ("suppressed", STOPPED),
        ("failed", f"loop protection: the same text went to this number {LOOP_LIMIT} times"),
        ("held", None),
    ]
    assert stopped == [chunk[1], chunk[2]]


def test_texts_earlier_in_the_chunk_count_towards_a_loop() -> None:
    # Five people sharing one phone, invited in one chunk: the limit holds among them.
    chunk = [a_text(GOOD) for _ in range(LOOP_LIMIT + 2)]
    stopped = screen(chunk, (), {(GOOD, INVITATION): 0})
    assert [m.status for m in chunk] == ["held"] * LOOP_LIMIT + ["failed"] * 2
    assert stopped == chunk[LOOP_LIMIT:]
    assert {m.error for m in stopped} == {
        f"loop protection: the same text went to this number {LOOP_LIMIT} times"
    }


def test_a_suppressed_number_wins_over_a_loop() -> None:
    [message] = chunk = [a_text(SUPPRESSED)]
    screen(chunk, {SUPPRESSED}, {(SUPPRESSED, INVITATION): LOOP_LIMIT + 5})
    assert (message.status, message.error) == ("suppressed", STOPPED)


def test_a_cancelled_batchs_text_to_a_stopped_number_stays_cancelled_but_owes_its_event() -> None:
    message = a_text(SUPPRESSED, status="cancelled")
    assert screen([message], {SUPPRESSED}, {}) == [message]
    assert message.status == "cancelled"


def test_texts_that_never_go_do_not_count_towards_a_loop() -> None:
    chunk = [a_text(GOOD, status="cancelled") for _ in range(LOOP_LIMIT)] + [a_text(GOOD)]
    assert screen(chunk, (), {}) == []
    assert chunk[-1].status == "held"


NUMBERS = st.sampled_from([SUPPRESSED, LOOPED, GOOD])
BODIES = st.sampled_from(["a", "b"])
TEXTS = st.lists(
    st.tuples(NUMBERS, BODIES, st.sampled_from(["held", "queued", "cancelled"])), max_size=12
)
EARLIER = st.dictionaries(st.tuples(NUMBERS, BODIES), st.integers(0, LOOP_LIMIT + 1))


@given(TEXTS, st.sets(NUMBERS), EARLIER)
def test_a_chunk_ends_as_the_same_texts_stored_one_by_one(
    texts: list[tuple[str, str, str]], suppressed: set[str], earlier: dict[TextKey, int]
) -> None:
    together = [a_text(to, body, status) for to, body, status in texts]
    one_by_one = [a_text(to, body, status) for to, body, status in texts]

    stopped_together = screen(together, suppressed, earlier)

    stored: Counter[TextKey] = Counter(earlier)  # what the database would count
    stopped_alone = []
    for message in one_by_one:
        stopped_alone += screen(
            [message], suppressed, {text_key(message): stored[text_key(message)]}
        )
        if message.status not in NOT_COUNTED:
            stored[text_key(message)] += 1

    assert [(m.status, m.error) for m in together] == [(m.status, m.error) for m in one_by_one]
    assert [one_by_one.index(m) for m in stopped_alone] == [
        together.index(m) for m in stopped_together
    ]
