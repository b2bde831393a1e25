"""Who is calling and what they may touch. Pure: no Flask, no database."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from shared.errors import Forbidden, NotFound

STAFF, COORDINATOR, ADMIN = "staff", "coordinator", "admin"
# The research team: records consent discussions and countersigns, takes consent by phone
# (decision 0032). Scoped to trials, like coordinators.
RESEARCHER = "researcher"
ROLE_NAMES = (STAFF, COORDINATOR, RESEARCHER, ADMIN)
TRIAL_SCOPED = frozenset({COORDINATOR, RESEARCHER})
TOKEN_PREFIX = "trt_"  # noqa: S105 - a prefix that makes leaked tokens easy to spot


def new_token() -> str:
    """A bearer token: 256 random bits. Shown once; only its hash is kept."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # A fast hash is enough: the token is random and long, not a password.
    return hashlib.sha256(token.encode()).hexdigest()


class AtPractice(Protocol):
    """Anything that belongs to one practice: a patient, in each service's own shape."""

    @property
    def practice_ods(self) -> str: ...


Found = TypeVar("Found", bound=AtPractice)


@dataclass(frozen=True)
class Principal:
    token_id: uuid.UUID
    name: str
    role: str
    practices: frozenset[str] = field(default_factory=frozenset)
    trials: frozenset[uuid.UUID] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def may_see_practice(self, ods: str) -> bool:
        return self.is_admin or ods in self.practices

    def may_see_trial(self, trial_id: uuid.UUID) -> bool:
        return self.is_admin or trial_id in self.trials

    def visible_at_practice(self, found: Found | None, detail: str) -> Found:
        """What was found, if it is at one of the caller's practices (any, for an admin).
        Another practice's patient answers NotFound (404), not Forbidden (403), exactly as an
        absent one: "forbidden" would tell the caller that the patient exists."""
        if found is None or not self.may_see_practice(found.practice_ods):
            raise NotFound(detail)
        return found

    def require_practice(self, ods: str) -> None:
        if not self.may_see_practice(ods):
            raise Forbidden(f"this token is not scoped to practice {ods}")

    def require_trial(self, trial_id: uuid.UUID) -> None:
        if not self.may_see_trial(trial_id):
            raise Forbidden(f"this token is not scoped to trial {trial_id}")
