"""A tiny voice app for testing the fake Twilio's calls: serves TwiML by path, records every
request Twilio makes (TwiML fetches, gather actions, status callbacks) with its signature."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from services.messaging.config import MessagingSettings
from services.messaging.entrypoints.twilio_requests import signed_for_us
from tests.support.waiting import eventually


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free port in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@dataclass
class Hit:
    method: str
    path: str
    full_path: str  # as requested, query string included (Flask's request.full_path)
    params: dict[str, str]  # the form (POST) or the query (GET)
    signature: str


@dataclass
class TwimlApp:
    """`routes` maps a path to the TwiML it answers; any other path answers 204 (a status
    callback) unless listed in `failing` with the status to answer."""

    url: str = ""
    routes: dict[str, str] = field(default_factory=dict)
    failing: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    audio: bytes = b""  # served at /hello.wav

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        params = request.form.to_dict() if request.method == "POST" else request.args.to_dict()
        signature = request.headers.get("X-Twilio-Signature", "")
        if request.path != "/hello.wav":
            self.hits.append(
                Hit(request.method, request.path, request.full_path.rstrip("?"), params, signature)
            )
        if request.path == "/hello.wav":
            response = Response(self.audio, mimetype="audio/wav")
        elif request.path in self.failing:
            response = Response("broken", status=self.failing[request.path])
        elif request.path in self.routes:
            response = Response(self.routes[request.path], mimetype="text/xml")
        else:
            response = Response(status=204)
        return response(environ, start_response)

    def at(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def wait_for(self, count: int, path: str, timeout: float = 10) -> list[Hit]:
        return eventually(
            lambda: found if len(found := self.at(path)) >= count else None,
            timeout,
            f"{count} requests to {path}",
            every=0.02,
        )

    def accepted_by_messaging(self, hit: Hit, token: str) -> bool:
        """Whether messaging's own check (decision 16) takes this request as Twilio's."""
        settings = cast(
            MessagingSettings,
            SimpleNamespace(
                twilio=SimpleNamespace(auth_token=token),
                public_base_url=self.url,
                fallback_base_url=None,
            ),
        )
        form = hit.params if hit.method == "POST" else {}
        return signed_for_us(settings, hit.full_path, form, hit.signature)


TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response>{}</Response>'


def twiml(*verbs: str) -> str:
    return TWIML.format("".join(verbs))
