"""Understanding what a patient replied: yes, no, stop, help, start, callback or unknown.

`classify(text, language, convention)` is the one entry point; see classify.py for the
rules and words/ for the words of each language.
"""

from __future__ import annotations

from services.messaging.domain.replies.classify import classify
from services.messaging.domain.replies.intents import (
    CALLBACK,
    CONVENTIONS,
    DIGIT_INTENTS,
    DIGITS,
    HELP,
    INTENTS,
    NO,
    START,
    STOP,
    UNKNOWN,
    WORDS,
    YES,
)
from services.messaging.domain.replies.normalise import normalise

__all__ = [
    "CALLBACK",
    "CONVENTIONS",
    "DIGITS",
    "DIGIT_INTENTS",
    "HELP",
    "INTENTS",
    "NO",
    "START",
    "STOP",
    "UNKNOWN",
    "WORDS",
    "YES",
    "classify",
    "normalise",
]
