"""WhatsApp: its approved content templates (admins keep them per kind and language),
patients' opt-ins, and the session-window rule applied when a message is claimed for
sending (decision 30)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime

from services.messaging.domain import whatsapp as rules
from services.messaging.domain.model import Message
from services.messaging.domain.templates import KINDS
from services.messaging.domain.whatsapp import WhatsAppOptIn, WhatsAppTemplate
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.errors import FieldError, InvalidInput
from shared.languages import is_text_language
from shared.logs import get_logger

log = get_logger(__name__)
CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
OUTSIDE_SESSION = "outside the WhatsApp 24-hour session window, and no approved template"


def list_templates(uow: MessagingUnitOfWork) -> Sequence[WhatsAppTemplate]:
    with uow:
        return uow.whatsapp.templates()


def save_template(
    uow: MessagingUnitOfWork,
    by: str,
    kind: str,
    language: str,
    content_sid: str,
    body: str,
    variables: list[str],
    approval: str,
) -> WhatsAppTemplate:
    """Set the content template of one kind and language: its Twilio ContentSid, the text
    as approved, what its numbered variables take, and its approval state."""
    problems: list[FieldError] = []
    if kind not in KINDS:
        problems.append(FieldError("kind", f"must be one of {', '.join(KINDS)}"))
    if not is_text_language(language):
        problems.append(FieldError("language", f"unknown language code {language!r}"))
    if not CONTENT_SID.fullmatch(content_sid):
        problems.append(FieldError("content_sid", "must be a Twilio Content SID: HX and 32 hex"))
    if approval not in rules.APPROVALS:
        problems.append(FieldError("approval", f"must be one of {', '.join(rules.APPROVALS)}"))
    for name in variables:
        if name not in rules.VARIABLE_NAMES:
            allowed = ", ".join(rules.VARIABLE_NAMES)
            problems.append(FieldError("variables", f"unknown {name!r}; one of {allowed}"))
    numbered = set(re.findall(r"\{\{(\d+)\}\}", body))
    if not body.strip():
        problems.append(FieldError("body", "must not be empty"))
    elif numbered != {str(i) for i in range(1, len(variables) + 1)}:
        problems.append(FieldError("body", "must use {{1}} to {{n}}, one per variable"))
    if problems:
        raise InvalidInput("; ".join(f"{p.field}: {p.reason}" for p in problems), problems)
    with uow:
        template = uow.whatsapp.template(kind, language)
        if template is None:
            template = WhatsAppTemplate(kind, language, content_sid, body)
            uow.whatsapp.add_template(template)
        template.content_sid, template.body, template.variables = content_sid, body, variables
        template.approval, template.updated_by = approval, by
        template.updated_at = clock.now()
        uow.commit()
    log.info("whatsapp_template_saved", kind=kind, language=language, approval=approval)
    return template


def record_opt_in(
    uow: MessagingUnitOfWork,
    principal: Principal,
    participant_id: uuid.UUID,
    how: str,
    agreed_at: datetime | None = None,
    note: str | None = None,
) -> WhatsAppOptIn:
    """Staff record that the patient agreed to WhatsApp, when and how. It belongs to the
    number, as a STOP does; a STOP still wins over it."""
    if how not in rules.OPT_IN_WAYS:
        raise InvalidInput.for_field("how", f"must be one of {', '.join(rules.OPT_IN_WAYS)}")
    agreed = agreed_at or clock.now()
    if agreed > clock.now():
        raise InvalidInput.for_field("agreed_at", "must not be in the future")
    with uow:
        contact = principal.visible_at_practice(
            uow.contacts.contact(participant_id), f"no participant {participant_id}"
        )
        if contact.erased or not contact.mobile:
            raise InvalidInput.for_field("participant_id", "this patient has no mobile number")
        found = uow.whatsapp.opt_in(contact.mobile)
        if found is None:
            found = WhatsAppOptIn(contact.mobile, participant_id, agreed, how, principal.name)
            uow.whatsapp.add_opt_in(found)
        found.participant_id, found.agreed_at, found.how = participant_id, agreed, how
        found.recorded_by, found.note = principal.name, (note or "").strip() or None
        found.recorded_at = clock.now()
        if contact.preferred_channel == "whatsapp":
            _held_invitations_to_whatsapp(uow, participant_id, contact.language)
        uow.commit()
    log.info("whatsapp_opt_in_recorded", participant_id=str(participant_id), how=how)
    return found


def _held_invitations_to_whatsapp(
    uow: MessagingUnitOfWork, participant_id: uuid.UUID, language: str
) -> None:
    """Messaging hears of a patient with their first invitation, so staff record the opt-in
    while that invitation is held for approval: it then goes as the approved template."""
    template = usable_template(uow, "invitation", language)
    if template is None:
        return
    for message in uow.messages.messages_for(participant_id):
        if (message.kind, message.status, message.channel) != ("invitation", "held", "sms"):
            continue
        message.channel = "whatsapp"
        use_template(message, template, template_values(uow, message.trial_id))
        run = uow.cascades.run_for(participant_id, message.trial_id) if message.trial_id else None
        if run is not None and run.message_id == message.id:
            run.channel, run.tried = "whatsapp", "whatsapp"


def usable_template(
    uow: MessagingUnitOfWork, kind: str, language: str | None
) -> WhatsAppTemplate | None:
    """The approved content template for this kind in this language, or in English."""
    for code in dict.fromkeys([language or "en", "en"]):
        found = uow.whatsapp.template(kind, code)
        if found is not None and found.approved:
            return found
    return None


def template_values(uow: MessagingUnitOfWork, trial_id: uuid.UUID | None) -> dict[str, str]:
    trial = uow.trials.trial_settings(trial_id) if trial_id else None
    return trial.values() if trial else {}


def use_template(message: Message, template: WhatsAppTemplate, values: dict[str, str]) -> None:
    message.content_sid = template.content_sid
    message.content_variables = template.content_variables(values)
    message.body = template.text(values)
    message.language = template.language


def prepare(
    uow: MessagingUnitOfWork,
    message: Message,
    at: datetime,
    templates: dict[tuple[str, str], WhatsAppTemplate | None] | None = None,
) -> str | None:
    """Apply the session-window rule to a WhatsApp message being claimed: None when it may
    go (free-form inside the window, or as an approved template), else why not. `templates`
    keeps the lookups of one claim (a batch is thousands of the same kind and language)."""
    found = {} if templates is None else templates

    def current(kind: str, language: str) -> WhatsAppTemplate | None:
        if (kind, language) not in found:
            found[kind, language] = uow.whatsapp.template(kind, language)
        return found[kind, language]

    if message.content_sid is not None:  # a template goes at any time, if still approved
        template = current(message.kind, message.language or "en")
        approved = template is not None and template.approved
        approved = approved and template is not None and template.content_sid == message.content_sid
        how = rules.how_to_send(True, False, approved)
        return None if how == rules.TEMPLATE else "its WhatsApp template is not approved"
    session_open = rules.in_session(uow.whatsapp.last_inbound_at(message.to), at)
    template = None
    if not session_open:
        for code in dict.fromkeys([message.language or "en", "en"]):
            candidate = current(message.kind, code)
            if candidate is not None and candidate.approved:
                template = candidate
                break
    how = rules.how_to_send(False, session_open, template is not None)
    if how == rules.FREE_FORM:
        return None
    if how == rules.TEMPLATE and template is not None:
        use_template(message, template, template_values(uow, message.trial_id))
        return None
    return OUTSIDE_SESSION
