"""Consent's unit of work and repositories in memory (ports: services/consent/service_layer/
ports.py). One store holds every table; reporting reads what the other fakes wrote."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from services.consent.domain.audit import AuditEntry
from services.consent.domain.confirmation import Attestation, Setting
from services.consent.domain.filters import RecordFilter
from services.consent.domain.forms import ConsentForm
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink, LinkSigner
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.record_view import RecordParts
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.signatures import NONE, CopyLink, Signature
from services.consent.domain.trial import TrialInfo
from services.consent.domain.understanding import UnderstandingAnswer
from services.consent.service_layer.ports import ConsentUnitOfWork
from services.consent.service_layer.unit_of_work import LinkMaker
from tests.support.fakes.base import FakeUnitOfWork
from tests.support.fakes.consent_reporting import FakeReporting


@dataclasses.dataclass
class ConsentStore:
    participants: dict[uuid.UUID, ParticipantBands] = dataclasses.field(default_factory=dict)
    trials: dict[uuid.UUID, TrialInfo] = dataclasses.field(default_factory=dict)
    records: dict[uuid.UUID, ConsentRecord] = dataclasses.field(default_factory=dict)
    sequences: dict[uuid.UUID, int] = dataclasses.field(default_factory=dict)
    audit: list[AuditEntry] = dataclasses.field(default_factory=list)
    forms: dict[tuple[uuid.UUID, int], ConsentForm] = dataclasses.field(default_factory=dict)
    links: dict[uuid.UUID, ConsentLink] = dataclasses.field(default_factory=dict)
    responses: list[ConsentResponse] = dataclasses.field(default_factory=list)
    understanding: list[UnderstandingAnswer] = dataclasses.field(default_factory=list)
    # (trial, form version or 0 for the trial's own) -> whether the team must confirm
    confirmation: dict[tuple[uuid.UUID, int], bool] = dataclasses.field(default_factory=dict)
    attestations: list[Attestation] = dataclasses.field(default_factory=list)
    signature_modes: dict[uuid.UUID, str] = dataclasses.field(default_factory=dict)
    signatures: dict[uuid.UUID, Signature] = dataclasses.field(default_factory=dict)
    copy_links: dict[uuid.UUID, CopyLink] = dataclasses.field(default_factory=dict)
    # (trial, practice or "", status) -> n; population -> (practice, trial key) -> counts
    status_counts: dict[tuple[uuid.UUID, str, str], int] = dataclasses.field(default_factory=dict)
    populations: dict[tuple[str, str, str], tuple[datetime, dict[str, dict[str, int]]]] = (
        dataclasses.field(default_factory=dict)
    )
    # (trial, participant, channel) -> delivered: reach by channel
    contacts: dict[tuple[uuid.UUID, uuid.UUID, str], bool] = dataclasses.field(default_factory=dict)

    def matches(self, record: ConsentRecord, where: RecordFilter) -> bool:
        if where.status not in (None, record.status):
            return False
        if where.practice_ods not in (None, record.practice_ods):
            return False
        if where.updated_since is not None and record.updated_at < where.updated_since:
            return False
        if where.needs_bands:
            bands = self.participants.get(record.participant_id)
            names = ("language", "age_band", "sex", "ethnic_category")
            wanted = [(n, getattr(where, n)) for n in names if getattr(where, n) is not None]
            return bands is not None and all(getattr(bands, n) == v for n, v in wanted)
        return True


class FakeParticipants:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def add(self, participant: ParticipantBands) -> None:
        self.store.participants[participant.participant_id] = participant

    def participant(self, participant_id: uuid.UUID) -> ParticipantBands | None:
        return self.store.participants.get(participant_id)


class FakeTrials:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def save_trial(
        self, trial_id: uuid.UUID, short_name: str, title: str, deadline_days: int | None
    ) -> None:
        kept = self.store.trials.get(trial_id)
        check = kept.identity_check if kept else "dob"
        self.store.trials[trial_id] = TrialInfo(trial_id, short_name, title, deadline_days, check)

    def set_identity_check(self, trial_id: uuid.UUID, check: str) -> bool:
        found = self.store.trials.get(trial_id)
        if found is not None:
            self.store.trials[trial_id] = dataclasses.replace(found, identity_check=check)
        return found is not None

    def trial(self, trial_id: uuid.UUID) -> TrialInfo | None:
        return self.store.trials.get(trial_id)

    def trials_with_deadline(self) -> Sequence[TrialInfo]:
        return [t for t in self.store.trials.values() if t.response_deadline_days is not None]


class FakeRecords:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def add(self, record: ConsentRecord) -> None:
        self.store.records[record.id] = record

    def _one(self, **wanted: object) -> ConsentRecord | None:
        for r in self.store.records.values():
            if all(getattr(r, k) == v for k, v in wanted.items()):
                return r
        return None

    def record(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID, *, lock: bool = False
    ) -> ConsentRecord | None:
        return self._one(participant_id=participant_id, trial_id=trial_id)

    def record_by_study_number(
        self, trial_id: uuid.UUID, study_number: str, *, lock: bool = False
    ) -> ConsentRecord | None:
        return self._one(trial_id=trial_id, study_number=study_number)

    def next_study_sequence(self, trial_id: uuid.UUID) -> int:
        self.store.sequences[trial_id] = self.store.sequences.get(trial_id, 0) + 1
        return self.store.sequences[trial_id]

    def record_with_bands(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID
    ) -> tuple[ConsentRecord, ParticipantBands | None] | None:
        found = self.record(participant_id, trial_id)
        return (found, self.store.participants.get(participant_id)) if found else None

    def record_with_history(
        self, study_number: str, trial_id: uuid.UUID
    ) -> tuple[ConsentRecord, ParticipantBands | None, list[AuditEntry]] | None:
        found = self.record_by_study_number(trial_id, study_number)
        if found is None:
            return None
        history = sorted((e for e in self.store.audit if e.record_id == found.id), key=_seq)
        return found, self.store.participants.get(found.participant_id), history

    def record_view(self, study_number: str, trial_id: uuid.UUID) -> RecordParts | None:
        found = self.record_with_history(study_number, trial_id)
        if found is None:
            return None
        record, bands, history = found
        responses = sorted(
            (r for r in self.store.responses if r.record_id == record.id), key=lambda r: r.at
        )
        answers = sorted(
            (a for a in self.store.understanding if a.record_id == record.id), key=lambda a: a.at
        )
        return RecordParts(record, bands, history, responses, answers)

    def records_of(self, participant_id: uuid.UUID) -> Sequence[ConsentRecord]:
        return [r for r in self.store.records.values() if r.participant_id == participant_id]

    def records_in_trial(
        self, trial_id: uuid.UUID, where: RecordFilter, after: str | None, limit: int
    ) -> Sequence[ConsentRecord]:
        found = [
            r
            for r in self.store.records.values()
            if r.trial_id == trial_id
            and self.store.matches(r, where)
            and (after is None or (r.study_number or "") > after)
        ]
        return sorted(found, key=lambda r: r.study_number or "")[:limit]

    def records_with_status(
        self, trial_id: uuid.UUID, statuses: Sequence[str], updated_before: datetime, limit: int
    ) -> Sequence[ConsentRecord]:
        return [
            r
            for r in self.store.records.values()
            if r.trial_id == trial_id and r.status in statuses and r.updated_at < updated_before
        ][:limit]

    def consented_before_version(
        self, trial_id: uuid.UUID, version: int
    ) -> Sequence[ConsentRecord]:
        return [
            r
            for r in self.store.records.values()
            if r.trial_id == trial_id
            and r.status == "consented"
            and r.form_version is not None
            and r.form_version < version
        ]


def _seq(entry: AuditEntry) -> int:
    return entry.seq


class FakeAudit:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def add(self, entry: AuditEntry) -> None:
        self.store.audit.append(entry)

    def history(self, record_id: uuid.UUID) -> Sequence[AuditEntry]:
        return sorted((e for e in self.store.audit if e.record_id == record_id), key=_seq)

    def record_heads(
        self, trial_id: uuid.UUID | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[Any]:
        found = sorted(
            (
                r
                for r in self.store.records.values()
                if trial_id in (None, r.trial_id) and (after is None or r.id > after)
            ),
            key=lambda r: r.id,
        )
        return found[:limit]  # records have every column a head has

    def histories(self, record_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[AuditEntry]]:
        return {rid: list(self.history(rid)) for rid in record_ids}


class FakeForms:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def form(self, trial_id: uuid.UUID, version: int) -> ConsentForm | None:
        found = self.store.forms.get((trial_id, version))
        return dataclasses.replace(found) if found else None  # rows: changed only by writes

    def forms(self, trial_id: uuid.UUID) -> list[ConsentForm]:
        return sorted(
            (dataclasses.replace(f) for (t, _), f in self.store.forms.items() if t == trial_id),
            key=lambda f: f.version,
        )

    def latest_published(self, trial_id: uuid.UUID) -> ConsentForm | None:
        version = self.latest_published_version(trial_id)
        return self.form(trial_id, version) if version is not None else None

    def latest_published_version(self, trial_id: uuid.UUID) -> int | None:
        published = [f.version for f in self.forms(trial_id) if f.is_published]
        return max(published, default=None)

    def reconsent_required_since(self, trial_id: uuid.UUID, version: int) -> bool:
        return any(
            f.is_published and f.version > version and f.requires_reconsent
            for f in self.forms(trial_id)
        )

    def next_form_version(self, trial_id: uuid.UUID) -> int:
        return max((f.version for f in self.forms(trial_id)), default=0) + 1

    def insert_form(self, form: ConsentForm) -> None:
        self.store.forms[(form.trial_id, form.version)] = dataclasses.replace(form)

    def update_draft(self, form: ConsentForm) -> None:
        kept = self.store.forms.get((form.trial_id, form.version))
        if kept is not None and kept.status == "draft":
            self.store.forms[(form.trial_id, form.version)] = dataclasses.replace(form)


class FakeConsentLinks:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def add(self, link: ConsentLink) -> None:
        self.store.links[link.id] = link

    def link(self, link_id: uuid.UUID, *, lock: bool = False) -> ConsentLink | None:
        return self.store.links.get(link_id)

    def live_links(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> Sequence[ConsentLink]:
        return [
            link
            for link in self.store.links.values()
            if (link.participant_id, link.trial_id) == (participant_id, trial_id)
            and link.revoked_at is None
        ]

    def link_with_record(
        self, link_id: uuid.UUID
    ) -> tuple[ConsentLink, ConsentRecord, ParticipantBands | None] | None:
        link = self.store.links.get(link_id)
        if link is None:
            return None
        record = FakeRecords(self.store).record(link.participant_id, link.trial_id)
        if record is None:
            return None
        return link, record, self.store.participants.get(link.participant_id)


class FakeResponses:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def add(self, response: ConsentResponse) -> None:
        self.store.responses.append(response)

    def responses(self, record_id: uuid.UUID) -> Sequence[ConsentResponse]:
        found = [r for r in self.store.responses if r.record_id == record_id]
        return sorted(found, key=lambda r: r.at)

    def latest_agreement(self, record_id: uuid.UUID) -> ConsentResponse | None:
        agreed = [r for r in self.responses(record_id) if r.decision == "agreed"]
        return agreed[-1] if agreed else None

    def latest_answers(self, record_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ConsentResponse]:
        wanted = set(record_ids)
        ordered = sorted(
            (r for r in self.store.responses if r.record_id in wanted), key=lambda r: r.at
        )
        return {r.record_id: r for r in ordered}  # a later answer replaces an earlier one


class FakeUnderstanding:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def add(self, answers: Sequence[UnderstandingAnswer]) -> None:
        self.store.understanding.extend(answers)

    def answers(self, record_id: uuid.UUID, form_version: int) -> Sequence[UnderstandingAnswer]:
        found = [
            a
            for a in self.store.understanding
            if (a.record_id, a.form_version) == (record_id, form_version)
        ]
        return sorted(found, key=lambda a: a.at)

    def answers_of(
        self, record_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[UnderstandingAnswer]]:
        found: dict[uuid.UUID, list[UnderstandingAnswer]] = {}
        for answer in sorted(self.store.understanding, key=lambda a: a.at):
            if answer.record_id in record_ids:
                found.setdefault(answer.record_id, []).append(answer)
        return found


class FakeConfirmation:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def setting(self, trial_id: uuid.UUID, form_version: int | None) -> Setting:
        version = self.store.confirmation.get((trial_id, form_version)) if form_version else None
        return Setting(trial=self.store.confirmation.get((trial_id, 0)), version=version)

    def settings(self, trial_id: uuid.UUID) -> dict[int, bool]:
        return {
            v: required for (t, v), required in self.store.confirmation.items() if t == trial_id
        }

    def set_required(self, trial_id: uuid.UUID, form_version: int | None, required: bool) -> None:
        self.store.confirmation[(trial_id, form_version or 0)] = required

    def add(self, attestation: Attestation) -> None:
        self.store.attestations.append(attestation)

    def attestations(self, record_id: uuid.UUID) -> Sequence[Attestation]:
        found = [a for a in self.store.attestations if a.record_id == record_id]
        return sorted(found, key=lambda a: a.at)

    def attestations_of(
        self, record_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[Attestation]]:
        found: dict[uuid.UUID, list[Attestation]] = {}
        for attestation in sorted(self.store.attestations, key=lambda a: a.at):
            if attestation.record_id in record_ids:
                found.setdefault(attestation.record_id, []).append(attestation)
        return found


class FakeSignatures:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def add(self, item: Signature | CopyLink) -> None:
        if isinstance(item, Signature):
            self.store.signatures[item.id] = item
        else:
            self.store.copy_links[item.id] = item

    def mode(self, trial_id: uuid.UUID) -> str:
        return self.store.signature_modes.get(trial_id, NONE)

    def set_mode(self, trial_id: uuid.UUID, mode: str) -> bool:
        if trial_id not in self.store.trials:
            return False
        self.store.signature_modes[trial_id] = mode
        return True

    def latest(self, record_id: uuid.UUID) -> Signature | None:
        found = [s for s in self.store.signatures.values() if s.record_id == record_id]
        return max(found, key=lambda s: (s.signed_at, s.form_version), default=None)

    def get(self, signature_id: uuid.UUID) -> Signature | None:
        return self.store.signatures.get(signature_id)

    def record(self, record_id: uuid.UUID) -> ConsentRecord | None:
        return self.store.records.get(record_id)

    def copy_link(self, link_id: uuid.UUID) -> CopyLink | None:
        return self.store.copy_links.get(link_id)

    def erase(self, record_id: uuid.UUID) -> None:
        for key in [k for k, s in self.store.signatures.items() if s.record_id == record_id]:
            del self.store.signatures[key]
        for key in [k for k, c in self.store.copy_links.items() if c.record_id == record_id]:
            del self.store.copy_links[key]


LINKS = LinkMaker(LinkSigner("fake-link-key"), "https://consent.test")


class FakeLetterLinks:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def by_id_range(self, low: uuid.UUID, high: uuid.UUID) -> ConsentLink | None:
        found = [
            link
            for link in self.store.links.values()
            if low.bytes <= link.id.bytes <= high.bytes and link.revoked_at is None
        ]
        return max(found, key=lambda link: link.created_at) if found else None


class FakeConsentUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: ConsentStore | None = None, links: LinkMaker = LINKS) -> None:
        super().__init__("consent")
        self.store = store or ConsentStore()
        self.links = links
        self.participants = FakeParticipants(self.store)
        self.trials = FakeTrials(self.store)
        self.records = FakeRecords(self.store)
        self.audit = FakeAudit(self.store)
        self.forms = FakeForms(self.store)
        self.consent_links = FakeConsentLinks(self.store)
        self.responses = FakeResponses(self.store)
        self.reporting = FakeReporting(self.store)
        self.understanding = FakeUnderstanding(self.store)
        self.confirmation = FakeConfirmation(self.store)
        self.signatures = FakeSignatures(self.store)
        self.letter_links = FakeLetterLinks(self.store)


def _implements_the_port(uow: FakeConsentUnitOfWork) -> ConsentUnitOfWork:
    return uow  # mypy checks the fake against the port here
