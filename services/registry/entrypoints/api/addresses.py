"""Postal addresses: staff of the patient's practice read and correct them; messaging reads the
addresses of letters it is rendering with the letters' service credential (decision 0029)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from functools import wraps
from typing import Any, TypeVar, cast

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.registry.entrypoints.context import settings, unit_of_work
from services.registry.service_layer import addresses
from shared.errors import Unauthorized
from shared.http.auth import current_principal, require
from shared.letter_recipients import PATH, LetterRecipientsIn, LetterRecipientsOut

blp = Blueprint("addresses", __name__, description="Postal addresses for letters")
F = TypeVar("F")


class AddressIn(Schema):
    address_line_1 = fields.String(load_default=None, allow_none=True)
    address_line_2 = fields.String(load_default=None, allow_none=True)
    address_line_3 = fields.String(load_default=None, allow_none=True)
    town = fields.String(load_default=None, allow_none=True)
    postcode = fields.String(load_default=None, allow_none=True)
    large_print = fields.Boolean(load_default=False)


class AddressOut(Schema):
    participant_id = fields.UUID()
    address_line_1 = fields.String(allow_none=True)
    address_line_2 = fields.String(allow_none=True)
    address_line_3 = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    large_print = fields.Boolean()


@blp.get("/participants/<uuid:participant_id>/address")
@require("staff", "admin")
@blp.response(200, AddressOut)
def get_address(participant_id: uuid.UUID) -> Any:
    return addresses.address_of(unit_of_work(), current_principal(), participant_id)


@blp.put("/participants/<uuid:participant_id>/address")
@require("staff", "admin")
@blp.arguments(AddressIn)
@blp.response(200, AddressOut)
def put_address(body: dict[str, Any], participant_id: uuid.UUID) -> Any:
    large_print = bool(body.pop("large_print"))
    return addresses.set_address(
        unit_of_work(),
        current_principal(),
        participant_id,
        body,
        large_print,
        settings().dob_hash_key,
    )


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def require_letters_service(view: F) -> F:
    """Only the holder of LETTERS_SERVICE_TOKEN (messaging), never a person's API token."""

    @wraps(view)  # type: ignore[arg-type]
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        expected = settings().letters_service_token
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if (
            not expected
            or scheme.lower() != "bearer"
            or not hmac.compare_digest(_digest(given.strip()), _digest(expected))
        ):
            raise Unauthorized("this needs the letters service credential")
        return view(*args, **kwargs)  # type: ignore[operator]

    wrapper._required_roles = ("letters-service",)  # type: ignore[attr-defined]
    return cast(F, wrapper)


@blp.post(PATH)
@require_letters_service
@blp.arguments(LetterRecipientsIn)
@blp.response(200, LetterRecipientsOut)
def letter_recipients(body: dict[str, Any]) -> Any:
    return {"recipients": addresses.letter_recipients(unit_of_work(), body["participant_ids"])}
