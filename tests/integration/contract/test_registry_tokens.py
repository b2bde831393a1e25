"""The registry's API tokens and letter recipients, on the fake and on the shared token store
(shared/auth/store.py) and the recipients' query: stored, listed, revoked alike."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from services.registry.domain.tokens import ApiToken
from shared.auth.principal import hash_token, new_token
from shared.events.commands import TokenIssued
from tests.integration.contract.test_registry_repositories import New, add, patient, practice

pytestmark = pytest.mark.integration

# Far from any other case's tokens: ordered by when they were made, these come first.
MADE = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def issued(name: str, at: datetime = MADE, **scopes: object) -> TokenIssued:
    values: dict[str, object] = {"practices": (), "trials": (), **scopes}
    return TokenIssued(
        token_id=uuid.uuid4(),
        token_hash=hash_token(new_token()),
        name=name,
        role="staff",
        created_at=at,
        expires_at=at + timedelta(days=30),
        **values,  # type: ignore[arg-type]
    )


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back the stored UTC time without its zone."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def as_stored(token: ApiToken | None) -> tuple[object, ...]:
    assert token is not None
    return (
        token.id,
        token.name,
        token.role,
        token.practices,
        token.trials,
        aware(token.created_at),
        aware(token.expires_at),
        aware(token.revoked_at),
    )


def test_a_token_is_stored_once_with_its_scopes_in_order(registry: New) -> None:
    later, earlier = sorted((uuid.uuid4(), uuid.uuid4()), key=str, reverse=True)
    made = issued("Dr Khan", practices=("Y00001", "M85001"), trials=(later, earlier))
    replayed = TokenIssued(**{**vars(made), "name": "Someone else"})
    with registry() as uow:
        uow.tokens.add(made)
        uow.commit()
    with registry() as uow:
        uow.tokens.add(replayed)  # a replayed event changes nothing
        uow.commit()
    with registry() as uow:
        found = uow.tokens.token(made.token_id)
        unknown = uow.tokens.token(uuid.uuid4())
    assert as_stored(found) == (
        made.token_id,
        "Dr Khan",
        "staff",
        ("M85001", "Y00001"),
        (earlier, later),
        MADE,
        MADE + timedelta(days=30),
        None,
    )
    assert unknown is None


def test_tokens_are_listed_newest_first_then_by_id(registry: New) -> None:
    older = issued("older", at=MADE + timedelta(days=1))
    same_time = sorted(
        (issued("a", at=MADE + timedelta(days=2)), issued("b", at=MADE + timedelta(days=2))),
        key=lambda t: t.token_id,
    )
    with registry() as uow:
        for made in (older, *same_time):
            uow.tokens.add(made)
        uow.commit()
    mine = {older.token_id, *(t.token_id for t in same_time)}
    with registry() as uow:
        listed = [t.id for t in uow.tokens.newest_first() if t.id in mine]
    assert listed == [same_time[0].token_id, same_time[1].token_id, older.token_id]


def test_revoking_keeps_the_first_time_and_an_unknown_token_is_not_revoked(
    registry: New,
) -> None:
    made = issued("to revoke")
    first, second = MADE + timedelta(hours=1), MADE + timedelta(hours=2)
    with registry() as uow:
        uow.tokens.add(made)
        uow.commit()
    with registry() as uow:
        known = uow.tokens.revoke(made.token_id, first)
        uow.commit()
    with registry() as uow:
        again = uow.tokens.revoke(made.token_id, second)
        unknown = uow.tokens.revoke(uuid.uuid4(), first)
        uow.commit()
    with registry() as uow:
        found = uow.tokens.token(made.token_id)
    assert (known, again, unknown) == (True, True, False)
    assert found is not None and aware(found.revoked_at) == first


def test_letter_recipients_are_those_with_an_address_without_blank_lines(registry: New) -> None:
    ods = practice(registry)
    housed = patient(
        ods,
        address_line_1="1 High Street",
        address_line_2="",
        address_line_3="Flat 2",
        town="Dudley",
        postcode="DY1 1AA",
        large_print=True,
    )
    homeless = patient(ods, born=date(1980, 1, 1))
    add(registry, housed, homeless)
    with registry() as uow:
        found = uow.letters.recipients([housed.id, homeless.id, uuid.uuid4()])
    assert [(r.participant_id, r.name) for r in found] == [
        (housed.id, f"{housed.given_name} {housed.family_name}")
    ]
    [recipient] = found
    assert recipient.address_lines == ("1 High Street", "Flat 2", "Dudley", "DY1 1AA")
    assert (recipient.large_print, recipient.practice_ods) == (True, ods)
    assert recipient.practice_name == f"Practice {ods}"
