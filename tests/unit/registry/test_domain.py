"""The registry's domain: age bands, what other services may see, invitation chunks."""

from __future__ import annotations

import math
import uuid
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.registry.domain.model import (
    InvitationBatch,
    Participant,
    age_band,
    age_on,
)
from shared.events.contracts import ParticipantRegistered

TODAY = date(2025, 11, 23)


def a_participant(**overrides: object) -> Participant:
    values: dict[str, object] = {
        "practice_ods": "M85001",
        "nhs_number": "9434765919",
        "given_name": "Imran",
        "family_name": "Hussain",
        "date_of_birth": date(1961, 7, 2),
        "language": "ur",
        "mobile": "+447400123401",
        "textable": True,
        "sex": "male",
        "ethnic_category": "H",
        "imd_decile": 2,
        "imd_edition": 2019,
    }
    values.update(overrides)
    return Participant(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0-17"),
        (17, "0-17"),
        (18, "18-29"),
        (29, "18-29"),
        (30, "30-39"),
        (39, "30-39"),
        (40, "40-49"),
        (49, "40-49"),
        (50, "50-59"),
        (59, "50-59"),
        (60, "60-69"),
        (69, "60-69"),
        (70, "70-79"),
        (79, "70-79"),
        (80, "80+"),
        (120, "80+"),
    ],
)
def test_age_bands_have_no_gaps_at_their_edges(age: int, band: str) -> None:
    assert age_band(age) == band


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=130))
def test_every_age_falls_in_exactly_one_band(age: int) -> None:
    band = age_band(age)
    if band == "80+":
        assert age >= 80
    else:
        low, high = (int(part) for part in band.split("-"))
        assert low <= age <= high


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1961, 7, 2), date(2025, 7, 1), 63),
        (date(1961, 7, 2), date(2025, 7, 2), 64),
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2007, 11, 24), TODAY, 17),
        (date(2007, 11, 23), TODAY, 18),
    ],
)
def test_age_counts_whole_years_from_the_birthday(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_an_eighteenth_birthday_moves_a_participant_to_the_adult_band() -> None:
    assert age_band(age_on(date(2007, 11, 24), TODAY)) == "0-17"
    assert age_band(age_on(date(2007, 11, 23), TODAY)) == "18-29"


def test_the_shared_view_holds_no_nhs_number_name_or_date_of_birth() -> None:
    participant = a_participant()
    view = participant.shared_view("d" * 64, TODAY)

    assert not {"nhs_number", "given_name", "family_name", "date_of_birth"} & set(view)
    rendered = repr(view)
    for secret in ("9434765919", "Imran", "Hussain", "1961"):
        assert secret not in rendered
    assert view["age_band"] == "60-69"
    assert view["dob_hash"] == "d" * 64
    assert view["participant_id"] == participant.id


def test_the_shared_view_is_exactly_the_registered_contract() -> None:
    view = a_participant().shared_view("d" * 64, TODAY)
    contract = ParticipantRegistered()
    assert set(view) == set(contract.fields)
    assert contract.validate(contract.dump(view)) == {}


def test_a_participant_without_a_mobile_cannot_be_invited() -> None:
    assert a_participant().can_be_invited
    assert not a_participant(mobile=None, textable=False).can_be_invited
    assert not a_participant(mobile="+441214960000", textable=False).can_be_invited
    assert not a_participant(opted_out=True).can_be_invited


def a_batch(size: int) -> InvitationBatch:
    return InvitationBatch(
        trial_id=uuid.uuid4(),
        practice_ods="M85001",
        participant_ids=[uuid.uuid4() for _ in range(size)],
        requested_by="staff",
    )


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=1200), st.integers(min_value=1, max_value=600))
def test_chunks_keep_every_participant_once_in_order(size: int, chunk_size: int) -> None:
    batch = a_batch(size)
    chunks = batch.chunks(chunk_size)
    assert [pid for chunk in chunks for pid in chunk] == batch.participant_ids
    assert len(chunks) == math.ceil(size / chunk_size)
    assert all(1 <= len(chunk) <= chunk_size for chunk in chunks)
    assert all(len(chunk) == chunk_size for chunk in chunks[:-1])


def test_chunks_of_an_exact_multiple() -> None:
    assert [len(c) for c in a_batch(1000).chunks(500)] == [500, 500]
    assert [len(c) for c in a_batch(1001).chunks(500)] == [500, 500, 1]
    assert a_batch(0).chunks(500) == []
