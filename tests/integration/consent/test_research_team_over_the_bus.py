"""The research team's confirmation over the real bus (RabbitMQ, three PostgreSQL databases,
decision 0032): consent by phone on a trial that asks for confirmation leaves the patient
awaiting it, and the registry and messaging hear so (the awaiting text in the patient's
language, from migration data); a discussion and a countersignature then consent them, the
confirming text follows, and the audit chain verifies with no names in it."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from services.consent.domain.audit import first_broken
from services.consent.service_layer import by_phone, confirmation, forms
from services.registry.service_layer import practices, trials
from shared.auth.principal import Principal
from tests.integration.api.conftest import serial
from tests.integration.test_batch_cancellation import (  # noqa: F401 - the fixture
    ADMIN,
    ODS,
    System,
    a_patient,
    invite_everyone,
    system,
)
from tests.support.api import eventually
from tests.support.factories import consent_form

pytestmark = pytest.mark.integration
# The awaiting text that shows the link to the copy (messaging migration 0020).
SHIPPED = Path("services/messaging/migrations/data/templates_0020.json")
PEOPLE = {
    "researcher_name": "Dr R Patel",
    "witness_name": "Mr J Okafor",
    "witness_confirms": True,
    "read_out": True,
}


def texts_of(running: System, person: uuid.UUID) -> dict[str, str]:
    with running.uow(running.messaging) as uow:
        return {m.kind: m.body for m in uow.messages.messages_for(person)}


def test_phone_consent_awaits_the_team_then_a_countersignature_consents_over_the_bus(
    system: System,  # noqa: F811
) -> None:
    practices.create_practice(system.uow(system.registry), ODS, "Practice")
    name = f"RT-{serial()}"
    trial = trials.create_trial(system.uow(system.registry), name, "Heart", "Uni", 28)
    person = a_patient(system)  # reads Bengali
    invite_everyone(system, trial.id, expected=1)
    eventually(lambda: system.consent_statuses(trial.id) == {person: "invited"}, what="invited")
    eventually(
        lambda: consent_participants_known(system, trial.id), what="the trial known to consent"
    )
    draft = forms.create_draft(system.uow(system.consent), ADMIN, trial.id, consent_form())
    forms.publish(system.uow(system.consent), ADMIN, trial.id, draft.version, "REC 26/WM/0001")
    confirmation.set_requirement(system.uow(system.consent), ADMIN, trial.id, True)
    team = Principal(uuid.uuid4(), "Dr R Patel", "researcher", trials=frozenset({trial.id}))

    answers = by_phone.PhoneAnswers(
        draft.version, "en", "agreed", frozenset({"read_summary", "gp_records"}),
        participant_id=person,
    )  # fmt: skip
    record = by_phone.take_consent(system.uow(system.consent), team, trial.id, answers, PEOPLE)

    assert record.status == "awaiting_confirmation"
    eventually(
        lambda: system.registry_statuses(trial.id) == {person: "awaiting_confirmation"},
        what="the registry hearing of it",
    )
    awaiting = json.loads(SHIPPED.read_text(encoding="utf-8"))["bn"]
    words, after = (
        awaiting["consent_awaiting_confirmation"].format(short_name=name, link="\n").split("\n")
    )
    text = eventually(
        lambda: texts_of(system, person).get("consent_awaiting_confirmation"),
        what="the awaiting text",
    )
    assert text.startswith(words) and after == ""  # the link to the copy of the answers
    assert re.fullmatch(
        r"https?://\S+/copy/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22,}", text[len(words) :]
    )

    number = record.study_number
    assert number is not None
    discussion = {
        "mode": "phone",
        "researcher_name": "Dr R Patel",
        "interpreter_language": "bn",
        "interpreter_name": "Ms S Begum",
        "questions_answered": True,
    }
    confirmation.record_discussion(system.uow(system.consent), team, trial.id, number, discussion)
    signature = {"researcher_name": "Dr R Patel", "signature_typed": "Dr R Patel",
                 "signature_ticked": True}  # fmt: skip
    confirmation.countersign(system.uow(system.consent), team, trial.id, number, signature)

    eventually(
        lambda: system.registry_statuses(trial.id) == {person: "consented"},
        what="the registry hearing of the countersignature",
    )
    eventually(
        lambda: "consent_confirmation" in texts_of(system, person), what="the confirming text"
    )
    with system.uow(system.consent) as uow:
        stored = uow.records.record(person, trial.id)
        history = list(uow.audit.history(stored.id))
        kept = list(uow.confirmation.attestations(stored.id))
    assert stored.status == "consented"
    assert [e.action for e in history][-4:] == [
        "consented_by_phone",
        "discussion_recorded",
        "countersigned",
        "status_changed",
    ]
    assert first_broken(history, (stored.last_seq, stored.last_hash)) is None
    by_hash = {f"sha256:{a.hash}": a for a in kept}
    assert {by_hash[e.reason].kind for e in history if e.reason in by_hash} == {
        "phone_consent",
        "discussion",
        "countersignature",
    }
    assert all(a.compute_hash() == a.hash for a in kept)  # as stored, JSON and all
    chain = " ".join(f"{e.actor} {e.reason}" for e in history)
    assert "Patel" not in chain and "Okafor" not in chain and "Begum" not in chain
    assert system.dead(system.consent) == [] and system.dead(system.messaging) == []


def consent_participants_known(running: System, trial_id: uuid.UUID) -> bool:
    with running.uow(running.consent) as uow:
        return uow.trials.trial(trial_id) is not None
