"""Admins write consent forms as drafts and publish them; publishing may ask for re-consent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from services.consent.domain import lifecycle, reconsent
from services.consent.domain.filters import RecordFilter
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.understanding import Question, question_from_json, words_from_json
from services.consent.service_layer import outreach
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.chunks import chunked
from shared.errors import Conflict, NotFound

LINKS_REQUESTED = "consent.links.requested"


def _content(
    data: dict[str, Any],
) -> tuple[list[Item], dict[str, Translation], list[Question]]:
    items = [Item(i["key"], i["mandatory"]) for i in data["items"]]
    translations = {
        code: Translation(
            t["title"],
            t["summary"],
            t["sheet_url"],
            t["items"],
            words_from_json(t.get("questions", {})),
        )
        for code, t in data["translations"].items()
    }
    questions = [question_from_json(q) for q in data.get("questions", [])]
    return items, translations, questions


def create_draft(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, data: dict[str, Any]
) -> ConsentForm:
    principal.require_trial(trial_id)
    items, translations, questions = _content(data)
    with uow:
        form = ConsentForm(
            trial_id,
            uow.forms.next_form_version(trial_id),
            items,
            translations,
            requires_reconsent=data.get("requires_reconsent", False),
            questions=questions,
        )
        uow.forms.insert_form(form)
        uow.commit()
    return form


def revise_draft(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    version: int,
    data: dict[str, Any],
) -> ConsentForm:
    principal.require_trial(trial_id)
    items, translations, questions = _content(data)
    with uow:
        form = _get(uow, trial_id, version)
        form.revise(items, translations, data.get("requires_reconsent", False), questions)
        uow.forms.update_draft(form)
        uow.commit()
    return form


def publish(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    version: int,
    ethics_reference: str,
) -> tuple[ConsentForm, int]:
    """Seal the form, and ask for links for whoever was waiting for one or must agree again:
    in chunks on the bus, each sent in its own transaction (`offer_links`). Returns how many
    patients will get a link."""
    principal.require_trial(trial_id)
    with uow:
        form = _get(uow, trial_id, version)
        form.publish(ethics_reference, clock.now())
        uow.forms.update_draft(form)
        waiting = uow.records.records_in_trial(
            trial_id, RecordFilter(status=lifecycle.INTERESTED), None, 1_000_000
        )
        again = (
            uow.records.consented_before_version(trial_id, version)
            if form.requires_reconsent
            else []
        )
        ids = [record.participant_id for record in [*waiting, *again]]
        parts = list(chunked(ids, reconsent.LINK_CHUNK))
        uow.publish_many(
            LINKS_REQUESTED,
            [
                {
                    "trial_id": trial_id,
                    "form_version": version,
                    "participant_ids": part,
                    "chunk": number,
                    "chunks": len(parts),
                }
                for number, part in enumerate(parts)
            ],
        )
        uow.commit()
    return form, len(ids)


def offer_links(
    uow: ConsentUnitOfWork,
    trial_id: uuid.UUID,
    form_version: int,
    participant_ids: Sequence[uuid.UUID],
) -> int:
    """One chunk of a publication's links, handled by the worker like any event: stored as
    handled with its effects, so a redelivered chunk sends nothing twice, and a failure
    retries its chunk alone. A record that moved on since publication (agreed, declined,
    stopped) is left alone. Returns how many links were sent."""
    with uow:
        form = uow.forms.form(trial_id, form_version)
        if form is None or not form.is_published:
            raise NotFound(f"no published form version {form_version} for trial {trial_id}")
        latest = uow.forms.latest_published(trial_id)
        if latest is not None and latest.version != form.version:
            return 0  # a newer version was published since: its own chunks send the links
        sent = 0
        for participant_id in participant_ids:
            record = uow.records.record(participant_id, trial_id, lock=True)
            if record is not None and reconsent.needs_link(record, form):
                sent += outreach.offer_link(uow, record) is not None
        uow.commit()
    return sent


def list_forms(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID
) -> list[ConsentForm]:
    principal.require_trial(trial_id)
    with uow:
        return uow.forms.forms(trial_id)


def get_form(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, version: int
) -> ConsentForm:
    principal.require_trial(trial_id)
    with uow:
        return _get(uow, trial_id, version)


def get_draft(uow: ConsentUnitOfWork, trial_id: uuid.UUID, version: int) -> ConsentForm:
    """A draft version to change; a published one is a conflict (it never changes)."""
    form = _get(uow, trial_id, version)
    if form.is_published:
        raise Conflict(f"version {version} is published and can no longer change")
    return form


def _get(uow: ConsentUnitOfWork, trial_id: uuid.UUID, version: int) -> ConsentForm:
    form = uow.forms.form(trial_id, version)
    if form is None:
        raise NotFound(f"trial {trial_id} has no consent form version {version}")
    return form
