"""The research team's confirmation: settings per trial or form version, and attestations."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.consent.adapters.orm import confirmation_settings, consent_attestations
from services.consent.domain.confirmation import Attestation, Setting
from shared import clock

_s = confirmation_settings.c
TRIAL_WIDE = 0  # the form_version of a trial's own setting


class ConfirmationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def setting(self, trial_id: uuid.UUID, form_version: int | None) -> Setting:
        rows = self.session.execute(
            select(_s.form_version, _s.required).where(
                _s.trial_id == trial_id, _s.form_version.in_({TRIAL_WIDE, form_version or 0})
            )
        ).all()
        found = {row.form_version: row.required for row in rows}
        version = found.get(form_version) if form_version else None
        return Setting(trial=found.get(TRIAL_WIDE), version=version)

    def settings(self, trial_id: uuid.UUID) -> dict[int, bool]:
        """Every setting of the trial: version 0 is the trial's own."""
        rows = self.session.execute(
            select(_s.form_version, _s.required).where(_s.trial_id == trial_id)
        ).all()
        return {row.form_version: row.required for row in rows}

    def set_required(self, trial_id: uuid.UUID, form_version: int | None, required: bool) -> None:
        key = (trial_id, form_version or TRIAL_WIDE)
        row = self.session.execute(
            select(confirmation_settings).where(_s.trial_id == key[0], _s.form_version == key[1])
        ).first()
        now = clock.now()
        if row is None:
            self.session.execute(
                confirmation_settings.insert().values(
                    trial_id=key[0], form_version=key[1], required=required, changed_at=now
                )
            )
        else:
            self.session.execute(
                confirmation_settings.update()
                .where(_s.trial_id == key[0], _s.form_version == key[1])
                .values(required=required, changed_at=now)
            )

    def add(self, attestation: Attestation) -> None:
        self.session.add(attestation)

    def attestations(self, record_id: uuid.UUID) -> Sequence[Attestation]:
        query = (
            select(Attestation)
            .where(consent_attestations.c.record_id == record_id)
            .order_by(consent_attestations.c.at)
        )
        return self.session.scalars(query).all()

    def attestations_of(
        self, record_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[Attestation]]:
        """Each record's attestations in the order made, for exports."""
        query = (
            select(Attestation)
            .where(consent_attestations.c.record_id.in_(record_ids))
            .order_by(consent_attestations.c.at)
        )
        found: dict[uuid.UUID, list[Attestation]] = {}
        for attestation in self.session.scalars(query):
            found.setdefault(attestation.record_id, []).append(attestation)
        return found
