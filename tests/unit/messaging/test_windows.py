"""Sending windows in Europe/London, across daylight-saving changes, on a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from services.messaging.domain.windows import ALWAYS, DEFAULT_WINDOW, SendingWindow


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        ("2026-07-01T07:59:59", False),  # 08:59:59 BST
        ("2026-07-01T08:00:00", True),  # 09:00 BST
        ("2026-07-01T16:59:59", True),  # 17:59:59 BST
        ("2026-07-01T17:00:00", False),  # 18:00 BST: closed
        ("2026-01-14T08:59:59", False),  # 08:59:59 GMT
        ("2026-01-14T09:00:00", True),  # 09:00 GMT
        ("2026-01-14T17:59:59", True),
        ("2026-01-14T18:00:00", False),
        ("2026-07-04T12:00:00", False),  # a Saturday
    ],
)
def test_the_default_window_is_nine_to_six_london_time_on_weekdays(
    moment: str, is_open: bool
) -> None:
    assert DEFAULT_WINDOW.is_open(utc(moment)) is is_open


def test_on_the_friday_before_clocks_go_forward_the_next_opening_is_monday_at_nine_bst() -> None:
    # Clocks go forward on Sunday 29 March 2026: Friday is GMT, Monday is BST.
    friday_evening = utc("2026-03-27T18:30:00")  # 18:30 GMT
    assert DEFAULT_WINDOW.next_open(friday_evening) == utc("2026-03-30T08:00:00")


def test_on_the_friday_before_clocks_go_back_the_next_opening_is_monday_at_nine_gmt() -> None:
    # Clocks go back on Sunday 25 October 2026.
    friday_evening = utc("2026-10-23T17:30:00")  # 18:30 BST
    assert DEFAULT_WINDOW.next_open(friday_evening) == utc("2026-10-26T09:00:00")


def test_a_weekend_window_opens_at_nine_local_on_the_day_the_clocks_change() -> None:
    every_day = SendingWindow.parse("mon-sun", "09:00", "18:00")
    sunday_dawn = utc("2026-03-29T00:30:00")  # 00:30 GMT, before the 01:00 jump
    assert every_day.next_open(sunday_dawn) == utc("2026-03-29T08:00:00")  # 09:00 BST
    assert every_day.is_open(utc("2026-10-25T17:30:00"))  # 17:30 GMT, after the change


def test_inside_the_window_it_is_open_now_and_says_when_it_closes() -> None:
    at = utc("2026-11-23T13:20:00")  # a Monday, GMT
    assert DEFAULT_WINDOW.next_open(at) == at
    assert DEFAULT_WINDOW.closes_after(at) == utc("2026-11-23T18:00:00")
    assert DEFAULT_WINDOW.closes_after(utc("2026-11-23T19:00:00")) is None


def test_always_is_open_at_midnight_on_a_sunday() -> None:
    assert ALWAYS.is_open(utc("2026-03-29T01:00:00"))


def test_day_ranges_may_wrap_over_the_weekend() -> None:
    window = SendingWindow.parse("fri-mon", "10:00", "12:00")
    assert window.days == frozenset({4, 5, 6, 0})
    assert window.start == time(10)


@pytest.mark.parametrize(
    ("days", "start", "end"), [("funday", "09:00", "18:00"), ("mon-fri", "18:00", "09:00")]
)
def test_a_bad_window_is_refused_with_a_reason(days: str, start: str, end: str) -> None:
    with pytest.raises(ValueError):
        SendingWindow.parse(days, start, end)
