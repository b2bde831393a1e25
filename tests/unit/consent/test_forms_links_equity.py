"""Consent forms, signed links, answers and the equity arithmetic, as pure domain code."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.consent.domain import equity
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.lifecycle import CONSENTED, ConsentRecord
from services.consent.domain.links import (
    LOCKED,
    LOCKOUT,
    MAX_DOB_FAILURES,
    PASSED,
    WRONG,
    ConsentLink,
    LinkSigner,
)
from services.consent.domain.responses import AGREED, DECLINED, answer
from shared.errors import Conflict, InvalidInput, InvalidTransition

ITEMS = [Item("read", True), Item("future", False)]
EN = Translation(
    "A study", "Plain words.", "https://example.org/s", {"read": "I read", "future": "Ask me"}
)


def a_form(**extra: object) -> ConsentForm:
    return ConsentForm(uuid.uuid4(), 1, list(ITEMS), {"en": EN}, **extra)  # type: ignore[arg-type]


def test_publishing_seals_the_content_and_a_published_form_cannot_change() -> None:
    form = a_form()
    form.publish("REC 1", datetime.now(UTC))

    assert form.content_hash and form.verifies()
    with pytest.raises(Conflict):
        form.revise(list(ITEMS), {"en": EN}, False)
    form.translations["en"] = Translation("Changed", "x", "https://e.org", EN.items)
    assert not form.verifies()


def test_a_form_needs_english_a_mandatory_item_and_words_for_every_item() -> None:
    with pytest.raises(InvalidInput) as caught:
        ConsentForm(uuid.uuid4(), 1, [Item("read", False)], {"ur": EN})
    fields = {e.field for e in caught.value.errors}
    assert {"items", "translations.en", "translations.ur.items"} <= fields


def test_the_form_falls_back_to_english_for_a_language_it_lacks() -> None:
    assert a_form().language_for("pa") == "en"
    assert a_form().language_for("und") == "en"  # a patient whose list did not say


def test_no_form_is_written_in_the_unknown_language() -> None:
    with pytest.raises(InvalidInput) as caught:
        ConsentForm(uuid.uuid4(), 1, list(ITEMS), {"en": EN, "und": EN})
    assert {e.field for e in caught.value.errors} == {"translations.und"}


def test_agreeing_without_a_mandatory_item_is_refused_and_declining_is_not() -> None:
    form = a_form()
    form.publish("REC 1", datetime.now(UTC))
    ids = (uuid.uuid4(), uuid.uuid4(), "en")

    with pytest.raises(InvalidInput):
        answer(form, *ids, AGREED, {"future"})
    declined = answer(form, *ids, DECLINED, set())
    agreed = answer(form, *ids, AGREED, {"read"})
    assert declined.items == {"read": False, "future": False}
    assert agreed.items == {"read": True, "future": False} and agreed.form_version == 1


def test_a_link_token_round_trips_and_any_change_to_it_fails() -> None:
    signer = LinkSigner("a-key-of-sixteen-chars")
    link_id = uuid.uuid4()
    token = signer.token(link_id)

    assert signer.link_id(token) == link_id
    assert signer.link_id(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert LinkSigner("another-key-entirely").link_id(token) is None
    assert signer.link_id("garbage") is None


@given(st.text(max_size=80))
def test_no_random_text_is_taken_for_a_link(text: str) -> None:
    assert LinkSigner("a-key-of-sixteen-chars").link_id(text) is None


def test_the_verified_cookie_is_for_one_link_and_expires() -> None:
    signer = LinkSigner("a-key-of-sixteen-chars")
    link_id = uuid.uuid4()
    now = datetime.now(UTC)
    cookie = signer.verified_cookie(link_id, now)

    assert signer.is_verified(link_id, cookie, now)
    assert not signer.is_verified(uuid.uuid4(), cookie, now)
    assert not signer.is_verified(link_id, cookie, now + timedelta(hours=1))


def test_too_many_wrong_dates_lock_the_link_even_against_the_right_one() -> None:
    link = ConsentLink(uuid.uuid4(), uuid.uuid4())
    now = datetime.now(UTC)
    outcomes = [link.check_dob("wrong", "right", now) for _ in range(MAX_DOB_FAILURES)]

    assert outcomes == [WRONG] * (MAX_DOB_FAILURES - 1) + [LOCKED]
    assert link.check_dob("right", "right", now) == LOCKED
    assert link.check_dob("right", "right", now + LOCKOUT + timedelta(seconds=1)) == PASSED


def test_re_consent_needs_a_consented_record_and_a_newer_version() -> None:
    record = ConsentRecord(uuid.uuid4(), uuid.uuid4(), status=CONSENTED, form_version=2)

    with pytest.raises(InvalidTransition):
        record.reconsent(actor="p", channel="web", form_version=2, form_hash="h")
    entry = record.reconsent(actor="p", channel="web", form_version=3, form_hash="h")
    assert (entry.action, record.status, record.form_version) == ("reconsented", CONSENTED, 3)


def test_wilson_interval_matches_the_textbook_values() -> None:
    low, high = equity.wilson(1, 3) or (0.0, 0.0)
    assert (round(low, 4), round(high, 4)) == (0.0615, 0.7923)
    assert equity.wilson(0, 0) is None
    assert equity.wilson(5, 5) == (pytest.approx(0.5655, abs=1e-4), 1.0)


def person(ethnic: str | None, reached: set[str]) -> equity.Person:
    return equity.Person(ethnic, 3, "ur", "60-69", "male", "M85001", frozenset(reached))


def test_ppr_compares_a_groups_share_of_consent_with_its_share_of_the_invited() -> None:
    people = [
        person("J", {"invited", "replied", "interested", "consented"}),
        person("J", {"invited"}),
        person("A", {"invited", "replied", "interested", "consented"}),
        person("A", {"invited", "replied", "interested", "consented"}),
        person(None, {"invited"}),
    ]
    totals, rows = equity.build_report(people)
    by = {(r.dimension, r.group): r for r in rows}

    assert totals["invited"] == 5 and totals["consented"] == 3
    asian = by[("ethnic_group", "Asian or Asian British")]
    assert asian.share_of_invited == pytest.approx(0.4)
    assert asian.ppr == pytest.approx((1 / 3) / 0.4)
    assert by[("ethnic_group", "White")].ppr == pytest.approx((2 / 3) / 0.4)
    assert by[("ethnic_category", "Not stated")].counts["invited"] == 1
    assert by[("ethnic_group", "not known")].counts["invited"] == 1
    assert by[("imd_quintile", "2")].counts["invited"] == 5
