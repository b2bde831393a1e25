"""Messaging's HTTP contract: Twilio's webhook forms and the staff views."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from services.messaging.domain.replies import CONVENTIONS, WORDS
from shared.http.fields import UtcDateTime


class TwilioForm(Schema):
    class Meta:
        unknown = EXCLUDE  # Twilio sends many more fields than we use

    @validates_schema
    def _no_nul(self, data: dict[str, Any], **_: Any) -> None:
        # PostgreSQL text cannot hold NUL: refuse it here as a 422, not a database error.
        bad = {
            k: ["Must not contain NUL characters."]
            for k, v in data.items()
            if isinstance(v, str) and "\x00" in v
        }
        if bad:
            raise ValidationError(bad)


class StatusCallbackForm(TwilioForm):
    MessageSid = fields.String(required=True, validate=validate.Length(min=2, max=64))
    MessageStatus = fields.String(required=True, validate=validate.Length(max=20))
    ErrorCode = fields.String(load_default=None, validate=validate.Length(max=20))


def _address_fits(value: str) -> None:
    number = value.removeprefix("whatsapp:")
    if not 3 <= len(number) <= 20:
        raise ValidationError("Length must be between 3 and 20.")


class InboundForm(TwilioForm):
    MessageSid = fields.String(required=True, validate=validate.Length(min=2, max=64))
    # As long as the columns they go into (an E.164 number is at most 16 characters); for
    # WhatsApp "whatsapp:" comes before it (stored without, as the number and its channel).
    From = fields.String(required=True, validate=_address_fits)
    To = fields.String(required=True, validate=_address_fits)
    Body = fields.String(load_default="", validate=validate.Length(max=1600))


class MessageOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    channel = fields.String(metadata={"description": "sms, whatsapp, voice or letter"})
    trial_id = fields.UUID(allow_none=True)
    batch_id = fields.UUID(allow_none=True)
    status = fields.String()
    error = fields.String(allow_none=True)
    body = fields.String()
    attempts = fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class TemplateIn(Schema):
    trial_id = fields.UUID(
        load_default=None,
        metadata={"description": "The trial; leave out to change the shipped default"},
    )
    kind = fields.String(required=True, metadata={"example": "invitation"})
    language = fields.String(required=True, metadata={"example": "ur"})
    body = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    reply_with = fields.String(
        load_default=WORDS,
        validate=validate.OneOf(CONVENTIONS),
        metadata={"description": "How the text asks for an answer: words (YES/NO) or digits"},
    )


class TemplateQuery(Schema):
    trial_id = fields.UUID(load_default=None)
    shipped = fields.Boolean(load_default=False, metadata={"description": "only the defaults"})
    kind = fields.String(load_default=None)
    language = fields.String(load_default=None)


class TemplateOut(Schema):
    id = fields.UUID()
    trial_id = fields.Method("_trial_id", allow_none=True)
    kind = fields.String()
    language = fields.String()
    version = fields.Integer()
    body = fields.String()
    reviewed = fields.Boolean()
    reply_with = fields.String()
    created_by = fields.String()
    reviewed_by = fields.String(allow_none=True)
    reviewed_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()

    def _trial_id(self, template: object) -> str | None:
        scope = getattr(template, "scope", "default")
        return None if scope == "default" else str(scope)


class BatchOut(Schema):
    id = fields.UUID()
    trial_id = fields.UUID()
    practice_ods = fields.String()
    status = fields.String(
        metadata={"description": "draft, scheduled, approved, paused or cancelled"}
    )
    parts_received = fields.Integer()
    parts = fields.Integer()
    send_at = UtcDateTime(allow_none=True)
    approved_by = fields.String(allow_none=True)
    approved_at = UtcDateTime(allow_none=True)
    allow_unreviewed = fields.Boolean()
    reminder_queued_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()


class LanguagePreviewOut(Schema):
    channel = fields.String(metadata={"description": "sms, whatsapp or voice (letters: /letters)"})
    language = fields.String()
    language_name = fields.String()
    rtl = fields.Boolean()
    count = fields.Integer(metadata={"description": "recipients"})
    text = fields.String()
    template_id = fields.UUID(allow_none=True)
    template_version = fields.Integer(allow_none=True)
    template_language = fields.String(
        allow_none=True, metadata={"description": "differs from language on a fallback"}
    )
    reviewed = fields.Boolean()
    encoding = fields.String(metadata={"description": "a text's (GSM-7 or UCS-2); empty otherwise"})
    segments = fields.Integer(metadata={"description": "parts per text; 0 for other channels"})
    characters = fields.Integer()
    cost = fields.Float(metadata={"description": "for every recipient in this language"})


class ChannelPreviewOut(Schema):
    channel = fields.String()
    language = fields.String()
    count = fields.Integer(metadata={"description": "recipients"})
    segments = fields.Integer(metadata={"description": "text parts, all recipients together"})
    cost = fields.Float()


class PreviewOut(Schema):
    batch = fields.Nested(BatchOut)
    languages = fields.List(fields.Nested(LanguagePreviewOut))
    recipients = fields.Integer()
    segments = fields.Integer()
    cost = fields.Float()
    currency = fields.String()
    unreviewed_languages = fields.List(fields.String())
    channels = fields.List(
        fields.Nested(ChannelPreviewOut),
        metadata={"description": "recipients and cost per channel and language"},
    )


class ApproveIn(Schema):
    send_at = fields.AwareDateTime(
        load_default=None, metadata={"description": "leave out to send now"}
    )
    allow_unreviewed = fields.Boolean(
        load_default=False, metadata={"description": "admins only: send unreviewed translations"}
    )


class ReportOut(Schema):
    batch = fields.Nested(BatchOut)
    invitations = fields.Dict(keys=fields.String(), values=fields.Integer())
    reminders = fields.Dict(keys=fields.String(), values=fields.Integer())
    progress = fields.Float(metadata={"description": "share of invitations handed on, 0 to 1"})
    failed_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())
    replies_by_intent = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_channel = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "per channel: messages, reached, waiting, failed ... answered"},
    )


class ConversationTextOut(Schema):
    direction = fields.String(metadata={"description": "out (we sent it) or in (a reply)"})
    kind = fields.String(metadata={"description": "invitation, yes_ack ... or reply"})
    body = fields.String(metadata={"description": "consent link tokens masked"})
    language = fields.String(
        allow_none=True, metadata={"description": "of the text sent; of the patient, for a reply"}
    )
    status = fields.String(metadata={"description": "of a text sent"})
    intent = fields.String(allow_none=True, metadata={"description": "of a reply"})
    channel = fields.String(metadata={"description": "sms, whatsapp, voice or letter"})
    at = UtcDateTime()


class UnclearReplyOut(Schema):
    id = fields.UUID()
    participant_id = fields.UUID(allow_none=True)
    trial_id = fields.UUID(allow_none=True)
    trial_short_name = fields.String(allow_none=True)
    practice_ods = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    body = fields.String()
    intent = fields.String()  # "unknown", or "callback" when the patient asked for a call
    received_at = UtcDateTime()
    number_opted_out = fields.Boolean(
        metadata={"description": "the number is on the STOP list now"}
    )
    channel = fields.String(metadata={"description": "sms, whatsapp, voice or letter"})
    clarification_sent = fields.Boolean(
        metadata={"description": 'the patient was texted "we did not understand"'}
    )
    conversation = fields.List(fields.Nested(ConversationTextOut))


class UnclearQuery(Schema):
    """No filters: requests for a call are callback tasks (GET /callbacks)."""


class CallbackIn(Schema):
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class MadeCallbackOut(Schema):
    id = fields.UUID(metadata={"description": "the reply"})
    intent = fields.String(metadata={"example": "callback"})
    callback_id = fields.UUID(metadata={"description": "the task opened, or the open one joined"})


class IntentIn(Schema):
    intent = fields.String(
        required=True, validate=validate.OneOf(("yes", "no", "stop", "help", "start", "callback"))
    )


class IntentOut(Schema):
    id = fields.UUID()
    intent = fields.String()


class ResubscribeOut(Schema):
    participant_id = fields.UUID()
    was_stopped = fields.Boolean()
    still_stopped = fields.Boolean(
        metadata={"description": "only the number's own START lifts a STOP"}
    )
    confirmation_requested = fields.Boolean(
        metadata={"description": "the number was texted once, asking the patient to reply START"}
    )


class WindowField(Schema):
    days = fields.String(required=True, metadata={"example": "mon-fri"})
    start = fields.String(required=True, metadata={"example": "09:00"})
    end = fields.String(required=True, metadata={"example": "18:00"})


class TrialSettingsIn(Schema):
    info_url = fields.Url(validate=validate.Length(max=500))
    reminder_days = fields.Integer(
        allow_none=True, validate=validate.Range(1, 90), metadata={"description": "null: none"}
    )
    window = fields.Nested(
        WindowField, allow_none=True, metadata={"description": "null: the service default"}
    )
    smart_encoding = fields.Boolean()
    call_retries = fields.Integer(
        validate=validate.Range(0, 5), metadata={"description": "calls after the first"}
    )
    call_retry_delay = fields.Integer(
        validate=validate.Range(300, 7 * 86400), metadata={"description": "seconds"}
    )
    say_allowed = fields.Boolean(
        metadata={"description": "a <Say> voice where the trial has no recording"}
    )
    callback_number = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^\+?[0-9]{6,15}$"),
        metadata={"description": "the number a voicemail message gives"},
    )


class TrialSettingsOut(Schema):
    trial_id = fields.UUID()
    short_name = fields.String()
    title = fields.String()
    info_url = fields.String()
    reminder_days = fields.Integer(allow_none=True)
    window = fields.Method("_window", allow_none=True)
    effective_window = fields.Dict(
        metadata={
            "description": "The hours texts go out in (days, start, end, Europe/London): the "
            "trial's window, or else this deployment's (SEND_WINDOW); source: trial or deployment"
        },
    )
    smart_encoding = fields.Boolean()
    call_retries = fields.Integer()
    call_retry_delay = fields.Integer()
    say_allowed = fields.Boolean()
    callback_number = fields.String(allow_none=True)

    def _window(self, settings: object) -> dict[str, str] | None:
        window = settings.get("window") if isinstance(settings, dict) else None
        return window.describe() if window is not None else None


class NoteIn(Schema):
    """An action's body: `{}`, or a note for the log of why."""

    note = fields.String(load_default=None, validate=validate.Length(max=500))


class SegmentsIn(Schema):
    text = fields.String(required=True, validate=validate.Length(max=1600))


class SegmentsOut(Schema):
    encoding = fields.String(metadata={"description": "GSM-7 or UCS-2"})
    characters = fields.Integer(metadata={"description": "as a person counts them"})
    units = fields.Integer(metadata={"description": "septets (GSM-7) or UTF-16 units (UCS-2)"})
    segments = fields.Integer(metadata={"description": "SMS parts"})
    per_segment_limit = fields.Integer(metadata={"description": "160/70, or 153/67 once split"})
    cost = fields.Float(metadata={"description": "for one recipient"})
    currency = fields.String()
    outside_gsm7 = fields.List(
        fields.String(), metadata={"description": "the characters that make the text UCS-2"}
    )
