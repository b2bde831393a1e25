"""Token rows in a service's own database, and the handlers that copy them across."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from shared import clock
from shared.auth.principal import Principal, hash_token
from shared.db.tables import PlatformTables
from shared.db.unit_of_work import SqlUnitOfWork
from shared.errors import NotYetKnown
from shared.events import Event
from shared.events.commands import TokenIssued, TokenRevoked


class TokenStore:
    def __init__(self, engine: Engine, tables: PlatformTables) -> None:
        self.engine = engine
        self.table = tables.api_tokens

    def principal_for(self, token: str) -> Principal | None:
        return self.expiry_of(token)[0]

    def expiry_of(self, token: str) -> tuple[Principal | None, datetime | None]:
        """The token's holder and when it expires; (None, None) when unknown, revoked or
        expired."""
        table = self.table
        # One round trip: a single read needs no transaction (no BEGIN, no ROLLBACK).
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = conn.execute(select(table).where(table.c.token_hash == hash_token(token))).first()
        if row is None or row.revoked_at is not None:
            return None, None
        expires_at = _aware(row.expires_at) if row.expires_at is not None else None
        if expires_at is not None and expires_at <= clock.now():
            return None, None
        principal = Principal(
            token_id=row.id,
            name=row.name,
            role=row.role,
            practices=frozenset(row.practices),
            trials=frozenset(uuid.UUID(t) for t in row.trials),
        )
        return principal, expires_at


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def save_token(uow: SqlUnitOfWork, issued: TokenIssued) -> None:
    """Store a token's hash and scopes (idempotent: a replayed event changes nothing)."""
    table = uow.tables.api_tokens
    exists = uow.session.execute(select(table.c.id).where(table.c.id == issued.token_id)).first()
    if exists is None:
        uow.session.execute(
            insert(table).values(
                id=issued.token_id,
                token_hash=issued.token_hash,
                name=issued.name,
                role=issued.role,
                practices=sorted(issued.practices),
                trials=sorted(str(t) for t in issued.trials),
                created_at=issued.created_at,
                expires_at=issued.expires_at,
            )
        )


def revoke_token(uow: SqlUnitOfWork, token_id: uuid.UUID, when: datetime) -> bool:
    """Whether a token with this id exists; revoking twice keeps the first time."""
    table = uow.tables.api_tokens
    if uow.session.execute(select(table.c.id).where(table.c.id == token_id)).first() is None:
        return False
    uow.session.execute(
        update(table)
        .where(table.c.id == token_id, table.c.revoked_at.is_(None))
        .values(revoked_at=when)
    )
    return True


def list_tokens(uow: SqlUnitOfWork, only: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Tokens' holders, roles, scopes and dates, newest first; never their hashes."""
    table = uow.tables.api_tokens
    query = select(table).order_by(table.c.created_at.desc(), table.c.id)
    if only is not None:
        query = query.where(table.c.id == only)
    rows = uow.session.execute(query).mappings()
    return [{k: v for k, v in row.items() if k != "token_hash"} for row in rows]


def on_token_issued(event: Event, uow: SqlUnitOfWork) -> None:
    with uow:
        save_token(uow, TokenIssued.of(event))
        uow.commit()


class TokenNotYetKnown(NotYetKnown):
    """A revocation overtook its token's issue (a retried event): retried, never skipped,
    or the token would be stored afterwards as live."""


def on_token_revoked(event: Event, uow: SqlUnitOfWork) -> None:
    with uow:
        revoked = TokenRevoked.of(event)
        if not revoke_token(uow, revoked.token_id, revoked.revoked_at):
            raise TokenNotYetKnown(f"token {revoked.token_id} not known yet")
        uow.commit()


TOKEN_HANDLERS = {
    "registry.token.issued": on_token_issued,
    "registry.token.revoked": on_token_revoked,
}
