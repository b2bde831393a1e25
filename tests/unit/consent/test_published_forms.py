"""Published form versions are remembered by the process (they never change); drafts, which
may, are always read again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.service_layer.published_forms import PublishedForms

TRIAL = uuid.uuid4()


def a_form(version: int) -> ConsentForm:
    words = Translation("Heart study", "What it is", "https://example.org/sheet", {"gp": "GP"})
    form = ConsentForm(TRIAL, version, [Item("gp", True)], {"en": words})
    form.publish("REC 1", datetime.now(UTC))
    return form


class CountingForms:
    """The forms repository's one method, counting reads: what the cache must save."""

    def __init__(self, forms: dict[int, ConsentForm]) -> None:
        self.forms = forms
        self.reads = 0

    def form(self, trial_id: uuid.UUID, version: int) -> ConsentForm | None:
        self.reads += 1
        return self.forms.get(version) if trial_id == TRIAL else None


class Uow:
    def __init__(self, forms: CountingForms) -> None:
        self.forms = forms


def test_a_published_version_is_read_once_and_a_draft_every_time() -> None:
    draft = a_form(2)
    draft.status, draft.content_hash = "draft", None
    forms = CountingForms({1: a_form(1), 2: draft})
    uow: Any = Uow(forms)
    kept = PublishedForms()

    first = [kept.form(uow, TRIAL, 1) for _ in range(3)]
    drafts = [kept.form(uow, TRIAL, 2) for _ in range(3)]

    assert first[0] is first[2] and first[0] is not None and first[0].version == 1
    assert drafts[0] is draft
    assert forms.reads == 1 + 3
    assert kept.form(uow, TRIAL, 9) is None and kept.form(uow, uuid.uuid4(), 1) is None


def test_at_most_size_versions_are_kept_the_oldest_going_first() -> None:
    forms = CountingForms({v: a_form(v) for v in (1, 2, 3)})
    uow: Any = Uow(forms)
    kept = PublishedForms(size=2)

    for version in (1, 2, 3, 3, 2, 1):
        kept.form(uow, TRIAL, version)

    assert forms.reads == 4  # 1, 2, 3 read; 3 and 2 remembered; 1 had gone
