"""Consent records and the life cycle they follow; every change extends the audit chain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.consent.domain.audit import GENESIS, AuditEntry
from shared import clock
from shared.errors import InvalidTransition

INVITED, INTERESTED, DECLINED, OPTED_OUT = "invited", "interested", "declined", "opted_out"
LINK_SENT, CONSENTED, REFUSED, WITHDRAWN = "link_sent", "consented", "refused", "withdrawn"
EXPIRED, ENTERED_IN_ERROR = "expired", "entered_in_error"
# The invitation's batch was cancelled before it was sent: not invited after all, and may
# be invited again. Appended to the chain like any change; nothing is deleted.
NOT_INVITED = "not_invited"
# The patient has signed; the trial wants the research team's confirmation (a consent
# discussion and a countersignature) before the patient counts as consented (decision 0032).
AWAITING_CONFIRMATION = "awaiting_confirmation"

# Where each status may go next. STOP is honoured at any point before consent;
# a coordinator may mark any record entered in error (with a reason).
NEXT: dict[str | None, frozenset[str]] = {
    None: frozenset({INVITED}),
    INVITED: frozenset({INTERESTED, DECLINED, OPTED_OUT, EXPIRED, NOT_INVITED}),
    NOT_INVITED: frozenset({INVITED}),
    INTERESTED: frozenset({LINK_SENT, DECLINED, OPTED_OUT, EXPIRED}),
    LINK_SENT: frozenset({CONSENTED, AWAITING_CONFIRMATION, REFUSED, OPTED_OUT, EXPIRED}),
    AWAITING_CONFIRMATION: frozenset({CONSENTED, WITHDRAWN}),
    CONSENTED: frozenset({WITHDRAWN}),
    DECLINED: frozenset(),
    OPTED_OUT: frozenset(),
    REFUSED: frozenset(),
    WITHDRAWN: frozenset(),
    EXPIRED: frozenset(),
    ENTERED_IN_ERROR: frozenset(),
}
STATUSES = tuple(s for s in NEXT if s is not None)
# Records that count as people invited (the equity report's population).
NOT_COUNTED_AS_INVITED = frozenset({ENTERED_IN_ERROR, NOT_INVITED})
# Records that never moved past these by the trial's response deadline expire.
AWAITING = frozenset({INVITED, INTERESTED, LINK_SENT})
# The patient has given their part: STOP or leaving the study withdraws rather than opts out.
SIGNED = frozenset({CONSENTED, AWAITING_CONFIRMATION})
# Where a researcher may take consent by phone (before a witness): any record still open
# to an answer. The call answers for the patient as the page would.
BY_PHONE_FROM = frozenset({INVITED, INTERESTED, LINK_SENT, EXPIRED})
BY_PHONE_TO = frozenset({CONSENTED, AWAITING_CONFIRMATION, REFUSED})


@dataclass
class ConsentRecord:
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    status: str | None = None
    form_version: int | None = None
    practice_ods: str | None = None  # from the invitation; for per-practice counts
    # How coordinators and exports name the participant in this trial (domain.study_numbers)
    study_number: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())
    updated_at: datetime = field(default_factory=lambda: clock.now())
    last_seq: int = 0
    last_hash: str = GENESIS

    def can_move_to(self, status: str) -> bool:
        if status == ENTERED_IN_ERROR:
            # A correction needs something to correct, and happens once.
            return self.status not in (None, ENTERED_IN_ERROR)
        return status in NEXT[self.status]

    def move_to(
        self,
        status: str,
        *,
        actor: str,
        channel: str,
        reason: str | None = None,
        form_version: int | None = None,
        form_hash: str | None = None,
        at: datetime | None = None,
        signature_hash: str | None = None,
    ) -> AuditEntry:
        if status not in NEXT:
            raise InvalidTransition(f"unknown consent status {status!r}")
        if not self.can_move_to(status):
            raise InvalidTransition(
                f"a record that is {self.status or 'new'} cannot become {status}"
            )
        if status == ENTERED_IN_ERROR and not reason:
            raise InvalidTransition("marking a record entered in error needs a reason")
        return self._append(
            "status_changed",
            status,
            actor,
            channel,
            reason,
            form_version,
            form_hash,
            at,
            signature_hash,
        )

    def answer_by_phone(
        self,
        status: str,
        *,
        actor: str,
        form_version: int,
        form_hash: str,
        reason: str,
    ) -> AuditEntry:
        """Consent (or refusal) taken by a researcher on a call, before a witness: it may come
        before the patient ever opened a link, so it has its own way in the life cycle."""
        if self.status not in BY_PHONE_FROM or status not in BY_PHONE_TO:
            raise InvalidTransition(
                f"a record that is {self.status or 'new'} cannot become {status} by phone"
            )
        return self._append(
            "consented_by_phone" if status != REFUSED else "refused_by_phone",
            status,
            actor,
            "phone",
            reason,
            form_version,
            form_hash,
            None,
        )

    def reconsent(
        self,
        *,
        actor: str,
        channel: str,
        form_version: int,
        form_hash: str,
        signature_hash: str | None = None,
    ) -> AuditEntry:
        """Agreeing again to a newer form version: the status stays consented."""
        if self.status != CONSENTED:
            raise InvalidTransition(f"a record that is {self.status or 'new'} cannot re-consent")
        if self.form_version is not None and form_version <= self.form_version:
            raise InvalidTransition(f"version {form_version} is not newer than the one agreed")
        return self._append(
            "reconsented",
            CONSENTED,
            actor,
            channel,
            None,
            form_version,
            form_hash,
            None,
            signature_hash,
        )

    def note(
        self, action: str, *, actor: str, channel: str, reason: str | None = None
    ) -> AuditEntry:
        """An action on the record that leaves its status as it is (a lockout, a lock lifted,
        a new link): in the chain all the same, with no personal data."""
        if self.status is None:
            raise InvalidTransition("a record that is new has nothing to note")
        return self._append(action, self.status, actor, channel, reason, None, None, None)

    def _append(
        self,
        action: str,
        status: str,
        actor: str,
        channel: str,
        reason: str | None,
        form_version: int | None,
        form_hash: str | None,
        at: datetime | None,
        signature_hash: str | None = None,
    ) -> AuditEntry:
        entry = AuditEntry(
            record_id=self.id,
            seq=self.last_seq + 1,
            action=action,
            from_status=self.status,
            to_status=status,
            actor=actor,
            channel=channel,
            prev_hash=self.last_hash,
            form_version=form_version,
            form_hash=form_hash,
            reason=reason,
            at=at or clock.now(),
            signature_hash=signature_hash,
        ).seal()
        self.status = status
        self.form_version = form_version if form_version is not None else self.form_version
        self.updated_at = entry.at
        self.last_seq, self.last_hash = entry.seq, entry.hash
        return entry
