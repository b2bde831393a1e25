"""Signed consent links and the date-of-birth check behind them.

A link carries its own id and an HMAC of that id, so a tampered link fails before the
database is asked. The link row says whether it is still live: it expires, it can be
revoked, and issuing a new one for the same participant and trial revokes the old one.
Wrong dates of birth count against the link; after MAX_DOB_FAILURES it is locked for a while.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

LINK_LIFETIME = timedelta(days=30)
MAX_DOB_FAILURES = 5
LOCKOUT = timedelta(hours=24)
VERIFIED_FOR = timedelta(minutes=30)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class ConsentLink:
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=_now)
    expires_at: datetime = field(default_factory=lambda: _now() + LINK_LIFETIME)
    revoked_at: datetime | None = None
    dob_failures: int = 0
    locked_until: datetime | None = None

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or _now()
        return self.revoked_at is None and now < _aware(self.expires_at)

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and (now or _now()) < _aware(self.locked_until)

    def revoke(self, now: datetime | None = None) -> None:
        if self.revoked_at is None:
            self.revoked_at = now or _now()

    def check_dob(
        self, given_hash: str, expected_hash: str | None, now: datetime | None = None
    ) -> bool:
        """True when the date matches and the link is not locked; failures count."""
        now = now or _now()
        if self.locked_until is not None and not self.is_locked(now):
            self.locked_until = None  # the lockout is over: a fresh count
            self.dob_failures = 0
        # The same work whether locked or not (a comparison, a count written back), so
        # the answer's timing does not tell a locked link from a live one (issue 14, 18).
        matches = expected_hash is not None and hmac.compare_digest(given_hash, expected_hash)
        if self.is_locked(now):
            self.dob_failures += 1  # tries during the lockout: counted, never accepted
            return False
        if matches:
            self.dob_failures = 0
            return True
        self.dob_failures += 1
        if self.dob_failures >= MAX_DOB_FAILURES:
            self.locked_until = now + LOCKOUT
            self.dob_failures = 0
        return False


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    """Makes and reads the token in a link: `<id>.<signature>`, both base64url."""

    def __init__(self, key: str) -> None:
        # Derived, so the date-of-birth key itself never signs anything patients see.
        self._key = hmac.new(key.encode(), b"consent-link-v1", hashlib.sha256).digest()

    def _sign(self, purpose: bytes, payload: bytes) -> bytes:
        return hmac.new(self._key, purpose + b"|" + payload, hashlib.sha256).digest()[:16]

    def token(self, link_id: uuid.UUID) -> str:
        return f"{_b64(link_id.bytes)}.{_b64(self._sign(b'link', link_id.bytes))}"

    def link_id(self, token: str) -> uuid.UUID | None:
        """The link's id, or None when the token was not made by us."""
        head, _, signature = token.partition(".")
        try:
            raw = _unb64(head)
            given = _unb64(signature)
        except (ValueError, TypeError):
            return None
        if len(raw) != 16 or not hmac.compare_digest(given, self._sign(b"link", raw)):
            return None
        if token != self.token(uuid.UUID(bytes=raw)):
            return None  # base64 with other spare bits: one link, one spelling
        return uuid.UUID(bytes=raw)

    def verified_cookie(self, link_id: uuid.UUID, now: datetime | None = None) -> str:
        """Proof, for a short while, that this browser passed the date-of-birth check."""
        until = str(int(((now or _now()) + VERIFIED_FOR).timestamp())).encode()
        return f"{until.decode()}.{_b64(self._sign(b'verified', link_id.bytes + until))}"

    def is_verified(
        self, link_id: uuid.UUID, cookie: str | None, now: datetime | None = None
    ) -> bool:
        if not cookie:
            return False
        until, _, signature = cookie.partition(".")
        if not until.isdigit():
            return False
        try:
            given = _unb64(signature)
        except (ValueError, TypeError):
            return False
        expected = self._sign(b"verified", link_id.bytes + until.encode())
        return hmac.compare_digest(given, expected) and int(until) > (now or _now()).timestamp()
