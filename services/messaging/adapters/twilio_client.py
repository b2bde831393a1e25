"""The real twilio SDK client, optionally pointed at the fake Twilio server."""

from __future__ import annotations

import json
import logging
import os
from base64 import b64encode
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass

import certifi
import urllib3
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"
# What a broken connection raises here: the request may or may not have reached Twilio.
NETWORK_ERRORS = (urllib3.exceptions.HTTPError,)


class PooledHttpClient(HttpClient):
    """The SDK's HTTP client on a urllib3 connection pool, one kept-alive connection per
    sending thread. The SDK's own client goes through requests, whose per-call work (it
    reads every environment variable for proxies on each call) was half the SDK's CPU per
    text. No redirects (Twilio's API has none) and no retries: the sender decides those.
    Nothing is logged, as requests carry phone numbers."""

    def __init__(
        self, base_url: str, connect_timeout: float, read_timeout: float, pool_size: int
    ) -> None:
        super().__init__(
            logging.getLogger("twilio.http_client"), False, connect_timeout + read_timeout
        )
        parts = urlsplit(base_url)
        proxy = None if proxy_bypass(parts.hostname or "") else getproxies().get(parts.scheme)
        ca_certs = os.environ.get("REQUESTS_CA_BUNDLE") or certifi.where()
        # `total` caps the whole call, so it ends before reconciliation may look at it.
        limits = urllib3.Timeout(
            connect=connect_timeout, read=read_timeout, total=connect_timeout + read_timeout
        )
        self.limits, self.longest = limits, connect_timeout + read_timeout
        pool = (
            urllib3.ProxyManager(
                proxy, maxsize=pool_size, retries=False, timeout=limits, ca_certs=ca_certs
            )
            if proxy
            else urllib3.PoolManager(
                maxsize=pool_size, retries=False, timeout=limits, ca_certs=ca_certs
            )
        )
        self.pool: urllib3.PoolManager = pool

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        sent = dict(headers or {})
        if auth:
            sent["Authorization"] = "Basic " + b64encode(":".join(auth).encode()).decode()
        if params:
            uri += "?" + urlencode(params, doseq=True)
        body = None
        if data and sent.get("Content-Type", "").endswith("json"):
            body = json.dumps(data)
        elif data:
            body = urlencode(data, doseq=True)
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        answer = self.pool.request(
            method.upper(),
            uri,
            body=body,
            headers=sent,
            redirect=allow_redirects,
            # Never None: to urllib3 that is "wait for ever", and a hung call held a sending
            # thread while reconciliation judged its text lost and sent it again (issue 13).
            timeout=urllib3.Timeout(total=min(timeout, self.longest)) if timeout else self.limits,
        )
        return Response(answer.status, answer.data.decode("utf-8"), dict(answer.headers))


def make_twilio_client(
    account_sid: str,
    auth_token: str,
    api_base_url: str | None = None,
    pool_size: int = 10,
    *,
    connect_timeout: float = 5.0,
    read_timeout: float = 15.0,
) -> Client:
    """A Client for Twilio, or for `api_base_url` (e.g. http://127.0.0.1:8010) when given.

    Every call has a connect and a read timeout: without them a hung connection would hold
    a sending thread for ever (see SEND_CONNECT_TIMEOUT, SEND_READ_TIMEOUT).

    The SDK builds every Messages URL, next-page links included, from the `api` domain's
    base_url (twilio.base.domain.Domain.absolute_url), so setting it on this client's own
    domain object redirects only this client. Edge and region are cleared because the SDK
    would otherwise rewrite the host into `<product>.<edge>.<region>.twilio.com` form
    when TWILIO_EDGE or TWILIO_REGION is set in the environment.
    """
    base_url = (api_base_url or TWILIO_API).rstrip("/")
    http = PooledHttpClient(base_url, connect_timeout, read_timeout, pool_size=pool_size)
    client = Client(account_sid, auth_token, http_client=http)
    if api_base_url:
        client.edge = None
        client.region = None
        client.api.base_url = base_url
    return client
