"""The real twilio SDK client, optionally pointed at the fake Twilio server."""

from __future__ import annotations

from twilio.rest import Client


def make_twilio_client(
    account_sid: str, auth_token: str, api_base_url: str | None = None
) -> Client:
    """A Client for Twilio, or for `api_base_url` (e.g. http://127.0.0.1:8010) when given.

    The SDK builds every Messages URL, next-page links included, from the `api` domain's
    base_url (twilio.base.domain.Domain.absolute_url), so setting it on this client's own
    domain object redirects only this client. Edge and region are cleared because the SDK
    would otherwise rewrite the host into `<product>.<edge>.<region>.twilio.com` form
    when TWILIO_EDGE or TWILIO_REGION is set in the environment.
    """
    client = Client(account_sid, auth_token)
    if api_base_url:
        client.edge = None
        client.region = None
        client.api.base_url = api_base_url.rstrip("/")
    return client
