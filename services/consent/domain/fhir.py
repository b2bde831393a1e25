"""Consent records as FHIR R4 Consent and ResearchSubject resources (plain dicts).

The participant appears only as their study number in the trial, an identifier on a logical
reference: no Patient resource, no NHS number, not even the registry's participant id. UK Core
profiles Patient but, as far as this project has found, neither Consent nor ResearchSubject,
so these follow base R4.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

STUDY_NUMBER_SYSTEM = "https://trialreach.example/fhir/Id/study-number"
TRIAL_SYSTEM = "https://trialreach.example/fhir/Id/trial"
STATUS_SYSTEM = "https://trialreach.example/fhir/CodeSystem/consent-record-status"
FORM_SYSTEM = "urn:trialreach:consent-form"

CONSENT_STATUS = {
    "invited": "proposed",
    "interested": "proposed",
    "link_sent": "proposed",
    "awaiting_confirmation": "proposed",  # signed; the research team has not countersigned
    "consented": "active",
    "declined": "rejected",
    "opted_out": "rejected",
    "refused": "rejected",
    "withdrawn": "inactive",
    "expired": "inactive",
    "entered_in_error": "entered-in-error",
    "not_invited": "draft",  # the invitation was never sent
}
SUBJECT_STATUS = {
    "invited": "potential-candidate",
    "interested": "candidate",
    "link_sent": "candidate",
    "awaiting_confirmation": "candidate",
    "consented": "pending-on-study",  # agreed; enrolment is the study team's step
    "declined": "not-registered",
    "opted_out": "not-registered",
    "refused": "not-registered",
    "expired": "not-registered",
    "withdrawn": "withdrawn",
    "entered_in_error": "ineligible",
    "not_invited": "candidate",
}
_SUBJECT_NAMESPACE = uuid.UUID("6f1d7c1e-8d1e-4c39-9a43-3c1d6d1f7a10")


def instant(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds")


def subject_id(record_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_SUBJECT_NAMESPACE, str(record_id))


def item_system(trial_id: uuid.UUID, version: int) -> str:
    """The code system of a form version's items: their keys, as the form defines them."""
    return f"{FORM_SYSTEM}:{trial_id}:v{version}:item"


def provision(status: str, answer: Any) -> dict[str, Any]:
    """Permit while the patient's consent stands, deny otherwise, with one nested provision
    per item of the form as answered (ticked: permit; not ticked: deny)."""
    system = item_system(answer.trial_id, answer.form_version)
    return {
        "type": "permit" if status == "consented" else "deny",
        "period": {"start": instant(answer.at)},
        "provision": [
            {
                "type": "permit" if ticked else "deny",
                "code": [{"coding": [{"system": system, "code": key}]}],
            }
            for key, ticked in answer.items.items()
        ],
    }


def consent_resource(row: Any, form_hash: str | None, answer: Any = None) -> dict[str, Any]:
    """`answer`: the record's newest response on the page, if it has one."""
    status = row.status or "invited"
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(row.id),
        "status": CONSENT_STATUS[status],
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "research",
                }
            ]
        },
        "category": [
            {"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Consent"}]}
        ],
        "patient": {"identifier": {"system": STUDY_NUMBER_SYSTEM, "value": row.study_number}},
        "dateTime": instant(row.updated_at),
        "extension": [
            {
                "url": f"{STATUS_SYSTEM}-extension",
                "valueCoding": {"system": STATUS_SYSTEM, "code": status},
            }
        ],
    }
    if row.form_version is not None:
        policy = f"{FORM_SYSTEM}:{row.trial_id}:v{row.form_version}"
        if form_hash:
            policy += f"#sha256={form_hash}"
        resource["policy"] = [{"uri": policy}]
        if getattr(row, "form_language", None):
            # The translation of that version the patient read (BCP 47), decision 0025.
            resource["extension"].append(
                {"url": f"{FORM_SYSTEM}-language", "valueCode": row.form_language}
            )
    else:
        resource["policyRule"] = {"text": "TrialReach consent form, not yet shown"}
    if answer is not None:
        resource["provision"] = provision(status, answer)
    elif status in ("consented", "refused", "withdrawn"):
        resource["provision"] = {"type": "permit" if status == "consented" else "deny"}
    return resource


def research_subject_resource(row: Any) -> dict[str, Any]:
    return {
        "resourceType": "ResearchSubject",
        "id": str(subject_id(row.id)),
        "status": SUBJECT_STATUS[row.status or "invited"],
        "period": {"start": instant(row.created_at)},
        "study": {"identifier": {"system": TRIAL_SYSTEM, "value": str(row.trial_id)}},
        "individual": {"identifier": {"system": STUDY_NUMBER_SYSTEM, "value": row.study_number}},
        "consent": {"reference": f"urn:uuid:{row.id}"},
    }
