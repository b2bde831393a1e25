"""The time now, aware and in UTC: what every record's timestamps default to. Pure.

Service layers, adapters and entrypoints call `clock.now()` (after `from shared import
clock`), never `datetime.now(UTC)`, so a test that patches `shared.clock.now` sets the time
for all of them. Domain dataclass defaults follow it too, written
`field(default_factory=lambda: clock.now())`: `default_factory=now` (or `clock.now`) would
bind the function when the class is made, and a patched clock would not move them. A domain
rule that decides by the time (expiry, "not in the future") takes `now` from its use case.
Decision 26 lists the few wall-clock reads left, and why."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
