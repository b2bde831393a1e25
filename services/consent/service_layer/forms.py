"""Admins write consent forms as drafts and publish them; publishing may ask for re-consent."""

from __future__ import annotations

import uuid
from typing import Any

from services.consent.adapters.repository import RecordFilter
from services.consent.domain import lifecycle
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.service_layer import outreach
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal
from shared.errors import NotFound


def _content(data: dict[str, Any]) -> tuple[list[Item], dict[str, Translation]]:
    items = [Item(i["key"], i["mandatory"]) for i in data["items"]]
    translations = {code: Translation(**t) for code, t in data["translations"].items()}
    return items, translations


def create_draft(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, data: dict[str, Any]
) -> ConsentForm:
    principal.require_trial(trial_id)
    items, translations = _content(data)
    with uow:
        form = ConsentForm(
            trial_id,
            uow.consent.next_form_version(trial_id),
            items,
            translations,
            requires_reconsent=data.get("requires_reconsent", False),
        )
        uow.consent.insert_form(form)
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
    items, translations = _content(data)
    with uow:
        form = _get(uow, trial_id, version)
        form.revise(items, translations, data.get("requires_reconsent", False))
        uow.consent.update_draft(form)
        uow.commit()
    return form


def publish(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    version: int,
    ethics_reference: str,
) -> tuple[ConsentForm, int]:
    """Seal the form; then text links to whoever was waiting for one, or must agree again."""
    principal.require_trial(trial_id)
    with uow:
        form = _get(uow, trial_id, version)
        form.publish(ethics_reference)
        uow.consent.update_draft(form)
        texted = 0
        waiting = uow.consent.records_in_trial(
            trial_id, RecordFilter(status=lifecycle.INTERESTED), None, 1_000_000
        )
        again = (
            uow.consent.consented_before_version(trial_id, version)
            if form.requires_reconsent
            else []
        )
        uow.session.flush()
        for record in [*waiting, *again]:
            if outreach.offer_link(uow, record) is not None:
                texted += 1
        uow.commit()
    return form, texted


def list_forms(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID
) -> list[ConsentForm]:
    principal.require_trial(trial_id)
    with uow:
        return uow.consent.forms(trial_id)


def get_form(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, version: int
) -> ConsentForm:
    principal.require_trial(trial_id)
    with uow:
        return _get(uow, trial_id, version)


def _get(uow: ConsentUnitOfWork, trial_id: uuid.UUID, version: int) -> ConsentForm:
    form = uow.consent.form(trial_id, version)
    if form is None:
        raise NotFound(f"trial {trial_id} has no consent form version {version}")
    return form
