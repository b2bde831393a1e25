"""Telling the registry and consent whose invitations a cancelled batch never sent.

The registry marked them invited when it asked for the batch, and consent opened an
`invited` record; both hear `messaging.batch.cancelled` (in chunks) in the transaction
that cancels the messages, and put them back to "not invited" so that they can be
invited again. See docs/decisions/0019-cancelled-batches-return-patients.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from services.messaging.domain.batches import Batch
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.chunks import chunked

BATCH_CANCELLED = "messaging.batch.cancelled"
CHUNK_SIZE = 500  # as the registry's invitation chunks: events stay small


def announce_unsent(
    uow: MessagingUnitOfWork, batch: Batch, participant_ids: Iterable[uuid.UUID]
) -> int:
    """Publish the ids (once each, in chunks) through the outbox; returns how many."""
    ids = list(dict.fromkeys(participant_ids))
    for part in chunked(ids, CHUNK_SIZE):
        uow.publish(
            BATCH_CANCELLED,
            {
                "batch_id": batch.id,
                "trial_id": batch.trial_id,
                "practice_ods": batch.practice_ods,
                "participant_ids": part,
            },
        )
    return len(ids)
