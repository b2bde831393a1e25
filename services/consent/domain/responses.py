"""What a patient answered on the consent page: the form they read and each item ticked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.consent.domain.forms import ConsentForm
from shared import clock
from shared.errors import FieldError, InvalidInput

AGREED, DECLINED = "agreed", "declined"


@dataclass
class ConsentResponse:
    record_id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    form_version: int
    form_hash: str
    language: str
    decision: str
    items: dict[str, bool]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: datetime = field(default_factory=lambda: clock.now())


def answer(
    form: ConsentForm,
    record_id: uuid.UUID,
    participant_id: uuid.UUID,
    language: str,
    decision: str,
    ticked: set[str],
) -> ConsentResponse:
    """Agreeing needs every mandatory item ticked; declining records what was ticked anyway."""
    if form.content_hash is None:
        raise InvalidInput("this form is not published")
    unknown = ticked - {i.key for i in form.items}
    if unknown:
        raise InvalidInput.for_field("items", f"unknown items: {', '.join(sorted(unknown))}")
    if decision == AGREED:
        missing = sorted(form.mandatory_keys() - ticked)
        if missing:
            raise InvalidInput(
                "tick every item marked as needed to take part",
                [FieldError(f"items.{key}", "needed to take part") for key in missing],
            )
    elif decision != DECLINED:
        raise InvalidInput.for_field("decision", "must be agreed or declined")
    return ConsentResponse(
        record_id=record_id,
        participant_id=participant_id,
        trial_id=form.trial_id,
        form_version=form.version,
        form_hash=form.content_hash,
        language=language,
        decision=decision,
        items={item.key: item.key in ticked for item in form.items},
    )
