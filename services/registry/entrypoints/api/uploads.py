"""Taking an uploaded patient list off the request and onto disk, a megabyte at a time."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from services.registry.service_layer.imports import Upload
from shared.errors import InvalidInput

CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"})
JSON_TYPES = {
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
}
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# A JSON array streams (one patient at a time), but the parser holds each string whole
# however long it is; CSV and JSON Lines cap each line, so bigger lists go as those.
MAX_JSON_ARRAY_BYTES = 50 * 1024 * 1024


def spool(folder: Path, max_bytes: int) -> Upload:
    """The body on disk; on any failure (too big, the client gone, a refused type) the
    part already written is removed, so that failed uploads cannot fill the disk."""
    request.max_content_length = max_bytes
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4()}.upload"
    try:
        return _write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _write(path: Path) -> Upload:
    mimetype = request.mimetype
    filename: str | None = None
    if mimetype == "multipart/form-data":
        attached = request.files.get("file")
        if attached is None:
            raise InvalidInput.for_field("file", "attach the patient list as the form field 'file'")
        filename = Path(attached.filename or "").name or None
        fmt = EXTENSIONS.get(Path(filename or "").suffix.lower(), "csv")
        attached.save(path)
    elif mimetype in CSV_TYPES or mimetype in JSON_TYPES:
        fmt = JSON_TYPES.get(mimetype, "csv")
        with path.open("wb") as out:
            shutil.copyfileobj(request.stream, out, 1024 * 1024)
    else:
        raise UnsupportedMediaType(
            "send the list as text/csv, application/json, application/x-ndjson "
            "or a multipart form with a 'file' field"
        )
    if fmt == "json" and path.stat().st_size > MAX_JSON_ARRAY_BYTES:
        raise RequestEntityTooLarge(
            "a JSON array is limited to 50 MB; send bigger lists as CSV or JSON Lines"
        )
    return Upload(path=path, format=fmt, filename=filename)
