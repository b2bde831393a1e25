"""Use cases for practices."""

from __future__ import annotations

from collections.abc import Sequence

from services.registry.domain.identifiers import parse_ods_code, parse_timezone
from services.registry.domain.model import Practice
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.auth.principal import Principal
from shared.errors import Conflict


def create_practice(
    uow: RegistryUnitOfWork, ods_code: str, name: str, timezone: str = "Europe/London"
) -> Practice:
    code = parse_ods_code(ods_code)
    zone = parse_timezone(timezone)
    with uow:
        if uow.registry.practice(code) is not None:
            raise Conflict(f"practice {code} already exists")
        practice = Practice(ods_code=code, name=name.strip(), timezone=zone)
        uow.registry.add(practice)
        uow.commit()
    return practice


def visible_practices(uow: RegistryUnitOfWork, principal: Principal) -> Sequence[Practice]:
    with uow:
        return [p for p in uow.registry.practices() if principal.may_see_practice(p.ods_code)]


def get_practice(uow: RegistryUnitOfWork, principal: Principal, ods_code: str) -> Practice:
    code = parse_ods_code(ods_code)
    with uow:
        return principal.visible_at_practice(uow.registry.practice(code), f"no practice {code}")
