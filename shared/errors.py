"""Domain errors. They carry no HTTP codes: shared.http.problems maps them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


class DomainError(Exception):
    """Base for errors a user can cause; never a 500."""

    title = "Request cannot be processed"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFound(DomainError):
    title = "Not found"


class Conflict(DomainError):
    title = "Conflict"


class InvalidInput(DomainError):
    title = "Invalid input"

    @classmethod
    def for_field(cls, field: str, reason: str) -> InvalidInput:
        return cls(f"{field}: {reason}", [FieldError(field, reason)])


class InvalidTransition(Conflict):
    title = "Transition not allowed"


class Forbidden(DomainError):
    title = "Not allowed"


class Unauthorized(DomainError):
    title = "Unauthorized"


class NotYetKnown(Exception):
    """An event this one depends on has not been handled yet: the bus retries it later.
    Not a user's error (no HTTP status): events may arrive in any order."""
