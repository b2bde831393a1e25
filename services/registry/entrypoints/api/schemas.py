"""The registry's HTTP contract: request and response bodies."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.registry.domain.demographics import ETHNIC_CATEGORIES, SEXES
from services.registry.domain.imports import FORMATS
from services.registry.domain.model import NOT_INVITED, PARTICIPANT_ORDERS, TRIAL_STATUSES
from shared import languages
from shared.events.contracts import ODS
from shared.http.fields import UtcDateTime

PARTICIPANT_SORTS = tuple(s for key in PARTICIPANT_ORDERS for s in (key, f"-{key}"))
MAX_PARTICIPANT_OFFSET = 10_000  # deeper pages cost the database more than they help anyone


class PracticeIn(Schema):
    ods_code = fields.String(required=True, validate=ODS)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(load_default="Europe/London", validate=validate.Length(max=64))


class PracticeOut(Schema):
    ods_code = fields.String()
    name = fields.String()
    timezone = fields.String()


class TrialIn(Schema):
    short_name = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$", error="letters, digits, - or _"
        ),
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    sponsor = fields.String(required=True, validate=validate.Length(min=1, max=200))
    response_deadline_days = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=365)
    )
    languages = fields.List(
        fields.String(validate=validate.Length(max=40)),
        load_default=lambda: ["en"],
        validate=validate.Length(min=1, max=40),
    )

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        # A field that moved is refused like any unknown one, but says where it went.
        messages = error.normalized_messages()
        moved = {name: [why] for name, why in MOVED_FROM_TRIAL.items() if name in messages}
        if moved:
            raise ValidationError({**messages, **moved}, data=data, valid_data=error.valid_data)


# Fields POST /trials no longer takes, and where they are set now.
MOVED_FROM_TRIAL = {
    "sending_window": (
        "not set in the registry: a trial's sending window is set in messaging's trial "
        "settings (PATCH /trials/{trial_id}/messaging-settings on messaging, or the "
        "console's Trial setup page)"
    ),
}


class TrialOut(Schema):
    id = fields.UUID()
    short_name = fields.String()
    title = fields.String()
    sponsor = fields.String()
    response_deadline_days = fields.Integer(allow_none=True)
    languages = fields.List(fields.String())
    minimum_age = fields.Integer(
        metadata={"description": "nobody younger is invited (18 unless an admin changed it)"}
    )


class MinimumAgeIn(Schema):
    minimum_age = fields.Integer(required=True, validate=validate.Range(min=0, max=120))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class SettingChangeOut(Schema):
    setting = fields.String()
    old_value = fields.String()
    new_value = fields.String()
    changed_by = fields.String()
    reason = fields.String()
    changed_at = UtcDateTime()


class ParticipantIn(Schema):
    """One patient; a whole list goes through /practices/{ods}/imports."""

    practice_ods = fields.String(required=True, validate=ODS)
    nhs_number = fields.String(required=True, validate=validate.Length(max=20))
    given_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    family_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    date_of_birth = fields.String(required=True, validate=validate.Length(max=20))
    language = fields.String(load_default="en", validate=validate.Length(min=2, max=40))
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    sex = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(("female", "male", "other", "unknown")),
    )
    interpreter_needed = fields.Boolean(load_default=False)
    ethnic_category = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(ETHNIC_CATEGORIES)
    )
    imd_decile = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 10))
    imd_edition = fields.Integer(
        load_default=None, allow_none=True, validate=validate.OneOf((2019, 2025))
    )
    preferred_channel = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=20)
    )


class TrialStatusOut(Schema):
    trial_id = fields.UUID()
    status = fields.String()
    updated_at = UtcDateTime()


def _value(obj: Any, name: str) -> Any:
    """A field of a participant given as a dict (with its trials) or as the model."""
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


class ParticipantOut(Schema):
    id = fields.UUID()
    practice_ods = fields.String()
    nhs_number = fields.String()
    given_name = fields.String()
    family_name = fields.String()
    date_of_birth = fields.Date()
    language = fields.String()
    mobile = fields.String(allow_none=True)
    textable = fields.Boolean()
    sex = fields.String(allow_none=True)
    interpreter_needed = fields.Boolean()
    # Derived, not stored, so it follows the texts shipped: the GP said so, or texts
    # reach this patient in a language other than their own (Tigrinya, Sylheti).
    interpreter_may_be_needed = fields.Function(
        lambda p: (
            bool(_value(p, "interpreter_needed"))
            or languages.interpreter_may_be_needed(_value(p, "language"))
        )
    )
    texted_in = fields.Function(lambda p: languages.best_text(_value(p, "language")))
    ethnic_category = fields.String(allow_none=True)
    imd_decile = fields.Integer(allow_none=True)
    imd_edition = fields.Integer(allow_none=True)
    preferred_channel = fields.String(allow_none=True)
    opted_out = fields.Boolean()
    texts = fields.Method("_texts", metadata={"description": "whether texts go, and why not"})
    created_at = UtcDateTime(metadata={"description": "when the registry first had them"})
    trials = fields.List(fields.Nested(TrialStatusOut), dump_default=list)

    def _texts(self, participant: Any) -> str:
        def found(key: str) -> Any:
            if isinstance(participant, dict):
                return participant.get(key)
            return getattr(participant, key)

        if found("opted_out"):
            return (
                "Not texted: this mobile number replied STOP. Only a text saying START "
                "from that number lifts it."
            )
        return "Texted" if found("textable") else "Not texted: no mobile number that takes texts"


class ParticipantPage(Schema):
    items = fields.List(fields.Nested(ParticipantOut))
    next_cursor = fields.String(allow_none=True, metadata={"description": "id order only"})
    next_page = fields.Integer(allow_none=True, metadata={"description": "with sort only"})
    total = fields.Integer(metadata={"description": "matches on every page together"})


class ParticipantQuery(Schema):
    practice_ods = fields.String(load_default=None, validate=ODS)
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=60),
        metadata={
            "description": "An NHS number (spaces allowed), a mobile number (07... or +44...), "
            "or the starts of given and family names, in any order"
        },
    )
    language = fields.String(load_default=None, validate=validate.Length(max=40))
    ethnic_category = fields.String(load_default=None, validate=validate.OneOf(ETHNIC_CATEGORIES))
    textable = fields.Boolean(load_default=None)
    opted_out = fields.Boolean(load_default=None)
    trial_id = fields.UUID(load_default=None)
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(
            (*TRIAL_STATUSES, NOT_INVITED),
            error="Choose a status from the list: " + ", ".join((*TRIAL_STATUSES, NOT_INVITED)),
        ),
        metadata={
            "description": "In trial_id, or in any trial when no trial is given; "
            "not_invited: no status there"
        },
    )
    sort = fields.String(
        load_default=None,
        validate=validate.OneOf(
            PARTICIPANT_SORTS,
            error="Sort by one of: " + ", ".join(PARTICIPANT_SORTS),
        ),
        metadata={"description": "Put - first for the reverse order. Default: id order"},
    )
    cursor = fields.UUID(
        load_default=None, metadata={"description": "next_cursor of the page before (id order)"}
    )
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, error="Pages count from 1"),
        metadata={"description": f"With sort; at most the first {MAX_PARTICIPANT_OFFSET} rows"},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))

    @validates_schema
    def _paging(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("cursor") is not None and data.get("sort"):
            raise ValidationError(
                "A cursor follows id order only: use page with sort", field_name="cursor"
            )
        if data.get("page", 1) > 1 and not data.get("sort"):
            raise ValidationError("Pages need a sort; id order uses cursor", field_name="page")
        if (data.get("page", 1) - 1) * data.get("limit", 50) >= MAX_PARTICIPANT_OFFSET:
            raise ValidationError(
                f"Only the first {MAX_PARTICIPANT_OFFSET} matches can be paged through: "
                "search or filter to narrow them",
                field_name="page",
            )


class ParticipantCorrectionIn(Schema):
    mobile = fields.String(
        allow_none=True,
        validate=validate.Length(max=30),
        metadata={"description": "null removes the number"},
    )
    language = fields.String(validate=validate.Length(min=2, max=40))
    interpreter_needed = fields.Boolean()
    preferred_channel = fields.String(
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": "sms, whatsapp, voice or letter; null removes it"},
    )


class ImportQuery(Schema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Check and report without storing"}
    )


class ImportOut(Schema):
    id = fields.UUID()
    practice_ods = fields.String()
    format = fields.String(metadata={"description": ", ".join(FORMATS)})
    dry_run = fields.Boolean()
    filename = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    rows_total = fields.Integer()
    rows_read = fields.Integer()
    percent_done = fields.Method("_percent")
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    duplicates = fields.Integer()
    noted = fields.Integer(metadata={"description": "rows imported with a language not read"})
    ignored_columns = fields.List(fields.String())
    problem = fields.String(allow_none=True)
    requested_by = fields.String()
    requested_at = UtcDateTime()
    finished_at = UtcDateTime(allow_none=True)
    error_report = fields.Method("_report")

    def _percent(self, job: Any) -> int:
        return 100 if not job.rows_total else int(100 * job.rows_read / job.rows_total)

    def _report(self, job: Any) -> str:
        return f"/imports/{job.id}/errors.csv"


class CriteriaSchema(Schema):
    age_min = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 120))
    age_max = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 120))
    sexes = fields.List(fields.String(validate=validate.OneOf(SEXES)), load_default=list)
    ethnic_categories = fields.List(
        fields.String(validate=validate.OneOf(ETHNIC_CATEGORIES)), load_default=list
    )
    imd_deciles = fields.List(fields.Integer(validate=validate.Range(1, 10)), load_default=list)
    languages = fields.List(fields.String(validate=validate.Length(max=20)), load_default=list)
    textable_only = fields.Boolean(load_default=True)


class CohortIn(Schema):
    practice_ods = fields.String(required=True, validate=ODS)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    criteria = fields.Nested(CriteriaSchema, load_default=lambda: CriteriaSchema().load({}))


class CohortOut(Schema):
    id = fields.UUID()
    trial_id = fields.UUID()
    practice_ods = fields.String()
    name = fields.String()
    criteria = fields.Nested(CriteriaSchema)
    created_by = fields.String()
    created_at = UtcDateTime()
    frozen_at = UtcDateTime(allow_none=True)
    batch_id = fields.UUID(allow_none=True)
    size = fields.Integer(allow_none=True)


class CohortQuery(Schema):
    practice_ods = fields.String(load_default=None, validate=ODS)


class BreakdownOut(Schema):
    count = fields.Integer()
    textable = fields.Integer(metadata={"description": "of them, how many can be texted"})
    letters = fields.Integer(
        metadata={"description": "of them, how many have no mobile to text but get a letter"}
    )
    by_ethnic_group = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_imd_quintile = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_language = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_age_band = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_sex = fields.Dict(keys=fields.String(), values=fields.Integer())
    left_out = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "description": "of those the filter finds, how many cannot be invited, by reason "
            "(under the trial's minimum age, opted out, said no in another trial, no mobile...)"
        },
    )


class CohortInvitationIn(Schema):
    expected_count = fields.Integer(
        required=True,
        validate=validate.Range(min=1),
        metadata={
            "description": "How many the preview said can be texted (its `textable` figure). "
            "If the cohort has changed since, nothing is sent and the answer is 409."
        },
    )


class CohortInvitationOut(Schema):
    batch_id = fields.UUID()
    invited = fields.Integer()
    chunks = fields.Integer()


class StatusQuery(Schema):
    practice_ods = fields.String(required=True, validate=ODS)
    cursor = fields.UUID(load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class ParticipantStatusOut(Schema):
    participant_id = fields.UUID()
    given_name = fields.String()
    family_name = fields.String()
    status = fields.String()
    updated_at = UtcDateTime()


class TrialStatusPage(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    items = fields.List(fields.Nested(ParticipantStatusOut))
    next_cursor = fields.String(allow_none=True)


class InvitationRequestIn(Schema):
    practice_ods = fields.String(required=True, validate=ODS)
    participant_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=50_000)
    )


class InvitationRequestOut(Schema):
    batch_id = fields.UUID()
    invited = fields.Integer()
    skipped = fields.Dict(keys=fields.String(), values=fields.String())
