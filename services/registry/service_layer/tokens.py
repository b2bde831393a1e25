"""Issuing and revoking API tokens. Only the hash is stored and sent to the other services.

Tokens live in the platform's token table (`uow.tokens`; shared/auth/store.py on a database),
the table each service fills from the registry's token events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta

from services.registry.domain.identifiers import parse_ods_code
from services.registry.domain.tokens import ApiToken
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock
from shared.auth.principal import ROLE_NAMES, hash_token, new_token
from shared.errors import InvalidInput, NotFound
from shared.events.commands import TokenIssued, TokenRevoked

MAX_VALID_DAYS = 730


@dataclass(frozen=True)
class IssuedToken(ApiToken):
    """A new token as stored, with the token itself: shown once and never stored."""

    token: str


def issue_token(
    uow: RegistryUnitOfWork,
    name: str,
    role: str,
    practices: Sequence[str] = (),
    trials: Sequence[uuid.UUID] = (),
    valid_days: int = 365,
) -> IssuedToken:
    if role not in ROLE_NAMES:
        raise InvalidInput.for_field("role", f"must be one of {', '.join(ROLE_NAMES)}")
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        # Every token ends: 0 once meant "never expires".
        raise InvalidInput.for_field(
            "valid_days", f"must be a number of days from 1 to {MAX_VALID_DAYS}"
        )
    token = new_token()
    now = clock.now()
    issued = TokenIssued(
        token_id=uuid.uuid4(),
        token_hash=hash_token(token),
        name=name,
        role=role,
        practices=tuple(parse_ods_code(p, "practices") for p in practices),
        trials=tuple(trials),
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    with uow:
        uow.tokens.add(issued)
        uow.publish(TokenIssued.EVENT, issued.data())
        stored = _found(uow, issued.token_id)  # as the table keeps it, as a listing shows it
        uow.commit()
    return IssuedToken(**asdict(stored), token=token)


def revoke(uow: RegistryUnitOfWork, token_id: uuid.UUID) -> ApiToken:
    """The token as revoked. Revoking again returns it as revoked the first time and
    publishes nothing: the other services heard it then, and keep that first time."""
    now = clock.now()
    with uow:
        if (already := _found(uow, token_id)).revoked_at is not None:
            return already
        if not uow.tokens.revoke(token_id, now):
            raise NotFound(f"no token {token_id}")
        uow.publish(TokenRevoked.EVENT, TokenRevoked(token_id, now).data())
        revoked = _found(uow, token_id)
        uow.commit()
    return revoked


def tokens(uow: RegistryUnitOfWork) -> list[ApiToken]:
    """Every token, newest first."""
    with uow:
        return uow.tokens.newest_first()


def token(uow: RegistryUnitOfWork, token_id: uuid.UUID) -> ApiToken:
    with uow:
        return _found(uow, token_id)


def _found(uow: RegistryUnitOfWork, token_id: uuid.UUID) -> ApiToken:
    found = uow.tokens.token(token_id)
    if found is None:
        raise NotFound(f"no token {token_id}")
    return found
