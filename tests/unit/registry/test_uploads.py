"""A failed upload leaves nothing in the import folder, however it fails."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.ctx import RequestContext
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge, UnsupportedMediaType

from services.registry.entrypoints.api import uploads

MB = 1024 * 1024


@pytest.fixture
def app() -> Flask:
    return Flask(__name__)


def posting(app: Flask, body: io.BytesIO, **environ: Any) -> RequestContext:
    return app.test_request_context(
        "/practices/M85001/imports",
        method="POST",
        input_stream=body,
        content_type=environ.pop("content_type", "text/csv"),
        environ_overrides=environ,
    )


def test_a_chunked_upload_over_the_limit_is_refused_and_its_part_removed(
    app: Flask, tmp_path: Path
) -> None:
    # Chunked: no length given; the server (gunicorn) marks the input as terminated.
    with (
        posting(app, io.BytesIO(b"x" * 3 * MB), **{"wsgi.input_terminated": True}),
        pytest.raises(RequestEntityTooLarge),
    ):
        uploads.spool(tmp_path, 1 * MB)
    assert list(tmp_path.iterdir()) == []


def test_an_upload_whose_client_goes_away_midway_leaves_nothing(app: Flask, tmp_path: Path) -> None:
    # It announced 30 MB and sent 2: the rest never comes.
    with (
        posting(app, io.BytesIO(b"x" * 2 * MB), CONTENT_LENGTH=str(30 * MB)),
        pytest.raises(ClientDisconnected),
    ):
        uploads.spool(tmp_path, 100 * MB)
    assert list(tmp_path.iterdir()) == []


def test_a_json_array_over_its_own_limit_leaves_nothing(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_JSON_ARRAY_BYTES", MB)
    body = io.BytesIO(b"[" + b" " * 2 * MB + b"]")
    with (
        posting(app, body, content_type="application/json", CONTENT_LENGTH=str(2 * MB + 2)),
        pytest.raises(RequestEntityTooLarge),
    ):
        uploads.spool(tmp_path, 100 * MB)
    assert list(tmp_path.iterdir()) == []


def test_a_type_we_do_not_read_leaves_nothing(app: Flask, tmp_path: Path) -> None:
    with (
        posting(app, io.BytesIO(b"<xml/>"), content_type="application/xml", CONTENT_LENGTH="6"),
        pytest.raises(UnsupportedMediaType),
    ):
        uploads.spool(tmp_path, MB)
    assert list(tmp_path.iterdir()) == []


def test_a_good_upload_is_kept_for_its_import(app: Flask, tmp_path: Path) -> None:
    with posting(app, io.BytesIO(b"a,b\r\n1,2\r\n"), CONTENT_LENGTH="10"):
        upload = uploads.spool(tmp_path, MB)
    assert upload.path.read_bytes() == b"a,b\r\n1,2\r\n"
    assert list(tmp_path.iterdir()) == [upload.path]
