"""Every event's data as a marshmallow schema. Producers and consumers both use these.

An event name is `<service>.<entity>.<past-tense verb>`; a command asks
(`registry.invitations.requested`). `grep` on a name finds its contract, its producer
and every consumer (see shared.bus.topology for who subscribes).
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

INTENTS = ("yes", "no", "stop", "help", "callback", "unknown")
# The ways messaging reaches a patient (design: Channels). Events sent before channels
# existed carry none: they were texts.
CHANNELS = ("sms", "whatsapp", "voice", "letter")
ROLES = ("staff", "coordinator", "researcher", "admin")
ODS = validate.Regexp(r"^[A-Z][0-9]{5}$", error="must be an ODS code: a letter and five digits")


class Contract(Schema):
    class Meta:
        unknown = RAISE


class ParticipantRegistered(Contract):
    """What messaging and consent may keep about a participant. No NHS number, no name."""

    participant_id = fields.UUID(required=True)
    practice_ods = fields.String(required=True, validate=ODS)
    mobile = fields.String(required=True, allow_none=True)  # E.164; messaging keeps it
    textable = fields.Boolean(required=True)
    language = fields.String(required=True)
    sex = fields.String(required=True, allow_none=True)
    age_band = fields.String(required=True, allow_none=True)
    ethnic_category = fields.String(required=True, allow_none=True)
    imd_decile = fields.Integer(required=True, allow_none=True)
    imd_edition = fields.Integer(required=True, allow_none=True)
    dob_hash = fields.String(required=True, allow_none=True)  # keyed hash, for consent's check
    # How the patient would rather be reached; optional so that older events still load.
    preferred_channel = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS)
    )
    # Whether a letter can reach them and in large print; the address itself never travels on
    # the bus (decision 0029). Optional, so events written before letters still load.
    postal = fields.Boolean(load_default=False)
    large_print = fields.Boolean(load_default=False)


class ParticipantErased(Contract):
    participant_id = fields.UUID(required=True)


class TrialCreated(Contract):
    trial_id = fields.UUID(required=True)
    short_name = fields.String(required=True)
    title = fields.String(required=True)
    response_deadline_days = fields.Integer(required=True, allow_none=True)
    # Optional so that events written before they existed still load.
    languages = fields.List(fields.String())  # codes from shared.languages
    # No longer sent (messaging owns sending windows); still declared so that events written
    # before, in an outbox or a dead-letter queue, load instead of being dead-lettered.
    window_start = fields.String(validate=validate.Regexp(r"^\d\d:\d\d$"))  # local, HH:MM
    window_end = fields.String(validate=validate.Regexp(r"^\d\d:\d\d$"))
    sending_days = fields.List(fields.Integer(validate=validate.Range(min=1, max=7)))


POPULATIONS = ("practice_list", "eligible")
BANDS = ("ethnic_category", "imd_decile", "language", "age_band", "sex")


class PopulationCounted(Contract):
    """How many people a population holds per value of each band: a practice's list, or a
    trial's eligible cohort at a practice. Counts only, no personal data: what consent needs
    for the equity report's prevalence. A newer count of the same population replaces it.
    A band with no value recorded is counted under ""."""

    population = fields.String(required=True, validate=validate.OneOf(POPULATIONS))
    practice_ods = fields.String(required=True, validate=ODS)
    trial_id = fields.UUID(required=True, allow_none=True)  # None for a practice list
    counted_at = fields.AwareDateTime(required=True)
    counts = fields.Dict(
        keys=fields.String(validate=validate.OneOf(BANDS)),
        values=fields.Dict(
            keys=fields.String(validate=validate.Length(max=20)),
            values=fields.Integer(validate=validate.Range(min=0)),
        ),
        required=True,
    )


class InvitationsRequested(Contract):
    """A command: staff asked messaging to invite part of a cohort. Sent in chunks."""

    batch_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    practice_ods = fields.String(required=True, validate=ODS)
    chunk = fields.Integer(required=True, validate=validate.Range(min=0))
    chunks = fields.Integer(required=True, validate=validate.Range(min=1))
    participant_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1))


class BatchCancelled(Contract):
    """Staff cancelled a batch: these participants' invitations were never sent, so they
    are not invited any more. In chunks, like the invitations."""

    batch_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    practice_ods = fields.String(required=True, validate=ODS)
    participant_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=1000)
    )


class TokenIssued(Contract):
    """An API token's hash (never the token) so every service can check it."""

    token_id = fields.UUID(required=True)
    token_hash = fields.String(required=True, validate=validate.Length(equal=64))
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    practices = fields.List(fields.String(validate=ODS), required=True)
    trials = fields.List(fields.UUID(), required=True)
    created_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True, allow_none=True)


class TokenRevoked(Contract):
    token_id = fields.UUID(required=True)
    revoked_at = fields.AwareDateTime(required=True)


class MessageStatusChanged(Contract):
    message_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True, allow_none=True)
    batch_id = fields.UUID(required=True, allow_none=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(required=True, allow_none=True)
    channel = fields.String(load_default="sms", validate=validate.OneOf(CHANNELS))


class ReplyReceived(Contract):
    """The text stays in messaging; only its meaning travels."""

    reply_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True, allow_none=True)
    intent = fields.String(required=True, validate=validate.OneOf(INTENTS))
    language = fields.String(required=True)
    channel = fields.String(load_default="sms", validate=validate.OneOf(CHANNELS))


class ParticipantOptedOut(Contract):
    participant_id = fields.UUID(required=True)
    # the channel of the STOP ("sms", "whatsapp", "voice"), "staff" (a reply staff read as
    # STOP in the review inbox), or "stop_list": newly known with a number already stopped
    source = fields.String(required=True)
    # The channel the STOP came by, staff-read replies included; none for the STOP list (the
    # patient answered nothing). Optional, so events written before it still load.
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    # The trial whose message the STOP answered: the answer counts in that trial's reach only
    # (the opt-out itself covers every trial). None for the STOP list and older events.
    trial_id = fields.UUID(load_default=None, allow_none=True)


class ParticipantOptedIn(Contract):
    participant_id = fields.UUID(required=True)
    source = fields.String(required=True)


class NotificationRequested(Contract):
    """Consent asks messaging to text a participant in their language."""

    notification_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            (
                "consent_link",
                "consent_confirmation",
                "withdrawal_receipt",
                "identity_code",
                "letter_link",
                # Signed; the research team confirms next (decision 0032)
                "consent_awaiting_confirmation",
            )
        ),
    )
    link = fields.String(required=True, allow_none=True)
    # Only with "identity_code": the one-time code to text. Messaging texts it and keeps it
    # in that message alone; optional so that events written before it existed still load.
    code = fields.String(validate=validate.Regexp(r"^\d{4,10}$"))
    # Only with "identity_code": say the code in a call to the invited number (a patient
    # invited by call alone); optional, false when absent.
    spoken = fields.Boolean()
    # Only with "letter_link" (the answer to messaging.letter.requested): the letter it is for
    # and the short link printed under the QR code. A null `link` says no letter should go
    # (the record has moved on: the patient answered another way or opted out).
    message_id = fields.UUID()
    short_link = fields.String(allow_none=True)


class LetterRequested(Contract):
    """Messaging asks consent for a letter's consent link and one-time code (decision 0029)."""

    message_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)


class ConsentStatusChanged(Contract):
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    status = fields.String(required=True)
    previous_status = fields.String(required=True, allow_none=True)
    form_version = fields.Integer(required=True, allow_none=True)
    # The participant's study number in the trial; optional so that older events still load.
    study_number = fields.String(allow_none=True)


class CallbackRequested(Contract):
    """The consent form is not in the patient's language; they asked for a call with an
    interpreter from the research team (decision 0025)."""

    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    language = fields.String(required=True)
    form_languages = fields.List(fields.String(), required=True)
    interpreter = fields.Boolean(required=True)


CALLBACK_SOURCES = ("sms", "whatsapp", "voice", "letter", "consent_page", "review_inbox")
CALLBACK_OUTCOMES = (
    "reached_interested",
    "consented_by_phone",
    "declined",
    "no_answer",
    "wrong_number",
)


class CallbackOpened(Contract):
    """A patient asked for a person to ring them; messaging opened a callback task (decision
    28). A second request while it is open joins it and is not announced again."""

    task_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    practice_ods = fields.String(required=True, validate=ODS)
    trial_id = fields.UUID(required=True, allow_none=True)
    language = fields.String(required=True)
    interpreter_needed = fields.Boolean(required=True)
    source = fields.String(required=True, validate=validate.OneOf(CALLBACK_SOURCES))
    opened_at = fields.AwareDateTime(required=True)


class CallbackAssigned(Contract):
    task_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True, allow_none=True)
    assigned_to = fields.String(required=True, validate=validate.Length(max=200))
    assigned_at = fields.AwareDateTime(required=True)


class CallbackClosed(Contract):
    task_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True, allow_none=True)
    outcome = fields.String(required=True, validate=validate.OneOf(CALLBACK_OUTCOMES))
    closed_at = fields.AwareDateTime(required=True)
    waited_seconds = fields.Integer(required=True, validate=validate.Range(min=0))


CASCADE_OUTCOMES = ("answered", "stopped", "exhausted", "cancelled")


class CascadeStarted(Contract):
    """A trial's cascade began for a patient with their invitation (decision 30)."""

    run_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    step = fields.Integer(required=True, validate=validate.Range(min=0))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    message_id = fields.UUID(required=True)


class CascadeStepTaken(Contract):
    """No answer in time: another try on the same channel, or the next step's channel."""

    run_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    step = fields.Integer(required=True, validate=validate.Range(min=0))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    attempt = fields.Integer(required=True, validate=validate.Range(min=1))
    message_id = fields.UUID(required=True)


class CascadeEnded(Contract):
    """The patient answered, said STOP, the batch was cancelled, or every step was tried."""

    run_id = fields.UUID(required=True)
    participant_id = fields.UUID(required=True)
    trial_id = fields.UUID(required=True)
    step = fields.Integer(required=True, validate=validate.Range(min=0))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    outcome = fields.String(required=True, validate=validate.OneOf(CASCADE_OUTCOMES))


class LinksRequested(Contract):
    """Consent to itself: a published form version's links, one chunk per event, so a big
    trial is not re-invited in one transaction (issue 18 item 7)."""

    trial_id = fields.UUID(required=True)
    form_version = fields.Integer(required=True, validate=validate.Range(min=1))
    participant_ids = fields.List(fields.UUID(), required=True)
    chunk = fields.Integer(required=True, validate=validate.Range(min=0))
    chunks = fields.Integer(required=True, validate=validate.Range(min=1))


CONTRACTS: dict[str, Schema] = {
    "registry.participant.registered": ParticipantRegistered(),
    "registry.participant.updated": ParticipantRegistered(),
    "registry.participant.erased": ParticipantErased(),
    "registry.trial.created": TrialCreated(),
    "registry.invitations.requested": InvitationsRequested(),
    "registry.population.counted": PopulationCounted(),
    "registry.token.issued": TokenIssued(),
    "registry.token.revoked": TokenRevoked(),
    "messaging.message.status_changed": MessageStatusChanged(),
    "messaging.reply.received": ReplyReceived(),
    "messaging.batch.cancelled": BatchCancelled(),
    "messaging.participant.opted_out": ParticipantOptedOut(),
    "messaging.participant.opted_in": ParticipantOptedIn(),
    "messaging.letter.requested": LetterRequested(),
    "messaging.callback.opened": CallbackOpened(),
    "messaging.callback.assigned": CallbackAssigned(),
    "messaging.callback.closed": CallbackClosed(),
    "messaging.cascade.started": CascadeStarted(),
    "messaging.cascade.step_taken": CascadeStepTaken(),
    "messaging.cascade.ended": CascadeEnded(),
    "consent.notification.requested": NotificationRequested(),
    "consent.status.changed": ConsentStatusChanged(),
    "consent.callback.requested": CallbackRequested(),
    "consent.links.requested": LinksRequested(),
}
