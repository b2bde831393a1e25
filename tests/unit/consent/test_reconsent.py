"""Who a newly published form version sends a link to (the chunks they go in are cut by
shared/chunks.py, tested in tests/unit/shared/test_chunks.py)."""

from __future__ import annotations

import uuid

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.reconsent import needs_link

EN = Translation("A study", "Plain words.", "https://example.org/s", {"read": "I read"})


def _form(version: int, *, requires_reconsent: bool) -> ConsentForm:
    return ConsentForm(uuid.uuid4(), version, [Item("read", True)], {"en": EN}, requires_reconsent)


def _record(status: str, form_version: int | None = None) -> ConsentRecord:
    record = ConsentRecord(uuid.uuid4(), uuid.uuid4())
    record.status, record.form_version = status, form_version
    return record


@pytest.mark.parametrize("reconsent", [True, False])
def test_a_patient_waiting_for_a_form_gets_a_link_from_any_version(reconsent: bool) -> None:
    assert needs_link(_record(lifecycle.INTERESTED), _form(2, requires_reconsent=reconsent))


def test_those_who_agreed_to_an_older_version_are_asked_again_only_if_it_requires_it() -> None:
    agreed_v1 = _record(lifecycle.CONSENTED, form_version=1)

    assert needs_link(agreed_v1, _form(2, requires_reconsent=True))
    assert not needs_link(agreed_v1, _form(2, requires_reconsent=False))


def test_those_who_agreed_to_this_version_or_moved_on_are_left_alone() -> None:
    form = _form(2, requires_reconsent=True)

    assert not needs_link(_record(lifecycle.CONSENTED, form_version=2), form)
    for status in (
        lifecycle.DECLINED,
        lifecycle.OPTED_OUT,
        lifecycle.WITHDRAWN,
        lifecycle.LINK_SENT,
        lifecycle.INVITED,
        lifecycle.EXPIRED,
    ):
        assert not needs_link(_record(status, form_version=1), form), status
