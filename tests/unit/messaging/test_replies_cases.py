"""Every reply in the multilingual test set gets its expected intent."""

from __future__ import annotations

from collections import Counter

import pytest

from services.messaging.domain.replies import INTENTS, START, UNKNOWN, YES, classify
from services.messaging.replies import parse
from tests.unit.messaging.replies_cases import Case, load_cases

CASES = load_cases()
TEMPLATE_LANGUAGES = ("en", "ur", "pa", "pa-Arab", "bn", "syl", "pl", "ro", "ar", "so", "zh", "gu")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_reply_in_the_set_gets_its_intent(case: Case) -> None:
    language, convention, text = parse(case.command_input.encode())
    assert classify(text, language, convention) == case.expected


def test_the_set_has_only_known_intents_and_no_duplicates() -> None:
    assert {case.expected for case in CASES} <= {*INTENTS, START}
    repeated = [text for text, n in Counter(c.command_input for c in CASES).items() if n > 1]
    assert repeated == []


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
def test_the_set_covers_each_template_language_with_answers_and_hard_negatives(
    language: str,
) -> None:
    mine = [case for case in CASES if case.command_input.split("\t")[0] == language]
    intents = Counter(case.expected for case in mine)
    assert intents[YES] >= 3 and intents["no"] >= 3 and intents["stop"] >= 1
    assert intents[UNKNOWN] >= 2 if language == "syl" else intents[UNKNOWN] >= 5
