"""Flask's `session`, kept in the console's session store; the cookie holds a random id only."""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from services.console.adapters.sessions import SessionStore

PURGE_EVERY = 300.0  # seconds between sweeps of dead sessions, per process


class ServerSession(CallbackDict[str, Any], SessionMixin):
    def __init__(self, data: dict[str, Any] | None = None, sid: str | None = None) -> None:
        def on_update(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.sid = sid
        self.modified = False
        self.renew = False

    def regenerate(self) -> None:
        """A new id and nothing of the old session (at sign-in: no session fixation)."""
        self.clear()
        self.renew = True


class ServerSessionInterface(SessionInterface):
    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self._purged = 0.0

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app), "")
        if 20 <= len(sid) <= 100:
            data = self.store.load(sid)
            if data is not None:
                return ServerSession(data, sid)
        return ServerSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if session.sid and (session.renew or not session):
            self.store.delete(session.sid)  # signed out, or signing in: the old id dies here
            session.sid = None
        if not session:
            if session.modified or session.renew:
                response.delete_cookie(name, domain=domain, path=path)
            return
        if not (session.modified or session.renew or session.sid is None):
            return
        self._maybe_purge()
        sid = session.sid or secrets.token_urlsafe(32)
        self.store.save(sid, dict(session))
        if session.sid != sid:
            session.sid = sid
            response.set_cookie(
                name,
                sid,
                expires=self.store.expires_at(sid),
                httponly=True,
                secure=self.get_cookie_secure(app),
                samesite=self.get_cookie_samesite(app) or "Lax",
                domain=domain,
                path=path,
            )
        response.vary.add("Cookie")

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now - self._purged > PURGE_EVERY:
            self._purged = now
            self.store.purge()
