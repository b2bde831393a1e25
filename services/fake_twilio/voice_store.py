"""Calls the fake has placed, what each played and heard, and how the next calls will go.

A `FakeCall` is shared between the API thread that created it, the thread running it
(voice_runner.py) and the controls; `CallEvents` is how they talk: the phone (page or
control) answers, presses keys, hangs up; the API cancels or redirects. One condition
variable per call keeps that simple and exact.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.fake_twilio.store import InjectedError, InjectedErrors, WebhookResult

FINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
OUTCOMES = ("ring", "answer", "voicemail", "no-answer", "busy", "failed")


@dataclass(frozen=True)
class CallBehaviour:
    """How the phone at a number takes the next call (set by a test or left at the default).

    outcome: ring (wait for the phone page or a control to answer), answer (a person picks
    up at once), voicemail (a machine picks up), no-answer, busy, failed.
    keys: what the person presses at each <Gather> in turn ("" presses nothing there).
    speech: what the person says at each speech <Gather> in turn.
    hangup_after: hang up after this many <Gather>s (None: stay until the TwiML ends).
    """

    outcome: str = "ring"
    keys: tuple[str, ...] = ()
    speech: tuple[str, ...] = ()
    hangup_after: int | None = None


@dataclass(frozen=True)
class Heard:
    """One thing the call played, said or paused for, in order."""

    kind: str  # play, say, pause
    text: str  # the URL played, the words said, or the pause in seconds
    language: str | None = None
    voice: str | None = None
    answered_by: str | None = None  # "human", or "machine" when it went to voicemail
    in_gather: bool = False

    def entry(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "language": self.language,
            "voice": self.voice,
            "answered_by": self.answered_by,
            "in_gather": self.in_gather,
        }


@dataclass(frozen=True)
class Hook:
    """A request the fake made for this call: a TwiML fetch, a gather action, a status."""

    purpose: str  # twiml, action, redirect, fallback, status
    url: str
    method: str
    params: dict[str, str]
    result: WebhookResult

    def entry(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "url": self.url,
            "method": self.method,
            "params": self.params,
            "http_status": self.result.http_status,
            "error": self.result.error,
        }


@dataclass
class FakeCall:
    sid: str
    to: str
    from_: str
    created: datetime
    url: str | None
    twiml: str | None
    method: str
    fallback_url: str | None
    status_callback: str | None
    status_callback_method: str
    status_events: frozenset[str]
    machine_detection: str | None  # Enable or DetectMessageEnd
    async_amd: tuple[str | None, str] | None  # AsyncAmd=true: (its callback URL, method)
    timeout: int
    behaviour: CallBehaviour
    status: str = "queued"
    updated: datetime | None = None
    start_time: datetime | None = None  # dialling began
    answered_at: datetime | None = None
    end_time: datetime | None = None
    answered_by: str | None = None  # the AnsweredBy Twilio reports (only with AMD)
    picked_up_by: str | None = None  # human or machine, with or without AMD
    heard: list[Heard] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # every key pressed, in order
    speech: list[str] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # errors Twilio would log (12100, ...)
    prompt: int | None = None  # index into `heard` of the prompt now playing
    gathers: int = 0  # <Gather>s reached so far
    callbacks_sent: int = 0  # status callbacks, for their SequenceNumber
    gathering: bool = False
    events: CallEvents = field(default_factory=lambda: CallEvents())

    @property
    def duration(self) -> int | None:
        """Seconds from answer to hang-up; None for calls never answered, as Twilio shows."""
        if self.answered_at is None or self.end_time is None:
            return None
        return max(round((self.end_time - self.answered_at).total_seconds()), 0)

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def log_entry(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "to": self.to,
            "from": self.from_,
            "status": self.status,
            "answered_by": self.answered_by,
            "picked_up_by": self.picked_up_by,
            "duration": self.duration,
            "created_at": self.created.isoformat(),
            "url": self.url,
            "twiml": self.twiml,
            "machine_detection": self.machine_detection,
            "heard": [h.entry() for h in list(self.heard)],
            "keys": "".join(self.keys),
            "speech": list(self.speech),
            "requests": [h.entry() for h in list(self.hooks)],
            "callbacks": [
                {"status": h.params.get("CallStatus"), "http_status": h.result.http_status}
                for h in list(self.hooks)
                if h.purpose == "status"
            ],
            "notices": list(self.notices),
        }


class CallEvents:
    """What reaches a running call from outside, under one condition variable."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.decision: str | None = None  # answer, voicemail, decline (while ringing)
        self.interactive = False  # answered by the page or a control: waits in real time
        self.listening = False  # answered on the page: prompts last until their audio ends
        self.digits: deque[str] = deque()
        self.speech: deque[str] = deque()
        self.hangup = False  # the patient hung up
        self.end: str | None = None  # the API ended it (canceled, completed) or a reset did
        self.redirect: tuple[str | None, str | None, str] | None = None  # url, twiml, method
        self.played: set[int] = set()  # prompts the page finished playing

    def notify(self, **changes: Any) -> None:
        with self.cond:
            for name, value in changes.items():
                setattr(self, name, value)
            self.cond.notify_all()

    def press(self, digits: str) -> None:
        with self.cond:
            self.digits.extend(digits)
            self.cond.notify_all()

    def say(self, words: str) -> None:
        with self.cond:
            self.speech.append(words)
            self.cond.notify_all()

    def mark_played(self, index: int) -> None:
        with self.cond:
            self.played.add(index)
            self.cond.notify_all()

    @property
    def stopped(self) -> bool:
        return self.hangup or self.end is not None


class CallStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, FakeCall] = {}  # creation order
        self._behaviours: dict[str | None, deque[tuple[CallBehaviour, int | None]]] = {}
        self._errors = InjectedErrors()
        self.latency = 0.0  # seconds every Calls API request waits, besides the global one

    def add(self, call: FakeCall) -> None:
        with self._lock:
            self._calls[call.sid] = call

    def get(self, sid: str) -> FakeCall | None:
        with self._lock:
            return self._calls.get(sid)

    def calls(self, to: str | None = None) -> list[FakeCall]:
        """Oldest first; only those to `to` when given."""
        with self._lock:
            return [c for c in self._calls.values() if to is None or c.to == to]

    def numbers(self) -> list[str]:
        with self._lock:
            return list(dict.fromkeys(c.to for c in self._calls.values()))

    def plan(self, to: str | None, behaviour: CallBehaviour, count: int | None) -> None:
        """The next `count` calls to `to` (None: to any number; count None: every call)."""
        with self._lock:
            self._behaviours.setdefault(to, deque()).append((behaviour, count))

    def behaviour_for(self, to: str, default: CallBehaviour) -> CallBehaviour:
        with self._lock:
            for key in (to, None):
                queue = self._behaviours.get(key)
                if queue:
                    behaviour, count = queue[0]
                    if count is not None:
                        if count <= 1:
                            queue.popleft()
                        else:
                            queue[0] = (behaviour, count - 1)
                    return behaviour
        return default

    def inject_error(self, error: InjectedError) -> int:
        return self._errors.add(error)

    def take_error(self, to: str) -> InjectedError | None:
        return self._errors.take(to)

    def reset(self) -> list[FakeCall]:
        """Forget everything; returns the calls still running so they can be ended."""
        with self._lock:
            running = [c for c in self._calls.values() if not c.final]
            self._calls.clear()
            self._behaviours.clear()
            self._errors.clear()
            self.latency = 0.0
            return running
