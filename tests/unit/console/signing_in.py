"""A console user signed in without the sign-in page, and the form value CSRF expects."""

from __future__ import annotations

from flask.testing import FlaskClient

from shared.web import csrf

SECRET = "c" * 40  # the session's CSRF secret; forms carry it signed


def signed_in_as(
    client: FlaskClient, role: str, practices: tuple[str, ...] = ("M85001",)
) -> FlaskClient:
    with client.session_transaction() as session:
        session["user"] = {
            "name": "Sam",
            "role": role,
            "practices": list(practices),
            "trials": [],
            "token": "trt_x",
        }
        session[csrf.SESSION_KEY] = SECRET
    return client


def csrf_field(client: FlaskClient) -> str:
    """The signed form value for the secret set by signed_in_as."""
    with client.application.test_request_context():
        return csrf.signed(SECRET)
