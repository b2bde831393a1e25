"""The real twilio SDK client, optionally pointed at the fake Twilio server."""

from __future__ import annotations

import os

from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client


def make_twilio_client(
    account_sid: str, auth_token: str, api_base_url: str | None = None, pool_size: int = 10
) -> Client:
    """A Client for Twilio, or for `api_base_url` (e.g. http://127.0.0.1:8010) when given.

    A 30 s timeout: without one a hung connection would hold a sending thread forever.

    The SDK builds every Messages URL, next-page links included, from the `api` domain's
    base_url (twilio.base.domain.Domain.absolute_url), so setting it on this client's own
    domain object redirects only this client. Edge and region are cleared because the SDK
    would otherwise rewrite the host into `<product>.<edge>.<region>.twilio.com` form
    when TWILIO_EDGE or TWILIO_REGION is set in the environment.
    """
    http = TwilioHttpClient(timeout=30)
    if http.session is not None:  # one kept-alive connection per sending thread
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
        http.session.mount("https://", adapter)
        http.session.mount("http://", adapter)
        # requests otherwise reads every environment variable on each call to find
        # proxies (a third of the SDK's time per text); the host is fixed, so read once.
        http.session.proxies = get_environ_proxies(api_base_url or "https://api.twilio.com")
        http.session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or True
        http.session.trust_env = False
    client = Client(account_sid, auth_token, http_client=http)
    if api_base_url:
        client.edge = None
        client.region = None
        client.api.base_url = api_base_url.rstrip("/")
    return client
