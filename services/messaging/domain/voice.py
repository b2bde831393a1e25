"""Voice calls (decision 27): what a call says, what a key press means, when to ring again.

Pure rules: the TwiML adapter renders the steps, the webhooks feed a key press into the
same reply handling as a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from services.messaging.domain.replies import CALLBACK, NO, STOP, UNKNOWN, WORDS, YES, classify

VOICE = "voice"
# 1 yes, 2 no, 3 stop, 4 please call me back; 9 plays the recording again.
KEY_INTENTS = {"1": YES, "2": NO, "3": STOP, "4": CALLBACK}
REPEAT = "9"
REPEAT_LIMIT = 3  # a phone stuck on 9 (or a machine) is hung up on after this many plays
# What a recording is for: the call itself, a reminder call, the message left on voicemail.
RECORDING_KINDS = ("invitation", "reminder", "voicemail")
# The consent page's one-time code, spoken to a patient invited by call (issue 18 item 1):
# never left on voicemail and never rung again (it lasts 10 minutes; the patient asks again).
SPOKEN_CODE = "identity_code"
# A call that may still ring the patient: at most one of these per patient and per number.
IN_FLIGHT = ("sending", "accepted", "ringing", "in-progress")
# Ended without the patient hearing us: rung again within the trial's limit.
NOT_REACHED = frozenset({"no-answer", "busy"})

# Twilio's <Say> voices by our language codes (Google and Polly voices). A language not
# here has no voice: its patients hear a recording or nothing spoken.
SAY_LANGUAGES = {
    "en": "en-GB",
    "ar": "arb",
    "bg": "bg-BG",
    "bn": "bn-IN",
    "cs": "cs-CZ",
    "es": "es-ES",
    "fr": "fr-FR",
    "gu": "gu-IN",
    "hi": "hi-IN",
    "hu": "hu-HU",
    "it": "it-IT",
    "lt": "lt-LT",
    "lv": "lv-LV",
    "pa": "pa-IN",
    "pl": "pl-PL",
    "pt": "pt-PT",
    "ro": "ro-RO",
    "ru": "ru-RU",
    "sk": "sk-SK",
    "ta": "ta-IN",
    "tr": "tr-TR",
    "uk": "uk-UA",
    "vi": "vi-VN",
    "yue": "yue-HK",
    "zh": "cmn-CN",
}


@dataclass(frozen=True)
class Play:
    url: str


@dataclass(frozen=True)
class Say:
    text: str
    language: str  # Twilio's voice language, e.g. en-GB


@dataclass(frozen=True)
class Pause:
    seconds: int


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass(frozen=True)
class Redirect:
    url: str


Prompt = Play | Say | Pause


@dataclass(frozen=True)
class Gather:
    action: str
    prompts: tuple[Prompt, ...]
    speech_language: str | None  # None: key presses only
    timeout: int = 6


Step = Play | Say | Pause | Hangup | Redirect | Gather


@dataclass(frozen=True)
class Spoken:
    """What a call plays: a recording's URL, or else words for a <Say> voice, or neither."""

    recording_url: str | None = None
    text: str | None = None
    language: str | None = None  # our language code

    def prompt(self) -> Prompt | None:
        if self.recording_url:
            return Play(self.recording_url)
        voice = SAY_LANGUAGES.get(self.language or "")
        if self.text and voice:
            return Say(self.text, voice)
        return None


def call_script(spoken: Spoken, gather_url: str) -> list[Step]:
    """The invitation (or reminder) call: play it, then listen for a key or a word. If the
    patient says nothing, the call ends; the invitation still stands."""
    prompt = spoken.prompt()
    if prompt is None:  # nothing we may play in this language: never a silent call
        return [Hangup()]
    speech = SAY_LANGUAGES.get(spoken.language or "")
    return [Pause(1), Gather(gather_url, (prompt,), speech), Hangup()]


def voicemail_script(spoken: Spoken, callback_number: str | None) -> list[Step]:
    """A machine answered: leave the short message (the voicemail recording, which names
    the practice's number; or the spoken text and the number in digits), then hang up."""
    prompt = spoken.prompt()
    steps: list[Step] = [prompt] if prompt is not None else []
    if isinstance(prompt, Say) and callback_number:
        steps.append(Say(" ".join(national(callback_number)), prompt.language))
    return [*steps, Hangup()]


def code_script(text: str, language: str | None) -> list[Step]:
    """The one-time code call: its text said twice, each digit on its own (a voice reads
    482915 as a number), then hang up. No keys: nothing to answer. The text is in a language
    Twilio has a voice for (notifications chose English otherwise)."""
    said = Say(_digit_by_digit(text), SAY_LANGUAGES.get(language or "", SAY_LANGUAGES["en"]))
    return [Pause(1), said, Pause(2), said, Hangup()]


def _digit_by_digit(text: str) -> str:
    return re.sub(r"\d{4,}", lambda run: ", ".join(run.group()), text)


def national(number: str) -> str:
    """A UK number as it is dialled here (+44 121 ... is 0121 ...), to be read digit by digit."""
    return "0" + number[3:] if number.startswith("+44") else number


# Stored as a call's "answered by" when it was answered while the database was away: it
# played nothing, so it has not reached the patient and is rung again like a no-answer.
UNPLAYED = "unplayed"


def not_reached(status: str, answered_by: str | None) -> bool:
    """A call that ended without the patient hearing it: no answer, a busy line, a machine
    that took the voicemail, or a call that played nothing. The trial's call retries and a
    cascade's tries both count these as tries that did not reach the patient."""
    unheard = is_machine(answered_by) or answered_by == UNPLAYED
    return status in NOT_REACHED or (status == "completed" and unheard)


def is_machine(answered_by: str | None) -> bool:
    """Twilio's AnsweredBy: machine_start, machine_end_beep, fax ... or human, unknown."""
    return bool(answered_by) and (answered_by or "").startswith(("machine", "fax"))


@dataclass(frozen=True)
class KeyPress:
    """What the patient did at the gather: `intent` is a reply; `repeat` plays it again."""

    intent: str | None = None
    repeat: bool = False


def key_press(digits: str | None, speech: str | None, language: str | None) -> KeyPress:
    """A key (1 yes, 2 no, 3 stop, 4 call me, 9 repeat) or recognised speech, read by the
    same classifier as a text. An unknown key asks again; unclear speech is a reply staff
    read (never taken as yes)."""
    key = (digits or "").strip()[:1]
    if key == REPEAT:
        return KeyPress(repeat=True)
    if key in KEY_INTENTS:
        return KeyPress(KEY_INTENTS[key])
    if key:
        return KeyPress(repeat=True)
    if speech and speech.strip():
        return KeyPress(classify(speech, language, WORDS) or UNKNOWN)
    return KeyPress()


@dataclass(frozen=True)
class RetryPolicy:
    """A trial's rule for calls that did not reach the patient."""

    retries: int = 2  # calls after the first
    delay: timedelta = timedelta(hours=2)

    def next_call_after(
        self, status: str, answered_by: str | None, calls_so_far: int
    ) -> timedelta | None:
        """How long until the next call, or None for no more calls. No answer, busy, a
        machine (after the voicemail was left) or a call that played nothing are rung again;
        a person who heard it, a failed number or a STOP are not."""
        if not not_reached(status, answered_by) or calls_so_far > self.retries:
            return None
        return self.delay
