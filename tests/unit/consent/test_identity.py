"""The identity check's pure rules: lockout, lifting it, one-time codes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.consent.domain.links import (
    CODE_DIGITS,
    CODE_LIFETIME,
    LOCKED,
    MAX_DOB_FAILURES,
    PASSED,
    WRONG,
    ConsentLink,
    LinkSigner,
    new_code,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def a_link() -> ConsentLink:
    return ConsentLink(uuid.uuid4(), uuid.uuid4())


def locked_link() -> ConsentLink:
    link = a_link()
    for _ in range(MAX_DOB_FAILURES):
        link.check_dob("wrong", "right", NOW)
    return link


def test_the_try_that_locks_says_locked_and_so_does_the_right_date_after_it() -> None:
    link = locked_link()

    assert link.is_locked(NOW)
    assert link.check_dob("right", "right", NOW) == LOCKED


def test_staff_lifting_the_lock_lets_the_right_date_through_with_a_fresh_count() -> None:
    link = locked_link()

    assert link.lift_lock(NOW) is True
    assert not link.is_locked(NOW)
    assert link.check_dob("wrong", "right", NOW) == WRONG
    assert link.check_dob("right", "right", NOW) == PASSED


def test_lifting_a_lock_that_is_not_there_says_so() -> None:
    assert a_link().lift_lock(NOW) is False


def test_a_one_time_code_works_once_and_only_before_it_expires() -> None:
    signer = LinkSigner("k" * 32)
    link = a_link()
    code = new_code()
    link.start_code(signer.code_hash(link.id, code), NOW)

    assert len(code) == CODE_DIGITS and code.isdigit()
    assert link.check_code(signer.code_hash(link.id, code), NOW) == PASSED
    assert link.check_code(signer.code_hash(link.id, code), NOW) == WRONG  # used up

    link.start_code(signer.code_hash(link.id, code), NOW)
    late = NOW + CODE_LIFETIME + timedelta(seconds=1)
    assert link.check_code(signer.code_hash(link.id, code), late) == WRONG


def test_a_code_is_bound_to_its_link() -> None:
    signer = LinkSigner("k" * 32)
    one, other = a_link(), a_link()

    assert signer.code_hash(one.id, "123456") != signer.code_hash(other.id, "123456")


def test_wrong_codes_count_towards_the_same_lockout_as_wrong_dates() -> None:
    signer = LinkSigner("k" * 32)
    link = a_link()
    link.check_dob("wrong", "right", NOW)
    link.start_code(signer.code_hash(link.id, "111111"), NOW)
    outcomes = [
        link.check_code(signer.code_hash(link.id, "000000"), NOW)
        for _ in range(MAX_DOB_FAILURES - 1)
    ]

    assert outcomes[-1] == LOCKED
    assert link.check_code(signer.code_hash(link.id, "111111"), NOW) == LOCKED
