"""What staff narrow messaging's lists by (query objects every layer may import)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class CallbackFilter:
    """Whose tasks a caller may see (None: everyone's) and what they asked for."""

    practices: Collection[str] | None = None
    trials: Collection[uuid.UUID] | None = None
    practice_ods: str | None = None
    trial_id: uuid.UUID | None = None
    state: str | None = None  # unassigned, assigned, closed; None: every open one
