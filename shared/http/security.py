"""Security headers for every response of every TrialReach app, in one place.

`install(app)` is called by each app factory (the three services through build_app, and the
console). Every response carries:

- `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (consent links carry
  their credential in the path), `X-Frame-Options: DENY`;
- `Cache-Control: no-store` unless the view chose otherwise: pages and API answers hold
  patient data, and a shared or back-button cache must not keep them;
- `Strict-Transport-Security` when the request came over https (directly, or through a
  proxy gunicorn trusts via FORWARDED_ALLOW_IPS), never over the local run's plain http;
- a Content-Security-Policy: pages may run only our own files and inline scripts carrying
  this response's nonce (`csp_nonce()` in templates); JSON may load nothing at all. Inline
  style attributes stay allowed: the templates use a few and CSS cannot run code.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, request

HSTS = "max-age=31536000; includeSubDomains"
_NONCE = "trialreach.csp_nonce"

# Nothing from a third party, fonts included (shared/web/static/nhsuk/README.md).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The API's reference page (/docs) is ReDoc from its CDN: it needs that script, web
# workers from blobs and its own inline styles; it shows no patient data.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https:; "
    "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS_ENDPOINT = "api-docs.openapi_redoc"


def csp_nonce() -> str:
    """This response's nonce, for `<script nonce="...">` in templates."""
    value = request.environ.get(_NONCE)
    if value is None:
        value = secrets.token_urlsafe(18)
        request.environ[_NONCE] = value
    return str(value)


def _policy(response: Response) -> str:
    if response.mimetype != "text/html":
        return DATA_POLICY
    if request.endpoint == DOCS_ENDPOINT:
        return DOCS_POLICY
    return PAGE_POLICY.format(nonce=csp_nonce())


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", _policy(response))
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def install(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_headers)
