"""Consent's fake reporting: counters, populations, exports and the funnel's stages, read
from the store of consent.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from services.consent.domain.channel_reach import ANSWERED
from services.consent.domain.filters import RecordFilter

if TYPE_CHECKING:
    from tests.support.fakes.consent import ConsentStore

BANDS = ("language", "sex", "age_band", "ethnic_category", "imd_decile")
STAGES = {
    "replied": ("interested", "declined", "opted_out"),
    "interested": ("interested",),
    "consented": ("consented",),
    "withdrawn": ("withdrawn",),
}


class FakeReporting:
    def __init__(self, store: ConsentStore) -> None:
        self.store = store

    def _bands(self, participant_id: uuid.UUID) -> dict[str, Any]:
        found = self.store.participants.get(participant_id)
        return {band: getattr(found, band) if found else None for band in BANDS}

    def export_rows(
        self, trial_id: uuid.UUID, where: RecordFilter, chunk: int = 2000
    ) -> Iterator[Any]:
        records = sorted(
            (
                r
                for r in self.store.records.values()
                if r.trial_id == trial_id and self.store.matches(r, where)
            ),
            key=lambda r: r.study_number or "",
        )
        for r in records:
            read = [
                a
                for a in self.store.responses
                if a.record_id == r.id and a.form_version == r.form_version
            ]
            yield SimpleNamespace(
                id=r.id,
                study_number=r.study_number,
                trial_id=r.trial_id,
                status=r.status,
                form_version=r.form_version,
                created_at=r.created_at,
                updated_at=r.updated_at,
                practice_ods=r.practice_ods,
                form_language=max(read, key=lambda a: a.at).language if read else None,
                **self._bands(r.participant_id),
            )

    def reached_stages(self, trial_id: uuid.UUID) -> Iterator[Any]:
        for r in self.store.records.values():
            reached = {e.to_status for e in self.store.audit if e.record_id == r.id}
            if r.trial_id != trial_id or not reached:
                continue  # the real query joins the audit: a record without entries is absent
            yield SimpleNamespace(
                id=r.id,
                status=r.status,
                practice_ods=r.practice_ods,
                **self._bands(r.participant_id),
                **{stage: int(bool(reached & set(s))) for stage, s in STAGES.items()},
            )

    def note_contact(
        self,
        trial_id: uuid.UUID,
        participant_id: uuid.UUID,
        channel: str,
        delivered: bool,
        at: datetime,
    ) -> None:
        key = (trial_id, participant_id, channel)
        self.store.contacts[key] = self.store.contacts.get(key, False) or delivered

    def channel_reach(self, trial_id: uuid.UUID) -> Iterator[Any]:
        for r in self.store.records.values():
            if r.trial_id != trial_id:
                continue
            answers = sorted(
                (e for e in self.store.audit if e.record_id == r.id and e.to_status in ANSWERED),
                key=lambda e: e.seq,
            )
            yield SimpleNamespace(
                participant_id=r.participant_id,
                status=r.status,
                answered_by=answers[0].channel if answers else None,
            )

    def contacts(self, trial_id: uuid.UUID) -> Iterator[Any]:
        for (trial, participant_id, channel), delivered in self.store.contacts.items():
            if trial == trial_id:
                yield SimpleNamespace(
                    participant_id=participant_id, channel=channel, delivered=delivered
                )

    def invited_on(self, trial_id: uuid.UUID, participant_id: uuid.UUID) -> set[str]:
        return {
            channel
            for (trial, participant, channel) in self.store.contacts
            if (trial, participant) == (trial_id, participant_id)
        }

    def forget_contacts(self, participant_id: uuid.UUID) -> int:
        gone = [key for key in self.store.contacts if key[1] == participant_id]
        for key in gone:
            del self.store.contacts[key]
        return len(gone)

    def count_change(
        self, trial_id: uuid.UUID, practice_ods: str | None, old: str | None, new: str
    ) -> None:
        counts, practice = self.store.status_counts, practice_ods or ""
        if old is not None and (trial_id, practice, old) in counts:
            counts[(trial_id, practice, old)] -= 1
        counts[(trial_id, practice, new)] = counts.get((trial_id, practice, new), 0) + 1

    def status_counts(self, trial_id: uuid.UUID) -> dict[str, int]:
        found: dict[str, int] = {}
        for (trial, _, status), n in self.store.status_counts.items():
            if trial == trial_id:
                found[status] = found.get(status, 0) + n
        return found

    def practice_counts(self, trial_id: uuid.UUID) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for (trial, practice, status), n in self.store.status_counts.items():
            if trial == trial_id:
                found.setdefault(practice, {})[status] = n
        return found

    def practices_in_trial(self, trial_id: uuid.UUID) -> list[str]:
        return sorted({p for (t, p, _) in self.store.status_counts if t == trial_id and p})

    def replace_population(
        self,
        population: str,
        practice_ods: str,
        trial_id: uuid.UUID | None,
        counted_at: datetime,
        counts: dict[str, dict[str, int]],
    ) -> bool:
        key = (population, practice_ods, str(trial_id) if trial_id else "")
        kept = self.store.populations.get(key)
        if kept is not None and kept[0] > counted_at:
            return False
        self.store.populations[key] = (counted_at, counts)
        return True

    def populations(
        self, population: str, trial_id: uuid.UUID | None, practices: Sequence[str]
    ) -> dict[str, dict[str, dict[str, int]]]:
        trial_key, found = str(trial_id) if trial_id else "", {}
        for (kind, practice, key), (_, counts) in self.store.populations.items():
            if (kind, key) == (population, trial_key) and practice in practices and counts:
                found[practice] = {band: dict(values) for band, values in counts.items() if values}
        return found
