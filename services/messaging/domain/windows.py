"""Sending windows: when bulk texts may go out, in Europe/London local time.

A window is a set of weekdays and a local start and end time. Times are turned into UTC
through zoneinfo for each date, so the window stays 09:00-18:00 on the wall clock on both
sides of a daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class SendingWindow:
    days: frozenset[int]  # 0 = Monday, as date.weekday()
    start: time
    end: time
    zone: ZoneInfo = LONDON

    @classmethod
    def parse(cls, days: str, start: str, end: str) -> SendingWindow:
        """('mon-fri' or 'mon,wed,sat', '09:00', '18:00'); ValueError says what is wrong."""
        chosen: set[int] = set()
        for part in days.lower().replace(" ", "").split(","):
            first, _, last = part.partition("-")
            if first not in DAY_NAMES or (last and last not in DAY_NAMES):
                raise ValueError(f"days: {part!r} is not mon..sun or a range like mon-fri")
            a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
            chosen.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        window = cls(frozenset(chosen), time.fromisoformat(start), time.fromisoformat(end))
        if window.end <= window.start and window.end != time(0):
            raise ValueError("end must be after start (00:00 means midnight)")
        return window

    def _bounds(self, day: date) -> tuple[datetime, datetime]:
        opens = datetime.combine(day, self.start, self.zone).astimezone(UTC)
        closes_day = day + timedelta(days=1) if self.end == time(0) else day
        closes = datetime.combine(closes_day, self.end, self.zone).astimezone(UTC)
        return opens, closes

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        if local.weekday() not in self.days:
            return False
        opens, closes = self._bounds(local.date())
        return opens <= at < closes

    def next_open(self, at: datetime) -> datetime:
        """`at` if the window is open then, else the next moment it opens (UTC)."""
        if self.is_open(at):
            return at
        day = at.astimezone(self.zone).date()
        for offset in range(8):
            candidate = day + timedelta(days=offset)
            if candidate.weekday() in self.days:
                opens, _ = self._bounds(candidate)
                if opens > at:
                    return opens
        raise ValueError("a window with no days never opens")

    def closes_after(self, at: datetime) -> datetime | None:
        """When the window that is open at `at` closes; None when it is not open."""
        if not self.is_open(at):
            return None
        return self._bounds(at.astimezone(self.zone).date())[1]

    def describe(self) -> dict[str, str]:
        days = ",".join(DAY_NAMES[d] for d in sorted(self.days))
        return {
            "days": days,
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
        }


DEFAULT_WINDOW = SendingWindow(frozenset(range(5)), time(9), time(18))
ALWAYS = SendingWindow(frozenset(range(7)), time(0), time(0))
