"""A minimal stand-in for Twilio's Calls API, for tests: create, fetch and list calls as
the twilio SDK expects them, recording every create. It plays no TwiML and rings no phone:
the fake Twilio server's own Calls API (services/fake_twilio) does that.

`latency` holds each create after recording it, so a caller's read timeout can leave the
outcome unknown while the call exists here (as at Twilio)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class CallsStub:
    account_sid: str
    latency: float = 0.0
    status: str = "queued"  # what create answers, and fetch while nobody changes it
    created: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def calls_to(self, number: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.created if c["to"] == number]

    def record(self, form: dict[str, list[str]]) -> dict[str, Any]:
        call = {
            "sid": f"CA{uuid.uuid4().hex}",
            "to": form["To"][0],
            "from": form["From"][0],
            "status": self.status,
            "date_created": format_datetime(datetime.now(UTC), usegmt=True),
            "form": form,
        }
        with self._lock:
            self.created.append(call)
        return call

    def resource(self, call: dict[str, Any]) -> dict[str, Any]:
        base = f"/2010-04-01/Accounts/{self.account_sid}/Calls"
        return {
            "sid": call["sid"],
            "account_sid": self.account_sid,
            "to": call["to"],
            "from": call["from"],
            "status": call["status"],
            "direction": "outbound-api",
            "date_created": call["date_created"],
            "date_updated": call["date_created"],
            "start_time": None,
            "end_time": None,
            "answered_by": None,
            "api_version": "2010-04-01",
            "uri": f"{base}/{call['sid']}.json",
        }


class _Handler(BaseHTTPRequestHandler):
    stub: CallsStub
    protocol_version = "HTTP/1.1"  # kept-alive connections, as the SDK's pool expects
    wbufsize = 1 << 16  # headers and body leave in one write (flushed after each request)
    disable_nagle_algorithm = True

    def log_message(self, *_: Any) -> None:  # quiet: requests carry phone numbers
        pass

    def _answer(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        if self.path.endswith("/Messages.json"):  # a text, so texts and calls can share a run
            sid = f"SM{uuid.uuid4().hex}"
            self._answer(201, {"sid": sid, "status": "queued", "to": form["To"][0]})
            return
        if not self.path.endswith("/Calls.json"):
            self._answer(404, {"code": 20404, "message": "not found", "status": 404})
            return
        call = self.stub.record(form)
        if self.stub.latency:
            time.sleep(self.stub.latency)
        self._answer(201, self.stub.resource(call))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path.endswith("/Calls.json"):
            to = query.get("To", [None])[0]
            with self.stub._lock:
                found = [c for c in self.stub.created if to is None or c["to"] == to]
            page = {
                "calls": [self.stub.resource(c) for c in reversed(found)],
                "page": 0,
                "page_size": 100,
                "next_page_uri": None,
                "uri": parts.path,
                "first_page_uri": parts.path,
                "previous_page_uri": None,
            }
            self._answer(200, page)
            return
        sid = parts.path.rsplit("/", 1)[-1].removesuffix(".json")
        with self.stub._lock:
            call = next((c for c in self.stub.created if c["sid"] == sid), None)
        if call is None:
            self._answer(404, {"code": 20404, "message": "not found", "status": 404})
        else:
            self._answer(200, self.stub.resource(call))


@contextmanager
def calls_stub(account_sid: str, latency: float = 0.0) -> Iterator[CallsStub]:
    stub = CallsStub(account_sid, latency)
    handler = type("Handler", (_Handler,), {"stub": stub})
    server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 256})
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
