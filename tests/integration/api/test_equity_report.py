"""The equity report on PostgreSQL: a group of 3 is suppressed, it stays consistent after a
withdrawal, and the registry's population counts give ratios against the eligible cohort
and the practice list."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from services.consent.domain import lifecycle
from services.consent.service_layer import outreach, reach
from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from services.consent.service_layer.changes import change
from shared.events.commands import MessageStatusChanged, ParticipantShared, PopulationCounted
from shared.events.contracts import CONTRACTS
from tests.integration.api.conftest import Service, store_token
from tests.integration.api.test_consent_page import a_trial_with_a_form

pytestmark = pytest.mark.integration
PRACTICE = "M85001"


def a_person(service: Service, trial_id: uuid.UUID, ethnic: str, consents: bool) -> uuid.UUID:
    participant_id = uuid.uuid4()
    consent_participants.save_participant(
        service.uow(),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods=PRACTICE,
            mobile=None,
            textable=True,
            language="en",
            sex="female",
            age_band="60-69",
            ethnic_category=ethnic,
            imd_decile=5,
            imd_edition=2019,
        ),
    )
    consent_records.record_invitations(service.uow(), trial_id, [participant_id], PRACTICE)
    if consents:
        consent_records.record_reply(service.uow(), participant_id, trial_id, "yes")
        with service.uow() as uow:
            record = uow.records.record(participant_id, trial_id)
            form = uow.forms.latest_published(trial_id)
            change(uow, record, lifecycle.CONSENTED, actor="participant", channel="web", form=form)
            uow.commit()
    return participant_id


@pytest.fixture(scope="module")
def trial(consent_service: Service) -> tuple[uuid.UUID, list[uuid.UUID]]:
    trial_id = a_trial_with_a_form(consent_service)
    pakistani = [a_person(consent_service, trial_id, "J", True) for _ in range(3)]
    for index in range(6):
        a_person(consent_service, trial_id, "A", index < 5)
    for index in range(20):
        a_person(consent_service, trial_id, "B", index < 10)
    return trial_id, pakistani


def report(service: Service, trial_id: uuid.UUID) -> dict[str, Any]:
    token = store_token(service, "coordinator", trial_ids=[trial_id])
    headers = {"Authorization": f"Bearer {token}"}
    found: dict[str, Any] = (
        service.client().get(f"/trials/{trial_id}/equity", headers=headers).get_json()
    )
    found["summary"] = (
        service.client().get(f"/trials/{trial_id}/summary", headers=headers).get_json()
    )
    found["csv"] = service.client().get(f"/trials/{trial_id}/equity.csv", headers=headers).text
    found["html"] = service.client().get(f"/trials/{trial_id}/equity.html", headers=headers).text
    return found


def assert_nothing_small_can_be_worked_out(found: dict[str, Any]) -> None:
    columns: dict[tuple[str, str], list[Any]] = {}
    for row in found["rows"]:
        for stage, count in row["counts"].items():
            assert count == "<5" or count == 0 or count >= 5, row
            columns.setdefault((row["dimension"], stage), []).append(count)
    for (_, stage), cells in columns.items():
        total = found["totals"][stage]
        if total != "<5":
            assert cells.count("<5") != 1, (stage, cells)  # never one hidden cell alone
            assert sum(c for c in cells if c != "<5") <= total


def rows(found: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["dimension"], r["group"]): r for r in found["rows"]}


def test_a_group_of_three_is_suppressed_and_stays_so_after_a_withdrawal(
    consent_service: Service, trial: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    trial_id, pakistani = trial
    before = report(consent_service, trial_id)
    with consent_service.uow() as uow:
        record = uow.records.record(pakistani[0], trial_id)
        outreach.withdraw_record(uow, record, channel="web")
        uow.commit()
    after = report(consent_service, trial_id)

    group = rows(before)[("ethnic_category", "Asian - Pakistani")]
    assert group["counts"]["invited"] == "<5" and group["counts"]["consented"] == "<5"
    assert group["participation_to_prevalence_ratio"] is None and group["flag"] == "too_small"
    assert rows(before)[("ethnic_category", "White - British")]["counts"]["invited"] == "<5"
    assert before["totals"]["invited"] == 29 and before["totals"]["consented"] == 18
    # Current consent: the withdrawal leaves the consented, matching the status summary.
    assert after["totals"]["consented"] == 17 == after["summary"]["counts"]["consented"]
    assert after["totals"]["withdrawn"] == "<5" and after["summary"]["counts"]["withdrawn"] == 1
    assert rows(after)[("ethnic_category", "Asian - Pakistani")]["counts"]["withdrawn"] == "<5"
    for found in (before, after):
        assert_nothing_small_can_be_worked_out(found)
        assert "Asian - Pakistani,<5," in found["csv"]
        assert re.search(r"Asian - Pakistani</th>\s*<td[^>]*>&lt;5</td>", found["html"])


def test_ratios_against_the_eligible_cohort_and_the_practice_list(
    consent_service: Service, trial: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    trial_id, _ = trial
    counted_at = datetime.now(UTC)
    for population, bands, trial_key in (
        (
            "eligible",
            {"ethnic_category": {"J": 10, "A": 40, "B": 50}, "sex": {"female": 100}},
            trial_id,
        ),
        (
            "practice_list",
            {"ethnic_category": {"J": 200, "A": 300, "B": 500}, "sex": {"female": 1000}},
            None,
        ),
    ):
        data = CONTRACTS["registry.population.counted"].load(
            {
                "population": population,
                "practice_ods": PRACTICE,
                "trial_id": str(trial_key) if trial_key else None,
                "counted_at": counted_at.isoformat(),
                "counts": bands,
            }
        )
        consent_participants.save_population(consent_service.uow(), PopulationCounted.load(data))
    found = report(consent_service, trial_id)
    irish = rows(found)[("ethnic_category", "White - Irish")]
    consented = found["totals"]["consented"]

    assert found["populations"] == {"invited": True, "eligible_cohort": True, "practice_list": True}
    share = irish["counts"]["consented"] / consented
    assert irish["ppr_eligible_cohort"] == pytest.approx(share / 0.5)
    assert irish["ppr_practice_list"] == pytest.approx(share / 0.5)
    # The group of 3's ratios stay hidden whatever the population.
    pakistani = rows(found)[("ethnic_category", "Asian - Pakistani")]
    assert pakistani["ppr_eligible_cohort"] is None and pakistani["ppr_practice_list"] is None
    assert "ppr_eligible_cohort" in found["csv"]


def a_status(
    service: Service, participant: uuid.UUID, trial_id: uuid.UUID, channel: str, status: str
) -> None:
    """messaging.message.status_changed as the consent worker hands it on, contract-checked."""
    data = CONTRACTS["messaging.message.status_changed"].load(
        {
            "message_id": str(uuid.uuid4()),
            "participant_id": str(participant),
            "trial_id": str(trial_id),
            "batch_id": str(uuid.uuid4()),
            "kind": "invitation",
            "status": status,
            "reason": None,
            "channel": channel,
        }
    )
    reach.note_message_status(service.uow(), MessageStatusChanged.load(data), datetime.now(UTC))


def test_reach_by_channel_counts_each_channel_and_hides_small_numbers(
    consent_service: Service,
) -> None:
    trial_id = a_trial_with_a_form(consent_service)
    on_whatsapp = [a_person(consent_service, trial_id, "A", False) for _ in range(6)]
    by_letter = [a_person(consent_service, trial_id, "A", False) for _ in range(2)]
    for index, person in enumerate(on_whatsapp):
        a_status(consent_service, person, trial_id, "whatsapp", "accepted")
        a_status(consent_service, person, trial_id, "whatsapp", "delivered")
        consent_records.record_reply(consent_service.uow(), person, trial_id, "yes", "whatsapp")
        if index < 5:
            with consent_service.uow() as uow:
                record = uow.records.record(person, trial_id)
                form = uow.forms.latest_published(trial_id)
                change(
                    uow, record, lifecycle.CONSENTED, actor="participant", channel="web", form=form
                )
                uow.commit()
    for person in on_whatsapp[:2]:
        a_status(consent_service, person, trial_id, "voice", "no-answer")  # a cascade's call
    for person in by_letter:
        a_status(consent_service, person, trial_id, "letter", "accepted")  # printed
        a_status(consent_service, person, trial_id, "letter", "sent")  # posted
    consent_records.record_reply(consent_service.uow(), by_letter[0], trial_id, "no", "letter")

    found = report(consent_service, trial_id)

    channels = {row["channel"]: row["counts"] for row in found["channels"]}
    assert list(channels) == ["sms", "whatsapp", "voice", "letter"]
    assert channels["sms"] == {"invited": 0, "delivered": 0, "replied": 0, "consented": 0}
    # 6 invited on WhatsApp, 2 called (no answer), 2 letters posted: the 2s are hidden.
    assert channels["whatsapp"] == {
        "invited": 6,
        "delivered": "<5",
        "replied": "<5",
        "consented": 5,
    }
    assert channels["voice"] == {"invited": "<5", "delivered": 0, "replied": 0, "consented": 0}
    assert channels["letter"] == {
        "invited": "<5",
        "delivered": "<5",
        "replied": "<5",
        "consented": 0,
    }
    assert re.search(r"WhatsApp</th>\s*<td[^>]*>6</td>\s*<td[^>]*>&lt;5</td>", found["html"])
    # The CSV has the same rows, hidden alike, read back by column name.
    in_csv = {
        line["group"]: {
            stage: line[stage] for stage in ("invited", "delivered", "replied", "consented")
        }
        for line in csv.DictReader(io.StringIO(found["csv"]))
        if line["dimension"] == "reach_by_channel"
    }
    assert in_csv == {
        channel: {stage: str(count) for stage, count in counts.items()}
        for channel, counts in channels.items()
    }
