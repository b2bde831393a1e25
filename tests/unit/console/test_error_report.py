from __future__ import annotations

from services.console.domain.error_report import RowProblem, first_problems

REPORT = [
    "line,column,reason\n",
    "6,NHS Number,cannot be the same digit ten times\n",
    '9,Date of Birth,"is not a date, for example 02/07/1961"\n',
    "12,Mobile Telephone,is not a UK mobile number\n",
]


def test_the_page_shows_each_problem_with_its_line_column_and_reason() -> None:
    shown, more = first_problems(REPORT)
    assert shown[0] == RowProblem("6", "NHS Number", "cannot be the same digit ten times")
    assert shown[1].reason == "is not a date, for example 02/07/1961"
    assert len(shown) == 3 and not more


def test_a_long_report_shows_the_first_rows_and_says_there_are_more() -> None:
    shown, more = first_problems(REPORT, limit=2)
    assert [p.line for p in shown] == ["6", "9"] and more


def test_an_empty_report_shows_nothing() -> None:
    assert first_problems(["line,column,reason\n"]) == ([], False)
