"""The signed copy of a consent: what the PDF shows, gathered for the patient (from their
page or the short-lived link in the confirming text) and for the research team."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.consent.domain import lifecycle
from services.consent.domain.audit import AuditEntry
from services.consent.domain.confirmation import Attestation
from services.consent.domain.forms import ConsentForm
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.signatures import Signature
from services.consent.domain.team_part import TeamPart, phone_consent, team_part
from services.consent.domain.understanding_review import AnsweredQuestion, answered_questions
from services.consent.service_layer.page import LinkNotUsable, link_id
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.errors import NotFound


@dataclass(frozen=True)
class SignedCopy:
    record: ConsentRecord
    form: ConsentForm
    response: ConsentResponse
    signature: Signature | None  # None for a trial that asked for no signature
    entry: AuditEntry  # the audit entry of the consent
    # how the form's understanding questions were answered before agreeing (decision 35)
    understanding: Sequence[AnsweredQuestion] = ()
    # where the trial asks for it, the research team's confirmation once countersigned
    team: TeamPart | None = None
    # a consent given by phone: who read the form out and who witnessed it (decision 32)
    by_phone: Attestation | None = None

    @property
    def language(self) -> str:
        """The form's language the patient read: the copy is in it."""
        return self.response.language


class NoCopy(NotFound):
    title = "There is no signed copy"


Renderer = Callable[[SignedCopy], bytes]


def _copy(uow: ConsentUnitOfWork, record: ConsentRecord) -> SignedCopy:
    if record.status not in (*lifecycle.SIGNED, lifecycle.WITHDRAWN):
        raise NoCopy("this consent has not been given")
    response = uow.responses.latest_agreement(record.id)
    if response is None:
        raise NoCopy("no agreement on this record")
    form = uow.forms.form(record.trial_id, response.form_version)
    signature = uow.signatures.latest(record.id)
    if signature is not None and signature.response_id != response.id:
        signature = None
    history = uow.audit.history(record.id)
    entries = [  # the patient's entry, not the team's confirmation that follows it
        e
        for e in history
        if e.to_status in lifecycle.SIGNED
        and e.form_version == response.form_version
        and (signature is None or e.signature_hash == signature.sha256)
        and e.from_status != lifecycle.AWAITING_CONFIRMATION
    ]
    if form is None or not entries:
        raise NoCopy("the form or the audit entry of this consent is missing")
    answers = uow.understanding.answers(record.id, response.form_version)
    understanding = answered_questions(answers, lambda _: form)
    attestations = uow.confirmation.attestations(record.id)
    entry = entries[-1]
    team = team_part(attestations, history, entry)
    by_phone = phone_consent(attestations, entry)
    return SignedCopy(record, form, response, signature, entry, understanding, team, by_phone)


def for_patient(uow: ConsentUnitOfWork, token: str) -> SignedCopy:
    """From the patient's own page (the caller has checked the verified cookie)."""
    with uow:
        link = uow.consent_links.link(link_id(uow, token))
        if link is None or not link.is_live(clock.now()):
            raise LinkNotUsable("the link is unknown, expired or revoked")
        record = uow.records.record(link.participant_id, link.trial_id)
        if record is None:
            raise LinkNotUsable("no consent record for this link")
        return _copy(uow, record)


def for_copy_link(uow: ConsentUnitOfWork, token: str) -> SignedCopy:
    """From the link in the confirming text: that one copy, while the link lives."""
    with uow:
        found = uow.links.signer.link_id(token, b"copy")
        link = uow.signatures.copy_link(found) if found else None
        if link is None or not link.is_live(clock.now()):
            raise LinkNotUsable("the copy link is unknown or expired")
        record = uow.signatures.record(link.record_id)
        if record is None:
            raise LinkNotUsable("the copy is no longer kept")  # erased
        if link.signature_id is not None and uow.signatures.get(link.signature_id) is None:
            raise LinkNotUsable("the copy is no longer kept")  # erased
        try:
            copy = _copy(uow, record)
        except NoCopy as gone:
            raise LinkNotUsable("the copy is no longer kept") from gone
        signature_id = copy.signature.id if copy.signature else None
        if (link.response_id is not None and copy.response.id != link.response_id) or (
            link.signature_id is not None and signature_id != link.signature_id
        ):
            raise LinkNotUsable("a newer copy replaced this one")
        return copy


def for_team(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, study_number: str
) -> SignedCopy:
    """The research team's download, scoped to their trials; another trial's is a 404."""
    principal.require_trial(trial_id)
    with uow:
        record = uow.records.record_by_study_number(trial_id, study_number)
        if record is None:
            raise NotFound(f"no consent record {study_number} in trial {trial_id}")
        return _copy(uow, record)
