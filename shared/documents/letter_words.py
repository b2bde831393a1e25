"""The words of an invitation letter, for gettext (decision 0025): `make i18n-update` collects
them, and each language's catalog translates them. A letter is printed in the first of the
patient's language and its fallbacks that translates every one of them, or in English, so a
letter never shows one language's words under another's tag."""

from __future__ import annotations

from functools import cache

from shared import i18n, languages
from shared.i18n import N_

HEADING = N_("An invitation to a research study")
DEAR = N_("Dear {name},")
INVITE = N_(
    "Your GP practice is writing to invite you to a research study: {title} ({short_name}). "
    "Taking part is your choice and will not change your care."
)
SCAN = N_(
    "To read about the study and decide, scan the QR code with your phone camera or type "
    "this address:"
)
CODE = N_("You will be asked for your date of birth and this one-time code:")
SLIP_INTRO = N_(
    "If you would rather talk to someone, or do not want to hear about this study again, "
    "fill in the reply slip below and post it to your GP practice."
)
SLIP = N_("Reply slip")
PHONE_ME = N_("Please phone me about this study")
NO_THANKS = N_("I do not want to take part")
STOP = N_("Please do not contact me about research again")
MY_PHONE = N_("My phone number:")
POST_TO = N_("Post this slip to:")

ALL = (HEADING, DEAR, INVITE, SCAN, CODE, SLIP_INTRO, SLIP, PHONE_ME, NO_THANKS, STOP, MY_PHONE,
       POST_TO)  # fmt: skip


def letter_language(code: str) -> str:
    """The language the letter is printed in: `code` or its first fallback whose catalog
    translates every word of a letter; English otherwise."""
    for candidate in languages.fallbacks(code) if code in languages.LANGUAGES else []:
        if candidate == "en" or all(i18n.has(candidate, words) for words in ALL):
            return candidate
    return "en"


def words_in(code: str) -> dict[str, str]:
    """Every word of a letter in `code` (as chosen by letter_language), keyed by its English."""
    if code == "en":
        return {english: english for english in ALL}
    return {english: i18n.gettext(code, english) for english in ALL}


@cache
def reviewed(code: str) -> bool:
    """Whether a fluent reviewer signed off the language's catalog, letter words included
    (`python -m shared.i18n report`); English is the source. Read once per process."""
    return code == "en" or any(row.code == code and row.reviewed for row in i18n.coverage())
