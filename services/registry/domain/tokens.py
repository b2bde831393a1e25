"""An API token as admins see it: holder, role, scopes and dates, never its hash."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ApiToken:
    """One stored token (the API's TokenOut)."""

    id: uuid.UUID
    name: str
    role: str
    practices: tuple[str, ...]
    trials: tuple[uuid.UUID, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(
        cls,
        id: uuid.UUID,
        name: str,
        role: str,
        practices: Iterable[str],
        trials: Iterable[uuid.UUID | str],
        created_at: datetime,
        expires_at: datetime | None,
        revoked_at: datetime | None,
    ) -> ApiToken:
        """Scopes in the order the token table keeps them (practices sorted, trials by their
        text), so a token reads the same from the database and from memory."""
        trial_ids = sorted(
            (t if isinstance(t, uuid.UUID) else uuid.UUID(t) for t in trials), key=str
        )
        return cls(
            id,
            name,
            role,
            tuple(sorted(practices)),
            tuple(trial_ids),
            created_at,
            expires_at,
            revoked_at,
        )
