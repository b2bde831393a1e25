"""Reach by channel (issue 17): invited, delivered, replied and consented per channel, from
messaging's status events and the channel of each patient's first answer, with the equity
report's small-number rules; through the fakes."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.channel_reach import STAGES, Reach, by_channel
from services.consent.entrypoints.handlers import HANDLERS
from services.consent.service_layer import participants, queries, reach, records
from services.consent.service_layer.changes import change
from shared import channel_reach
from shared.events import Event, decode, encode, new_event
from shared.events.commands import MessageStatusChanged
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import a_trial, coordinator_of, invited

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def status_event(
    participant: uuid.UUID,
    trial: uuid.UUID | None,
    channel: str,
    status: str,
    kind: str = "invitation",
) -> MessageStatusChanged:
    return MessageStatusChanged(
        message_id=uuid.uuid4(),
        participant_id=participant,
        trial_id=trial,
        batch_id=uuid.uuid4(),
        kind=kind,
        status=status,
        reason=None,
        channel=channel,
    )


def counts(report: queries.EquityReport) -> dict[str, dict[str, int | str]]:
    return {row.channel: row.shown() for row in report.channels}


def test_each_channel_has_its_own_word_for_delivered() -> None:
    assert channel_reach.stage("sms", "delivered") == channel_reach.DELIVERED
    assert channel_reach.stage("sms", "accepted") == channel_reach.INVITED
    assert channel_reach.stage("voice", "completed") == channel_reach.DELIVERED
    assert channel_reach.stage("voice", "no-answer") == channel_reach.INVITED
    assert channel_reach.stage("letter", "accepted") is None  # printed, not posted yet
    assert channel_reach.stage("letter", "sent") == channel_reach.DELIVERED
    for channel in channel_reach.CHANNELS:
        for status in ("held", "queued", "sending", "suppressed", "cancelled", "failed"):
            assert channel_reach.stage(channel, status) is None


def test_a_cascade_counts_on_every_channel_tried_and_the_answer_on_its_own() -> None:
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow, published=False)
    texted_then_called = invited(uow, trial)
    for channel, status in (("sms", "accepted"), ("sms", "delivered"), ("voice", "completed")):
        reach.note_message_status(uow, status_event(texted_then_called, trial, channel, status), AT)
    records.record_reply(uow, texted_then_called, trial, "yes", channel="voice")
    # Statuses in any order: a late "accepted" does not take "delivered" back.
    reach.note_message_status(uow, status_event(texted_then_called, trial, "sms", "sent"), AT)

    report = queries.equity_report(uow, coordinator_of(trial), trial)

    sms, voice = counts(report)["sms"], counts(report)["voice"]
    assert (sms["invited"], voice["invited"]) == ("<5", "<5")  # one each: hidden
    raw = {row.channel: row.counts for row in report.channels}
    assert raw["sms"] == {"invited": 1, "delivered": 1, "replied": 0, "consented": 0}
    assert raw["voice"] == {"invited": 1, "delivered": 1, "replied": 1, "consented": 0}
    assert raw["letter"] == raw["whatsapp"] == dict.fromkeys(raw["sms"], 0)


def test_other_messages_and_statuses_before_sending_are_not_reach() -> None:
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow, published=False)
    patient = invited(uow, trial)
    reach.note_message_status(uow, status_event(patient, trial, "sms", "queued"), AT)
    reach.note_message_status(
        uow, status_event(patient, trial, "sms", "delivered", kind="consent_link"), AT
    )
    reach.note_message_status(uow, status_event(patient, None, "sms", "delivered"), AT)
    assert uow.store.contacts == {}


def test_a_status_before_its_record_still_counts_once_the_record_arrives() -> None:
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow, published=False)
    patient = uuid.uuid4()
    reach.note_message_status(uow, status_event(patient, trial, "whatsapp", "delivered"), AT)
    records.record_invitations(uow, trial, [patient], practice_ods="M85001")
    raw = {
        r.channel: r.counts
        for r in queries.equity_report(uow, coordinator_of(trial), trial).channels
    }
    assert raw["whatsapp"]["delivered"] == 1


def test_consent_counts_for_the_channel_the_patient_answered_by() -> None:
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow, published=False)
    for n in range(7):
        patient = invited(uow, trial)
        channel = "whatsapp" if n < 6 else "letter"
        reach.note_message_status(
            uow,
            status_event(patient, trial, channel, "delivered" if channel == "whatsapp" else "sent"),
            AT,
        )
        records.record_reply(uow, patient, trial, "yes", channel=channel)
        record = uow.records.record(patient, trial)
        assert record is not None
        change(uow, record, lifecycle.LINK_SENT, actor="system", channel="system")
        change(uow, record, lifecycle.CONSENTED, actor="participant", channel="web")

    raw = {
        r.channel: r.counts
        for r in queries.equity_report(uow, coordinator_of(trial), trial).channels
    }

    assert raw["whatsapp"] == {"invited": 6, "delivered": 6, "replied": 6, "consented": 6}
    assert raw["letter"] == {"invited": 1, "delivered": 1, "replied": 1, "consented": 1}


def test_one_small_cell_in_a_column_hides_the_next_smallest_and_zero_is_shown() -> None:
    people = [Reach({"sms": True}, "sms", True) for _ in range(12)]
    people += [Reach({"whatsapp": True}, "whatsapp", False) for _ in range(7)]
    people += [Reach({"letter": True}, None, False) for _ in range(2)]

    rows = {row.channel: row for row in by_channel(people)}

    assert rows["letter"].shown()["invited"] == "<5"
    assert rows["whatsapp"].shown()["invited"] == "<5"  # secondary: 19 - 12 would give 2 away
    assert rows["sms"].shown()["invited"] == 12
    assert rows["voice"].shown() == {"invited": 0, "delivered": 0, "replied": 0, "consented": 0}
    assert rows["whatsapp"].shown()["consented"] == 0
    assert rows["sms"].shown()["consented"] == 12


def opted_out(patient: uuid.UUID, data: dict[str, object]) -> Event:
    """The event as consent's worker gets it: encoded, then checked against its contract."""
    body = {"participant_id": patient, **data}
    return decode(encode(new_event("messaging.participant.opted_out", body, "messaging")))


def stop_reply(patient: uuid.UUID, trial: uuid.UUID, channel: str) -> Event:
    body = {
        "reply_id": uuid.uuid4(),
        "participant_id": patient,
        "trial_id": trial,
        "intent": "stop",
        "language": "en",
        "channel": channel,
    }
    return decode(encode(new_event("messaging.reply.received", body, "messaging")))


@pytest.mark.parametrize("opt_out_first", [True, False], ids=["opt-out first", "reply first"])
def test_a_whatsapp_stop_is_a_whatsapp_answer_whichever_event_comes_first(
    opt_out_first: bool,
) -> None:
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow, published=False)
    patient = invited(uow, trial)
    reach.note_message_status(uow, status_event(patient, trial, "whatsapp", "delivered"), AT)
    events = [
        opted_out(patient, {"source": "whatsapp", "channel": "whatsapp"}),
        stop_reply(patient, trial, "whatsapp"),
    ]
    for event in events if opt_out_first else reversed(events):
        HANDLERS[event.type](event, uow)

    raw = {
        r.channel: r.counts
        for r in queries.equity_report(uow, coordinator_of(trial), trial).channels
    }

    assert raw["whatsapp"] == {"invited": 1, "delivered": 1, "replied": 1, "consented": 0}
    assert raw["sms"] == dict.fromkeys(STAGES, 0)
    record = uow.records.record(patient, trial)
    assert record is not None and record.status == lifecycle.OPTED_OUT


def test_a_stop_answering_one_trial_is_no_answer_in_another_it_still_opts_out_of() -> None:
    uow = FakeConsentUnitOfWork()
    answered, other = a_trial(uow, published=False), a_trial(uow, published=False)
    patient = invited(uow, answered)
    records.record_invitations(uow, other, [patient], practice_ods="M85001")
    for trial in (answered, other):
        reach.note_message_status(uow, status_event(patient, trial, "whatsapp", "delivered"), AT)
    event = opted_out(patient, {"source": "whatsapp", "channel": "whatsapp", "trial_id": answered})
    HANDLERS[event.type](event, uow)

    def replied(trial: uuid.UUID) -> int:
        report = queries.equity_report(uow, coordinator_of(trial), trial)
        return sum(r.counts["replied"] for r in report.channels)

    assert (replied(answered), replied(other)) == (1, 0)
    for trial in (answered, other):  # STOP still covers every trial
        record = uow.records.record(patient, trial)
        assert record is not None and record.status == lifecycle.OPTED_OUT


def test_an_opt_out_from_before_channels_reads_the_channel_from_its_source() -> None:
    """Events already in queues when `channel` was added name a reply's channel as source;
    one from the STOP list names none, and answers on no channel."""
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow, published=False)
    by_whatsapp, on_the_stop_list = invited(uow, trial), invited(uow, trial)
    for patient, source in ((by_whatsapp, "whatsapp"), (on_the_stop_list, "stop_list")):
        event = opted_out(patient, {"source": source})
        HANDLERS[event.type](event, uow)

    raw = {
        r.channel: r.counts
        for r in queries.equity_report(uow, coordinator_of(trial), trial).channels
    }

    assert raw["whatsapp"]["replied"] == 1
    assert sum(row["replied"] for row in raw.values()) == 1
    stopped = uow.records.record(on_the_stop_list, trial)
    assert stopped is not None and stopped.status == lifecycle.OPTED_OUT


def test_the_equity_csv_has_a_row_per_channel_hidden_as_the_page_hides_them() -> None:
    uow = FakeConsentUnitOfWork()
    trial = a_trial(uow, published=False)
    for n in range(8):
        patient = invited(uow, trial)
        channel = "sms" if n < 6 else "letter"
        status = "delivered" if channel == "sms" else "sent"
        reach.note_message_status(uow, status_event(patient, trial, channel, status), AT)
        if n < 5:
            records.record_reply(uow, patient, trial, "no", channel=channel)
    report = queries.equity_report(uow, coordinator_of(trial), trial)

    lines = list(csv.DictReader(io.StringIO("".join(queries.equity_csv(report)))))

    by_channel_rows = [line for line in lines if line["dimension"] == "reach_by_channel"]
    assert [line["group"] for line in by_channel_rows] == list(channel_reach.CHANNELS)
    read_back = {line["group"]: {s: line[s] for s in STAGES} for line in by_channel_rows}
    assert read_back == {
        channel: {stage: str(count) for stage, count in counts.items()}
        for channel, counts in counts(report).items()
    }
    # 6 texted, 2 written to: the 2 are hidden, and the 6 too, as the total would give the 2
    # away (the secondary suppression of the JSON and the page); 5 replied, all by text.
    assert read_back["letter"] == {
        "invited": "<5",
        "delivered": "<5",
        "replied": "0",
        "consented": "0",
    }
    assert read_back["sms"] == {
        "invited": "<5",
        "delivered": "<5",
        "replied": "5",
        "consented": "0",
    }
    assert all(line["delivered"] == "" for line in lines if line["dimension"] != "reach_by_channel")


def test_erasure_takes_the_patients_channels_away_and_a_late_status_brings_none_back() -> None:
    uow = FakeConsentUnitOfWork()
    trial, other_trial = a_trial(uow, published=False), a_trial(uow, published=False)
    erased, kept = invited(uow, trial), invited(uow, trial)
    for patient, at_trial, channel in (
        (erased, trial, "letter"),
        (erased, other_trial, "sms"),
        (kept, trial, "letter"),
    ):
        status = "sent" if channel == "letter" else "delivered"
        reach.note_message_status(uow, status_event(patient, at_trial, channel, status), AT)

    participants.erase_participant(uow, erased)
    reach.note_message_status(uow, status_event(erased, trial, "voice", "completed"), AT)

    assert uow.store.contacts == {(trial, kept, "letter"): True}
    raw = {
        r.channel: r.counts
        for r in queries.equity_report(uow, coordinator_of(trial), trial).channels
    }
    assert raw["letter"]["invited"] == 1 and raw["voice"]["invited"] == 0
