"""Cohort filters and breakdowns: pure rules, no database."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.registry.domain.cohorts import Cohort, Criteria, age_band_cutoffs, summarise
from services.registry.domain.model import age_band, age_on
from shared.errors import Conflict, InvalidInput

TODAY = date(2026, 11, 23)


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    low=st.integers(0, 120),
    span=st.integers(0, 40),
)
def test_the_birth_date_range_holds_exactly_the_people_of_the_age_range(
    born: date, low: int, span: int
) -> None:
    high = min(120, low + span)
    earliest, latest = Criteria(age_min=low, age_max=high).born_between(TODAY)
    in_range = low <= age_on(born, TODAY) <= high
    assert in_range == (earliest is not None and latest is not None and earliest <= born <= latest)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_the_age_band_cutoffs_agree_with_age_band(born: date) -> None:
    band = next((label for label, after in age_band_cutoffs(TODAY) if born > after), "80+")
    assert band == age_band(age_on(born, TODAY))


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({"age_min": 70, "age_max": 40}, "age_max"),
        ({"sexes": ["robot"]}, "sexes"),
        ({"ethnic_categories": ["Q"]}, "ethnic_categories"),
        ({"imd_deciles": [0]}, "imd_deciles"),
        ({"languages": ["Klingon"]}, "languages"),
    ],
)
def test_a_criterion_that_cannot_be_met_is_refused_naming_it(
    criteria: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Criteria.from_dict(criteria)
    assert [e.field for e in caught.value.errors] == [field]


def test_a_cohort_is_frozen_once() -> None:
    cohort = Cohort(uuid.uuid4(), "M85001", "All", {}, "staff")
    cohort.freeze(uuid.uuid4(), 10)
    assert cohort.size == 10 and cohort.frozen_at is not None
    with pytest.raises(Conflict):
        cohort.freeze(uuid.uuid4(), 11)


def test_the_breakdown_names_groups_as_staff_read_them() -> None:
    counts: dict[str, dict[Any, int]] = {
        "ethnic_category": {"J": 5, "K": 3, None: 2},
        "imd_decile": {1: 4, 2: 2, 9: 3, None: 1},
        "language": {"ur": 5, "syl": 3, "en": 2},
        "age_band": {"80+": 1, "18-29": 4, "40-49": 5},
        "sex": {"female": 6, "male": 3, None: 1},
        "textable": {True: 8, False: 2},
    }
    breakdown = summarise(counts)
    assert (breakdown.count, breakdown.textable) == (10, 8)
    assert breakdown.by_ethnic_group == {
        "Asian or Asian British - Pakistani": 5,
        "Asian or Asian British - Bangladeshi": 3,
        "Not recorded": 2,
    }
    assert breakdown.by_imd_quintile == {"1": 6, "5": 3, "Not recorded": 1}
    assert breakdown.by_language == {"Urdu": 5, "Sylheti": 3, "English": 2}
    assert list(breakdown.by_age_band) == ["18-29", "40-49", "80+"]
    assert breakdown.by_sex == {"female": 6, "male": 3, "not recorded": 1}
