"""API tokens through the fakes: issued with a lifetime and scopes, stored as the token table
keeps them (never the token), listed, revoked; each step on the bus for the other services."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.registry.service_layer import tokens
from shared import clock
from shared.auth.principal import hash_token
from shared.errors import InvalidInput, NotFound
from shared.events.commands import TokenIssued, TokenRevoked
from tests.support.fakes.registry import FakeRegistryUnitOfWork

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def refused_field(refused: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [e.field for e in refused.value.errors]


def test_an_issued_token_is_shown_once_and_only_its_hash_goes_on_the_bus(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = uuid.uuid4()

    issued = tokens.issue_token(uow, "Dr Khan", "staff", [" m85001 ", "B86001"], [trial])

    [event] = uow.sent(TokenIssued)
    assert event.token_hash == hash_token(issued.token)
    assert issued.token not in str(uow.events[0].data)
    assert (event.token_id, event.name, event.role) == (issued.id, "Dr Khan", "staff")
    assert event.practices == ("M85001", "B86001") and event.trials == (trial,)
    assert (event.created_at, event.expires_at) == (NOW, NOW + timedelta(days=365))
    stored = uow.store.tokens[issued.id]
    assert stored.practices == ("B86001", "M85001") and stored.trials == (trial,)
    assert (stored.created_at, stored.expires_at, stored.revoked_at) == (
        NOW,
        NOW + timedelta(days=365),
        None,
    )
    assert tokens.token(uow, issued.id) == stored
    assert uow.commits == 1


def test_a_role_nobody_has_is_refused_naming_the_field(uow: FakeRegistryUnitOfWork) -> None:
    with pytest.raises(InvalidInput) as refused:
        tokens.issue_token(uow, "Dr Khan", "superuser")

    assert refused_field(refused) == ["role"]
    assert "staff" in refused.value.errors[0].reason
    assert uow.store.tokens == {} and uow.events == []


@pytest.mark.parametrize("days", [0, -5, tokens.MAX_VALID_DAYS + 1])
def test_a_token_that_never_or_hardly_ever_expires_is_refused(
    uow: FakeRegistryUnitOfWork, days: int
) -> None:
    with pytest.raises(InvalidInput) as refused:
        tokens.issue_token(uow, "Ada", "admin", valid_days=days)

    assert refused_field(refused) == ["valid_days"]
    assert uow.store.tokens == {} and uow.events == []


@pytest.mark.parametrize("days", [1, tokens.MAX_VALID_DAYS])
def test_a_token_lives_as_many_days_as_asked_from_one_to_the_most(
    uow: FakeRegistryUnitOfWork, days: int
) -> None:
    issued = tokens.issue_token(uow, "Ada", "admin", valid_days=days)

    assert issued.expires_at == NOW + timedelta(days=days)
    assert uow.store.tokens[issued.id].expires_at == NOW + timedelta(days=days)


def test_a_practice_that_is_not_an_ods_code_is_refused_naming_the_field(
    uow: FakeRegistryUnitOfWork,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        tokens.issue_token(uow, "Dr Khan", "staff", ["M85001", "Leeds Road"])

    assert refused_field(refused) == ["practices"]
    assert uow.store.tokens == {} and uow.events == []


def test_revoking_stores_the_time_and_tells_the_other_services(
    uow: FakeRegistryUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = tokens.issue_token(uow, "Dr Khan", "staff", ["M85001"])
    later = NOW + timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)

    revoked = tokens.revoke(uow, issued.id)

    assert revoked.revoked_at == later and revoked.id == issued.id
    assert uow.store.tokens[issued.id].revoked_at == later
    assert uow.sent(TokenRevoked) == [TokenRevoked(issued.id, later)]
    assert uow.commits == 2


def test_revoking_again_returns_the_first_revocation_and_publishes_nothing(
    uow: FakeRegistryUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = tokens.issue_token(uow, "Ada", "admin")
    first = tokens.revoke(uow, issued.id)
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1))

    again = tokens.revoke(uow, issued.id)

    assert again == first and again.revoked_at == NOW
    assert uow.store.tokens[issued.id].revoked_at == NOW
    assert uow.sent(TokenRevoked) == [TokenRevoked(issued.id, NOW)]
    assert uow.commits == 2  # the issue and the first revoke; the second changes nothing


def test_revoking_an_unknown_token_is_not_found_and_says_nothing(
    uow: FakeRegistryUnitOfWork,
) -> None:
    unknown = uuid.uuid4()

    with pytest.raises(NotFound) as missing:
        tokens.revoke(uow, unknown)

    assert str(unknown) in str(missing.value)
    assert uow.events == [] and uow.commits == 0


def test_tokens_are_listed_newest_first_and_one_is_found_by_id(
    uow: FakeRegistryUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tokens.issue_token(uow, "First", "admin")
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=1))
    second = tokens.issue_token(uow, "Second", "staff", ["M85001"])

    listed = tokens.tokens(uow)

    assert [t.name for t in listed] == ["Second", "First"]
    assert listed[0] == tokens.token(uow, second.id)
    assert tokens.token(uow, first.id).created_at == NOW
    with pytest.raises(NotFound):
        tokens.token(uow, uuid.uuid4())
