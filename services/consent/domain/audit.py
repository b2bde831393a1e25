"""The tamper-evident audit chain of a consent record.

Each entry's hash covers its own fields and the previous entry's hash, so changing or
removing any entry breaks every hash after it. Entries hold no personal data, so erasing
a participant leaves the chain whole.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared import clock

GENESIS = "0" * 64


@dataclass
class AuditEntry:
    record_id: uuid.UUID
    seq: int
    action: str
    from_status: str | None
    to_status: str
    actor: str
    channel: str
    prev_hash: str
    form_version: int | None = None
    form_hash: str | None = None
    reason: str | None = None
    at: datetime = field(default_factory=lambda: clock.now())
    hash: str = ""
    # The salted SHA-256 of the patient's signature (domain.signatures), never the signature.
    signature_hash: str | None = None

    def compute_hash(self) -> str:
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)
        content = {
            "record_id": str(self.record_id),
            "seq": self.seq,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "actor": self.actor,
            "channel": self.channel,
            "form_version": self.form_version,
            "form_hash": self.form_hash,
            "reason": self.reason,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "prev_hash": self.prev_hash,
        }
        if self.signature_hash is not None:
            # Only when signed, so entries made before signatures existed verify unchanged.
            content["signature_hash"] = self.signature_hash
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def seal(self) -> AuditEntry:
        self.hash = self.compute_hash()
        return self


def first_broken(entries: Sequence[AuditEntry], head: tuple[int, str] | None = None) -> int | None:
    """The seq of the first entry that does not verify (altered, removed or reordered).

    `head` is the (last seq, last hash) the record itself holds: without it, removing
    the newest entries, or rewriting and resealing the tail, leaves a chain that verifies.
    """
    previous = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        if (
            entry.seq != expected_seq
            or entry.prev_hash != previous
            or entry.compute_hash() != entry.hash
        ):
            return expected_seq
        previous = entry.hash
    if head is not None and head != (len(entries), previous):
        last_seq, count = head[0], len(entries)
        # Entries missing or added after the last good one; else the newest was rewritten.
        return min(count, last_seq) + 1 if count != last_seq else max(count, 1)
    return None
