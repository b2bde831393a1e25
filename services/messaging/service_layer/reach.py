"""A batch's counts and cost per channel and language (previews), and its reach by channel
(reports): decision 30."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from services.messaging.domain.channels import CHANNELS, ChannelPrices
from services.messaging.domain.segments import cost
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import channel_reach
from shared.sms_segments import count_segments

NOT_YET = frozenset({"held", "queued", "sending"})
REPORTED = (
    "messages",
    "reached",
    "delivered",
    "waiting",
    "failed",
    "undelivered",
    "suppressed",
    "answered",
)


@dataclass(frozen=True)
class ChannelPreview:
    """A batch's recipients, text parts and cost on one channel in one language (the API's
    ChannelPreviewOut)."""

    channel: str
    language: str
    count: int
    segments: int  # texts' parts, all recipients together; 0 on other channels
    cost: float


def preview_rows(
    uow: MessagingUnitOfWork, batch_id: uuid.UUID, prices: ChannelPrices
) -> list[ChannelPreview]:
    """Per channel and language: recipients, parts (texts only) and cost."""
    counts: Counter[tuple[str, str]] = Counter()
    parts_of: Counter[tuple[str, str]] = Counter()
    costs: dict[tuple[str, str], float] = defaultdict(float)
    for channel, language, body, count in uow.reach.invitation_texts(batch_id):
        key = (channel, language)
        counts[key] += count
        if channel == "sms":
            parts = count_segments(body).segments
            parts_of[key] += parts * count
            costs[key] += cost(parts * count, prices.sms_per_part)
        else:
            costs[key] += prices.cost(channel) * count
    rows = [
        ChannelPreview(*key, count=count, segments=parts_of[key], cost=round(costs[key], 4))
        for key, count in counts.items()
    ]
    return sorted(rows, key=lambda r: (CHANNELS.index(r.channel), r.language))


def reach_by_channel(
    uow: MessagingUnitOfWork, batch_id: uuid.UUID, trial_id: uuid.UUID
) -> dict[str, dict[str, int]]:
    """Per channel, as consent's funnel counts them (shared.channel_reach): messages, how many
    went out (`reached`: a text the provider took, a call placed, a letter posted), how many
    were delivered (a call answered, a letter posted), how many wait (a printed letter not yet
    posted among them), failed, undelivered, suppressed, and patients who answered on it."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for channel, status, count in uow.reach.statuses(batch_id):
        found = channel_reach.stage(channel, status)
        row = counts[channel]
        row["messages"] += count
        if found is not None:
            row["reached"] += count
            row["delivered"] += count if found == channel_reach.DELIVERED else 0
        if status in NOT_YET or (found is None and status == "accepted"):
            row["waiting"] += count
        elif status in ("failed", "undelivered", "suppressed"):
            row[status] += count
    for channel, people in uow.reach.replies(batch_id, trial_id):
        counts[channel]["answered"] += people
    return {
        channel: {name: counts[channel][name] for name in REPORTED}
        for channel in CHANNELS
        if channel in counts
    }
