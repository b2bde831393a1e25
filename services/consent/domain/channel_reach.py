"""Reach by channel: for each way messaging reaches a patient (text, WhatsApp, call,
letter), how many patients were invited on it, how many it reached, how many answered by
it, and how many of those consented (issue 17).

A patient invited on several channels (a cascade: a text, then a call, then a letter)
counts as invited on each; their answer and their consent count for the one channel they
first answered by (a reply, a key press, or a letter's printed code), so the "replied" and
"consented" columns add up to at most the trial's totals. An answer proves the invitation
reached them, so it counts as invited and delivered there too. "Consented" is now, as in
the equity report: a withdrawal takes it away. What is shown goes through
domain.disclosure: counts from 1 to 4 are "<5", with secondary suppression per column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.consent.domain import disclosure
from shared.channel_reach import CHANNELS

STAGES = ("invited", "delivered", "replied", "consented")
# The statuses an answer moves a record to: its audit entry names the channel it came by.
ANSWERED = ("interested", "declined", "opted_out")


@dataclass(frozen=True)
class Reach:
    """One consent record: the channels its invitation went out on (and whether each was
    delivered), the channel of its first answer, and whether it is consented now."""

    contacts: Mapping[str, bool]
    answered_by: str | None
    consented: bool


@dataclass
class ChannelRow:
    channel: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    suppressed: set[str] = field(default_factory=set)  # stages shown as "<5"

    def shown(self) -> dict[str, int | str]:
        return disclosure.shown(self.counts, self.suppressed)


def by_channel(people: Iterable[Reach]) -> list[ChannelRow]:
    """Every channel, in the design's order, zeros included, small numbers suppressed."""
    rows = {channel: ChannelRow(channel) for channel in CHANNELS}
    for person in people:
        answered = person.answered_by if person.answered_by in rows else None
        for channel, row in rows.items():
            delivered = person.contacts.get(channel)
            if delivered is None and answered != channel:
                continue
            row.counts["invited"] += 1
            if delivered or answered == channel:
                row.counts["delivered"] += 1
            if answered == channel:
                row.counts["replied"] += 1
                row.counts["consented"] += int(person.consented)
    ordered = list(rows.values())
    for row, hidden in zip(
        ordered, disclosure.hidden_cells([r.counts for r in ordered], STAGES), strict=True
    ):
        row.suppressed = hidden
    return ordered
