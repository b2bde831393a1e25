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


def test_a_note_on_a_row_loaded_is_told_apart_from_a_problem() -> None:
    report = [
        "line,column,reason,kind\n",
        "4,Main spoken language,language 'Patois' is not one we know: imported as an unknown "
        "language,note\n",
        "6,NHS Number,cannot be the same digit ten times,error\n",
    ]
    shown, _ = first_problems(report)
    assert [(p.line, p.is_note) for p in shown] == [("4", True), ("6", False)]
    assert not first_problems(REPORT)[0][0].is_note  # a report from before notes
