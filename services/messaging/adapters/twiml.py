"""A call's steps (domain/voice.py) as TwiML, written by the twilio SDK's VoiceResponse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from services.messaging.domain.voice import Gather, Hangup, Pause, Play, Prompt, Redirect, Say, Step


def render(steps: Sequence[Step]) -> str:
    response = VoiceResponse()
    for step in steps:
        if isinstance(step, Gather):
            extra = {"speech_timeout": "auto", "language": step.speech_language}
            gather = response.gather(
                action=step.action,
                method="POST",
                input="dtmf speech" if step.speech_language else "dtmf",
                num_digits=1,
                timeout=step.timeout,
                action_on_empty_result=False,
                **(extra if step.speech_language else {}),
            )
            for prompt in step.prompts:
                _prompt(gather, prompt)
        elif isinstance(step, Hangup):
            response.hangup()
        elif isinstance(step, Redirect):
            response.redirect(step.url, method="POST")
        else:
            _prompt(response, step)
    return str(response.to_xml(xml_declaration=True))


def _prompt(parent: Any, prompt: Prompt) -> None:  # a VoiceResponse or its Gather
    if isinstance(prompt, Play):
        parent.play(prompt.url)
    elif isinstance(prompt, Say):
        parent.say(prompt.text, language=prompt.language)
    elif isinstance(prompt, Pause):
        parent.pause(length=prompt.seconds)
