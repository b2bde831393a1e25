"""The one place that builds consent's adapters and wires them together."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from services.consent.adapters import orm
from services.consent.config import ConsentSettings
from services.consent.domain.links import LinkSigner
from services.consent.entrypoints.handlers import HANDLERS
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork, LinkMaker
from shared.db.engine import make_engine, make_session_factory
from shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: ConsentSettings) -> Runtime:
    orm.start_mappers()
    engine = make_engine(settings.common.database_url)
    links = LinkMaker(LinkSigner(settings.dob_hash_key), settings.public_base_url)
    uow_factory = partial(
        ConsentUnitOfWork, make_session_factory(engine), orm.platform, "consent", links
    )
    return Runtime(
        settings=settings.common,
        engine=engine,
        metadata=orm.metadata,
        tables=orm.platform,
        uow_factory=uow_factory,
        handlers=HANDLERS,
        migrations=MIGRATIONS,
    )
