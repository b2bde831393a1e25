"""A practice list import through the fakes: created, updated, unchanged, rejected rows,
patients registered elsewhere, and updates announced for those already shared."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.registry.domain import imports as jobs
from services.registry.domain.patient_columns import FileProblem
from services.registry.service_layer import imports
from services.registry.service_layer.imports import Upload
from shared.auth.principal import STAFF, Principal
from shared.errors import NotFound
from tests.support.factories import nhs_number, serial
from tests.support.fakes.registry import FakeRegistryUnitOfWork, RegistryStore
from tests.support.fakes.registry_world import (
    DOB_KEY,
    OTHER_PRACTICE,
    PRACTICE,
    a_patient,
    a_registry,
)

STAFF_AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE, OTHER_PRACTICE}))
HEADER = "NHS Number,Forename,Surname,Date of Birth,Sex,Mobile,Main spoken language,Ethnicity"


def row(
    number: str, given: str = "Amina", dob: str = "04/03/1970", language: str = "Bengali"
) -> str:
    return f"{number},{given},Begum{serial()},{dob},F,074{serial():08d},{language},K"


def upload(tmp_path: Path, *rows: str) -> Upload:
    path = tmp_path / f"list-{uuid.uuid4().hex}.csv"
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    return Upload(path, "csv", "list.csv")


@pytest.fixture
def store() -> RegistryStore:
    return a_registry().store


def run(
    store: RegistryStore, file: Upload, uow: FakeRegistryUnitOfWork | None = None
) -> jobs.ImportJob:
    uow = uow or FakeRegistryUnitOfWork(store)
    job = imports.start_import(uow, STAFF_AT_PRACTICE, PRACTICE, file, False)
    imports.run_import(lambda: uow, job.id, file, DOB_KEY, batch_size=2)
    finished = store.imports[job.id]
    assert finished.status == jobs.DONE, finished.problem
    return finished


def test_a_list_creates_patients_and_rejects_bad_and_repeated_rows(
    store: RegistryStore, tmp_path: Path
) -> None:
    first, second = nhs_number(), nhs_number()

    job = run(
        store,
        upload(
            tmp_path, row(first), row(second), row("123"), row(first), row(nhs_number(), dob="x")
        ),
    )

    assert (job.created, job.rejected, job.duplicates) == (2, 2, 1)
    numbers = {p.nhs_number for p in store.participants.values()}
    assert {first, second} <= numbers
    lines = [
        line
        for line, *_ in FakeRegistryUnitOfWork(store).registry.import_errors_page(job.id, None, 10)
    ]
    assert lines == sorted(lines) and len(lines) == 3


def test_a_row_whose_language_cannot_be_read_imports_as_unknown_with_a_note(
    store: RegistryStore, tmp_path: Path
) -> None:
    uow = FakeRegistryUnitOfWork(store)
    theirs = a_patient(uow, OTHER_PRACTICE)
    good, patois, polsih, repeated = nhs_number(), nhs_number(), nhs_number(), nhs_number()
    rows = [
        row(good),  # line 2
        row(patois, language="Patois"),  # read: Jamaican Patois
        row(polsih, language="Polsih"),  # never guessed: noted
        row(repeated, language="Not known"),  # noted
        row(repeated, language="Unknown"),  # a repeat: rejected, so no note
        row("123", language="Creole"),  # other errors: rejected as before, no note
        row(theirs.nhs_number, language="Gaelic"),  # registered elsewhere: no note
    ]

    job = run(store, upload(tmp_path, *rows), uow)

    assert (job.created, job.noted, job.rejected, job.duplicates) == (4, 2, 2, 1)
    spoken = {p.nhs_number: p.language for p in store.participants.values()}
    assert [spoken[n] for n in (good, patois, polsih, repeated)] == ["bn", "jam", "und", "und"]
    report = list(imports.error_report(lambda: uow, STAFF_AT_PRACTICE, job.id))
    assert [(line, kind) for line, _, _, kind in report] == [
        (4, "note"),
        (5, "note"),
        (6, "error"),
        (7, "error"),
        (8, "error"),
    ]
    assert report[0][1:3] == (
        "Main spoken language",
        "language 'Polsih' is not one we know: imported as an unknown language, texted in "
        "English; an interpreter may be needed",
    )
    assert "'Not known' is not recorded" in report[1][2]


def test_a_list_that_does_not_say_a_known_patients_language_leaves_it_as_it_was(
    store: RegistryStore, tmp_path: Path
) -> None:
    number, fresh = nhs_number(), nhs_number()
    first = row(number, language="Jamaican Patois")
    run(store, upload(tmp_path, first))

    job = run(store, upload(tmp_path, first.replace("Jamaican Patois", "Not known")))

    assert (job.unchanged, job.noted) == (1, 1)  # still noted: the list should say
    [patient] = [p for p in store.participants.values() if p.nhs_number == number]
    assert patient.language == "jam"
    run(store, upload(tmp_path, row(fresh, language="Not known")))
    [new] = [p for p in store.participants.values() if p.nhs_number == fresh]
    assert new.language == "und"


def test_a_second_import_updates_what_changed_and_announces_shared_patients(
    store: RegistryStore, tmp_path: Path
) -> None:
    number = nhs_number()
    run(store, upload(tmp_path, row(number)))
    [patient] = [p for p in store.participants.values() if p.nhs_number == number]
    patient.shared_at = datetime.now(UTC)  # invited since: messaging and consent know them

    uow = FakeRegistryUnitOfWork(store)
    job = run(store, upload(tmp_path, row(number, given="Amira")), uow)

    assert (job.created, job.updated) == (0, 1)
    assert patient.given_name == "Amira"
    [update] = uow.published("registry.participant.updated")
    assert (update["participant_id"], update["mobile"]) == (str(patient.id), patient.mobile)
    assert "given_name" not in update  # names stay in the registry


def test_a_patient_registered_at_another_practice_is_left_alone(
    store: RegistryStore, tmp_path: Path
) -> None:
    uow = FakeRegistryUnitOfWork(store)
    theirs = a_patient(uow, OTHER_PRACTICE)

    job = run(store, upload(tmp_path, row(theirs.nhs_number, given="Someone")))

    assert job.created == 0 and theirs.given_name == "Amina"


def test_an_empty_file_or_an_unknown_practice_is_refused_before_any_job(
    store: RegistryStore, tmp_path: Path
) -> None:
    with pytest.raises(FileProblem):
        imports.start_import(
            FakeRegistryUnitOfWork(store), STAFF_AT_PRACTICE, PRACTICE, upload(tmp_path), False
        )
    with pytest.raises(NotFound):
        imports.start_import(
            FakeRegistryUnitOfWork(store),
            Principal(uuid.uuid4(), "Ada", "admin"),
            "A99999",
            upload(tmp_path, row(nhs_number())),
            False,
        )
    assert store.imports == {}


def test_the_error_report_lists_every_problem_in_file_order_a_page_at_a_time(
    store: RegistryStore, tmp_path: Path
) -> None:
    first = nhs_number()
    bad = [row("123"), row(first), row(nhs_number(), dob="x"), row("456")]
    job = run(store, upload(tmp_path, row(first), *bad))
    uow = FakeRegistryUnitOfWork(store)

    report = list(imports.error_report(lambda: uow, STAFF_AT_PRACTICE, job.id, page=2))

    assert [line for line, *_ in report] == [3, 4, 5, 6]  # the header is line 1
    assert all(reason and kind == "error" for _, _, reason, kind in report)
    elsewhere = Principal(uuid.uuid4(), "Kim", STAFF, frozenset({OTHER_PRACTICE}))
    with pytest.raises(NotFound):
        imports.error_report(lambda: uow, elsewhere, job.id)
