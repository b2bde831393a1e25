"""Consent's HTTP contract for coordinators: pseudonyms and bands, never contact details."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.consent.domain.lifecycle import STATUSES
from services.consent.domain.links import IDENTITY_CHECKS
from services.consent.domain.signatures import MODES as SIGNATURE_MODES
from shared.http.fields import UtcDateTime


class BandsOut(Schema):
    practice_ods = fields.String()
    language = fields.String()
    sex = fields.String(allow_none=True)
    age_band = fields.String(allow_none=True)
    ethnic_category = fields.String(allow_none=True)
    imd_decile = fields.Integer(allow_none=True)
    imd_quintile = fields.Method("quintile", allow_none=True)

    def quintile(self, bands: object) -> int | None:
        decile = getattr(bands, "imd_decile", None)
        return (decile + 1) // 2 if decile else None


class AuditEntryOut(Schema):
    seq = fields.Integer()
    at = UtcDateTime()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.String()
    channel = fields.String()
    form_version = fields.Integer(allow_none=True)
    form_hash = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    hash = fields.String()


class RecordOut(Schema):
    study_number = fields.String()  # never the registry's participant_id
    trial_id = fields.UUID()
    practice_ods = fields.String(allow_none=True)
    status = fields.String()
    form_version = fields.Integer(allow_none=True)
    updated_at = UtcDateTime()


class RecordDetailOut(RecordOut):
    participant = fields.Nested(BandsOut, allow_none=True)
    history = fields.List(fields.Nested(AuditEntryOut))
    audit_chain_intact = fields.Boolean()
    audit_chain_broken_at = fields.Integer(allow_none=True)
    responses = fields.List(fields.Nested("ResponseOut"))
    understanding = fields.List(
        fields.Nested("AnsweredQuestionOut"),
        metadata={"description": "answers to the form's understanding questions (decision 35)"},
    )


class TryOut(Schema):
    answer = fields.String(metadata={"description": "the option's key"})
    words = fields.String(allow_none=True, metadata={"description": "in the language asked"})
    correct = fields.Boolean()
    language = fields.String()
    at = UtcDateTime()


class AnsweredQuestionOut(Schema):
    form_version = fields.Integer()
    question_key = fields.String()
    language = fields.String(metadata={"description": "the language it was first asked in"})
    question = fields.String(allow_none=True, metadata={"description": "its words, so asked"})
    right_first_time = fields.Boolean()
    understood = fields.Boolean(metadata={"description": "the latest answer is right"})
    tries = fields.List(fields.Nested(TryOut))


class RecordPage(Schema):
    items = fields.List(fields.Nested(RecordOut))
    next_cursor = fields.String(allow_none=True)


class RecordQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    cursor = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class SummaryOut(Schema):
    trial_id = fields.UUID()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    total = fields.Integer()


class ResponseOut(Schema):
    at = UtcDateTime()
    decision = fields.String()
    form_version = fields.Integer()
    form_hash = fields.String()
    language = fields.String()
    items = fields.Dict(keys=fields.String(), values=fields.Boolean())


class RecordFilterQuery(RecordQuery):
    practice_ods = fields.String(load_default=None, validate=validate.Length(equal=6))
    language = fields.String(load_default=None)
    age_band = fields.String(load_default=None)
    sex = fields.String(load_default=None)
    ethnic_category = fields.String(load_default=None, validate=validate.Length(max=2))
    updated_since = fields.AwareDateTime(load_default=None)


class ExportQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    practice_ods = fields.String(load_default=None, validate=validate.Length(equal=6))


class PracticeSummaryOut(Schema):
    practice_ods = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    total = fields.Integer()


class PracticeSummaryPage(Schema):
    trial_id = fields.UUID()
    practices = fields.List(fields.Nested(PracticeSummaryOut))


class IntervalOut(Schema):
    low = fields.Float()
    high = fields.Float()


class EquityRowOut(Schema):
    dimension = fields.String()
    group = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Raw())  # a number, or "<5"
    rates = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    intervals = fields.Dict(
        keys=fields.String(), values=fields.Nested(IntervalOut, allow_none=True)
    )
    share_of_invited = fields.Float(allow_none=True)
    share_of_consented = fields.Float(allow_none=True)
    participation_to_prevalence_ratio = fields.Float(allow_none=True)
    ppr_eligible_cohort = fields.Float(allow_none=True)
    ppr_practice_list = fields.Float(allow_none=True)
    flag = fields.String(allow_none=True)


class ChannelReachOut(Schema):
    channel = fields.String(metadata={"enum": ["sms", "whatsapp", "voice", "letter"]})
    # invited, delivered, replied, consented: a number, or "<5"
    counts = fields.Dict(keys=fields.String(), values=fields.Raw())


class EquityOut(Schema):
    trial_id = fields.UUID()
    definition = fields.String()
    totals = fields.Dict(keys=fields.String(), values=fields.Raw())  # a number, or "<5"
    populations = fields.Dict(keys=fields.String(), values=fields.Boolean())
    rows = fields.List(fields.Nested(EquityRowOut))
    channels = fields.List(fields.Nested(ChannelReachOut))  # reach by channel (issue 17)


class BrokenChainOut(Schema):
    record_id = fields.UUID()
    participant_id = fields.UUID()
    trial_id = fields.UUID()
    first_broken_seq = fields.Integer()


class VerificationQuery(Schema):
    trial_id = fields.UUID(load_default=None)
    participant_id = fields.UUID(load_default=None)


class VerificationOut(Schema):
    checked = fields.Integer()
    intact = fields.Boolean()
    broken = fields.List(fields.Nested(BrokenChainOut))


class LinkRevokedOut(Schema):
    revoked = fields.Integer()


# Consent forms (admin)


class ItemIn(Schema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]{1,40}$"))
    mandatory = fields.Boolean(required=True)


KEY = validate.Regexp(r"^[a-z0-9_]{1,40}$", error="lower-case letters, digits and _ only")


class QuestionIn(Schema):
    """A question that checks understanding before the patient decides (multiple choice)."""

    key = fields.String(required=True, validate=KEY)
    options = fields.List(
        fields.String(validate=KEY), required=True, validate=validate.Length(min=2, max=5)
    )
    correct = fields.String(required=True, metadata={"description": "one of the option keys"})


class QuestionWordsIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    options = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.Length(min=1, max=200)),
        required=True,
    )
    explanation = fields.String(
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "shown after a wrong answer"},
    )


class QuestionEditIn(Schema):
    """One understanding question of a draft: its options, the right one, and its words in
    every language of the draft (decision 35)."""

    options = fields.List(
        fields.String(validate=KEY), required=True, validate=validate.Length(min=2, max=5)
    )
    correct = fields.String(required=True, metadata={"description": "one of the options"})
    words = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(QuestionWordsIn),
        required=True,
        metadata={"description": "language -> the question, each option, the explanation"},
    )


class TranslationIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    sheet_url = fields.Url(required=True)
    items = fields.Dict(
        keys=fields.String(), values=fields.String(validate=validate.Length(min=1)), required=True
    )
    questions = fields.Dict(
        keys=fields.String(), values=fields.Nested(QuestionWordsIn), load_default=dict
    )


class FormIn(Schema):
    items = fields.List(fields.Nested(ItemIn), required=True, validate=validate.Length(min=1))
    translations = fields.Dict(
        keys=fields.String(), values=fields.Nested(TranslationIn), required=True
    )
    requires_reconsent = fields.Boolean(load_default=False)
    questions = fields.List(
        fields.Nested(QuestionIn), load_default=list, validate=validate.Length(max=5)
    )


class FormOut(Schema):
    trial_id = fields.UUID()
    version = fields.Integer()
    status = fields.String()
    content_hash = fields.String(allow_none=True)
    requires_reconsent = fields.Boolean()
    created_at = UtcDateTime()
    published_at = UtcDateTime(allow_none=True)
    ethics_reference = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ItemIn))
    translations = fields.Dict(keys=fields.String(), values=fields.Nested(TranslationIn))
    questions = fields.List(fields.Nested(QuestionIn))


class PublishIn(Schema):
    ethics_reference = fields.String(required=True, validate=validate.Length(min=3, max=100))


class CorrectionIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class RevokeIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class PublishedOut(FormOut):
    links_requested = fields.Integer(
        metadata={
            "description": "patients waiting for a form or asked to agree again: each is texted "
            "a link shortly, in chunks on the bus"
        }
    )


# The patient's practice: the identity check's lock, and a new link


class TrialConsentOut(Schema):
    trial_id = fields.UUID()
    short_name = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    study_number = fields.String(allow_none=True)
    link_live = fields.Boolean()
    locked_until = UtcDateTime(allow_none=True)


class PatientConsentOut(Schema):
    participant_id = fields.UUID()
    trials = fields.List(fields.Nested(TrialConsentOut))


STAFF_ACTION_REASONS = ("patient_phoned", "patient_visited", "practice_noticed", "other")


class ActionIn(Schema):
    """An action's body: `{}`, or why, from a fixed list: it goes into the audit chain, so no
    free text (nothing personal can reach it)."""

    reason = fields.String(load_default="other", validate=validate.OneOf(STAFF_ACTION_REASONS))


class LockLiftedOut(Schema):
    lifted = fields.Boolean()


class NewLinkOut(Schema):
    sent = fields.Boolean()


class IdentityCheckIn(Schema):
    identity_check = fields.String(required=True, validate=validate.OneOf(IDENTITY_CHECKS))


class IdentityCheckOut(IdentityCheckIn):
    trial_id = fields.UUID()


class SignatureModeIn(Schema):
    signature = fields.String(required=True, validate=validate.OneOf(SIGNATURE_MODES))


class SignatureModeOut(SignatureModeIn):
    trial_id = fields.UUID()
