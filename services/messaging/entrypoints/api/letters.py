"""Letter batches for staff: preview with postage, the batch as PDF to print, handing it to
the print provider, and recording letters printed and posted (decision 0029). Approving is
the batch's own approve."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.messaging.entrypoints.context import settings, unit_of_work
from services.messaging.service_layer import letter_printing, letters
from shared.http.auth import current_principal, require

blp = Blueprint("letters", __name__, url_prefix="/batches", description="Letters of a batch")
PORTS = "trialreach.letter_ports"


class LanguageLettersOut(Schema):
    language = fields.String()
    language_name = fields.String()
    printed_in = fields.String(metadata={"description": "the language of the letter's words"})
    rtl = fields.Boolean()
    reviewed = fields.Boolean(metadata={"description": "a fluent reader checked its words"})
    count = fields.Integer()
    large_print = fields.Integer()
    postage = fields.Float()


class LetterPreviewOut(Schema):
    batch_id = fields.UUID()
    batch_status = fields.String()
    letters = fields.Integer(metadata={"description": "letters that will go or went"})
    large_print = fields.Integer()
    languages = fields.List(fields.Nested(LanguageLettersOut))
    postage_per_letter = fields.Float()
    postage = fields.Float()
    currency = fields.String()
    stages = fields.Dict(keys=fields.String(), values=fields.Integer())
    waiting_for_link = fields.Integer(metadata={"description": "consent is making their links"})


class PartQuery(Schema):
    part = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class MovedOut(Schema):
    letters = fields.Integer()
    reference = fields.String(allow_none=True)


class NoBody(Schema):
    note = fields.String(load_default=None, validate=validate.Length(max=500))


def _pricing() -> letters.LetterPricing:
    config = settings()
    return letters.LetterPricing(config.prices.letter, config.prices.currency)


def ports() -> Any:
    return current_app.extensions[PORTS]


@blp.get("/<uuid:batch_id>/letters")
@require("staff", "admin")
@blp.response(200, LetterPreviewOut)
def preview(batch_id: uuid.UUID) -> Any:
    """Per language: letters, large print among them, postage; and where they stand."""
    return letters.preview(unit_of_work(), current_principal(), batch_id, _pricing())


@blp.get("/<uuid:batch_id>/letters.pdf")
@require("staff", "admin")
@blp.arguments(PartQuery, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "The batch's letters to print (one part) as one PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
def download(query: dict[str, Any], batch_id: uuid.UUID) -> Any:
    directory, renderer, _ = ports()
    made = letter_printing.printable(
        unit_of_work(), current_principal(), batch_id, directory, renderer, part=query["part"]
    )
    return Response(
        made.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="letters-{batch_id}-{made.part}.pdf"',
            "X-Letters": str(made.letters),
            "X-Letter-Parts": str(made.parts),
        },
    )


@blp.post("/<uuid:batch_id>/letters/print")
@require("staff", "admin")
@blp.arguments(NoBody)
@blp.response(200, MovedOut)
def send_to_printer(_: dict[str, Any], batch_id: uuid.UUID) -> Any:
    """Hand the ready letters (one part) to the print provider; they count as printed."""
    directory, renderer, provider = ports()
    reference, moved = letter_printing.send_to_printer(
        unit_of_work(), current_principal(), batch_id, directory, renderer, provider
    )
    return {"letters": moved, "reference": reference}


@blp.post("/<uuid:batch_id>/letters/printed")
@require("staff", "admin")
@blp.arguments(NoBody)
@blp.response(200, MovedOut)
def printed(_: dict[str, Any], batch_id: uuid.UUID) -> Any:
    """Staff printed the ready letters themselves."""
    moved = letters.mark_printed(unit_of_work(), current_principal(), batch_id)
    return {"letters": moved, "reference": None}


@blp.post("/<uuid:batch_id>/letters/posted")
@require("staff", "admin")
@blp.arguments(NoBody)
@blp.response(200, MovedOut)
def posted(_: dict[str, Any], batch_id: uuid.UUID) -> Any:
    """Staff posted the printed letters."""
    moved = letters.mark_posted(unit_of_work(), current_principal(), batch_id)
    return {"letters": moved, "reference": None}
