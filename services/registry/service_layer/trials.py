"""Use cases for trials: create, read, statuses, and the audited minimum age."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from services.registry.domain.identifiers import parse_ods_code
from services.registry.domain.model import Participant, Trial, TrialSettingChange, TrialStatus
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import languages
from shared.auth.principal import TRIAL_SCOPED, Principal
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from shared.logs import get_logger

log = get_logger(__name__)


def create_trial(
    uow: RegistryUnitOfWork,
    short_name: str,
    title: str,
    sponsor: str,
    response_deadline_days: int | None,
    trial_languages: Sequence[str] = ("en",),
) -> Trial:
    """A new trial, announced to messaging and consent. When its texts may go out is not
    kept here: messaging owns sending windows (its per-trial messaging settings)."""
    codes = _trial_languages(trial_languages)
    with uow:
        if uow.registry.trial_by_short_name(short_name) is not None:
            raise Conflict(f"a trial called {short_name} exists already")
        trial = Trial(short_name, title, sponsor, response_deadline_days, languages=codes)
        uow.registry.add(trial)
        uow.publish(
            "registry.trial.created",
            {
                "trial_id": trial.id,
                "short_name": trial.short_name,
                "title": trial.title,
                "response_deadline_days": trial.response_deadline_days,
                "languages": trial.languages,
            },
        )
        uow.commit()
    return trial


def _trial_languages(raw: Sequence[str]) -> list[str]:
    codes: list[str] = []
    errors: list[FieldError] = []
    for text in raw:
        found = languages.parse_language(text)
        if found is None:
            errors.append(FieldError("languages", f"{text[:40]!r} is not a language we know"))
        elif found.code not in codes:
            codes.append(found.code)
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    if not codes:
        raise InvalidInput.for_field("languages", "name at least one language")
    return codes


def get_trial(uow: RegistryUnitOfWork, principal: Principal, trial_id: uuid.UUID) -> Trial:
    with uow:
        trial = uow.registry.trial(trial_id)
        if trial is None or (
            principal.role in TRIAL_SCOPED and not principal.may_see_trial(trial_id)
        ):
            raise NotFound(f"no trial {trial_id}")
        return trial


def statuses_in_trial(
    uow: RegistryUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    practice_ods: str,
    after: uuid.UUID | None,
    limit: int,
) -> tuple[dict[str, int], Sequence[tuple[Participant, TrialStatus]]]:
    """Each of the practice's participants in this trial with their status, and the counts."""
    ods = parse_ods_code(practice_ods, "practice_ods")
    principal.require_practice(ods)
    with uow:
        if uow.registry.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        counts = uow.registry.status_counts(trial_id, ods)
        return counts, uow.registry.statuses_in_trial(trial_id, ods, after, limit)


def visible_trials(uow: RegistryUnitOfWork, principal: Principal) -> Sequence[Trial]:
    with uow:
        trials = uow.registry.trials()
    if principal.role in TRIAL_SCOPED:
        return [t for t in trials if principal.may_see_trial(t.id)]
    return trials


def set_minimum_age(
    uow: RegistryUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    minimum_age: int,
    reason: str,
) -> Trial:
    """Only an admin changes who is old enough to be invited; each change is kept with who
    made it, when and why (trial_setting_changes)."""
    if not principal.is_admin:
        raise Forbidden("only an admin may change a trial's minimum age")
    if not 0 <= minimum_age <= 120:
        raise InvalidInput.for_field("minimum_age", "must be from 0 to 120")
    if not reason.strip():
        raise InvalidInput.for_field("reason", "say why the minimum age changes")
    with uow:
        trial = uow.registry.trial(trial_id)
        if trial is None:
            raise NotFound(f"no trial {trial_id}")
        if trial.minimum_age != minimum_age:
            uow.registry.add_setting_change(
                TrialSettingChange(
                    trial.id,
                    "minimum_age",
                    str(trial.minimum_age),
                    str(minimum_age),
                    principal.name,
                    reason.strip(),
                )
            )
            log.info(
                "trial_minimum_age_changed",
                trial_id=str(trial.id),
                old=trial.minimum_age,
                new=minimum_age,
                by=principal.name,
            )
            trial.minimum_age = minimum_age
        uow.commit()
    return trial


def setting_changes(
    uow: RegistryUnitOfWork, principal: Principal, trial_id: uuid.UUID
) -> Sequence[TrialSettingChange]:
    get_trial(uow, principal, trial_id)
    with uow:
        return uow.registry.setting_changes(trial_id)
