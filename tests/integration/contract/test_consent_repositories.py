"""The consent ports' contract: the fake and the SQLAlchemy repositories answer alike."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from services.consent.domain.filters import RecordFilter
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.understanding import UnderstandingAnswer
from services.consent.service_layer.ports import ConsentUnitOfWork
from tests.support.factories import consent_form

pytestmark = pytest.mark.integration

New = Callable[[], ConsentUnitOfWork]


def a_form(trial: uuid.UUID, version: int = 1) -> ConsentForm:
    body = consent_form()
    return ConsentForm(
        trial,
        version,
        [Item(i["key"], i["mandatory"]) for i in body["items"]],
        {code: Translation(**t) for code, t in body["translations"].items()},
    )


def records_moved(
    new: New, trial: uuid.UUID, *steps: tuple[str, ...], ods: str = "M1", prefix: str = "S"
) -> list[ConsentRecord]:
    """A record per list of statuses, moved through them with audit entries and counts."""
    made = []
    with new() as uow:
        for number, statuses in enumerate(steps, 1):
            record = ConsentRecord(
                uuid.uuid4(), trial, practice_ods=ods, study_number=f"{prefix}-{number:03d}"
            )
            uow.records.add(record)
            for status in statuses:
                previous = record.status
                uow.audit.add(record.move_to(status, actor="test", channel="system"))
                uow.reporting.count_change(trial, ods, previous, status)
            made.append(record)
        uow.commit()
    return made


def test_records_by_participant_study_number_and_filtered_pages(consent: New) -> None:
    trial = uuid.uuid4()
    first, second, third = records_moved(
        consent, trial, ("invited",), ("invited", "interested"), ("invited",)
    )
    with consent() as uow:
        uow.participants.add(ParticipantBands(second.participant_id, "M1", "ur", age_band="40-49"))
        uow.commit()

    with consent() as uow:
        found = uow.records.record(first.participant_id, trial)
        by_number = uow.records.record_by_study_number(trial, "S-002")
        invited = uow.records.records_in_trial(trial, RecordFilter(status="invited"), None, 10)
        after = uow.records.records_in_trial(trial, RecordFilter(), "S-001", 1)
        urdu = uow.records.records_in_trial(trial, RecordFilter(language="ur"), None, 10)
        with_bands = uow.records.record_with_bands(second.participant_id, trial)
        of = uow.records.records_of(third.participant_id)
    assert found is not None and found.id == first.id
    assert by_number is not None and by_number.id == second.id
    assert [r.study_number for r in invited] == ["S-001", "S-003"]
    assert [r.study_number for r in after] == ["S-002"]
    assert [r.study_number for r in urdu] == ["S-002"]
    assert with_bands is not None and with_bands[1] is not None and with_bands[1].language == "ur"
    assert [r.id for r in of] == [third.id]


def test_study_sequences_count_per_trial(consent: New) -> None:
    one, two = uuid.uuid4(), uuid.uuid4()
    with consent() as uow:
        numbers = [uow.records.next_study_sequence(t) for t in (one, one, two)]
        uow.commit()
    assert numbers == [1, 2, 1]


def test_records_waiting_too_long_and_consented_to_an_older_version(consent: New) -> None:
    trial = uuid.uuid4()
    waiting, agreed = records_moved(
        consent, trial, ("invited",), ("invited", "interested", "link_sent", "consented")
    )
    with consent() as uow:
        record = uow.records.record(agreed.participant_id, trial)
        assert record is not None
        record.form_version = 1
        uow.commit()

    with consent() as uow:
        later = datetime.now(UTC) + timedelta(minutes=1)
        stale = uow.records.records_with_status(trial, ["invited"], later, 10)
        fresh = uow.records.records_with_status(trial, ["invited"], later - timedelta(hours=1), 10)
        older = uow.records.consented_before_version(trial, 2)
        none = uow.records.consented_before_version(trial, 1)
    assert [r.id for r in stale] == [waiting.id] and list(fresh) == []
    assert [r.id for r in older] == [agreed.id] and list(none) == []


def test_the_audit_chain_and_record_heads(consent: New) -> None:
    trial = uuid.uuid4()
    (record,) = records_moved(consent, trial, ("invited", "interested", "declined"))

    with consent() as uow:
        history = uow.audit.history(record.id)
        histories = uow.audit.histories([record.id])
        heads = uow.audit.record_heads(trial, None, 10)
        with_history = uow.records.record_with_history("S-001", trial)
    assert [e.to_status for e in history] == ["invited", "interested", "declined"]
    assert [e.seq for e in histories[record.id]] == [e.seq for e in history]
    [head] = heads
    assert (head.id, head.last_seq, head.last_hash) == (record.id, 3, history[-1].hash)
    assert with_history is not None and len(with_history[2]) == 3


def test_forms_drafts_change_published_ones_do_not(consent: New) -> None:
    trial = uuid.uuid4()
    with consent() as uow:
        assert uow.forms.next_form_version(trial) == 1
        uow.forms.insert_form(a_form(trial, 1))
        uow.commit()
    with consent() as uow:
        draft = uow.forms.form(trial, 1)
        assert draft is not None and uow.forms.latest_published(trial) is None
        draft.publish("REC 1", datetime.now(UTC))
        uow.forms.update_draft(draft)
        second = a_form(trial, 2)
        second.requires_reconsent = True
        uow.forms.insert_form(second)
        uow.commit()
    with consent() as uow:
        published = uow.forms.form(trial, 1)
        assert published is not None and published.is_published
        published.ethics_reference = "changed"
        uow.forms.update_draft(published)  # not a draft: never written
        uow.commit()
    with consent() as uow:
        stored = [(f.version, f.ethics_reference) for f in uow.forms.forms(trial)]
        latest = uow.forms.latest_published(trial)
        reconsent = uow.forms.reconsent_required_since(trial, 1)
    assert stored == [(1, "REC 1"), (2, None)]
    assert latest is not None and latest.version == 1 and latest.content_hash
    assert reconsent is False  # version 2 asks for it, but is not published


def test_links_live_until_revoked_and_come_with_their_record(consent: New) -> None:
    trial = uuid.uuid4()
    (record,) = records_moved(consent, trial, ("invited", "interested", "link_sent"))
    old, new = ConsentLink(record.participant_id, trial), ConsentLink(record.participant_id, trial)
    old.revoke(datetime.now(UTC))
    with consent() as uow:
        uow.consent_links.add(old)
        uow.consent_links.add(new)
        uow.commit()

    with consent() as uow:
        live = uow.consent_links.live_links(record.participant_id, trial)
        found = uow.consent_links.link_with_record(new.id)
        missing = uow.consent_links.link_with_record(uuid.uuid4())
    assert [link.id for link in live] == [new.id]
    assert found is not None and (found[0].id, found[1].id, found[2]) == (new.id, record.id, None)
    assert missing is None


def test_the_latest_agreement_of_a_record(consent: New) -> None:
    trial = uuid.uuid4()
    (record,) = records_moved(consent, trial, ("invited",))
    start = datetime.now(UTC)

    def response(decision: str, minutes: int) -> ConsentResponse:
        return ConsentResponse(
            record.id,
            record.participant_id,
            trial,
            1,
            "hash",
            "en",
            decision,
            {},
            at=start + timedelta(minutes=minutes),
        )

    with consent() as uow:
        for r in (response("agreed", 1), response("agreed", 2), response("declined", 3)):
            uow.responses.add(r)
        uow.commit()
    with consent() as uow:
        every = uow.responses.responses(record.id)
        latest = uow.responses.latest_agreement(record.id)
        answers = uow.responses.latest_answers([record.id, uuid.uuid4()])
    assert [r.decision for r in every] == ["agreed", "agreed", "declined"]
    assert latest is not None and latest.id == every[1].id
    assert {k: v.id for k, v in answers.items()} == {record.id: every[2].id}


def test_counters_per_status_and_practice(consent: New) -> None:
    trial = uuid.uuid4()
    records_moved(consent, trial, ("invited", "interested"), ("invited",), ods="A1")
    records_moved(consent, trial, ("invited",), ods="B2", prefix="B")

    with consent() as uow:
        totals = uow.reporting.status_counts(trial)
        per_practice = uow.reporting.practice_counts(trial)
        practices = uow.reporting.practices_in_trial(trial)
    assert totals == {"invited": 2, "interested": 1}
    assert per_practice == {"A1": {"invited": 1, "interested": 1}, "B2": {"invited": 1}}
    assert practices == ["A1", "B2"]


def test_a_population_keeps_its_newest_count(consent: New) -> None:
    trial, ods = uuid.uuid4(), f"P{uuid.uuid4().hex[:5]}"
    now = datetime.now(UTC)
    with consent() as uow:
        assert uow.reporting.replace_population("eligible", ods, trial, now, {"sex": {"F": 3}})
        assert not uow.reporting.replace_population(
            "eligible", ods, trial, now - timedelta(hours=1), {"sex": {"F": 9}}
        )
        uow.commit()

    with consent() as uow:
        found = uow.reporting.populations("eligible", trial, [ods])
        other = uow.reporting.populations("practice_list", None, [ods])
    assert found == {ods: {"sex": {"F": 3}}} and other == {}


def test_exports_and_stages_carry_bands_never_contact_details(consent: New) -> None:
    trial = uuid.uuid4()
    agreed, declined = records_moved(
        consent, trial, ("invited", "interested", "link_sent", "consented"), ("invited", "declined")
    )
    with consent() as uow:
        uow.participants.add(ParticipantBands(agreed.participant_id, "M1", "ur", sex="F"))
        uow.commit()

    with consent() as uow:
        rows = list(uow.reporting.export_rows(trial, RecordFilter()))
        urdu = list(uow.reporting.export_rows(trial, RecordFilter(language="ur")))
        stages = {r.id: r for r in uow.reporting.reached_stages(trial)}
    assert [(r.study_number, r.language, r.sex) for r in rows] == [
        ("S-001", "ur", "F"),
        ("S-002", None, None),
    ]
    assert [r.study_number for r in urdu] == ["S-001"]
    assert (stages[agreed.id].replied, stages[agreed.id].consented) == (1, 1)
    assert (stages[declined.id].replied, stages[declined.id].interested) == (1, 0)


def test_trials_keep_their_identity_check_across_renames(consent: New) -> None:
    trial = uuid.uuid4()
    with consent() as uow:
        uow.trials.save_trial(trial, "HEART", "Heart", 14)
        assert uow.trials.set_identity_check(trial, "dob_and_code")
        assert not uow.trials.set_identity_check(uuid.uuid4(), "dob_and_code")
        uow.commit()
    with consent() as uow:
        uow.trials.save_trial(trial, "HEART2", "Heart again", 14)
        uow.commit()
    with consent() as uow:
        found = uow.trials.trial(trial)
        with_deadline = [t.id for t in uow.trials.trials_with_deadline()]
    assert found is not None
    assert (found.short_name, found.identity_check) == ("HEART2", "dob_and_code")
    assert trial in with_deadline


def test_channel_contacts_stay_delivered_and_answers_name_their_first_channel(
    consent: New,
) -> None:
    trial, other_trial = uuid.uuid4(), uuid.uuid4()
    [silent] = records_moved(consent, trial, ("invited",), prefix="CH")
    answered = ConsentRecord(uuid.uuid4(), trial, practice_ods="M1", study_number="CH-900")
    now = datetime.now(UTC)
    with consent() as uow:
        uow.records.add(answered)
        for status, channel in (
            ("invited", "system"),
            ("interested", "voice"),  # the first answer: a key press on a call
            ("link_sent", "system"),
            ("consented", "web"),
        ):
            uow.audit.add(answered.move_to(status, actor="test", channel=channel))
        uow.reporting.note_contact(trial, answered.participant_id, "sms", False, now)
        uow.reporting.note_contact(trial, answered.participant_id, "sms", True, now)
        uow.reporting.note_contact(trial, answered.participant_id, "sms", False, now)
        uow.reporting.note_contact(trial, answered.participant_id, "voice", True, now)
        uow.reporting.note_contact(trial, silent.participant_id, "letter", True, now)
        uow.reporting.note_contact(other_trial, silent.participant_id, "sms", True, now)
        uow.commit()

    with consent() as uow:
        contacts = sorted(
            (r.participant_id == silent.participant_id, r.channel, bool(r.delivered))
            for r in uow.reporting.contacts(trial)
        )
        answers = {r.participant_id: r for r in uow.reporting.channel_reach(trial)}
        invited_on = uow.reporting.invited_on(trial, silent.participant_id)
        assert uow.reporting.invited_on(trial, answered.participant_id) == {"sms", "voice"}
        assert uow.reporting.invited_on(other_trial, answered.participant_id) == set()
    assert invited_on == {"letter"}, "this trial's channels only"
    # Once delivered, a late "accepted" does not take it back.
    assert contacts == [(False, "sms", True), (False, "voice", True), (True, "letter", True)]
    assert (
        answers[answered.participant_id].answered_by,
        answers[answered.participant_id].status,
    ) == ("voice", "consented")
    assert answers[silent.participant_id].answered_by is None


def test_one_record_view_holds_its_chain_page_answers_and_understanding_answers(
    consent: New,
) -> None:
    trial = uuid.uuid4()
    first, other = records_moved(consent, trial, ("invited", "interested"), ("invited",))
    start = datetime(2026, 12, 6, 10, tzinfo=UTC)
    with consent() as uow:
        uow.participants.add(ParticipantBands(first.participant_id, "M1", "ur", sex="female"))
        for minutes, (answer, right) in enumerate((("never", False), ("any_time", True))):
            given = UnderstandingAnswer(first.id, 1, "leave", answer, right, "ur")
            given.at = start + timedelta(minutes=minutes)
            uow.understanding.add([given])
        uow.understanding.add([UnderstandingAnswer(other.id, 1, "leave", "never", False, "en")])
        uow.responses.add(
            ConsentResponse(
                first.id, first.participant_id, trial, 1, "h" * 64, "ur", "agreed",
                {"read_summary": True}, at=start + timedelta(minutes=5),
            )
        )  # fmt: skip
        uow.commit()

    with consent() as uow:
        view = uow.records.record_view("S-001", trial)
        bare = uow.records.record_view("S-002", trial)
        missing = uow.records.record_view("S-404", trial)
    assert view is not None and bare is not None and missing is None
    assert (view.record.id, view.participant and view.participant.language) == (first.id, "ur")
    assert [e.to_status for e in view.history] == ["invited", "interested"]
    assert [(r.decision, r.items) for r in view.responses] == [("agreed", {"read_summary": True})]
    assert [(a.answer, a.correct) for a in view.understanding] == [
        ("never", False),
        ("any_time", True),
    ]
    assert bare.participant is None and list(bare.responses) == []
    assert [a.answer for a in bare.understanding] == ["never"]


def test_an_erased_patients_channel_contacts_go_in_every_trial_and_nobody_elses(
    consent: New,
) -> None:
    trial, other_trial = uuid.uuid4(), uuid.uuid4()
    erased, kept = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    with consent() as uow:
        uow.reporting.note_contact(trial, erased, "sms", True, now)
        uow.reporting.note_contact(trial, erased, "letter", True, now)
        uow.reporting.note_contact(other_trial, erased, "voice", False, now)
        uow.reporting.note_contact(trial, kept, "sms", True, now)
        uow.commit()

    with consent() as uow:
        assert uow.reporting.forget_contacts(erased) == 3
        uow.commit()

    with consent() as uow:
        left = {
            (r.participant_id, r.channel)
            for t in (trial, other_trial)
            for r in uow.reporting.contacts(t)
        }
        assert uow.reporting.forget_contacts(erased) == 0
    assert left == {(kept, "sms")}
