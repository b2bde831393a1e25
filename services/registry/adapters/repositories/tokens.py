"""The registry's API tokens on the platform's token table, through the store the other
services share (shared/auth/store.py), on the unit of work's own transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from services.registry.domain.tokens import ApiToken
from shared.auth.store import list_tokens, revoke_token, save_token
from shared.db.unit_of_work import SqlUnitOfWork
from shared.events.commands import TokenIssued


class ApiTokens:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow  # the store's functions take the unit of work: its session and tables

    def add(self, issued: TokenIssued) -> None:
        save_token(self.uow, issued)

    def revoke(self, token_id: uuid.UUID, when: datetime) -> bool:
        return revoke_token(self.uow, token_id, when)

    def newest_first(self) -> list[ApiToken]:
        return [_token(row) for row in list_tokens(self.uow)]

    def token(self, token_id: uuid.UUID) -> ApiToken | None:
        found = list_tokens(self.uow, only=token_id)
        return _token(found[0]) if found else None


def _token(row: dict[str, Any]) -> ApiToken:
    return ApiToken.of(
        row["id"],
        row["name"],
        row["role"],
        row["practices"],
        row["trials"],
        row["created_at"],
        row["expires_at"],
        row["revoked_at"],
    )
