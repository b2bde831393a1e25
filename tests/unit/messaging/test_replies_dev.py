"""The project's development set of replies (tests/unit/messaging/replies_dev/).

Written by the project and unreviewed; NOT the evaluation set in bench/eval/replies.
A reply read as YES that is not one sends a consent link to someone who did not ask:
not one is allowed. The accuracy floors are what the classifier reached on 2026-12-06.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from bench.replies_dev import Result, Row, evaluate, load_dev_set
from services.messaging.domain.replies import INTENTS, NO, START, UNKNOWN, YES

OVERALL_FLOOR = 0.99
LANGUAGE_FLOOR = 0.95
RESULTS = evaluate()


def test_the_set_has_at_least_forty_replies_per_language() -> None:
    per_language: dict[str, int] = defaultdict(int)
    for row in load_dev_set():
        per_language[row.language] += 1
    assert len(per_language) >= 25
    assert min(per_language.values()) >= 40, per_language


def test_every_label_is_an_intent() -> None:
    assert {r.row.expected for r in RESULTS} <= {*INTENTS, START}


def test_no_reply_is_read_as_yes_that_is_not_one() -> None:
    false_yes = [(r.row.language, r.row.text, r.row.expected) for r in RESULTS if r.false_yes]
    assert false_yes == []


def test_overall_accuracy_reaches_the_floor() -> None:
    right = sum(r.right for r in RESULTS)
    assert right / len(RESULTS) >= OVERALL_FLOOR


@pytest.mark.parametrize("language", sorted({r.row.language for r in RESULTS}))
def test_each_language_reaches_the_floor(language: str) -> None:
    mine = [r for r in RESULTS if r.row.language == language]
    wrong = [(r.row.text, r.got, r.row.expected) for r in mine if not r.right]
    assert (len(mine) - len(wrong)) / len(mine) >= LANGUAGE_FLOOR, wrong


def test_a_false_yes_is_counted_as_one() -> None:
    """The hard rule above would see a refusal read as YES, and only that."""
    assert Result(Row("en", "no", NO), YES).false_yes
    assert not Result(Row("en", "no", NO), UNKNOWN).false_yes
    assert not Result(Row("en", "yes", YES), YES).false_yes
    assert not Result(Row("en", "no", NO), UNKNOWN).right
