"""Consent forms: drafts, and published versions that never change (so they are cached)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.orm import Session

from services.consent.adapters.orm import consent_forms
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.understanding import (
    question_as_json,
    question_from_json,
    words_from_json,
)

_f = consent_forms.c

# Published forms never change, so every process may keep them: the page reads one per view.
_published: dict[tuple[uuid.UUID, int], ConsentForm] = {}
# Which version is the newest published one, per trial, for a few seconds: another process
# publishing a new version is seen within LATEST_FOR; this process sees its own at once.
LATEST_FOR = 5.0
_latest: dict[uuid.UUID, tuple[float, int | None]] = {}


class FormRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def form(self, trial_id: uuid.UUID, version: int) -> ConsentForm | None:
        cached = _published.get((trial_id, version))
        if cached is not None:
            return cached
        row = self.session.execute(
            select(consent_forms).where(_f.trial_id == trial_id, _f.version == version)
        ).first()
        if row is None:
            return None
        form = _form(row)
        if form.is_published:
            _published[(trial_id, version)] = form
        return form

    def forms(self, trial_id: uuid.UUID) -> list[ConsentForm]:
        rows = self.session.execute(
            select(consent_forms).where(_f.trial_id == trial_id).order_by(_f.version)
        ).all()
        return [_form(row) for row in rows]

    def latest_published(self, trial_id: uuid.UUID) -> ConsentForm | None:
        version = self.latest_published_version(trial_id)
        return self.form(trial_id, version) if version is not None else None

    def latest_published_version(self, trial_id: uuid.UUID) -> int | None:
        cached = _latest.get(trial_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        version = self.session.scalar(
            select(func.max(_f.version)).where(_f.trial_id == trial_id, _f.status == "published")
        )
        _latest[trial_id] = (time.monotonic() + LATEST_FOR, version)
        return version

    def reconsent_required_since(self, trial_id: uuid.UUID, version: int) -> bool:
        """Whether a form published after `version` asks earlier agreements to be renewed."""
        found = self.session.scalar(
            select(func.count())
            .select_from(consent_forms)
            .where(
                _f.trial_id == trial_id,
                _f.status == "published",
                _f.version > version,
                _f.requires_reconsent.is_(True),
            )
        )
        return bool(found)

    def next_form_version(self, trial_id: uuid.UUID) -> int:
        latest = self.session.scalar(select(func.max(_f.version)).where(_f.trial_id == trial_id))
        return (latest or 0) + 1

    def insert_form(self, form: ConsentForm) -> None:
        self.session.execute(insert(consent_forms).values(**_form_values(form)))

    def update_draft(self, form: ConsentForm) -> None:
        """Writes only over a draft: a published row is never touched."""
        _latest.pop(form.trial_id, None)
        self.session.execute(
            update(consent_forms)
            .where(_f.trial_id == form.trial_id, _f.version == form.version, _f.status == "draft")
            .values(**_form_values(form))
        )


def _form_values(form: ConsentForm) -> dict[str, Any]:
    return {
        "trial_id": form.trial_id,
        "version": form.version,
        "status": form.status,
        "items": [{"key": i.key, "mandatory": i.mandatory} for i in form.items],
        "translations": {
            code: {
                "title": t.title,
                "summary": t.summary,
                "sheet_url": t.sheet_url,
                "items": t.items,
                **(
                    {"questions": {k: w.as_json() for k, w in t.questions.items()}}
                    if t.questions
                    else {}
                ),
            }
            for code, t in form.translations.items()
        },
        "questions": [question_as_json(q) for q in form.questions] or None,
        "requires_reconsent": form.requires_reconsent,
        "content_hash": form.content_hash,
        "created_at": form.created_at,
        "published_at": form.published_at,
        "ethics_reference": form.ethics_reference,
    }


def _form(row: Row[Any]) -> ConsentForm:
    return ConsentForm(
        trial_id=row.trial_id,
        version=row.version,
        items=[Item(i["key"], i["mandatory"]) for i in row.items],
        translations={code: _translation(t) for code, t in row.translations.items()},
        questions=[question_from_json(q) for q in row.questions or []],
        requires_reconsent=row.requires_reconsent,
        status=row.status,
        content_hash=row.content_hash,
        created_at=row.created_at,
        published_at=row.published_at,
        ethics_reference=row.ethics_reference,
    )


def _translation(data: dict[str, Any]) -> Translation:
    return Translation(
        data["title"],
        data["summary"],
        data["sheet_url"],
        data["items"],
        words_from_json(data.get("questions", {})),
    )
