"""Understanding what a patient replied: yes, no, stop, help or unknown.

This first version knows English words and Twilio's own keywords. A reply that is not
clearly one intent is "unknown" and goes to staff: a refusal must never read as yes.
"""

from __future__ import annotations

import re
import unicodedata

YES, NO, STOP, HELP, UNKNOWN = "yes", "no", "stop", "help", "unknown"
INTENTS = (YES, NO, STOP, HELP, UNKNOWN)

_WORDS: dict[str, frozenset[str]] = {
    YES: frozenset({"yes", "y", "yeah", "yep", "ok", "okay", "sure", "interested"}),
    NO: frozenset({"no", "n", "nope", "not interested"}),
    # Twilio's standard opt-out and help keywords, which carriers also act on.
    STOP: frozenset(
        {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"}
    ),
    HELP: frozenset({"help", "info"}),
}
START_WORDS = frozenset({"start", "unstop", "subscribe"})
# A negation next to a yes word ("not sure", "not yes", "yes, don't") is never a yes.
NEGATIONS = frozenset(
    {"not", "never", "nah", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "wouldnt"}
)
_SIGN_OFF = re.compile(r"\b(thanks|thank you|thx|cheers|regards)\b(.*)$")
_INTENT_WORDS = frozenset(w for words in _WORDS.values() for w in words) | START_WORDS


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cf",))
    folded = re.sub(r"['\u2019]", "", folded)  # "don't" -> "dont"
    folded = _SIGN_OFF.sub(_drop_sign_off, folded)
    folded = re.sub(r"[^\w\s]", " ", folded)
    return " ".join(folded.split())


def _drop_sign_off(match: re.Match[str]) -> str:
    """Drop "thanks ..." to the end, unless what follows changes the answer ("but no")."""
    tail = set(re.findall(r"\w+", match.group(2)))
    return match.group(2) if tail & (_INTENT_WORDS | NEGATIONS) else ""


def classify(text: str) -> str:
    cleaned = normalise(text)
    if not cleaned:
        return UNKNOWN
    if cleaned in START_WORDS:
        return "start"
    found = {intent for intent, words in _WORDS.items() if cleaned in words}
    if not found:
        tokens = cleaned.split()
        found = {intent for intent, words in _WORDS.items() for t in tokens if t in words}
        if len(tokens) > 3:
            return UNKNOWN  # a sentence needs a person to read it
    if STOP in found and found <= {STOP, NO}:
        return STOP  # "no stop" and "stop no" both ask us to stop
    if found == {YES} and NEGATIONS.intersection(cleaned.split()):
        return UNKNOWN  # a refusal must never read as yes
    return found.pop() if len(found) == 1 else UNKNOWN
