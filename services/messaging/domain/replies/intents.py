"""What a reply can mean, what each word of it can be, and how the template asked."""

from __future__ import annotations

# The intents the rest of messaging acts on. START is Twilio's opt-in keyword: it
# re-subscribes a stopped number and is not one of the intents staff pick in the inbox.
YES, NO, STOP, HELP, UNKNOWN = "yes", "no", "stop", "help", "unknown"
START = "start"
# "Please phone me", "mujhe call karo": the patient asks the team to ring them. It is
# recorded and shown to staff, and changes no consent state.
CALLBACK = "callback"
INTENTS = (YES, NO, STOP, HELP, CALLBACK, UNKNOWN)

# How the template asked for the answer: "Reply YES or NO" or "Reply 1 for YES, 2 for NO".
WORDS, DIGITS = "words", "digits"
CONVENTIONS = (WORDS, DIGITS)
# The digits a "digits" template offers. Templates must use exactly these.
DIGIT_INTENTS = {"1": YES, "2": NO, "3": STOP}

# What a word (or a run of words) of a reply is, besides an intent.
NEGATION = "negation"  # "not", "don't": next to a yes word it turns it around
UNCLEAR = "unclear"  # "maybe", "but", "don't know", "who": a person must read the reply
JI = "ji"  # a polite particle (Urdu/Punjabi/Bengali "ji"): yes on its own, else only polite
STOP_SIGN = "stop_sign"  # 🛑 ⛔: agrees with STOP or NO, but is never STOP on its own
FILLER = "filler"  # "please", "I", "sir", 👍: carries no intent
SIGNOFF = "signoff"  # "thanks", "sorry", "regards": a name may follow it
GREETING = "greeting"  # "hi", "salaam": a name may follow it before the answer
OTHER = "other"  # a word we do not know
BREAK = "break"  # a comma, full stop, dash or new line between parts of the reply

# Not a kind but a list beside them in a lexicon: "no" words that also mean "not", so
# that written straight before another answer they negate it (Romanian "nu opriți" is
# "don't stop", "nu, opriți" is "no, stop"). English "no stop" stays "no, stop".
NEGATES = "negates"

ANSWERS = frozenset({YES, NO, STOP, HELP, START, CALLBACK})
KINDS = ANSWERS | {NEGATION, UNCLEAR, JI, STOP_SIGN, FILLER, SIGNOFF, GREETING}
