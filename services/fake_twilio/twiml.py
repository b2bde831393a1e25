"""TwiML for voice, parsed into plain verbs: the part of Twilio's language the fake runs.

Play, Say, Gather (with nested Play, Say and Pause), Pause, Hangup, Reject and Redirect.
Any other verb is kept as `Unsupported`, so the call log shows what the fake skipped
instead of pretending to have run it. A document that is not TwiML raises `BadTwiml`,
which Twilio reports as error 12100 and answers with "an application error has occurred".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

# Twilio's defaults (https://www.twilio.com/docs/voice/twiml/gather).
GATHER_TIMEOUT = 5
SPEECH_TIMEOUT_DEFAULT = "auto"


class BadTwiml(ValueError):
    """Not a TwiML <Response> document."""


@dataclass(frozen=True)
class Play:
    url: str
    loop: int = 1
    digits: str | None = None  # <Play digits="..."> sends tones; kept for the log


@dataclass(frozen=True)
class Say:
    text: str
    language: str | None = None
    voice: str | None = None
    loop: int = 1


@dataclass(frozen=True)
class Pause:
    length: float = 1.0


Prompt = Play | Say | Pause


@dataclass(frozen=True)
class Gather:
    action: str | None = None
    method: str = "POST"
    num_digits: int | None = None
    timeout: float = GATHER_TIMEOUT
    finish_on_key: str = "#"
    input: tuple[str, ...] = ("dtmf",)
    language: str | None = None
    action_on_empty_result: bool = False
    prompts: tuple[Prompt, ...] = field(default_factory=tuple)

    @property
    def wants_speech(self) -> bool:
        return "speech" in self.input

    @property
    def wants_digits(self) -> bool:
        return "dtmf" in self.input


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass(frozen=True)
class Reject:
    reason: str = "rejected"


@dataclass(frozen=True)
class Redirect:
    url: str
    method: str = "POST"


@dataclass(frozen=True)
class Unsupported:
    name: str


Verb = Play | Say | Pause | Gather | Hangup | Reject | Redirect | Unsupported


def parse(document: str | bytes) -> tuple[Verb, ...]:
    """The verbs of a <Response>, in order."""
    try:
        root = ET.fromstring(document)  # noqa: S314 - see the module import
    except ET.ParseError as exc:
        raise BadTwiml(f"not XML: {exc}") from None
    if root.tag != "Response":
        raise BadTwiml(f"the root element is <{root.tag}>, not <Response>")
    return tuple(_verb(element) for element in root)


def _verb(element: ET.Element) -> Verb:
    if element.tag == "Gather":
        return _gather(element)
    prompt = _prompt(element)
    if prompt is not None:
        return prompt
    a = element.attrib
    if element.tag == "Hangup":
        return Hangup()
    if element.tag == "Reject":
        return Reject(a.get("reason", "rejected"))
    if element.tag == "Redirect":
        return Redirect(_text(element), _method(a.get("method")))
    return Unsupported(element.tag)


def _prompt(element: ET.Element) -> Prompt | None:
    a = element.attrib
    if element.tag == "Play":
        return Play(_text(element), _loop(a.get("loop")), a.get("digits"))
    if element.tag == "Say":
        return Say(_text(element), a.get("language"), a.get("voice"), _loop(a.get("loop")))
    if element.tag == "Pause":
        return Pause(_positive(a.get("length"), 1.0))
    return None


def _gather(element: ET.Element) -> Gather:
    a = element.attrib
    prompts = tuple(p for child in element if (p := _prompt(child)) is not None)
    num_digits = a.get("numDigits")
    return Gather(
        action=a.get("action") or None,
        method=_method(a.get("method")),
        num_digits=int(num_digits) if num_digits and num_digits.isdigit() else None,
        timeout=_positive(a.get("timeout"), GATHER_TIMEOUT),
        finish_on_key=a.get("finishOnKey", "#"),
        input=tuple(a.get("input", "dtmf").split()),
        language=a.get("language"),
        action_on_empty_result=a.get("actionOnEmptyResult", "false").lower() == "true",
        prompts=prompts,
    )


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _method(value: str | None) -> str:
    return "GET" if (value or "").upper() == "GET" else "POST"


def _loop(value: str | None) -> int:
    """Twilio's loop: 1 by default; 0 means 'until hung up', which the fake plays once more."""
    if value is None or not value.isdigit():
        return 1
    return int(value) or 2


def _positive(value: str | None, default: float) -> float:
    try:
        number = float(value) if value is not None else default
    except ValueError:
        return default
    return number if number >= 0 else default
