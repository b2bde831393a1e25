"""Signed consent links and the date-of-birth check behind them.

A link carries its own id and an HMAC of that id, so a tampered link fails before the
database is asked. The link row says whether it is still live: it expires, it can be
revoked, and issuing a new one for the same participant and trial revokes the old one.
Wrong dates of birth (and wrong one-time codes, where the trial asks for one) count against
the link; after MAX_DOB_FAILURES it is locked for a while, and the patient is told so. Staff of
the patient's practice can lift the lock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared import clock

LINK_LIFETIME = timedelta(days=30)
MAX_DOB_FAILURES = 5
LOCKOUT = timedelta(hours=24)
VERIFIED_FOR = timedelta(minutes=30)
CODE_LIFETIME = timedelta(minutes=10)
CODE_DIGITS = 6

# What a check of a date of birth or a one-time code comes to.
PASSED, WRONG, LOCKED = "passed", "wrong", "locked"

# A trial's identity check: the date of birth alone, or with a code texted to the invited number.
DOB_ONLY, DOB_AND_CODE = "dob", "dob_and_code"
IDENTITY_CHECKS = (DOB_ONLY, DOB_AND_CODE)


# How the one-time code reaches the patient (issue 18 item 1).
BY_LETTER, BY_CALL, BY_TEXT = "letter", "call", "text"


def code_route(printed: bool, invited_on: set[str]) -> str:
    """Printed on their letter; said in a call to a patient whose invitation came by call
    and by no text (they may not read); else texted to the invited number."""
    if printed:
        return BY_LETTER
    if "voice" in invited_on and not invited_on & {"sms", "whatsapp"}:
        return BY_CALL
    return BY_TEXT


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class ConsentLink:
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())
    expires_at: datetime = field(default_factory=lambda: clock.now() + LINK_LIFETIME)
    revoked_at: datetime | None = None
    dob_failures: int = 0
    locked_until: datetime | None = None
    # A one-time code's keyed hash (never the code) and until when it works.
    code_hash: str | None = None
    code_expires_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < _aware(self.expires_at)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < _aware(self.locked_until)

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now

    def check_dob(self, given_hash: str, expected_hash: str | None, now: datetime) -> str:
        """PASSED when the date matches and the link is not locked; failures count."""
        return self._check(given_hash, expected_hash, now)

    def start_code(self, code_hash: str, now: datetime) -> None:
        """A new one-time code replaces any earlier one."""
        self.code_hash = code_hash
        self.code_expires_at = now + CODE_LIFETIME

    def start_letter_code(self, code_hash: str) -> None:
        """A letter's printed code: it works as long as the link (letters take days to arrive
        and longer to be opened), once."""
        self.code_hash = code_hash
        self.code_expires_at = self.expires_at

    @property
    def has_printed_code(self) -> bool:
        """The code is a letter's, not yet used: the page asks for it instead of texting one."""
        return (
            self.code_hash is not None
            and self.code_expires_at is not None
            and _aware(self.code_expires_at) >= _aware(self.expires_at)
        )

    def check_code(self, given_hash: str, now: datetime) -> str:
        """Like the date of birth: wrong or expired codes count towards the same lockout."""
        live = self.code_expires_at is not None and now < _aware(self.code_expires_at)
        outcome = self._check(given_hash, self.code_hash if live else None, now)
        if outcome == PASSED:
            self.code_hash = self.code_expires_at = None  # one time
        return outcome

    def _check(self, given_hash: str, expected_hash: str | None, now: datetime) -> str:
        if self.locked_until is not None and not self.is_locked(now):
            self.locked_until = None  # the lockout is over: a fresh count
            self.dob_failures = 0
        # The same work whether locked or not (a comparison, a count written back), so
        # the answer's timing does not tell a locked link from a live one (issue 14, 18).
        matches = expected_hash is not None and hmac.compare_digest(given_hash, expected_hash)
        if self.is_locked(now):
            self.dob_failures += 1  # tries during the lockout: counted, never accepted
            return LOCKED
        if matches:
            self.dob_failures = 0
            return PASSED
        self.dob_failures += 1
        if self.dob_failures >= MAX_DOB_FAILURES:
            self.locked_until = now + LOCKOUT
            self.dob_failures = 0
            return LOCKED
        return WRONG

    def lift_lock(self, now: datetime) -> bool:
        """Staff lift a lockout: a fresh count. False when there was no lock to lift."""
        was_locked = self.is_locked(now)
        self.locked_until = None
        self.dob_failures = 0
        self.code_hash = self.code_expires_at = None
        return was_locked


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

    def token(self, link_id: uuid.UUID, purpose: bytes = b"link") -> str:
        return f"{_b64(link_id.bytes)}.{_b64(self._sign(purpose, link_id.bytes))}"

    def link_id(self, token: str, purpose: bytes = b"link") -> uuid.UUID | None:
        """The link's id, or None when the token was not made by us (for this purpose: a
        signed copy's token, purpose b"copy", opens nothing else, and no link opens a copy)."""
        head, _, signature = token.partition(".")
        try:
            raw = _unb64(head)
            given = _unb64(signature)
        except (ValueError, TypeError):
            return None
        if len(raw) != 16 or not hmac.compare_digest(given, self._sign(purpose, raw)):
            return None
        if token != self.token(uuid.UUID(bytes=raw), purpose):
            return None  # base64 with other spare bits: one link, one spelling
        return uuid.UUID(bytes=raw)

    def code_hash(self, link_id: uuid.UUID, code: str) -> str:
        """A one-time code's keyed hash, bound to its link: a code is no use on another."""
        digest = hmac.new(self._key, b"code|" + link_id.bytes + code.encode(), hashlib.sha256)
        return digest.hexdigest()

    def verified_cookie(
        self, link_id: uuid.UUID, now: datetime, purpose: bytes = b"verified"
    ) -> str:
        """Proof, for a short while, that this browser passed the identity check (or, with
        purpose b"dob", its first step: the date of birth, a code still to come)."""
        until = str(int((now + VERIFIED_FOR).timestamp())).encode()
        return f"{until.decode()}.{_b64(self._sign(purpose, link_id.bytes + until))}"

    def is_verified(
        self,
        link_id: uuid.UUID,
        cookie: str | None,
        now: datetime,
        purpose: bytes = b"verified",
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
        expected = self._sign(purpose, link_id.bytes + until.encode())
        return hmac.compare_digest(given, expected) and int(until) > now.timestamp()
