"""A call, from dialling to hang-up: rings the phone, runs the TwiML, reports its statuses.

Each call runs on its own thread (a call mostly waits: for the phone, for keys, for the
audio to end). Who is on the phone decides the timing:
- a person on the phone page (`listening`): real time, and a prompt lasts until the page
  says its audio ended or a key cuts it short;
- a test answering through a control (`interactive`): real time, prompts take no time;
- a scripted phone (CallBehaviour answer/voicemail/no-answer): every wait is multiplied by
  settings.voice_time_scale, so a test or a benchmark does not sit through a call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from services.fake_twilio import twiml
from services.fake_twilio.settings import FakeTwilioSettings
from services.fake_twilio.voice_hooks import VoiceHooks
from services.fake_twilio.voice_store import CallStore, FakeCall, Heard
from shared.clock import now

PROMPT_LIMIT = 120.0  # seconds the page may take to play one prompt
APPLICATION_ERROR = "An application error has occurred. Goodbye."
RESET = "reset"  # CallEvents.end when the fake was reset: finish without any webhook


@dataclass(frozen=True)
class Document:
    """Where the next TwiML comes from: a URL to fetch, or TwiML given inline."""

    purpose: str  # twiml, action, redirect
    url: str | None
    method: str = "POST"
    inline: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class VoiceRunner:
    def __init__(self, settings: FakeTwilioSettings, store: CallStore) -> None:
        self.settings = settings
        self.store = store
        self.hooks = VoiceHooks(settings)

    def start(self, call: FakeCall) -> None:
        threading.Thread(
            target=self._run, args=(call,), name=f"fake-call-{call.sid[-8:]}", daemon=True
        ).start()

    def close(self) -> None:
        for call in self.store.calls():
            if not call.final:
                call.events.notify(end=RESET)
        self.hooks.close()

    def _run(self, call: FakeCall) -> None:
        try:
            self._place(call)
        except Exception as exc:
            call.notices.append(f"the fake failed: {exc!r}")
            if not call.final:
                self._finish(call, "completed" if call.answered_at else "failed")

    # Dialling

    def _place(self, call: FakeCall) -> None:
        events = call.events
        self._pause(call, self.settings.ring_delay, scaled=False)
        if events.end:
            return self._finish(call, "canceled")
        call.start_time = now()
        self.hooks.status(call, "initiated")
        if call.behaviour.outcome == "failed":
            return self._finish(call, "failed")
        self._set(call, "ringing")
        self.hooks.status(call, "ringing")
        picked_up = self._ring(call)
        if picked_up not in ("human", "machine"):
            return self._finish(call, picked_up)
        self._answer(call, picked_up)
        self._converse(call)
        if not call.final:
            self._finish(call, "completed")

    def _ring(self, call: FakeCall) -> str:
        """Who picked up (human, machine), or how the call ended unanswered."""
        events, outcome = call.events, call.behaviour.outcome
        if outcome == "ring":  # the phone page or a control decides
            with events.cond:
                events.cond.wait_for(lambda: events.decision or events.end, call.timeout)
            decision = events.decision
        else:
            ring = call.timeout if outcome == "no-answer" else self.settings.ring_delay
            self._pause(call, ring, scaled=outcome == "no-answer")
            decision = {"answer": "answer", "voicemail": "voicemail", "busy": "decline"}.get(
                outcome
            )
        if events.end:
            return "canceled"
        return {"answer": "human", "voicemail": "machine", "decline": "busy"}.get(
            decision or "", "no-answer"
        )

    def _answer(self, call: FakeCall, by: str) -> None:
        call.picked_up_by = by
        detected = None
        if call.machine_detection:
            end = call.machine_detection == "DetectMessageEnd"
            detected = (
                "human" if by == "human" else ("machine_end_beep" if end else "machine_start")
            )
        if detected and call.async_amd is None:
            call.answered_by = detected  # synchronous: the TwiML request carries it
        call.answered_at = now()
        self._set(call, "in-progress")
        self.hooks.status(call, "answered")
        if detected and call.async_amd is not None:  # the TwiML runs at once; AMD follows
            threading.Thread(
                target=self._report_amd, args=(call, detected), name="fake-call-amd", daemon=True
            ).start()

    def _report_amd(self, call: FakeCall, detected: str) -> None:
        """AsyncAmd: the result is posted to AsyncAmdStatusCallback while the call runs."""
        self._pause(call, self.settings.ring_delay, scaled=False)
        call.answered_by = detected
        assert call.async_amd is not None
        url, method = call.async_amd
        if url and call.events.end != RESET:
            params = {
                "AccountSid": self.settings.account_sid,
                "AnsweredBy": detected,
                "CallSid": call.sid,
                "MachineDetectionDuration": str(round(self.settings.ring_delay * 1000)),
            }
            self.hooks.request(call, "amd", url, method, params)

    def _finish(self, call: FakeCall, status: str) -> None:
        call.prompt, call.gathering = None, False
        call.end_time = now()
        self._set(call, status)
        with call.events.cond:
            call.events.cond.notify_all()  # an API update waiting for the end sees it
        if call.events.end != RESET:
            self.hooks.status(call, "completed")

    def _set(self, call: FakeCall, status: str) -> None:
        call.status, call.updated = status, now()

    # Running TwiML

    def _converse(self, call: FakeCall) -> None:
        document: Document | None = Document("twiml", call.url, call.method, call.twiml)
        while document is not None and not call.events.stopped:
            loaded = self._load(call, document)
            if loaded is None:
                call.heard.append(Heard("say", APPLICATION_ERROR, "en-US", None, call.picked_up_by))
                return
            verbs, base = loaded
            document = self._execute(call, verbs, base)
        if call.events.end in ("completed", "canceled"):
            call.notices.append("ended through the API")

    def _load(
        self, call: FakeCall, document: Document
    ) -> tuple[tuple[twiml.Verb, ...], str | None] | None:
        if document.inline is not None:
            inline = self._parse(call, document.inline)
            return (inline, document.url) if inline is not None else None
        assert document.url is not None
        params = self.hooks.params(call) | document.extra
        fetched = self.hooks.request(call, document.purpose, document.url, document.method, params)
        verbs = self._parse(call, fetched.body) if fetched.ok else None
        if verbs is None and document.purpose == "twiml" and call.fallback_url:
            error = "11200" if not fetched.ok else "12100"
            params |= {"ErrorCode": error, "ErrorUrl": document.url}
            fetched = self.hooks.request(call, "fallback", call.fallback_url, "POST", params)
            verbs = self._parse(call, fetched.body) if fetched.ok else None
            return (verbs, call.fallback_url) if verbs is not None else None
        if verbs is None and not fetched.ok:
            call.notices.append(f"11200 HTTP retrieval failure: {document.url}")
        return (verbs, document.url) if verbs is not None else None

    def _parse(self, call: FakeCall, text: str) -> tuple[twiml.Verb, ...] | None:
        try:
            return twiml.parse(text)
        except twiml.BadTwiml as exc:
            call.notices.append(f"12100 Document parse failure: {exc}")
            return None

    def _execute(
        self, call: FakeCall, verbs: tuple[twiml.Verb, ...], base: str | None
    ) -> Document | None:
        """Run the verbs; the next document to load, or None when the call should end."""
        events = call.events
        for verb in verbs:
            if events.stopped:
                return None
            if events.redirect is not None:
                return self._api_redirect(call)
            match verb:
                case twiml.Play() | twiml.Say() | twiml.Pause():
                    self._present(call, verb, base, in_gather=None)
                case twiml.Gather():
                    after = self._gather(call, verb, base)
                    if after is not None:
                        return after
                case twiml.Hangup() | twiml.Reject():
                    return None
                case twiml.Redirect(url=url, method=method):
                    return Document("redirect", _absolute(base, url), method)
                case twiml.Unsupported(name=name):
                    call.notices.append(f"<{name}> is not run by the fake")
        return self._api_redirect(call) if events.redirect is not None else None

    def _api_redirect(self, call: FakeCall) -> Document:
        with call.events.cond:
            assert call.events.redirect is not None
            url, inline, method = call.events.redirect
            call.events.redirect = None
        return Document("redirect", url, method, inline)

    def _present(
        self, call: FakeCall, prompt: twiml.Prompt, base: str | None, in_gather: twiml.Gather | None
    ) -> None:
        """Play, say or pause; a key pressed during a gather's prompt cuts it short."""
        events = call.events
        loops = 1 if isinstance(prompt, twiml.Pause) else prompt.loop
        for _ in range(loops):
            call.heard.append(_heard(prompt, base, call.picked_up_by, in_gather is not None))
            index = len(call.heard) - 1
            call.prompt = index
            barge_in = in_gather is not None and in_gather.wants_digits

            def done() -> bool:
                return (barge_in and bool(events.digits)) or index in events.played  # noqa: B023

            if isinstance(prompt, twiml.Pause):
                self._pause(call, prompt.length, scaled=not events.interactive, until=done)
            elif events.listening and call.picked_up_by == "human":
                self._pause(call, PROMPT_LIMIT, scaled=False, until=done)
            if done() or events.stopped or events.redirect is not None:
                break
        call.prompt = None

    def _gather(self, call: FakeCall, gather: twiml.Gather, base: str | None) -> Document | None:
        """Prompts, then keys or speech; the action's document, or None to run on."""
        events, behaviour = call.events, call.behaviour
        turn = call.gathers  # which of the plan's keys and speech are given here
        call.gathers += 1
        call.gathering = True
        if not events.interactive and call.picked_up_by == "human":
            if gather.wants_digits and turn < len(behaviour.keys):
                events.press(behaviour.keys[turn])
            if gather.wants_speech and turn < len(behaviour.speech):
                events.say(behaviour.speech[turn])
        for prompt in gather.prompts:
            self._present(call, prompt, base, in_gather=gather)
            if events.digits or events.stopped or events.redirect is not None:
                break
        digits, finished_on, speech = self._collect(call, gather)
        call.gathering = False
        if events.stopped or events.redirect is not None:
            return None
        action = _absolute(base, gather.action) if gather.action else base
        document = None
        if action is not None and (digits or speech or gather.action_on_empty_result):
            extra = {"Digits": digits, "FinishedOnKey": finished_on} if gather.wants_digits else {}
            if speech:
                extra = {"SpeechResult": speech, "Confidence": "0.92"}
            document = Document("action", action, gather.method, extra=extra)
        if behaviour.hangup_after is not None and call.gathers >= behaviour.hangup_after:
            if document is not None:
                self._load(call, document)  # the app hears the keys; then the patient hangs up
            events.notify(hangup=True)
            return None
        return document  # None: nothing heard, the next verb runs

    def _collect(self, call: FakeCall, gather: twiml.Gather) -> tuple[str, str, str]:
        """Digits (and the finishing key) or speech, until done or `timeout` s of silence."""
        events = call.events
        digits = ""
        while True:
            with events.cond:
                while events.digits and gather.wants_digits:
                    key = events.digits.popleft()
                    call.keys.append(key)
                    if key == gather.finish_on_key and gather.finish_on_key:
                        return digits, key, ""
                    digits += key
                    if gather.num_digits and len(digits) >= gather.num_digits:
                        return digits, "", ""
                if events.speech and gather.wants_speech:
                    words = events.speech.popleft()
                    call.speech.append(words)
                    return "", "", words
            scaled = not events.interactive
            heard = self._pause(
                call,
                gather.timeout,
                scaled=scaled,
                until=lambda: bool(events.digits or events.speech),
            )
            if not heard or events.stopped or events.redirect is not None:
                return digits, "", ""

    def _pause(
        self,
        call: FakeCall,
        seconds: float,
        *,
        scaled: bool,
        until: Callable[[], bool] | None = None,
    ) -> bool:
        """Wait, cut short by hang-up, the API or `until()`; True if `until()` came true."""
        events = call.events
        wait = seconds * (self.settings.voice_time_scale if scaled else 1.0)
        deadline = time.monotonic() + wait
        condition = until or (lambda: False)
        with events.cond:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or events.stopped or events.redirect is not None:
                    return False
                events.cond.wait(remaining)
            return True


def _absolute(base: str | None, url: str) -> str:
    return urljoin(base, url) if base else url


def _heard(prompt: twiml.Prompt, base: str | None, by: str | None, in_gather: bool) -> Heard:
    if isinstance(prompt, twiml.Play):  # a relative URL is the document's, as Twilio reads it
        return Heard("play", _absolute(base, prompt.url), answered_by=by, in_gather=in_gather)
    if isinstance(prompt, twiml.Say):
        return Heard("say", prompt.text, prompt.language, prompt.voice, by, in_gather)
    return Heard("pause", f"{prompt.length:g}", answered_by=by, in_gather=in_gather)
