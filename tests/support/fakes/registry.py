"""The registry's unit of work and repositories in memory (ports: services/registry/
service_layer/ports.py). One store holds every table; the cohort fakes read it too."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import datetime

from services.registry.adapters.repository import SORTS  # the same orders, by name
from services.registry.domain.cohorts import Cohort
from services.registry.domain.eligibility import NOT_INVITED
from services.registry.domain.filters import ParticipantFilter
from services.registry.domain.imports import ImportJob
from services.registry.domain.model import (
    InvitationBatch,
    Participant,
    Practice,
    Trial,
    TrialSettingChange,
    TrialStatus,
)
from services.registry.domain.postal import LetterRecipient
from services.registry.domain.tokens import ApiToken
from services.registry.service_layer.ports import RegistryUnitOfWork
from shared.events.commands import TokenIssued
from tests.support.fakes.base import FakeUnitOfWork
from tests.support.fakes.registry_cohorts import FakeCohortQueries, FakePatients


@dataclasses.dataclass
class RegistryStore:
    practices: dict[str, Practice] = dataclasses.field(default_factory=dict)
    participants: dict[uuid.UUID, Participant] = dataclasses.field(default_factory=dict)
    trials: dict[uuid.UUID, Trial] = dataclasses.field(default_factory=dict)
    statuses: dict[tuple[uuid.UUID, uuid.UUID], TrialStatus] = dataclasses.field(
        default_factory=dict
    )
    setting_changes: list[TrialSettingChange] = dataclasses.field(default_factory=list)
    erasures: dict[str, datetime] = dataclasses.field(default_factory=dict)
    imports: dict[uuid.UUID, ImportJob] = dataclasses.field(default_factory=dict)
    # (import id, line, id, column, reason)
    import_errors: list[tuple[uuid.UUID, int, int, str, str, str]] = dataclasses.field(
        default_factory=list
    )
    cohorts: dict[uuid.UUID, Cohort] = dataclasses.field(default_factory=dict)
    members: dict[uuid.UUID, set[uuid.UUID]] = dataclasses.field(default_factory=dict)
    batches: dict[uuid.UUID, tuple[InvitationBatch, int]] = dataclasses.field(default_factory=dict)
    tokens: dict[uuid.UUID, ApiToken] = dataclasses.field(default_factory=dict)  # no hashes

    def statuses_of(self, participant_id: uuid.UUID) -> dict[uuid.UUID, str]:
        return {t: s.status for (p, t), s in self.statuses.items() if p == participant_id}


class FakeRegistry:
    def __init__(self, store: RegistryStore) -> None:
        self.store = store

    def add(self, obj: Practice | Participant | Trial | TrialStatus | ImportJob | Cohort) -> None:
        s = self.store
        match obj:
            case Practice():
                s.practices[obj.ods_code] = obj
            case Participant():
                s.participants[obj.id] = obj
            case Trial():
                s.trials[obj.id] = obj
            case TrialStatus():
                s.statuses[(obj.participant_id, obj.trial_id)] = obj
            case ImportJob():
                s.imports[obj.id] = obj
            case Cohort():
                s.cohorts[obj.id] = obj

    def practice(self, ods_code: str) -> Practice | None:
        return self.store.practices.get(ods_code)

    def practices(self) -> Sequence[Practice]:
        return sorted(self.store.practices.values(), key=lambda p: p.ods_code)

    def participant(self, participant_id: uuid.UUID) -> Participant | None:
        return self.store.participants.get(participant_id)

    def with_mobile(self, mobile: str) -> Sequence[Participant]:
        return [p for p in self.store.participants.values() if p.mobile == mobile]

    def mobile_opted_out(self, mobile: str) -> bool:
        return any(p.opted_out for p in self.with_mobile(mobile))

    def participant_by_nhs_number(self, nhs_number: str) -> Participant | None:
        found = [p for p in self.store.participants.values() if p.nhs_number == nhs_number]
        return found[0] if found else None

    def participants_in(self, practice_ods: str, ids: Sequence[uuid.UUID]) -> Sequence[Participant]:
        wanted = set(ids)
        return [
            p
            for p in self.store.participants.values()
            if p.practice_ods == practice_ods and p.id in wanted
        ]

    def list_participants(
        self,
        found: ParticipantFilter,
        after: uuid.UUID | None,
        limit: int,
        sort: str | None = None,
        offset: int = 0,
    ) -> Sequence[Participant]:
        matching = self._matching(found)
        if sort:
            names = SORTS[sort.lstrip("-")]

            def key(p: Participant) -> tuple[object, ...]:
                return tuple(
                    str(getattr(p, n)).lower() if n.endswith("_name") else getattr(p, n)
                    for n in names
                )

            ordered = sorted(matching, key=lambda p: p.id)
            ordered = sorted(ordered, key=key, reverse=sort.startswith("-"))
            return ordered[offset : offset + limit]
        ordered = sorted(matching, key=lambda p: p.id)
        return [p for p in ordered if after is None or p.id > after][:limit]

    def count_participants(self, found: ParticipantFilter) -> int:
        return len(self._matching(found))

    def _matching(self, found: ParticipantFilter) -> list[Participant]:
        def meets(p: Participant) -> bool:
            plain = {
                "nhs_number": found.nhs_number,
                "mobile": found.mobile,
                "language": found.language,
                "ethnic_category": found.ethnic_category,
                "textable": found.textable,
                "opted_out": found.opted_out,
            }
            if found.practices is not None and p.practice_ods not in found.practices:
                return False
            if any(v is not None and getattr(p, k) != v for k, v in plain.items()):
                return False
            names = (p.given_name.lower(), p.family_name.lower())
            if not all(any(n.startswith(w.lower()) for n in names) for w in found.name_words):
                return False
            if found.trial_id is None and found.trial_status is None:
                return True
            statuses = self.store.statuses_of(p.id)
            if found.trial_id is not None:
                statuses = {t: s for t, s in statuses.items() if t == found.trial_id}
            if found.trial_status == NOT_INVITED:
                return not statuses
            return any(found.trial_status in (None, s) for s in statuses.values())

        return [p for p in self.store.participants.values() if meets(p)]

    def delete_participant(self, participant: Participant) -> None:
        self.store.participants.pop(participant.id, None)
        for key in [k for k in self.store.statuses if k[0] == participant.id]:
            del self.store.statuses[key]  # the table's ON DELETE CASCADE

    def add_erasure(self, nhs_hash: str, at: datetime) -> None:
        self.store.erasures.setdefault(nhs_hash, at)

    def erased_among(self, nhs_hashes: Sequence[str]) -> set[str]:
        return set(nhs_hashes) & set(self.store.erasures)

    def trial(self, trial_id: uuid.UUID) -> Trial | None:
        return self.store.trials.get(trial_id)

    def trial_by_short_name(self, short_name: str) -> Trial | None:
        found = [t for t in self.store.trials.values() if t.short_name == short_name]
        return found[0] if found else None

    def trials(self) -> Sequence[Trial]:
        return sorted(self.store.trials.values(), key=lambda t: t.created_at)

    def add_setting_change(self, change: TrialSettingChange) -> None:
        self.store.setting_changes.append(change)

    def setting_changes(self, trial_id: uuid.UUID) -> Sequence[TrialSettingChange]:
        found = [c for c in self.store.setting_changes if c.trial_id == trial_id]
        return sorted(found, key=lambda c: c.changed_at)

    def trial_status(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> TrialStatus | None:
        return self.store.statuses.get((participant_id, trial_id))

    def trial_statuses_of(self, participant_id: uuid.UUID) -> Sequence[TrialStatus]:
        return [s for (p, _), s in self.store.statuses.items() if p == participant_id]

    def trial_statuses_of_many(self, ids: Sequence[uuid.UUID]) -> Sequence[TrialStatus]:
        wanted = set(ids)
        return [s for (p, _), s in self.store.statuses.items() if p in wanted]

    def statuses_in_trial(
        self, trial_id: uuid.UUID, practice_ods: str, after: uuid.UUID | None, limit: int
    ) -> Sequence[tuple[Participant, TrialStatus]]:
        found = sorted(
            (
                (self.store.participants[p], s)
                for (p, t), s in self.store.statuses.items()
                if t == trial_id
                and p in self.store.participants
                and self.store.participants[p].practice_ods == practice_ods
                and (after is None or p > after)
            ),
            key=lambda pair: pair[0].id,
        )
        return found[:limit]

    def status_counts(self, trial_id: uuid.UUID, practice_ods: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, status in self.statuses_in_trial(trial_id, practice_ods, None, 10**9):
            counts[status.status] = counts.get(status.status, 0) + 1
        return counts

    def import_job(self, import_id: uuid.UUID) -> ImportJob | None:
        return self.store.imports.get(import_id)

    def import_jobs(self, practice_ods: str, limit: int = 50) -> Sequence[ImportJob]:
        found = [j for j in self.store.imports.values() if j.practice_ods == practice_ods]
        return sorted(found, key=lambda j: j.requested_at, reverse=True)[:limit]

    def import_errors_page(
        self, import_id: uuid.UUID, after: tuple[int, int] | None, limit: int
    ) -> list[tuple[int, int, str, str, str]]:
        found = sorted(
            (line, id_, column, reason, kind)
            for i, line, id_, column, reason, kind in self.store.import_errors
            if i == import_id and (after is None or (line, id_) > after)
        )
        return found[:limit]

    def forget_import_errors(self, import_id: uuid.UUID) -> None:
        self.store.import_errors = [e for e in self.store.import_errors if e[0] != import_id]

    def cohort(self, cohort_id: uuid.UUID) -> Cohort | None:
        return self.store.cohorts.get(cohort_id)

    def cohorts_of(
        self, trial_id: uuid.UUID, practice_ods: Sequence[str] | None
    ) -> Sequence[Cohort]:
        found = [
            c
            for c in self.store.cohorts.values()
            if c.trial_id == trial_id and (practice_ods is None or c.practice_ods in practice_ods)
        ]
        return sorted(found, key=lambda c: c.created_at)

    def add_batch(self, batch: InvitationBatch, size: int | None = None) -> None:
        self.store.batches[batch.id] = (
            batch,
            len(batch.participant_ids) if size is None else size,
        )


class FakeLetterRecipients:
    def __init__(self, store: RegistryStore) -> None:
        self.store = store

    def recipients(self, participant_ids: Sequence[uuid.UUID]) -> list[LetterRecipient]:
        found = [self.store.participants.get(pid) for pid in participant_ids]
        practices = self.store.practices
        return [
            LetterRecipient.of(
                p.id,
                f"{p.given_name} {p.family_name}",
                (p.address_line_1, p.address_line_2, p.address_line_3, p.town, p.postcode),
                p.large_print,
                p.practice_ods,
                practices[p.practice_ods].name if p.practice_ods in practices else p.practice_ods,
            )
            for p in found
            if p is not None and p.postcode
        ]


class FakeApiTokens:
    def __init__(self, store: RegistryStore) -> None:
        self.store = store

    def add(self, issued: TokenIssued) -> None:
        self.store.tokens.setdefault(
            issued.token_id,
            ApiToken.of(
                issued.token_id,
                issued.name,
                issued.role,
                issued.practices,
                issued.trials,
                issued.created_at,
                issued.expires_at,
                None,
            ),
        )

    def revoke(self, token_id: uuid.UUID, when: datetime) -> bool:
        found = self.store.tokens.get(token_id)
        if found is not None and found.revoked_at is None:
            self.store.tokens[token_id] = dataclasses.replace(found, revoked_at=when)
        return found is not None

    def newest_first(self) -> list[ApiToken]:
        by_id = sorted(self.store.tokens.values(), key=lambda t: t.id)
        return sorted(by_id, key=lambda t: t.created_at, reverse=True)

    def token(self, token_id: uuid.UUID) -> ApiToken | None:
        return self.store.tokens.get(token_id)


class FakeRegistryUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: RegistryStore | None = None) -> None:
        super().__init__("registry")
        self.store = store or RegistryStore()
        self.registry = FakeRegistry(self.store)
        self.patients = FakePatients(self.store)
        self.cohorts = FakeCohortQueries(self.store)
        self.letters = FakeLetterRecipients(self.store)
        self.tokens = FakeApiTokens(self.store)


def _implements_the_port(uow: FakeRegistryUnitOfWork) -> RegistryUnitOfWork:
    return uow  # mypy checks the fake against the port here
