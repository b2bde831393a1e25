"""Twilio's voice webhooks (decision 27), signed like the texts' (decision 7): the TwiML a
call plays when answered, the key pressed at its gather, and its status callbacks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, request
from flask_smorest import Blueprint

from services.messaging.adapters import twiml
from services.messaging.domain.voice import Hangup
from services.messaging.entrypoints.api.call_forms import CallForm, CallStatusForm, GatherForm
from services.messaging.entrypoints.api.webhooks import (
    stored_or_held,
    stored_status,
    twilio_webhook,
)
from services.messaging.entrypoints.context import settings, unit_of_work, uow_factory
from services.messaging.entrypoints.twilio_requests import (
    CALL_ANSWERED,
    CALL_GATHER,
    CALL_STATUS,
    call_status_callback,
    is_duplicate,
)
from services.messaging.service_layer import calls
from shared.logs import get_logger

log = get_logger(__name__)
blp = Blueprint(
    "calls", __name__, url_prefix="/webhooks/twilio/calls", description="Twilio voice webhooks"
)
CALL_FORM, GATHER_FORM, STATUS_FORM = CallForm(), GatherForm(), CallStatusForm()
T = TypeVar("T")
TWIML = {"type": "string", "example": '<?xml version="1.0"?><Response><Hangup/></Response>'}


def _urls(message_id: uuid.UUID) -> calls.CallUrls:
    """The public URLs Twilio calls back (signatures are checked against them). How often
    the call was played travels in the query (`played`), so key 9 cannot loop for ever."""
    base = settings().public_base_url
    call = f"{base}/webhooks/twilio/calls/{message_id}"
    played = _played()
    now = f"?played={played}" if played else ""
    return calls.CallUrls(
        gather=f"{call}/gather{now}",
        again=f"{call}/twiml?played={played + 1}",
        played=played,
        recording=lambda rid: f"{base}/voice/recordings/{rid}",
    )


def _played() -> int:
    """The `played` count of a signed URL we built; anything else counts as a first play."""
    text = request.args.get("played", "0")
    return min(int(text), 99) if text.isdigit() and len(text) < 3 else 0


def _twiml(steps: list[Any]) -> Response:
    return Response(twiml.render(steps), mimetype="text/xml")


def _stored_or_hung_up(kind: str, work: Callable[[], T]) -> T | Response:
    """What the work answered; while the database is away the request is held on the bus
    (stored and acted on once it is back) and the call ends now, or a 503 if neither can
    take it. An empty answer ends the call too."""
    done: list[T] = []
    failed = stored_or_held(kind, lambda: done.append(work()))
    if failed is not None:
        return failed
    return done[0] if done and done[0] else _twiml([Hangup()])


@blp.post("/<uuid:message_id>/twiml")
@twilio_webhook(
    blp, CALL_FORM, 200, TWIML, content_type="text/xml", description="What the call plays"
)
def call_twiml(form: dict[str, Any], message_id: uuid.UUID) -> Response:
    """The call's script. While the database is away the call ends at once (rather than
    Twilio's own error message, in English) and is held on the bus, to be rung again."""
    steps = _stored_or_hung_up(
        CALL_ANSWERED,
        lambda: calls.twiml_for(unit_of_work(), message_id, form["AnsweredBy"], _urls(message_id)),
    )
    if isinstance(steps, Response):
        return steps
    log.info("call_answered", message_id=str(message_id), answered_by=form["AnsweredBy"])
    return _twiml(steps)


@blp.post("/<uuid:message_id>/gather")
@twilio_webhook(
    blp,
    GATHER_FORM,
    200,
    TWIML,
    content_type="text/xml",
    description="Stored as a reply; what next",
)
def call_gather(form: dict[str, Any], message_id: uuid.UUID) -> Response:
    """A key press (1 yes, 2 no, 3 stop, 4 call me back, 9 repeat) or speech: a reply. While
    the database is away it is held on the bus, as a text's reply is, and the call ends."""
    gathered = calls.Gathered(form["CallSid"], form["Digits"], form["SpeechResult"], form["From"])
    outcome = _stored_or_hung_up(
        CALL_GATHER,
        lambda: calls.key_pressed(
            uow_factory(), message_id, gathered, is_duplicate, _urls(message_id).again
        ),
    )
    if isinstance(outcome, Response):
        return outcome
    pressed, steps = outcome
    log.info(
        "call_key_pressed", message_id=str(message_id), intent=pressed.intent, repeat=pressed.repeat
    )
    return _twiml(steps)


@blp.post("/<uuid:message_id>/status")
@twilio_webhook(
    blp, STATUS_FORM, 204, description="Stored (then applied, only if it moves the call forward)"
)
def call_status(form: dict[str, Any], message_id: uuid.UUID) -> Response:
    return stored_status(CALL_STATUS, call_status_callback(message_id, form))
