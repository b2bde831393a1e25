"""The equity report's rules: current consent, small numbers hidden (and what would give them
away), groups too small to judge, prevalence against other populations."""

from __future__ import annotations

import pytest

from services.consent.domain import equity
from services.consent.domain.disclosure import HIDDEN, shown, suppress
from services.consent.domain.equity import NO_CLEAR_DIFFERENCE, TOO_SMALL, UNDER, Person

AGREED = frozenset({"invited", "replied", "interested", "consented"})
INVITED = frozenset({"invited"})


def people(ethnic: str, count: int, reached: frozenset[str] = INVITED) -> list[Person]:
    return [Person(ethnic, 5, "en", "60-69", "female", "M85001", reached)] * count


def rows_by(rows: list[equity.GroupRow]) -> dict[tuple[str, str], equity.GroupRow]:
    return {(r.dimension, r.group): r for r in rows}


def test_a_group_of_three_is_hidden_and_so_is_the_next_smallest_of_its_column() -> None:
    cohort = people("J", 3) + people("A", 6) + people("B", 20)  # Pakistani, British, Irish
    totals, rows = equity.build_report(cohort)
    hidden_totals = suppress(totals, rows)
    by = rows_by(rows)

    pakistani = by[("ethnic_category", "Asian - Pakistani")]
    british = by[("ethnic_category", "White - British")]
    irish = by[("ethnic_category", "White - Irish")]
    assert shown(pakistani.counts, pakistani.suppressed)["invited"] == HIDDEN
    # 29 invited in all: with only one cell hidden, 29 - 6 - 20 would give the 3 away.
    assert shown(british.counts, british.suppressed)["invited"] == HIDDEN
    assert shown(irish.counts, irish.suppressed)["invited"] == 20
    assert hidden_totals == set() and totals["invited"] == 29
    assert pakistani.rates["replied"] is None and pakistani.share_of_invited is None
    assert pakistani.ppr is None and british.ppr is None


def test_zero_is_shown_and_two_small_cells_hide_each_other() -> None:
    cohort = people("J", 2) + people("A", 3) + people("B", 20)
    totals, rows = equity.build_report(cohort)
    suppress(totals, rows)
    by = rows_by(rows)

    assert by[("ethnic_category", "Asian - Pakistani")].suppressed == {"invited"}
    assert by[("ethnic_category", "White - British")].suppressed == {"invited"}
    assert by[("ethnic_category", "White - Irish")].suppressed == set()
    assert shown(by[("ethnic_category", "White - Irish")].counts, set())["consented"] == 0


def test_small_totals_are_hidden_and_with_them_every_share_of_the_consented() -> None:
    cohort = people("B", 20, AGREED)[:3] + people("B", 17) + people("A", 20)
    totals, rows = equity.build_report(cohort)
    hidden_totals = suppress(totals, rows)

    assert hidden_totals == {"consented", "interested", "replied"}
    assert all(r.share_of_consented is None and r.ppr is None for r in rows)


def test_a_group_too_small_to_judge_is_not_flagged_under() -> None:
    cohort = people("J", 6) + people("A", 40, AGREED) + people("A", 10)
    totals, rows = equity.build_report(cohort)
    suppress(totals, rows)
    by = rows_by(rows)

    pakistani = by[("ethnic_category", "Asian - Pakistani")]
    assert pakistani.counts["consented"] == 0 and pakistani.ppr == 0
    assert pakistani.flag == TOO_SMALL  # 6 invited, none consented: too few to say


def test_a_big_group_whose_interval_lies_below_the_trial_rate_is_under() -> None:
    cohort = people("J", 30) + people("J", 5, AGREED) + people("A", 40, AGREED) + people("A", 5)
    totals, rows = equity.build_report(cohort)
    suppress(totals, rows)
    by = rows_by(rows)

    assert by[("ethnic_category", "Asian - Pakistani")].flag == UNDER
    near = people("J", 12) + people("J", 10, AGREED) + people("A", 12) + people("A", 12, AGREED)
    totals, rows = equity.build_report(near)
    assert rows_by(rows)[("ethnic_category", "Asian - Pakistani")].flag == NO_CLEAR_DIFFERENCE


def test_ppr_against_the_eligible_cohort_and_the_practice_list() -> None:
    cohort = people("J", 10, AGREED) + people("A", 10) + people("A", 10, AGREED)
    eligible = equity.population_groups(
        {"ethnic_category": {"J": 100, "A": 300}, "sex": {"female": 400}}, "M85001"
    )
    practice = equity.population_groups(
        {"ethnic_category": {"J": 500, "A": 500, "": 1000}, "sex": {"female": 2000}}, "M85001"
    )
    _, rows = equity.build_report(cohort, eligible, practice)
    pakistani = rows_by(rows)[("ethnic_category", "Asian - Pakistani")]

    assert pakistani.share_of_consented == pytest.approx(0.5)
    assert pakistani.ppr_eligible == pytest.approx(0.5 / 0.25)
    assert pakistani.ppr_practice_list == pytest.approx(0.5 / 0.25)
    assert eligible["practice"] == {"M85001": 400}
    assert practice["ethnic_group"]["not known"] == 1000


def test_populations_of_several_practices_add_up() -> None:
    one = equity.population_groups({"imd_decile": {"1": 3, "2": 4}, "sex": {"male": 7}}, "A00001")
    two = equity.population_groups({"imd_decile": {"2": 5}, "sex": {"male": 5}}, "A00002")

    summed = equity.add_populations(one, two)

    assert summed["imd_quintile"] == {"1": 12}
    assert summed["practice"] == {"A00001": 7, "A00002": 5}


def test_patients_of_unknown_language_are_in_the_language_not_known_band() -> None:
    bands = {"language": {"ur": 4, "und": 3, "": 2}, "sex": {"female": 9}}
    groups = equity.population_groups(bands, "A00001")
    assert groups["language"] == {"ur": 4, equity.NOT_KNOWN: 5}
    assert equity.group_of("language", "und") == equity.NOT_KNOWN
