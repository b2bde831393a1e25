"""What stops a new text before it is stored: the STOP list and loop protection.

One rule for a single reply and for a batch's invitations (a chunk) or reminders: the service
layer looks up the numbers and earlier texts (one at a time or all at once) and asks `screen`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping
from datetime import timedelta

from services.messaging.domain.model import Message

# The same text to the same number this often within the hour is a loop (an auto-reply
# answering our acknowledgement, a batch requested twice): the next one is not sent.
LOOP_LIMIT = 3
LOOP_PERIOD = timedelta(hours=1)
# Texts that never went (nor will) do not count towards a loop.
NOT_COUNTED = frozenset({"failed", "suppressed", "cancelled"})

STOPPED = "the number replied STOP"
# What still goes to a stopped number: the one confirmation of STOP, and the one text asking
# the patient to reply START after staff recorded their spoken wish (domain/opt_in.py).
PASS_STOP = frozenset({"stop_ack", "opt_in_check"})

TextKey = tuple[str, str]  # (to, body)


def text_key(message: Message) -> TextKey:
    return (message.to, message.body)


def screen(
    messages: Iterable[Message],
    suppressed: Container[str],
    earlier: Mapping[TextKey, int],
) -> list[Message]:
    """Stop each message to a `suppressed` number, or one whose text already went to its
    number LOOP_LIMIT times in the period; returns those stopped (each owes a status event).

    `earlier` counts the stored texts per (to, body) that count towards a loop; messages
    earlier in `messages` count too, by the status they end with, as if stored one by one.
    A message that is already final (a cancelled batch's) keeps its status if suppressed.
    """
    repeats = Counter(earlier)
    stopped = []
    for message in messages:
        key = text_key(message)
        if message.to in suppressed:
            message.move_to("suppressed", STOPPED)
            stopped.append(message)
        elif repeats[key] >= LOOP_LIMIT:
            message.status = "failed"
            message.error = (
                f"loop protection: the same text went to this number {repeats[key]} times"
            )
            stopped.append(message)
        if message.status not in NOT_COUNTED:
            repeats[key] += 1
    return stopped
