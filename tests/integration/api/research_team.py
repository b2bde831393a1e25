"""Seeding for the research team's endpoints in the scope matrix (decision 0032): a fresh
record of trial X awaiting confirmation per call, and the bodies each endpoint takes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.consent.domain import lifecycle
from services.consent.service_layer import confirmation
from services.consent.service_layer import forms as consent_forms
from services.consent.service_layer import records as consent_records
from services.consent.service_layer.changes import change
from shared.auth.principal import Principal
from tests.integration.api.conftest import FORM_BODY, SEED, World

RECORD = "/trials/<uuid:trial_id>/consent-records/<study_number>"
DISCUSSION: dict[str, Any] = {
    "mode": "video",
    "researcher_name": "Dr R Patel",
    "interpreter_language": "pa",
    "interpreter_name": "Mr H Singh",
    "questions_answered": True,
}
COUNTERSIGNATURE = {
    "researcher_name": "Dr R Patel",
    "signature_typed": "Dr R Patel",
    "signature_ticked": True,
}
REPRESENTATIVE = {
    "representative_name": "Mrs A Khan",
    "relationship": "spouse_or_partner",
    "representative_signature_typed": "Mrs A Khan",
    "representative_signature_ticked": True,
}
PEOPLE = {
    "researcher_name": "Dr R Patel",
    "witness_name": "Mr J Okafor",
    "witness_confirms": True,
    "read_out": True,
}


def published_form(world: World) -> int:
    form = consent_forms.create_draft(world.service.uow(), SEED, world.trial_x, FORM_BODY)
    consent_forms.publish(world.service.uow(), SEED, world.trial_x, form.version, "REC 1")
    return form.version


def awaiting(world: World, *, discussed: bool = False) -> str:
    """The path of a new record of trial X whose patient has signed version 1 or later."""
    participant_id, version = uuid.uuid4(), published_form(world)
    consent_records.record_invitations(world.service.uow(), world.trial_x, [participant_id])
    with world.service.uow() as uow:
        record = uow.records.record(participant_id, world.trial_x)
        form = uow.forms.form(world.trial_x, version)
        for step in (lifecycle.INTERESTED, lifecycle.LINK_SENT):
            change(uow, record, step, actor="seed", channel="system")
        change(uow, record, lifecycle.AWAITING_CONFIRMATION, actor="seed", channel="web", form=form)
        number = record.study_number
        uow.commit()
    if discussed:
        team = Principal(uuid.uuid4(), "seed", "researcher", trials=frozenset({world.trial_x}))
        confirmation.record_discussion(world.service.uow(), team, world.trial_x, number, DISCUSSION)
    return f"/trials/{world.trial_x}/consent-records/{number}"


def witness_statement(world: World) -> dict[str, Any]:
    with world.service.uow() as uow:
        version = uow.forms.latest_published_version(world.trial_x)
    return {
        "witness_name": "Mr J Okafor",
        "witness_signature_typed": "Mr J Okafor",
        "witness_signature_ticked": True,
        "impartial": True,
        "read_by": "Dr R Patel",
        "read_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "form_version": version,
    }


def phone_consent_body(world: World) -> dict[str, Any]:
    """A new invited patient of trial X, answering the newest version on a call."""
    participant_id, version = uuid.uuid4(), published_form(world)
    consent_records.record_invitations(world.service.uow(), world.trial_x, [participant_id])
    return {
        "participant_id": str(participant_id),
        "form_version": version,
        "language": "en",
        "decision": "agreed",
        "answers": {"read_summary": True, "gp_records": True, "future_studies": False},
        **PEOPLE,
    }
