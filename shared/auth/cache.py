"""A short-lived, in-process memory of token checks, so a busy API does not ask the database
about the same bearer token on every request (decision 0031).

- Keys are an HMAC of the token under a key made fresh by each process: the memory never
  holds a token, and its keys are of no use outside the process (unlike the SHA-256 stored
  in the database, which anyone who reads the tokens table has).
- Only tokens found valid are remembered, for at most `ttl` seconds and never past their own
  expiry: an unknown token always asks the database, so a token issued a moment ago works at
  once and random guesses cannot fill the memory.
- A revoked token keeps working for at most `ttl` seconds in a process that checked it just
  before the revocation arrived; that is the trade (5 seconds by default, 0 turns it off).
- At most `max_entries` are kept; the oldest go first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from shared import clock as shared_clock
from shared.auth.principal import Principal


class TokenChecker(Protocol):
    def principal_for(self, token: str) -> Principal | None: ...

    def expiry_of(self, token: str) -> tuple[Principal | None, datetime | None]: ...


class CachedTokenStore:
    def __init__(
        self,
        store: TokenChecker,
        ttl: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._key = secrets.token_bytes(32)
        self._seen: OrderedDict[bytes, tuple[float, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    def _name(self, token: str) -> bytes:
        return hmac.new(self._key, token.encode(), hashlib.sha256).digest()

    def principal_for(self, token: str) -> Principal | None:
        if self.ttl <= 0:
            return self.store.principal_for(token)
        name = self._name(token)
        now = self.clock()
        with self._lock:
            found = self._seen.get(name)
            if found is not None and found[0] > now:
                return found[1]
            if found is not None:
                del self._seen[name]
        principal, expires_at = self.store.expiry_of(token)
        if principal is None:
            return None  # never remembered: see the module's docstring
        until = now + self.ttl
        if expires_at is not None:
            left = (expires_at - shared_clock.now()).total_seconds()
            until = min(until, now + left)
        with self._lock:
            self._seen[name] = (until, principal)
            self._seen.move_to_end(name)
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)
        return principal

    def forget_all(self) -> None:
        with self._lock:
            self._seen.clear()
