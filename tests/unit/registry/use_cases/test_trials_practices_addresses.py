"""The registry's smaller use cases through the fakes: practices, trials and their audited
minimum age, participant pages, and postal addresses (never on the bus)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.registry.service_layer import addresses, participants, practices, trials
from services.registry.service_layer.participants import Search
from shared import clock
from shared.auth.principal import COORDINATOR, Principal
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.fakes.registry import FakeRegistryUnitOfWork
from tests.support.fakes.registry_world import (
    AN_ADMIN,
    AT_PRACTICE,
    DOB_KEY,
    ELSEWHERE,
    OTHER_PRACTICE,
    PRACTICE,
    a_patient,
    a_trial,
    with_status,
)

ADDRESS = {"address_line_1": "1 High Street", "town": "Dudley", "postcode": "DY1 1AA"}


def test_a_practice_is_created_once_and_seen_only_by_its_staff(
    uow: FakeRegistryUnitOfWork,
) -> None:
    made = practices.create_practice(uow, "b86001", " Leeds Road Surgery ")

    with pytest.raises(Conflict):
        practices.create_practice(uow, "B86001", "Again")
    with pytest.raises(NotFound):
        practices.get_practice(uow, AT_PRACTICE, "B86001")

    assert (made.ods_code, made.name) == ("B86001", "Leeds Road Surgery")
    assert made.timezone == "Europe/London"
    assert practices.get_practice(uow, AN_ADMIN, "B86001") is made
    assert [p.ods_code for p in practices.visible_practices(uow, AT_PRACTICE)] == [PRACTICE]
    assert {p.ods_code for p in practices.visible_practices(uow, AN_ADMIN)} == {
        PRACTICE,
        OTHER_PRACTICE,
        "B86001",
    }


def test_a_trial_is_announced_with_its_languages_and_its_name_is_taken(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = trials.create_trial(uow, "EQUAL1", "Equal", "NIHR", 21, ("English", "ur", "Urdu"))

    with pytest.raises(Conflict):
        trials.create_trial(uow, "EQUAL1", "Again", "NIHR", None)
    with pytest.raises(InvalidInput):
        trials.create_trial(uow, "EQUAL2", "Equal", "NIHR", None, ("Klingonese",))

    assert trial.languages == ["en", "ur"]
    assert uow.published("registry.trial.created") == [
        {
            "trial_id": str(trial.id),
            "short_name": "EQUAL1",
            "title": "Equal",
            "response_deadline_days": 21,
            "languages": ["en", "ur"],
        }
    ]


def test_coordinators_see_only_their_trials(uow: FakeRegistryUnitOfWork) -> None:
    mine, theirs = a_trial(uow), a_trial(uow)
    coordinator = Principal(uuid.uuid4(), "Cai", COORDINATOR, trials=frozenset({mine.id}))

    assert trials.visible_trials(uow, coordinator) == [mine]
    assert trials.get_trial(uow, coordinator, mine.id) is mine
    with pytest.raises(NotFound):
        trials.get_trial(uow, coordinator, theirs.id)
    assert {t.id for t in trials.visible_trials(uow, AT_PRACTICE)} == {mine.id, theirs.id}


def test_only_an_admin_changes_the_minimum_age_and_each_change_is_kept(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    before = trial.minimum_age

    with pytest.raises(Forbidden):
        trials.set_minimum_age(uow, AT_PRACTICE, trial.id, 16, "ethics amendment")
    with pytest.raises(InvalidInput):
        trials.set_minimum_age(uow, AN_ADMIN, trial.id, 16, "  ")
    with pytest.raises(InvalidInput):
        trials.set_minimum_age(uow, AN_ADMIN, trial.id, 121, "typo")
    trials.set_minimum_age(uow, AN_ADMIN, trial.id, 16, " ethics amendment 3 ")
    trials.set_minimum_age(uow, AN_ADMIN, trial.id, 16, "the same again")

    changes = trials.setting_changes(uow, AN_ADMIN, trial.id)
    assert trial.minimum_age == 16
    assert [(c.setting, c.old_value, c.new_value, c.changed_by, c.reason) for c in changes] == [
        ("minimum_age", str(before), "16", "Ada", "ethics amendment 3")
    ]


def test_statuses_in_a_trial_are_the_practices_own_with_counts(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    invited, consented = a_patient(uow), a_patient(uow)
    with_status(uow, invited, trial, "invited")
    with_status(uow, consented, trial, "consented")
    with_status(uow, a_patient(uow, OTHER_PRACTICE), trial, "invited")

    counts, rows = trials.statuses_in_trial(uow, AT_PRACTICE, trial.id, PRACTICE, None, 10)

    assert counts == {"invited": 1, "consented": 1}
    assert {(p.id, s.status) for p, s in rows} == {
        (invited.id, "invited"),
        (consented.id, "consented"),
    }
    with pytest.raises(Forbidden):
        trials.statuses_in_trial(uow, ELSEWHERE, trial.id, PRACTICE, None, 10)
    with pytest.raises(NotFound):
        trials.statuses_in_trial(uow, AT_PRACTICE, uuid.uuid4(), PRACTICE, None, 10)


def test_staff_page_through_their_own_patients_with_their_statuses(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    mine = [a_patient(uow) for _ in range(3)]
    a_patient(uow, OTHER_PRACTICE)
    with_status(uow, mine[0], trial, "declined")

    first = participants.list_participants(uow, AT_PRACTICE, Search(), None, 2)
    rest = participants.list_participants(uow, AT_PRACTICE, Search(), first.items[-1][0].id, 2)
    found, statuses = participants.get_participant(uow, AT_PRACTICE, mine[0].id)

    shown = [p.id for p, _ in first.items + rest.items]
    assert (first.total, first.more, rest.more) == (3, True, False)
    assert sorted(shown) == sorted(p.id for p in mine)
    assert found is mine[0] and [s.status for s in statuses] == ["declined"]
    with pytest.raises(NotFound):
        participants.get_participant(uow, ELSEWHERE, mine[0].id)
    with pytest.raises(Forbidden):
        participants.list_participants(uow, ELSEWHERE, Search(practice_ods=PRACTICE), None, 2)


def test_an_address_is_corrected_by_staff_and_only_postal_goes_on_the_bus(
    uow: FakeRegistryUnitOfWork,
) -> None:
    patient = a_patient(uow)
    patient.shared_at = datetime.now(UTC)  # the others know this patient already

    shown = addresses.set_address(uow, AT_PRACTICE, patient.id, dict(ADDRESS), True, DOB_KEY)

    assert (shown.postcode, shown.town, shown.large_print) == ("DY1 1AA", "Dudley", True)
    assert addresses.address_of(uow, AT_PRACTICE, patient.id) == shown
    [update] = uow.published("registry.participant.updated")
    assert update["postal"] is True and update["large_print"] is True
    assert "DY1 1AA" not in str(update) and "High Street" not in str(update)
    with pytest.raises(NotFound):
        addresses.address_of(uow, ELSEWHERE, patient.id)

    addresses.set_address(uow, AT_PRACTICE, patient.id, {}, False, DOB_KEY)
    assert addresses.address_of(uow, AT_PRACTICE, patient.id).postcode is None
    assert uow.published("registry.participant.updated")[-1]["postal"] is False


def test_an_address_of_someone_never_shared_is_not_announced(uow: FakeRegistryUnitOfWork) -> None:
    patient = a_patient(uow)

    addresses.set_address(uow, AT_PRACTICE, patient.id, dict(ADDRESS), False, DOB_KEY)

    assert uow.published("registry.participant.updated") == [] and uow.commits == 1


def test_the_address_change_is_stamped_by_the_shared_clock(
    uow: FakeRegistryUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Service layers read the time from `shared.clock`, so a test sets it in one place."""
    patient = a_patient(uow)
    moment = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)

    addresses.set_address(uow, AT_PRACTICE, patient.id, dict(ADDRESS), False, DOB_KEY)

    assert patient.updated_at == moment


def test_letter_recipients_are_those_with_an_address(uow: FakeRegistryUnitOfWork) -> None:
    with_address, without = a_patient(uow), a_patient(uow)
    addresses.set_address(uow, AT_PRACTICE, with_address.id, dict(ADDRESS), False, DOB_KEY)

    found = addresses.letter_recipients(uow, [with_address.id, without.id, uuid.uuid4()])

    assert [r.participant_id for r in found] == [with_address.id]
    assert found[0].address_lines == ("1 High Street", "Dudley", "DY1 1AA")
    assert found[0].practice_name == f"Practice {PRACTICE}"
