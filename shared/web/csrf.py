"""CSRF protection for server-rendered forms: a signed token bound to the visitor.

Every form carries a hidden field whose value is a random secret signed (itsdangerous, with
the app's SECRET_KEY and a timestamp, as Flask-WTF does) and a POST must carry it. The
secret lives where the visitor's identity lives:

- in the server-side session, where the app has one (the console, `CSRF_IN_SESSION`): the
  token is bound to that session, and signing in starts a new session, so a new token;
- otherwise in an HttpOnly cookie (the patient's consent page, which has no session): the
  signed field must match the cookie (a signed double-submit).

Another site can make the browser send the cookie but can neither read it nor forge the
signature, so it cannot fill in the field; a value made up by anyone without the key fails.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Response, current_app, request, session
from itsdangerous import BadData, URLSafeTimedSerializer

from shared.errors import Forbidden

COOKIE = "trialreach_csrf"
FIELD = "csrf_token"
SESSION_KEY = "csrf"
SALT = "trialreach-csrf-v1"
MAX_AGE = 12 * 3600  # a form left open longer than a working day is filled in again
# Per request, in the WSGI environ: `g` can outlive a request (tests keep one app context).
_SECRET, _NEW, _TOKEN = "trialreach.csrf_secret", "trialreach.csrf_new", "trialreach.csrf_token"


class CsrfFailed(Forbidden):
    title = "Form expired"


def _in_session() -> bool:
    return bool(current_app.config.get("CSRF_IN_SESSION"))


def _serializer() -> URLSafeTimedSerializer:
    if not current_app.secret_key:
        raise RuntimeError("CSRF tokens need the app's SECRET_KEY")  # never sign with ""
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _secret() -> str:
    """This visitor's raw secret, made on first use."""
    if _in_session():
        value = session.get(SESSION_KEY)
        if not isinstance(value, str) or not value:
            value = secrets.token_urlsafe(32)
            session[SESSION_KEY] = value
        return value
    value = request.environ.get(_SECRET)
    if value is None:
        existing = request.cookies.get(COOKIE, "")
        value = existing if 32 <= len(existing) <= 64 else secrets.token_urlsafe(32)
        request.environ[_SECRET] = value
        request.environ[_NEW] = value != existing
    return str(value)


def signed(secret: str) -> str:
    """The form field's value for a secret (what `token()` puts in forms)."""
    return str(_serializer().dumps(secret))


def token() -> str:
    """The hidden field's value for forms on this page."""
    value: str | None = request.environ.get(_TOKEN)
    if value is None:
        value = signed(_secret())
        request.environ[_TOKEN] = value
    return value


def set_cookie(response: Response) -> Response:
    if request.environ.get(_NEW):
        response.set_cookie(
            COOKIE,
            request.environ[_SECRET],
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def check() -> None:
    """Call first in every POST view."""
    expected = session.get(SESSION_KEY) if _in_session() else request.cookies.get(COOKIE)
    field = request.form.get(FIELD, "")
    try:
        given = _serializer().loads(field, max_age=MAX_AGE) if field else None
    except BadData:
        given = None
    if (
        not isinstance(expected, str)
        or not isinstance(given, str)
        or not expected
        or not hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise CsrfFailed("the form could not be checked; go back, reload the page and try again")
