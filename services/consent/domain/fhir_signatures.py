"""Who signed and confirmed a consent, as FHIR R4: Consent.verification for the research
team's countersignature, and a Provenance carrying each signature (issue 18 item 10).

Names stay out of the export as they stay out of the audit chain: an agent is named by its
role, and a signature's data is the attestation's SHA-256, the value the chain holds, so a
reader can check the export against the chain without seeing who signed.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from typing import Any

from services.consent.domain import confirmation
from services.consent.domain.confirmation import Attestation
from services.consent.domain.fhir import instant

SIGNATURE_SYSTEM = "urn:iso-astm:E1762-95:2013"
PARTICIPANT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
# The ISO/ASTM E1762 signature type and the Provenance role of each kind of attestation.
SIGNATURE_TYPE = {
    confirmation.COUNTERSIGNATURE: ("1.2.840.10065.1.12.1.5", "Verification Signature"),
    confirmation.WITNESS: ("1.2.840.10065.1.12.1.11", "Consent Witness Signature"),
    confirmation.REPRESENTATIVE: ("1.2.840.10065.1.12.1.7", "Consent Signature"),
    confirmation.PHONE_CONSENT: ("1.2.840.10065.1.12.1.7", "Consent Signature"),
}
AGENT_TYPE = {
    confirmation.DISCUSSION: "performer",
    confirmation.COUNTERSIGNATURE: "verifier",
    confirmation.WITNESS: "attester",
    confirmation.REPRESENTATIVE: "author",
    confirmation.PHONE_CONSENT: "performer",
}
_PROVENANCE_NAMESPACE = uuid.UUID("0c4f7d52-9f0e-4d8b-a6b9-2f7f3d5e8c11")


def _instant(attestation: Attestation) -> str:
    return instant(attestation.at)


def _role(attestation: Attestation) -> str:
    return attestation.actor.split(":", 1)[0]  # "<role>:<token id>"


def verification(attestations: Sequence[Attestation]) -> list[dict[str, Any]]:
    """One entry per countersignature: the research team confirmed the patient's consent."""
    return [
        {"verified": True, "verificationDate": _instant(a)}
        for a in attestations
        if a.kind == confirmation.COUNTERSIGNATURE
    ]


def provenance(consent_id: uuid.UUID, attestations: Sequence[Attestation]) -> dict[str, Any] | None:
    """The Provenance of a consent's attestations; None when the team recorded none."""
    if not attestations:
        return None
    return {
        "resourceType": "Provenance",
        "id": str(uuid.uuid5(_PROVENANCE_NAMESPACE, str(consent_id))),
        "target": [{"reference": f"urn:uuid:{consent_id}"}],
        "recorded": max(_instant(a) for a in attestations),
        "agent": [
            {
                "type": {
                    "coding": [{"system": PARTICIPANT_TYPE_SYSTEM, "code": AGENT_TYPE[a.kind]}]
                },
                "who": {"display": _role(a)},
            }
            for a in attestations
        ],
        "signature": [
            {
                "type": [
                    {
                        "system": SIGNATURE_SYSTEM,
                        "code": SIGNATURE_TYPE[a.kind][0],
                        "display": SIGNATURE_TYPE[a.kind][1],
                    }
                ],
                "when": _instant(a),
                "who": {"display": _role(a)},
                "sigFormat": "application/octet-stream",
                "data": base64.b64encode(bytes.fromhex(a.hash)).decode(),
            }
            for a in attestations
            if a.kind in SIGNATURE_TYPE and a.hash
        ],
    }
