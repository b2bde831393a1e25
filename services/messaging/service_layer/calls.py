"""Voice calls (decision 27): the TwiML a call gets, a key press as a reply, and ringing
again a call nobody answered (call_retries.py). Placing calls is the sender's, as for
texts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from services.messaging.domain import recordings as recording_rules
from services.messaging.domain.templates import scope_of
from services.messaging.domain.voice import (
    REPEAT_LIMIT,
    SPOKEN_CODE,
    UNPLAYED,
    VOICE,
    Hangup,
    KeyPress,
    Redirect,
    Spoken,
    Step,
    call_script,
    code_script,
    is_machine,
    key_press,
    voicemail_script,
)
from services.messaging.service_layer import replies
from services.messaging.service_layer.reconciliation import store_reply
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class CallUrls:
    """Where Twilio finds what a call needs, for one message: built by the web layer."""

    gather: str
    recording: Callable[[uuid.UUID], str]
    again: str = ""  # the TwiML once more (key 9), its play counted in the URL
    played: int = 0  # times the call was played before this request (REPEAT_LIMIT)


def twiml_for(
    uow: MessagingUnitOfWork, message_id: uuid.UUID, answered_by: str | None, urls: CallUrls
) -> list[Step]:
    """What the call plays now it is answered: the invitation (or reminder) and the keys
    to press, or, for a machine, the short voicemail message. Records who answered."""
    with uow:
        message = uow.messages.message(message_id)
        if message is None or message.channel != VOICE:
            return [Hangup()]
        if answered_by:
            uow.calls.set_answered_by(message_id, answered_by)
        contact = uow.contacts.contact(message.participant_id)
        trial = uow.trials.trial_settings(message.trial_id) if message.trial_id else None
        # The patient's spoken language (Sylheti), not the written one of the text (Bengali).
        language = contact.language if contact else (message.language or "en")
        machine = is_machine(answered_by)
        if message.kind == SPOKEN_CODE:  # a code is for the patient's ears, not a machine's
            uow.commit()
            if machine:
                return [Hangup()]
            return code_script(message.body, message.language)
        kind = "voicemail" if machine else message.kind
        found = recording_rules.choose(
            uow.recordings.for_kind([scope_of(message.trial_id), "default"], kind),
            kind,
            language,
            scope_of(message.trial_id),
        )
        say_allowed = bool(trial and trial.say_allowed)
        spoken = Spoken(
            recording_url=urls.recording(found.id) if found else None,
            text=message.body if say_allowed else None,
            language=message.language,
        )
        uow.commit()
    if machine:
        return voicemail_script(spoken, trial.callback_number if trial else None)
    if urls.played >= REPEAT_LIMIT:  # a phone stuck on 9: not for ever
        return [Hangup()]
    return call_script(spoken, urls.gather)


def not_played(uow: MessagingUnitOfWork, message_id: uuid.UUID) -> None:
    """A call answered while the database was away played nothing (its TwiML could not be
    read): recorded, once the database is back, so that the call is rung again."""
    with uow:
        message = uow.messages.message(message_id)
        if message is None or message.channel != VOICE:
            return
        uow.calls.set_answered_by(message_id, UNPLAYED)
        uow.commit()
    log.info("call_not_played", message_id=str(message_id))


@dataclass(frozen=True)
class Gathered:
    call_sid: str
    digits: str | None
    speech: str | None
    our_number: str


def key_pressed(
    new_uow: Callable[[], MessagingUnitOfWork],
    message_id: uuid.UUID,
    gathered: Gathered,
    is_duplicate: Callable[[Exception], bool],
    again_url: str,
) -> tuple[KeyPress, list[Step]]:
    """A key (or words) at the gather: 9 plays the call again; 1-4 (or speech) is a reply,
    stored once per call and key and acted on by the same handling as a text (STOP
    suppresses the number everywhere, YES brings the consent link by text, 4 asks for a
    call back)."""
    with new_uow() as uow:
        message = uow.messages.message(message_id)
        contact = uow.contacts.contact(message.participant_id) if message else None
    language = contact.language if contact else None
    pressed = key_press(gathered.digits, gathered.speech, language)
    if pressed.repeat:
        return pressed, [Redirect(again_url)]
    if pressed.intent is None or message is None or message.channel != VOICE:
        return pressed, [Hangup()]
    what = f"key {gathered.digits}" if gathered.digits else "speech"
    reply = replies.InboundSms(
        provider_sid=f"{gathered.call_sid}:{what}"[:64],
        from_number=message.to,
        to_number=gathered.our_number,
        body=f"[{what}]" if gathered.digits else (gathered.speech or ""),
        channel=VOICE,
        intent=pressed.intent,
        answering=message.id,
    )
    store_reply(new_uow, reply, is_duplicate)
    return pressed, [Hangup()]
