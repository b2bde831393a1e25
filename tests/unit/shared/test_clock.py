"""Records and events made while a test moves `shared.clock.now` carry the moved time."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from services.consent.domain.links import LINK_LIFETIME, ConsentLink
from shared import clock
from shared.events.envelope import Event

MOVED = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
DOMAIN_PACKAGES = (
    "services.consent.domain",
    "services.console.domain",
    "services.messaging.domain",
    "services.registry.domain",
    "shared.events",
)


@pytest.fixture
def moved_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: MOVED)
    return MOVED


def test_a_link_and_an_event_made_while_the_clock_is_moved_carry_the_moved_time(
    moved_clock: datetime,
) -> None:
    link = ConsentLink(participant_id=uuid.uuid4(), trial_id=uuid.uuid4())
    event = Event(type="participant.registered", data={}, producer="registry")

    assert link.created_at == moved_clock
    assert link.expires_at == moved_clock + LINK_LIFETIME
    assert event.occurred_at == moved_clock


def _timestamp_defaults() -> list[tuple[str, Callable[[], object]]]:
    """Every domain dataclass field typed as a time that a default factory fills."""
    found = []
    for package_name in DOMAIN_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.iter_modules(package.__path__, f"{package_name}."):
            module = importlib.import_module(module_info.name)
            for cls in vars(module).values():
                if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
                    continue
                if cls.__module__ != module.__name__:
                    continue
                for f in dataclasses.fields(cls):
                    if "datetime" in str(f.type) and callable(f.default_factory):
                        found.append((f"{cls.__qualname__}.{f.name}", f.default_factory))
    return found


TIMESTAMP_DEFAULTS = _timestamp_defaults()


def test_the_domains_have_timestamp_defaults_to_check() -> None:
    # Guards the walk below: an empty list would let the next test pass on nothing.
    assert len(TIMESTAMP_DEFAULTS) >= 30


@pytest.mark.parametrize(
    ("name", "default"), TIMESTAMP_DEFAULTS, ids=[n for n, _ in TIMESTAMP_DEFAULTS]
)
def test_every_domain_timestamp_default_follows_a_moved_clock(
    moved_clock: datetime, name: str, default: Callable[[], object]
) -> None:
    value = default()
    # A default may add a lifetime (a link's expiry), never read the real time.
    assert isinstance(value, datetime)
    assert moved_clock <= value < moved_clock + timedelta(days=366), name
