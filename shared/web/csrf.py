"""CSRF protection for server-rendered forms: a double-submit cookie.

A random value goes in a cookie and in a hidden field of every form; a POST must carry both
and they must match. Another site can make the browser send the cookie but cannot read it,
so it cannot fill in the field.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Response, g, request

from shared.errors import Forbidden

COOKIE = "trialreach_csrf"
FIELD = "csrf_token"


def token() -> str:
    value: str | None = g.get("csrf_token")
    if value is None:
        existing = request.cookies.get(COOKIE, "")
        value = existing if 32 <= len(existing) <= 64 else secrets.token_urlsafe(32)
        g.csrf_token = value
        g.csrf_new = value != existing
    return value


def set_cookie(response: Response) -> Response:
    if g.get("csrf_new"):
        response.set_cookie(
            COOKIE,
            g.csrf_token,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


class CsrfFailed(Forbidden):
    title = "Form expired"


def check() -> None:
    """Call first in every POST view."""
    cookie = request.cookies.get(COOKIE, "")
    field = request.form.get(FIELD, "")
    if not cookie or not field or not hmac.compare_digest(cookie.encode(), field.encode()):
        raise CsrfFailed("the form could not be checked; go back, reload the page and try again")
