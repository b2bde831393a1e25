"""Signatures, the trial's signature setting, and links to signed copies, on a session."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.consent.adapters.orm import copy_links, signatures, trials
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.signatures import NONE, CopyLink, Signature

_s = signatures.c


class SignatureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: Signature | CopyLink) -> None:
        self.session.add(item)

    def mode(self, trial_id: uuid.UUID) -> str:
        """The trial's signature setting; "none" for a trial not known yet."""
        found = self.session.execute(
            select(trials.c.signature).where(trials.c.id == trial_id)
        ).scalar_one_or_none()
        return found or NONE

    def set_mode(self, trial_id: uuid.UUID, mode: str) -> bool:
        """False when the trial is not known."""
        done = self.session.execute(
            update(trials).where(trials.c.id == trial_id).values(signature=mode)
        )
        return bool(getattr(done, "rowcount", 0))

    def latest(self, record_id: uuid.UUID) -> Signature | None:
        return self.session.scalars(
            select(Signature)
            .where(_s.record_id == record_id)
            .order_by(_s.signed_at.desc(), _s.form_version.desc())
            .limit(1)
        ).first()

    def get(self, signature_id: uuid.UUID) -> Signature | None:
        return self.session.get(Signature, signature_id)

    def record(self, record_id: uuid.UUID) -> ConsentRecord | None:
        return self.session.get(ConsentRecord, record_id)

    def copy_link(self, link_id: uuid.UUID) -> CopyLink | None:
        return self.session.get(CopyLink, link_id)

    def erase(self, record_id: uuid.UUID) -> None:
        """Erasure: the signature goes; its hash stays in the chain, unlinkable (salted)."""
        for found in self.session.scalars(select(Signature).where(_s.record_id == record_id)):
            self.session.delete(found)
        for link in self.session.scalars(
            select(CopyLink).where(copy_links.c.record_id == record_id)
        ):
            self.session.delete(link)
