"""Waiting in tests: for a condition, never for a fixed time.

The system is asynchronous by design (bus, workers, background threads), so a test waits
until what it expects holds. Where a test must show that something does *not* happen, it
waits the one quiet period named here and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal, TypeVar

T = TypeVar("T")

# How long a test watches for something that must not happen (a second text to one number,
# a status after a final one), once what it waited for has happened. What could cause it acts
# within a quarter of a second: the fake Twilio server posts statuses at most 0.1 s apart, relays
# and appliers poll every 0.05-0.2 s, the bus worker pumps retries every 0.25 s. A second is
# four of the slowest of those rounds. A test whose wrong effect needs a longer cause (a
# reconciliation round) adds that cause's own period to this.
QUIET_PERIOD = 1.0


def eventually(
    condition: Callable[[], T | Literal[False] | None],
    timeout: float = 30,
    what: str = "the condition",
    *,
    every: float = 0.2,
) -> T:
    """Poll `condition` until it returns something truthy, and return that.

    An AssertionError raised by `condition` counts as "not yet" and is shown if time runs
    out; any other exception fails at once.
    """
    deadline = time.monotonic() + timeout
    last: AssertionError | None = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except AssertionError as exc:
            last = exc
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what}" + (f": {last}" if last else "")
            )
        time.sleep(every)
