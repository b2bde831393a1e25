"""Templates: admins list them, save new versions (checked at once) and mark them reviewed;
everything that sends picks and fills one here."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.messaging.domain import templates as rules
from services.messaging.domain.replies import WORDS
from services.messaging.domain.segments import smart_encode
from services.messaging.domain.templates import Template
from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.errors import InvalidInput, NotFound


def list_templates(
    uow: MessagingUnitOfWork,
    trial_id: uuid.UUID | None,
    kind: str | None,
    language: str | None,
    shipped: bool,
) -> Sequence[Template]:
    scope = rules.DEFAULT_SCOPE if shipped else (str(trial_id) if trial_id else None)
    with uow:
        return uow.templates.list_templates(scope, kind, language)


def save_template(
    uow: MessagingUnitOfWork,
    by: str,
    trial_id: uuid.UUID | None,
    kind: str,
    language: str,
    body: str,
    reply_with: str = WORDS,
) -> Template:
    """A new version; never an edit of an old one, so what was sent can always be shown."""
    rules.check_template(kind, language, body)
    scope = rules.scope_of(trial_id)
    with uow:
        if trial_id is not None and uow.trials.trial(trial_id) is None:
            raise InvalidInput.for_field("trial_id", f"no trial {trial_id} is known here")
        version = uow.templates.latest_version(scope, kind, language) + 1
        template = Template(
            scope, kind, language, version, body, reply_with=reply_with, created_by=by
        )
        uow.templates.add_template(template)
        if kind == "invitation":
            retext_held_invitations(uow, trial_id)
        uow.commit()
    return template


def review_template(uow: MessagingUnitOfWork, by: str, template_id: uuid.UUID) -> Template:
    with uow:
        template = uow.templates.template(template_id)
        if template is None:
            raise NotFound(f"no template {template_id}")
        if not template.reviewed:
            template.review(by)
        uow.commit()
    return template


@dataclass(frozen=True)
class Rendered:
    template: Template
    text: str


class NoTemplate(Exception):
    """Not even English has this kind: an installation without the shipped templates."""


def render(
    uow: MessagingUnitOfWork,
    trial: TrialSettings,
    kind: str,
    language: str,
    extra: Mapping[str, str] | None = None,
) -> Rendered:
    """The trial's own template or the shipped one, in the language or its fallback."""
    scope = rules.scope_of(trial.trial_id)
    found = rules.choose(
        uow.templates.templates_in((scope, rules.DEFAULT_SCOPE), kind), kind, language, scope
    )
    if found is None:
        raise NoTemplate(f"no {kind} template in {language} or English")
    text = found.render({**trial.values(), **(extra or {})})
    return Rendered(found, smart_encode(text) if trial.smart_encoding else text)


def render_for(
    uow: MessagingUnitOfWork, trial_id: uuid.UUID | None, kind: str, language: str
) -> Rendered:
    """As `render` for the trial when there is one; else the shipped text, whose trial
    placeholders (if an admin added any) are left empty."""
    trial = uow.trials.trial_settings(trial_id) if trial_id else None
    if trial is not None:
        return render(uow, trial, kind, language)
    found = rules.choose(
        uow.templates.templates_in((rules.DEFAULT_SCOPE,), kind),
        kind,
        language,
        rules.DEFAULT_SCOPE,
    )
    if found is None:
        raise NoTemplate(f"no {kind} template in {language} or English")
    return Rendered(found, found.render(defaultdict(str)))


def retext_held_invitations(uow: MessagingUnitOfWork, trial_id: uuid.UUID | None) -> None:
    """Bring the held invitations of open batches (of one trial, or all) to the current
    templates and trial settings, so what is previewed and approved is what goes out.
    Called inside the caller's transaction after a template or a trial's settings change."""
    for batch in uow.batches.open_batches(trial_id):
        trial = uow.trials.trial_settings(batch.trial_id)
        if trial is None:
            continue
        for language in uow.batches.held_languages(batch.id):
            rendered = render(uow, trial, "invitation", language)
            uow.batches.retext_held(batch.id, language, rendered.template, rendered.text)
