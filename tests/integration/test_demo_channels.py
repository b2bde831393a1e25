"""The local run's demo shows every channel (issue 17): besides the four texted patients, one
without a mobile who gets a letter and one who prefers WhatsApp are invited; on SQLite, the
local run's database, built by its migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from services.registry.bootstrap import build_runtime
from services.registry.entrypoints import demo
from tests.support import settings

pytestmark = pytest.mark.integration


def test_the_demo_invites_a_letter_patient_and_a_whatsapp_patient(tmp_path: Path) -> None:
    bus = settings.bus_settings("filesystem://", tmp_path / "bus")
    runtime = build_runtime(settings.registry(f"sqlite:///{tmp_path / 'registry.sqlite3'}", bus))
    runtime.migrate()
    try:
        made = demo.load_demo(runtime.uow_factory, settings.DOB_KEY, tmp_path / "demo.json")
        outbox = runtime.tables.outbox
        with runtime.engine.connect() as conn:
            events = [json.loads(p) for p in conn.scalars(select(outbox.c.payload))]
    finally:
        runtime.engine.dispose()

    shared = {
        e["data"]["participant_id"]: e["data"]
        for e in events
        if e["type"] == "registry.participant.registered"
    }
    invited = [
        p
        for e in events
        if e["type"] == "registry.invitations.requested"
        for p in e["data"]["participant_ids"]
    ]
    assert sorted(invited) == sorted(made["participants"]) and len(invited) == 6
    by_letter = [d for d in shared.values() if not d["mobile"]]
    assert [(d["postal"], d["preferred_channel"]) for d in by_letter] == [(True, None)]
    [whatsapp] = made["whatsapp"]
    assert shared[whatsapp["participant_id"]]["preferred_channel"] == "whatsapp"
    assert shared[whatsapp["participant_id"]]["mobile"] == whatsapp["mobile"]
    assert "by letter" in demo.welcome(made) and "WhatsApp" in demo.welcome(made)
