"""A patient's preferred channel: an import column with line-numbered errors, staff's edit,
and carried to messaging on the participant events, on PostgreSQL (decision 30)."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from services.messaging.entrypoints.handlers import HANDLERS as MESSAGING_HANDLERS
from tests.integration.api.conftest import Service, World
from tests.integration.api.test_registry_event_contracts import (
    deliver,
    invited,  # noqa: F401 - a fixture
    registry_events,
)
from tests.integration.api.test_registry_imports import (
    HEADER,
    a_row,
    as_csv,
    finished,
    report,
    staff,  # noqa: F401 - a fixture
    stored,
    upload,
)

pytestmark = pytest.mark.integration


def test_an_import_reads_the_preferred_channel_and_reports_a_bad_one_by_line(
    staff: FlaskClient,  # noqa: F811
    registry_world: World,
) -> None:
    rows = [
        a_row(channel="WhatsApp"),
        a_row(channel="Post"),
        a_row(channel="fax"),
        a_row(channel=""),
    ]
    job = finished(staff, upload(staff, as_csv(rows, HEADER + ",Preferred channel")))
    assert (job["created"], job["rejected"]) == (3, 1)
    assert report(staff, job) == [
        {
            "line": "4",
            "column": "Preferred channel",
            "reason": "'fax' is not a channel: one of sms, whatsapp, voice, letter",
            "kind": "error",
        }
    ]
    found = [stored(registry_world, row["nhs"]) for row in rows]
    assert [rows_[0].preferred_channel if rows_ else "-" for rows_ in found] == [
        "whatsapp",
        "letter",
        "-",
        None,
    ]


def test_staff_change_it_and_messaging_hears(
    registry_service: Service,
    messaging_service: Service,
    invited: tuple[uuid.UUID, uuid.UUID, str],  # noqa: F811
    registry_world: World,
) -> None:
    participant_id, _, _ = invited
    deliver(registry_events(registry_service, 0), messaging_service, MESSAGING_HANDLERS)
    since = len(registry_service.outbox_payloads())
    client = registry_service.client()
    admin = registry_world.headers("admin")
    changed = client.patch(
        f"/participants/{participant_id}", json={"preferred_channel": "WhatsApp"}, headers=admin
    )
    assert changed.status_code == 200 and changed.get_json()["preferred_channel"] == "whatsapp"
    bad = client.patch(
        f"/participants/{participant_id}", json={"preferred_channel": "pigeon"}, headers=admin
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.get_json()["errors"]] == ["preferred_channel"]
    events = registry_events(registry_service, since)
    assert [(e.type, e.data["preferred_channel"]) for e in events] == [
        ("registry.participant.updated", "whatsapp")
    ]
    deliver(events, messaging_service, MESSAGING_HANDLERS)
    with messaging_service.uow() as uow:
        assert uow.contacts.contact(participant_id).preferred_channel == "whatsapp"
    cleared = client.patch(
        f"/participants/{participant_id}", json={"preferred_channel": None}, headers=admin
    )
    assert cleared.get_json()["preferred_channel"] is None
