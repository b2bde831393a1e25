"""A token bucket: `rate` tokens a second, at most `burst` saved up. Pure arithmetic; the
bucket itself lives in the database so that every sending process draws from the same one."""

from __future__ import annotations

import math


def refill(tokens: float, last: float, now: float, rate: float, burst: float) -> float:
    """Tokens in the bucket at `now`; a clock that went backwards adds nothing."""
    return min(burst, tokens + max(0.0, now - last) * rate)


def take(tokens: float, wanted: int) -> tuple[int, float]:
    """(granted, tokens left): whole tokens only, never more than asked for."""
    granted = max(0, min(wanted, int(tokens)))
    return granted, tokens - granted


def wait_for_one(tokens: float, rate: float) -> float:
    """Seconds until the bucket holds a whole token again."""
    return max(0.0, (1.0 - tokens) / rate) if rate > 0 else 0.0


def claim_size(batch: int, rate: float) -> int:
    """How many texts a sender claims at once. Claimed texts wait for the limit's tokens,
    and a reply claimed after them waits too: at most half a second's worth under a limit
    (`rate` 0 is no limit)."""
    if rate <= 0:
        return batch
    return max(1, min(batch, math.ceil(rate / 2)))
