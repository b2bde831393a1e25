"""The research team's confirmation (decision 0032): a trial may ask for it; a researcher of
the trial records the consent discussion, an impartial witness or a legal representative,
and countersigns; only then is the patient consented. Every step is an attestation kept
beside the record and an audit entry carrying its hash."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from services.consent.domain import confirmation, lifecycle, reading
from services.consent.domain.confirmation import DISCUSSION, Attestation
from services.consent.domain.forms import ConsentForm
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.reading import Reading
from services.consent.service_layer import signing
from services.consent.service_layer.changes import actor_of, change, notify
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock
from shared.auth.principal import RESEARCHER, Principal
from shared.errors import Forbidden, InvalidTransition, NotFound

AWAITING_TEXT = "consent_awaiting_confirmation"  # the text after the patient's part
CONFIRMED_TEXT = "consent_confirmation"  # the usual confirming text, now at countersignature


def set_requirement(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    required: bool,
    form_version: int | None = None,
) -> confirmation.Setting:
    """An admin's choice for a trial, or for one version of its form (which then wins)."""
    principal.require_trial(trial_id)
    with uow:
        if uow.trials.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        if form_version is not None and uow.forms.form(trial_id, form_version) is None:
            raise NotFound(f"trial {trial_id} has no form version {form_version}")
        uow.confirmation.set_required(trial_id, form_version, required)
        setting = uow.confirmation.setting(trial_id, form_version)
        uow.commit()
    return setting


def settings_of(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID
) -> tuple[bool, dict[int, bool]]:
    """The trial's own setting, and each form version's that differs from it."""
    principal.require_trial(trial_id)
    with uow:
        if uow.trials.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        found = uow.confirmation.settings(trial_id)
    return found.pop(0, False), found


def patient_agreed(
    uow: ConsentUnitOfWork,
    record: ConsentRecord,
    form: ConsentForm,
    signature_hash: str | None = None,
    copy_link: str | None = None,
) -> None:
    """The patient's part is done (on the page): consented, or awaiting the research team's
    confirmation where the trial or this form version asks for it. The texts say which.
    A signature's salted hash goes into the entry; the confirming text carries the link to
    the signed copy (decision 0031)."""
    if uow.confirmation.setting(record.trial_id, form.version).required:
        change(
            uow,
            record,
            lifecycle.AWAITING_CONFIRMATION,
            actor="participant",
            channel="web",
            form=form,
            signature_hash=signature_hash,
        )
        notify(uow, record, AWAITING_TEXT, copy_link)
    else:
        change(
            uow,
            record,
            lifecycle.CONSENTED,
            actor="participant",
            channel="web",
            form=form,
            signature_hash=signature_hash,
        )
        notify(uow, record, CONFIRMED_TEXT, copy_link)


def reading_of(uow: ConsentUnitOfWork, record: ConsentRecord, can_read: bool | None) -> Reading:
    """What consent knows about whether the patient reads the form (domain.reading)."""
    participant = uow.participants.participant(record.participant_id)
    by_voice = any(
        e.channel == reading.VOICE and e.actor == "participant"
        for e in uow.audit.history(record.id)
    )
    return Reading(can_read, participant.language if participant else None, by_voice)


def require_researcher(principal: Principal, trial_id: uuid.UUID) -> None:
    """Only a researcher of this trial speaks for the research team: not an admin, not a
    coordinator, not a researcher of another trial."""
    if principal.role != RESEARCHER:
        raise Forbidden("only a researcher of the trial can do this")
    principal.require_trial(trial_id)


def _record(uow: ConsentUnitOfWork, trial_id: uuid.UUID, study_number: str) -> ConsentRecord:
    record = uow.records.record_by_study_number(trial_id, study_number, lock=uow.row_locks)
    if record is None:
        raise NotFound(f"no consent record {study_number} in trial {trial_id}")
    return record


def _attest(
    uow: ConsentUnitOfWork,
    principal: Principal,
    record: ConsentRecord,
    kind: str,
    details: dict[str, Any],
) -> Attestation:
    attestation = Attestation(record.id, record.trial_id, kind, details, actor_of(principal)).seal()
    uow.confirmation.add(attestation)
    uow.audit.add(
        record.note(
            confirmation.ACTIONS[kind], actor=actor_of(principal), channel="api",
            reason=attestation.reason,
        )
    )  # fmt: skip
    return attestation


# What each attestation taken while the record awaits the team keeps, cleaned from the
# request (a witness checks the form version the patient signed).
_CLEANERS: dict[str, Callable[[Mapping[str, Any], ConsentRecord], dict[str, Any]]] = {
    confirmation.DISCUSSION: lambda data, _: confirmation.discussion(data),
    confirmation.WITNESS: lambda data, record: confirmation.witness(
        data, record.form_version, clock.now()
    ),
    confirmation.REPRESENTATIVE: lambda data, _: confirmation.representative(data),
}


def record_attestation(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    study_number: str,
    data: Mapping[str, Any],
    *,
    kind: str,
) -> Attestation:
    """A discussion, witness or representative, recorded while the record awaits the team."""
    require_researcher(principal, trial_id)
    with uow:
        record = _record(uow, trial_id, study_number)
        if record.status != lifecycle.AWAITING_CONFIRMATION:
            raise InvalidTransition(
                f"a record that is {record.status} is not awaiting the research team"
            )
        attestation = _attest(uow, principal, record, kind, _CLEANERS[kind](data, record))
        uow.commit()
    return attestation


record_discussion = partial(record_attestation, kind=confirmation.DISCUSSION)
record_witness = partial(record_attestation, kind=confirmation.WITNESS)
record_representative = partial(record_attestation, kind=confirmation.REPRESENTATIVE)


def countersign(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    study_number: str,
    data: Mapping[str, Any],
) -> ConsentRecord:
    """The research team's confirmation, after a recorded discussion: now consented, and the
    confirming text goes to the patient with a new link to the signed copy."""
    require_researcher(principal, trial_id)
    details = confirmation.countersignature(data)
    with uow:
        record = _record(uow, trial_id, study_number)
        if record.status != lifecycle.AWAITING_CONFIRMATION:
            raise InvalidTransition(
                f"a record that is {record.status} is not awaiting a countersignature"
            )
        attested = uow.confirmation.attestations(record.id)
        kinds = {a.kind for a in attested}
        if confirmation.DISCUSSION not in kinds:
            raise InvalidTransition("record the consent discussion before countersigning")
        said = [a.details.get("patient_can_read") for a in attested if a.kind == DISCUSSION]
        answered = [s for s in said if isinstance(s, bool)]
        needed = reading_of(uow, record, answered[-1] if answered else None).witness_needed()
        if needed and confirmation.WITNESS not in kinds:
            raise reading.refuse_without_witness(needed)
        _attest(uow, principal, record, confirmation.COUNTERSIGNATURE, details)
        form = uow.forms.form(trial_id, record.form_version) if record.form_version else None
        change(
            uow, record, lifecycle.CONSENTED, actor=actor_of(principal), channel="api",
            reason="countersigned by the research team", form=form,
        )  # fmt: skip
        notify(uow, record, CONFIRMED_TEXT, signing.link_to_latest_copy(uow, record))
        uow.commit()
    return record


@dataclass(frozen=True)
class Checked:
    attestation: Attestation
    verified: bool  # its content still hashes to what the record's audit chain holds


def attestations_of(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, study_number: str
) -> Sequence[Checked]:
    """What the team attested, each checked against the audit chain: an attestation
    changed after the fact, or one the chain never recorded, is not verified."""
    principal.require_trial(trial_id)
    with uow:
        record = _record(uow, trial_id, study_number)
        chained = {e.reason for e in uow.audit.history(record.id)}
        return [
            Checked(a, a.compute_hash() == a.hash and a.reason in chained)
            for a in uow.confirmation.attestations(record.id)
        ]
