"""Study numbers: the trial's code and a zero-padded sequence per trial."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.study_numbers import looks_like_one, study_number, trial_code

TRIAL = uuid.UUID("6f1d7c1e-8d1e-4c39-9a43-3c1d6d1f7a10")


def test_a_study_number_is_the_trial_code_and_a_six_digit_sequence() -> None:
    assert study_number(trial_code("Demo-AF", TRIAL), 123) == "DEMO-AF-000123"


def test_past_a_million_the_sequence_grows_rather_than_wraps() -> None:
    assert study_number("DEMO", 1_234_567) == "DEMO-1234567"


def test_the_code_keeps_capitals_and_digits_only() -> None:
    assert trial_code("af screen (v2)", TRIAL) == "AF-SCREEN-V2"
    assert trial_code("a" * 40, TRIAL) == "A" * 20


def test_a_trial_without_a_usable_name_is_coded_from_its_id() -> None:
    assert trial_code(None, TRIAL) == "T6F1D7C1E"
    assert trial_code("—", TRIAL) == "T6F1D7C1E"


def test_sequences_count_from_one() -> None:
    with pytest.raises(ValueError):
        study_number("DEMO", 0)


@given(st.text(max_size=60), st.integers(min_value=1, max_value=10**9))
def test_every_study_number_made_looks_like_one(name: str, sequence: int) -> None:
    number = study_number(trial_code(name, TRIAL), sequence)

    assert looks_like_one(number)
    assert str(TRIAL) not in number


def test_a_participant_id_does_not_look_like_a_study_number() -> None:
    assert not looks_like_one(str(uuid.uuid4()))
    assert not looks_like_one("DEMO-12")
