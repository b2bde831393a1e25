"""Patient list imports: upload (CSV or JSON), follow progress, download the error report."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

from flask import Response, current_app, stream_with_context
from flask_smorest import Blueprint

from services.registry.adapters.background import BackgroundJobs
from services.registry.domain.patient_columns import ALIASES
from services.registry.entrypoints.api import uploads
from services.registry.entrypoints.api.schemas import ImportOut, ImportQuery
from services.registry.entrypoints.context import settings, unit_of_work, uow_factory
from services.registry.service_layer import imports
from shared.http.auth import current_principal, require

blp = Blueprint("imports", __name__, description="Patient list imports")

UPLOAD_BODY = {
    "required": True,
    "description": (
        "The practice's patient list as a GP system exports it: CSV (UTF-8, UTF-8 with BOM "
        "or Windows-1252; columns in any order, common header names accepted), a JSON array "
        "of objects, JSON Lines, or a multipart form with a `file` field."
    ),
    "content": {
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "application/json": {
            "schema": {
                "type": "array",
                "items": {
                    "type": "object",
                    "description": "One patient; the keys may be any of the CSV header names",
                    "properties": {name: {"type": "string"} for name in ALIASES},
                },
            }
        },
        "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}


JOBS = "registry.jobs"  # built by bootstrap.build_app


def background_jobs() -> BackgroundJobs:
    jobs: BackgroundJobs = current_app.extensions[JOBS]
    return jobs


@blp.post("/practices/<ods_code>/imports")
@require("staff", "admin")
@blp.arguments(ImportQuery, location="query")
@blp.response(202, ImportOut, description="Accepted; follow the Location header for progress")
@blp.doc(requestBody=UPLOAD_BODY)
def upload(query: dict[str, Any], ods_code: str) -> Any:
    principal = current_principal()
    # Scope first, so nobody uploads a whole file only to be told it is not theirs.
    imports.check_practice(unit_of_work(), principal, ods_code)
    upload_ = uploads.spool(settings().import_dir, settings().import_max_bytes)
    try:
        job = imports.start_import(unit_of_work(), principal, ods_code, upload_, query["dry_run"])
        # From here the job owns the file and removes it when it ends, however it ends.
        background_jobs().submit(
            imports.run_import, uow_factory(), job.id, upload_, settings().dob_hash_key
        )
    except BaseException:
        upload_.path.unlink(missing_ok=True)
        raise
    return job, 202, {"Location": f"/imports/{job.id}"}


@blp.get("/practices/<ods_code>/imports")
@require("staff", "admin")
@blp.response(200, ImportOut(many=True))
def list_(ods_code: str) -> Any:
    return imports.imports_of(unit_of_work(), current_principal(), ods_code)


@blp.get("/imports/<uuid:import_id>")
@require("staff", "admin")
@blp.response(200, ImportOut)
def progress(import_id: uuid.UUID) -> Any:
    return imports.visible_import(unit_of_work(), current_principal(), import_id)


@blp.get("/imports/<uuid:import_id>/errors.csv")
@require("staff", "admin")
@blp.doc(
    responses={
        "200": {
            "description": (
                "Every rejected row (kind error) and every note on a row imported (kind "
                "note: its language could not be read): line, column, reason, kind (CSV)"
            ),
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
)
def error_report(import_id: uuid.UUID) -> Any:
    rows = imports.error_report(uow_factory(), current_principal(), import_id)
    return Response(
        stream_with_context(_csv(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="import-{import_id}-errors.csv"'},
    )


def _csv(rows: Iterator[tuple[int, str, str, str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("line", "column", "reason", "kind"))
    for count, (line, column, reason, kind) in enumerate(rows, 1):
        writer.writerow((line, _cell(column), _cell(reason), kind))
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(text: str) -> str:
    # Column names come from the uploaded header: never let a spreadsheet run them.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
