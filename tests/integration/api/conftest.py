"""The three services' HTTP APIs on PostgreSQL: one fresh database per service and test module,
built by the services' own migrations, and a caller of every kind for each service."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from services.consent import create_app as create_consent_app
from services.consent.bootstrap import build_runtime as build_consent_runtime
from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from services.messaging import create_app as create_messaging_app
from services.messaging.bootstrap import build_runtime as build_messaging_runtime
from services.messaging.service_layer import batches, contacts, invitations
from services.registry import create_app as create_registry_app
from services.registry.bootstrap import build_runtime as build_registry_runtime
from services.registry.service_layer import practices, tokens, trials
from services.registry.service_layer.participants import ParticipantDetails, register_participant
from shared.auth.principal import Principal, hash_token, new_token
from shared.auth.store import revoke_token, save_token
from shared.events import Event, decode
from shared.events.commands import (
    InvitationsRequested,
    ParticipantShared,
    TokenIssued,
    TrialCreated,
)
from shared.runtime import Runtime
from tests.support import servers, settings
from tests.support.factories import consent_form, mobile, patient, serial
from tests.support.factories import nhs_number as nhs_number  # the tests here import it

ODS_A, ODS_B = "M85001", "M85002"
BAD_CALLERS = ("no_token", "unknown_token", "expired_token", "revoked_token")
CALLER_ROLES = {
    "staff_a": "staff",
    "staff_b": "staff",
    "coordinator_x": "coordinator",
    "coordinator_y": "coordinator",
    "researcher_x": "researcher",
    "researcher_y": "researcher",
    "admin": "admin",
}
CALLERS = (*BAD_CALLERS, *CALLER_ROLES)
SEED = Principal(token_id=uuid.uuid4(), name="seed", role="admin")

FORM_BODY: dict[str, Any] = consent_form()


@dataclass
class Service:
    name: str
    app: Flask
    settings: Any

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.extensions["trialreach.runtime"]
        return runtime

    def uow(self) -> Any:
        return self.runtime.uow_factory()

    def client(self) -> FlaskClient:
        return self.app.test_client()

    def outbox(self) -> list[Event]:
        table = self.runtime.tables.outbox
        with self.runtime.engine.connect() as conn:
            rows = conn.execute(select(table.c.payload).order_by(table.c.id)).all()
        return [decode(row.payload) for row in rows]

    def outbox_payloads(self) -> list[str]:
        table = self.runtime.tables.outbox
        with self.runtime.engine.connect() as conn:
            return list(conn.scalars(select(table.c.payload).order_by(table.c.id)))


@dataclass
class World:
    """A service with two practices, two trials, one participant in each practice, callers."""

    service: Service
    trial_x: uuid.UUID
    trial_y: uuid.UUID
    participant_a: uuid.UUID
    participant_b: uuid.UUID
    tokens: dict[str, str | None] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # what one service's world adds

    def headers(self, caller: str) -> dict[str, str]:
        token = self.tokens[caller]
        return {} if token is None else {"Authorization": f"Bearer {token}"}


def _start(
    name: str,
    make_settings: Callable[[str, Any], Any],
    build: Callable[[Any], Runtime],
    create: Callable[[Any], Flask],
    bus_dir: Path,
) -> Iterator[Service]:
    with servers.fresh_postgres_database(name) as url:
        service_settings = make_settings(url, settings.bus_settings("filesystem://", bus_dir))
        migrator = build(service_settings)
        migrator.migrate()
        migrator.engine.dispose()
        service = Service(name, create(service_settings), service_settings)
        yield service
        service.runtime.engine.dispose()


@pytest.fixture(scope="module")
def module_bus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bus")


@pytest.fixture(scope="module")
def registry_service(postgres_url: str, module_bus_dir: Path) -> Iterator[Service]:
    yield from _start(
        "registry", settings.registry, build_registry_runtime, create_registry_app, module_bus_dir
    )


@pytest.fixture(scope="module")
def messaging_service(postgres_url: str, module_bus_dir: Path) -> Iterator[Service]:
    yield from _start(
        "messaging",
        settings.messaging,
        build_messaging_runtime,
        create_messaging_app,
        module_bus_dir,
    )


@pytest.fixture(scope="module")
def consent_service(postgres_url: str, module_bus_dir: Path) -> Iterator[Service]:
    yield from _start(
        "consent", settings.consent, build_consent_runtime, create_consent_app, module_bus_dir
    )


# Tokens


def _token_data(
    role: str, practices: Sequence[str], trial_ids: Sequence[uuid.UUID]
) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "token_id": uuid.uuid4(),
        "name": f"{role} {serial()}",
        "role": role,
        "practices": list(practices),
        "trials": list(trial_ids),
        "created_at": now,
        "expires_at": now + timedelta(days=30),
    }


def store_token(
    service: Service,
    role: str,
    practices: Sequence[str] = (),
    trial_ids: Sequence[uuid.UUID] = (),
    *,
    expired: bool = False,
    revoked: bool = False,
) -> str:
    """A token in a service's own database, as the registry's token events would put it."""
    if service.name == "registry":
        return _issue_in_registry(service, role, practices, trial_ids, expired, revoked)
    token = new_token()
    issued = TokenIssued.load(
        {**_token_data(role, practices, trial_ids), "token_hash": hash_token(token)}
    )
    if expired:
        issued = dataclasses.replace(issued, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    with service.uow() as uow:
        save_token(uow, issued)
        if revoked:
            revoke_token(uow, issued.token_id, datetime.now(UTC))
        uow.commit()
    return token


def _issue_in_registry(
    service: Service,
    role: str,
    practices: Sequence[str],
    trial_ids: Sequence[uuid.UUID],
    expired: bool,
    revoked: bool,
) -> str:
    issued = tokens.issue_token(service.uow(), f"{role} {serial()}", role, practices, trial_ids)
    if revoked:
        tokens.revoke(service.uow(), issued.id)
    if expired:
        table = service.runtime.tables.api_tokens
        with service.runtime.engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == issued.id)
                .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
            )
    return issued.token


def install_callers(world: World) -> None:
    service, x, y = world.service, world.trial_x, world.trial_y
    world.tokens = {
        "no_token": None,
        "unknown_token": new_token(),
        "expired_token": store_token(service, "admin", expired=True),
        "revoked_token": store_token(service, "admin", revoked=True),
        "staff_a": store_token(service, "staff", [ODS_A]),
        "staff_b": store_token(service, "staff", [ODS_B]),
        "coordinator_x": store_token(service, "coordinator", trial_ids=[x]),
        "coordinator_y": store_token(service, "coordinator", trial_ids=[y]),
        "researcher_x": store_token(service, "researcher", trial_ids=[x]),
        "researcher_y": store_token(service, "researcher", trial_ids=[y]),
        "admin": store_token(service, "admin"),
    }


# Seeding each service through its own use cases


def register(
    service: Service, practice: str = ODS_A, mobile_number: str | None = None, **extra: Any
) -> uuid.UUID:
    if mobile_number is not None:
        extra["mobile"] = mobile_number
    details = ParticipantDetails(**patient(practice, **extra))
    participant, _ = register_participant(
        service.uow(), SEED, details, service.settings.dob_hash_key
    )
    return participant.id


@pytest.fixture(scope="module")
def registry_world(registry_service: Service) -> World:
    service = registry_service
    for ods in (ODS_A, ODS_B):
        practices.create_practice(service.uow(), ods, f"Practice {ods}")
    trial_x = trials.create_trial(service.uow(), f"X-{serial()}", "Trial X", "Uni", 30).id
    trial_y = trials.create_trial(service.uow(), f"Y-{serial()}", "Trial Y", "Uni", None).id
    world = World(service, trial_x, trial_y, register(service, ODS_A), register(service, ODS_B))
    install_callers(world)
    return world


def save_contact(
    service: Service, participant_id: uuid.UUID, practice: str, number: str, language: str = "en"
) -> None:
    contacts.save_contact(
        service.uow(),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods=practice,
            mobile=number,
            textable=True,
            language=language,
        ),
    )


def save_trial(service: Service, trial_id: uuid.UUID, short_name: str = "T1") -> None:
    contacts.save_trial(
        service.uow(), TrialCreated(trial_id=trial_id, short_name=short_name, title="A heart study")
    )


def messaging_batch(
    service: Service, trial_id: uuid.UUID, *participant_ids: uuid.UUID, practice: str = ODS_A
) -> uuid.UUID:
    """A one-part batch in messaging as the registry asks for it, waiting for approval."""
    batch_id = uuid.uuid4()
    invitations.queue_invitations(
        service.uow(),
        InvitationsRequested(
            batch_id=batch_id,
            trial_id=trial_id,
            practice_ods=practice,
            chunk=0,
            chunks=1,
            participant_ids=tuple(participant_ids),
        ),
    )
    return batch_id


def queue_invitations(service: Service, trial_id: uuid.UUID, *participant_ids: uuid.UUID) -> int:
    """Invitations in a batch an admin has approved: queued for the sender."""
    batch_id = messaging_batch(service, trial_id, *participant_ids)
    batches.approve(service.uow(), SEED, batch_id, send_at=None, allow_unreviewed=True)
    with service.uow() as uow:
        return len(uow.batches.batch_message_ids(batch_id, "queued"))


@pytest.fixture(scope="module")
def messaging_world(messaging_service: Service) -> World:
    service = messaging_service
    world = World(service, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    for trial_id in (world.trial_x, world.trial_y):
        save_trial(service, trial_id)
    save_contact(service, world.participant_a, ODS_A, mobile())
    save_contact(service, world.participant_b, ODS_B, mobile())
    queue_invitations(service, world.trial_x, world.participant_a, world.participant_b)
    install_callers(world)
    return world


@pytest.fixture(scope="module")
def consent_world(consent_service: Service) -> World:
    service = consent_service
    world = World(service, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    for trial_id, name in ((world.trial_x, "X"), (world.trial_y, "Y")):
        consent_participants.save_trial(
            service.uow(),
            TrialCreated(trial_id=trial_id, short_name=name, title=name, response_deadline_days=30),
        )
    for participant_id, ods in ((world.participant_a, ODS_A), (world.participant_b, ODS_B)):
        consent_participants.save_participant(
            service.uow(),
            ParticipantShared(
                participant_id=participant_id,
                practice_ods=ods,
                mobile="+447400000000",
                textable=True,
                language="pa",
                sex="female",
                age_band="50-59",
                ethnic_category="H",
                imd_decile=1,
                imd_edition=2019,
                dob_hash="d" * 64,
            ),
        )
    consent_records.record_invitations(service.uow(), world.trial_x, [world.participant_a])
    consent_records.record_invitations(service.uow(), world.trial_y, [world.participant_b])
    consent_records.record_reply(service.uow(), world.participant_a, world.trial_x, "yes")
    install_callers(world)
    return world
