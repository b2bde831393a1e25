"""Signing a consent form: the signature the trial asks for, kept with its hash, and a
short-lived link to the signed copy for the confirming text; the trial's setting."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.consent.domain import signatures
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.signatures import CopyLink, Signature
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal
from shared.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class SignatureGiven:
    """What the page sent: a drawing (path data) or a typed name with its tick."""

    kind: str = ""
    drawing: str = ""
    typed_name: str = ""
    confirmed: bool = False


def signature_for(
    uow: ConsentUnitOfWork,
    record: ConsentRecord,
    response: ConsentResponse,
    given: SignatureGiven | None,
) -> Signature | None:
    """The sealed signature the trial asks for (None when it asks for none); InvalidInput
    naming the field when it is missing or not acceptable. Nothing is stored yet."""
    mode = uow.signatures.mode(record.trial_id)
    if mode == signatures.NONE:
        return None
    given = given or SignatureGiven()
    kind = given.kind
    if not kind:  # no JavaScript: a typed name is all the page could send
        kind = signatures.TYPED if signatures.allows(mode, signatures.TYPED) else ""
    return signatures.sign(
        mode,
        kind,
        record_id=record.id,
        trial_id=record.trial_id,
        response_id=response.id,
        form_version=response.form_version,
        drawing=given.drawing,
        typed_name=given.typed_name,
        confirmed=given.confirmed,
    )


def keep(uow: ConsentUnitOfWork, response: ConsentResponse, signature: Signature | None) -> str:
    """Store the signature (if the trial asked for one) and a link to the copy of this
    agreement; the link's URL for the confirming text."""
    if signature is not None:
        uow.signatures.add(signature)
    return copy_link(uow, response.record_id, response.id, signature.id if signature else None)


def copy_link(
    uow: ConsentUnitOfWork,
    record_id: uuid.UUID,
    response_id: uuid.UUID,
    signature_id: uuid.UUID | None = None,
) -> str:
    """A new short-lived link to the copy of one agreement (and its signature, if any)."""
    link = CopyLink(record_id, response_id, signature_id)
    uow.signatures.add(link)
    return uow.links.copy_url(link.id)


def link_to_latest_copy(uow: ConsentUnitOfWork, record: ConsentRecord) -> str | None:
    """For a later text (after the countersignature): a new link to the copy of the latest
    agreement; None when there is none."""
    response = uow.responses.latest_agreement(record.id)
    if response is None:
        return None
    signature = uow.signatures.latest(record.id)
    signed = signature is not None and signature.response_id == response.id
    return copy_link(uow, record.id, response.id, signature.id if signed and signature else None)


def set_mode(uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, mode: str) -> None:
    """An admin chooses how the trial's patients sign (applies to answers from now on)."""
    principal.require_trial(trial_id)
    if mode not in signatures.MODES:
        raise InvalidInput.for_field("signature", f"one of {', '.join(signatures.MODES)}")
    with uow:
        if not uow.signatures.set_mode(trial_id, mode):
            raise NotFound(f"trial {trial_id} is not known to consent yet")
        uow.commit()
