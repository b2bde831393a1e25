"""Acknowledgements make sense together (issue 15 item 7): a second YES gets its link."""

from __future__ import annotations

import pytest

from services.consent.service_layer import records as consent_records
from tests.integration.api.conftest import Service
from tests.integration.api.test_consent_page import interested_patient

pytestmark = pytest.mark.integration


def test_a_second_yes_gets_the_link_again_and_the_older_one_stops(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="en")
    first = patient.link()

    consent_records.record_reply(
        consent_service.uow(), patient.participant_id, patient.trial_id, "yes"
    )

    links = [
        e
        for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "consent_link"
    ]
    assert len(links) == 2
    assert patient.record().status == "link_sent"
    client = consent_service.client()
    assert client.get(first).status_code == 404
    assert client.get(patient.link()).status_code == 200
    statuses = [e.data["status"] for e in patient.events("consent.status.changed")]
    assert statuses == ["invited", "interested", "link_sent"]  # no change on the way
