"""Who may ask a stopped number to reply START, and masking consent link tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.consent.domain.links import LinkSigner
from services.messaging.domain.callbacks import asks_for_a_call
from services.messaging.domain.opt_in import OptInRequest, may_ask_again, staff_may_ask
from shared.link_tokens import MASK, holds_token, mask_tokens

A, B = "M85001", "M85002"


def test_staff_may_ask_for_their_own_patient_whose_own_stop_it_was() -> None:
    assert staff_may_ask(A, stopped_by_practice=A, practices_with_number={A})


def test_a_stop_made_by_another_practices_patient_is_never_theirs_to_ask_about() -> None:
    # The decoy: practice A registered practice B's patient's mobile.
    assert not staff_may_ask(A, stopped_by_practice=B, practices_with_number={A, B})
    # Even once B's patient is gone from messaging, the STOP stays B's.
    assert not staff_may_ask(A, stopped_by_practice=B, practices_with_number={A})


def test_a_number_shared_with_another_practices_patient_cannot_be_asked_about() -> None:
    assert not staff_may_ask(A, stopped_by_practice=None, practices_with_number={A, B})
    assert not staff_may_ask(A, stopped_by_practice=A, practices_with_number={A, B})


def test_a_stop_nobody_could_attribute_may_be_asked_about_by_the_only_practice() -> None:
    assert staff_may_ask(A, stopped_by_practice=None, practices_with_number={A})


def a_request(days_ago: float, confirmed: bool = False) -> OptInRequest:
    at = datetime.now(UTC) - timedelta(days=days_ago)
    return OptInRequest(
        "+447400000001",
        uuid.uuid4(),
        A,
        "staff",
        requested_at=at,
        confirmed_at=at if confirmed else None,
    )


def test_the_number_is_texted_to_confirm_at_most_once_a_week() -> None:
    assert may_ask_again([])
    assert not may_ask_again([a_request(days_ago=1)])
    assert may_ask_again([a_request(days_ago=8)])
    assert may_ask_again([a_request(days_ago=1, confirmed=True)])


def test_a_consent_link_token_is_masked_and_the_rest_of_the_text_kept() -> None:
    token = LinkSigner("k" * 32).token(uuid.uuid4())
    body = f"Read about the study AF and decide: https://consent.example/c/{token} Thanks."
    masked = mask_tokens(body)
    assert token not in masked
    assert masked == f"Read about the study AF and decide: https://consent.example/c/{MASK} Thanks."
    assert holds_token(body) and not holds_token(masked)


@pytest.mark.parametrize(
    "body",
    [
        "Your GP practice is writing to invite you: https://www.nhs.uk/conditions/atrial-fibrillation/",
        "Reply YES or NO. Version 1.2.3",
        "Read more: https://example.org/sheet?lang=ur",
        "More: https://example.org/information-for-patients.participant-sheet-version2",
    ],
)
def test_texts_without_a_token_are_left_alone(body: str) -> None:
    assert mask_tokens(body) == body


FULL_WIDTH_CALL = "\uff23\uff41\uff4c\uff4c"


@pytest.mark.parametrize(
    "text", ["CALL", "call", "Call me", "please call me", " CALL. ", FULL_WIDTH_CALL]
)
def test_call_asks_for_a_call_back(text: str) -> None:
    assert asks_for_a_call(text)


@pytest.mark.parametrize("text", ["please call me about my heart condition", "yes", "recall"])
def test_other_texts_do_not_flag_a_call_back_by_themselves(text: str) -> None:
    assert not asks_for_a_call(text)


@pytest.mark.parametrize("seed", range(20))
def test_every_token_consent_makes_is_masked(seed: int) -> None:
    token = LinkSigner(f"key {seed}").token(uuid.UUID(int=seed * 7919))
    assert mask_tokens(f"https://c.example/c/{token}") == f"https://c.example/c/{MASK}"
