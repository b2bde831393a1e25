"""The bearer-token check every endpoint goes through."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from shared.auth.cache import CachedTokenStore
from shared.auth.principal import Principal
from shared.errors import Forbidden, Unauthorized

F = TypeVar("F", bound=Callable[..., Any])

BEARER_SCHEME = {"type": "http", "scheme": "bearer", "description": "A TrialReach API token"}


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal


def _authenticate() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an API token as 'Authorization: Bearer <token>'")
    store: CachedTokenStore = current_app.extensions["trialreach.tokens"]
    principal = store.principal_for(token.strip())
    if principal is None:
        raise Unauthorized("the token is unknown, expired or revoked")
    return principal


def require(*roles: str) -> Callable[[F], F]:
    """Allow only these roles; the scope checks happen where the data is known."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = _authenticate()
            if principal.role not in roles:
                raise Forbidden(f"this needs the role {' or '.join(roles)}")
            g.principal = principal
            return view(*args, **kwargs)

        wrapper._required_roles = roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
