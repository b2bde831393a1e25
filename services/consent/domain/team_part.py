"""The research team's part of one agreement, as its signed copy shows it (decisions 0031
and 0032): the consent discussion, any witness or legal representative, and the
countersignature with its entry on the audit chain.

Only what the chain vouches for is shown: an attestation whose content still hashes to its
stored hash and whose hash an entry of the record's chain carries, after the patient's own
entry (an older agreement's confirmation is not this one's). Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.consent.domain.audit import AuditEntry
from services.consent.domain.confirmation import (
    COUNTERSIGNATURE,
    DISCUSSION,
    PHONE_CONSENT,
    REPRESENTATIVE,
    WITNESS,
    Attestation,
)


@dataclass(frozen=True)
class TeamPart:
    countersignature: Attestation
    countersigned: AuditEntry  # the chain's entry carrying the countersignature's hash
    discussions: Sequence[Attestation] = ()
    witnesses: Sequence[Attestation] = ()
    representatives: Sequence[Attestation] = ()

    @property
    def researcher_name(self) -> str:
        return str(self.countersignature.details.get("researcher_name", ""))

    @property
    def countersigned_at(self) -> datetime:
        return self.countersignature.at


def team_part(
    attestations: Iterable[Attestation], history: Iterable[AuditEntry], patients_entry: AuditEntry
) -> TeamPart | None:
    """The latest countersignature after the patient's entry, with what the team recorded
    between the two; None when the team has not countersigned this agreement."""
    later = {e.reason: e for e in history if e.reason and e.seq > patients_entry.seq}
    vouched = [
        (a, later[a.reason])
        for a in attestations
        if a.reason in later and a.compute_hash() == a.hash
    ]
    countersigned = [(a, e) for a, e in vouched if a.kind == COUNTERSIGNATURE]
    if not countersigned:
        return None
    signature, entry = max(countersigned, key=lambda pair: pair[1].seq)
    before = sorted(((a, e) for a, e in vouched if e.seq < entry.seq), key=lambda p: p[1].seq)

    def of(kind: str) -> tuple[Attestation, ...]:
        return tuple(a for a, _ in before if a.kind == kind)

    return TeamPart(signature, entry, of(DISCUSSION), of(WITNESS), of(REPRESENTATIVE))


def phone_consent(
    attestations: Iterable[Attestation], patients_entry: AuditEntry
) -> Attestation | None:
    """The attestation of a consent given by phone (who read the form out, who witnessed),
    when the patient's entry is that consent and the attestation still hashes to what the
    entry carries; None for a consent given on the page."""
    for attestation in attestations:
        if (
            attestation.kind == PHONE_CONSENT
            and attestation.reason == patients_entry.reason
            and attestation.compute_hash() == attestation.hash
        ):
            return attestation
    return None
