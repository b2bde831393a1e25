"""Issuing and revoking API tokens. Only the hash is stored and sent to the other services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from services.registry.domain.identifiers import parse_ods_code
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.auth.principal import ROLE_NAMES, hash_token, new_token
from shared.auth.store import list_tokens, revoke_token, save_token
from shared.errors import InvalidInput, NotFound

MAX_VALID_DAYS = 730


def issue_token(
    uow: RegistryUnitOfWork,
    name: str,
    role: str,
    practices: Sequence[str] = (),
    trials: Sequence[uuid.UUID] = (),
    valid_days: int = 365,
) -> tuple[uuid.UUID, str]:
    """Returns (token id, token). The token is shown once and never stored."""
    if role not in ROLE_NAMES:
        raise InvalidInput.for_field("role", f"must be one of {', '.join(ROLE_NAMES)}")
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        # Every token ends: 0 once meant "never expires".
        raise InvalidInput.for_field(
            "valid_days", f"must be a number of days from 1 to {MAX_VALID_DAYS}"
        )
    token = new_token()
    now = datetime.now(UTC)
    data = {
        "token_id": uuid.uuid4(),
        "token_hash": hash_token(token),
        "name": name,
        "role": role,
        "practices": [parse_ods_code(p, "practices") for p in practices],
        "trials": list(trials),
        "created_at": now,
        "expires_at": now + timedelta(days=valid_days),
    }
    with uow:
        save_token(uow, data)
        uow.publish("registry.token.issued", data)
        uow.commit()
    return data["token_id"], token  # type: ignore[return-value]


def revoke(uow: RegistryUnitOfWork, token_id: uuid.UUID) -> None:
    now = datetime.now(UTC)
    with uow:
        if not revoke_token(uow, token_id, now):
            raise NotFound(f"no token {token_id}")
        uow.publish("registry.token.revoked", {"token_id": token_id, "revoked_at": now})
        uow.commit()


def tokens(uow: RegistryUnitOfWork) -> list[dict[str, Any]]:
    with uow:
        return list_tokens(uow)


def token(uow: RegistryUnitOfWork, token_id: uuid.UUID) -> dict[str, Any]:
    with uow:
        found = list_tokens(uow, only=token_id)
    if not found:
        raise NotFound(f"no token {token_id}")
    return found[0]
