"""A large approved batch in a messaging database, made quickly for crash and load tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert

from services.messaging.adapters.orm import contacts
from services.messaging.service_layer import batches, invitations
from services.messaging.service_layer import contacts as contact_use_cases
from shared.auth.principal import Principal
from shared.events.commands import InvitationsRequested, TrialCreated
from shared.runtime import Runtime

ADMIN = Principal(uuid.uuid4(), "test admin", "admin")
CHUNK = 500


def numbers(count: int, prefix: str = "+44745") -> list[str]:
    return [f"{prefix}{i:07d}" for i in range(count)]


def approved_batch(runtime: Runtime, mobiles: list[str], language: str = "en") -> uuid.UUID:
    """One contact per number (bulk-inserted), invited in chunks as the registry sends them,
    and approved by an admin to go now."""
    trial_id, batch_id = uuid.uuid4(), uuid.uuid4()
    contact_use_cases.save_trial(
        runtime.uow_factory(),
        TrialCreated(trial_id=trial_id, short_name="LOAD", title="A heart study"),
    )
    people = [uuid.uuid4() for _ in mobiles]
    now = datetime.now(UTC)
    with runtime.engine.begin() as conn:
        conn.execute(
            insert(contacts),
            [
                {
                    "participant_id": pid,
                    "practice_ods": "M85001",
                    "mobile": mobile,
                    "textable": True,
                    "language": language,
                    "erased": False,
                    "updated_at": now,
                }
                for pid, mobile in zip(people, mobiles, strict=True)
            ],
        )
    chunks = [people[i : i + CHUNK] for i in range(0, len(people), CHUNK)]
    for index, chunk in enumerate(chunks):
        invitations.queue_invitations(
            runtime.uow_factory(),
            InvitationsRequested(
                batch_id=batch_id,
                trial_id=trial_id,
                practice_ods="M85001",
                chunk=index,
                chunks=len(chunks),
                participant_ids=tuple(chunk),
            ),
        )
    batches.approve(
        runtime.uow_factory(),
        ADMIN,
        batch_id,
        send_at=None,
        allow_unreviewed=True,
    )
    return batch_id
