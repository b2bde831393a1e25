"""The whole system as processes: embedded (SQLite + filesystem bus) or RabbitMQ + PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import servers
from tests.support.api import ApiClient, eventually
from tests.support.processes import (
    ARTIFACTS,
    Processes,
    free_port,
    processes,
    run_cli,
    run_clis,
    wait_until_healthy,
)
from tests.support.settings import DOB_KEY, TWILIO_SID, TWILIO_TOKEN

SERVICES = ("registry", "messaging", "consent")
SENDER_NUMBER = "+447700900000"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class System:
    urls: dict[str, str]
    env: dict[str, str]
    procs: Processes

    def cli(self, *args: str) -> str:
        return run_cli(list(args), self.env)

    def texts_to(self, number: str) -> list[dict[str, Any]]:
        """What the fake Twilio was asked to send to this number, oldest first."""
        log = requests.get(
            f"{self.urls['twilio']}/_fake/messages", params={"to": number}, timeout=5
        )
        return [m for m in log.json() if m["direction"] == "outbound-api" and m["to"] == number]

    def send_batch(self, admin_token: str, batch_id: str) -> dict[str, Any]:
        """Wait for messaging to hold the batch, then approve it as an admin (the shipped
        translations are unreviewed). Returns the preview it was approved on."""
        messaging = ApiClient(self.urls["messaging"], admin_token)
        batch = f"/batches/{batch_id}"
        preview: dict[str, Any] = eventually(
            lambda: messaging.get(f"{batch}/preview"), what="the batch to reach messaging"
        )
        messaging.post(f"{batch}/approve", {"allow_unreviewed": True}, expect=200)
        return preview

    def publish_form(
        self, admin_token: str, trial_id: str, form: dict[str, Any], ethics_reference: str
    ) -> dict[str, Any]:
        """Wait for the trial to reach consent, then save and publish its consent form."""
        consent = ApiClient(self.urls["consent"], admin_token)
        forms = f"{self.urls['consent']}/trials/{trial_id}/forms"

        def saved() -> dict[str, Any] | None:
            response = consent.session.post(forms, json=form, timeout=5)
            return response.json() if response.status_code == 201 else None

        draft = eventually(saved, what="the trial to reach consent and a draft form")
        return consent.post(
            f"/trials/{trial_id}/forms/{draft['version']}/publish",
            {"ethics_reference": ethics_reference},
            expect=200,
        )

    def token(self, *args: str) -> str:
        """A new API token from the registry's command (it reaches the others as an event)."""
        return self.cli("services.registry", "create-token", *args).strip().splitlines()[-1]


def _env(tmp: Path, mode: str, stack: ExitStack, ports: dict[str, int]) -> dict[str, str]:
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "DOB_HASH_KEY": DOB_KEY,
        "LETTERS_SERVICE_TOKEN": "e2e-letters-service-credential",  # decision 0029
        "BUS_RETRY_DELAYS": "0.5,1,2",
        "BUS_NAMESPACE": f"e2e-{uuid.uuid4().hex[:8]}",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM_NUMBER": SENDER_NUMBER,
        "TWILIO_API_BASE_URL": urls["twilio"],
        "MESSAGING_PUBLIC_BASE_URL": urls["messaging"],
        "CONSENT_PUBLIC_BASE_URL": urls["consent"],
        "SEND_RECONCILE_AFTER": "5",
        "SEND_CONNECT_TIMEOUT": "1",  # the calls end well before reconciliation may look
        "SEND_READ_TIMEOUT": "2",
        "SEND_WINDOW": "always",  # the tests run at any hour; windows have their own tests
        "FAKE_TWILIO_PORT": str(ports["twilio"]),
        "FAKE_TWILIO_ACCOUNT_SID": TWILIO_SID,
        "FAKE_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "FAKE_TWILIO_PHONE_NUMBER": SENDER_NUMBER,
        "FAKE_TWILIO_INBOUND_URL": f"{urls['messaging']}/webhooks/twilio/inbound",
        "FAKE_TWILIO_STATUS_DELAY": "0.05",
        "CONSOLE_SECRET_KEY": uuid.uuid4().hex * 2,
        "CONSOLE_SECURE_COOKIES": "false",
        # Every test signs in from 127.0.0.1; the limit itself has its own tests.
        "CONSOLE_SIGN_IN_PER_MINUTE": "10000",
        "REGISTRY_URL": urls["registry"],
        "MESSAGING_URL": urls["messaging"],
        "CONSENT_URL": urls["consent"],
        "TRIALREACH_VAR_DIR": str(tmp / "var"),
        "BUS_DATA_DIR": str(tmp / "var" / "bus"),
    }
    if mode == "embedded":
        env["BROKER_URL"] = "filesystem://"
        for service in SERVICES:
            env[f"{service.upper()}_DATABASE_URL"] = f"sqlite:///{tmp / 'var' / service}.sqlite3"
    else:
        env["BROKER_URL"] = servers.require("RabbitMQ", servers.RABBITMQ_URL, 5672)
        # Deleted after the processes stop (the stack unwinds in reverse).
        env["BUS_NAMESPACE"] = stack.enter_context(
            servers.rabbitmq_namespace("e2e", (0.5, 1.0, 2.0))
        )
        servers.require("PostgreSQL", servers.POSTGRES_URL, 5432)
        for service in SERVICES:
            url = stack.enter_context(servers.fresh_postgres_database(f"e2e_{service}"))
            env[f"{service.upper()}_DATABASE_URL"] = url
    return env


@pytest.fixture(scope="module", params=["embedded", "rabbitmq-postgres"])
def system(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    mode = request.param
    ports = {name: free_port() for name in (*SERVICES, "twilio", "console")}
    log_dir = ARTIFACTS / "e2e" / f"{request.module.__name__.rsplit('.', 1)[-1]}-{mode}"
    with ExitStack() as stack:
        env = _env(tmp_path_factory.mktemp(mode), mode, stack, ports)
        run_clis([[f"services.{service}", "migrate"] for service in SERVICES], env)
        procs = stack.enter_context(processes(env, log_dir))
        python = sys.executable
        procs.start("twilio", [python, "-m", "services.fake_twilio"])
        for service in (*SERVICES, "console"):
            procs.start(
                f"{service}-web",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "-b",
                    f"127.0.0.1:{ports[service]}",
                    "-w",
                    "1",
                    f"services.{service}:create_app()",
                ],
            )
        for service in SERVICES:
            procs.start(f"{service}-worker", [python, "-m", f"services.{service}", "worker"])
            procs.start(f"{service}-relay", [python, "-m", f"services.{service}", "relay"])
        procs.start("messaging-sender", [python, "-m", "services.messaging", "sender"])
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        for name in (*SERVICES,):
            wait_until_healthy(f"{urls[name]}/readyz", procs)
        wait_until_healthy(f"{urls['twilio']}/_fake/messages", procs)
        wait_until_healthy(f"{urls['console']}/healthz", procs)
        yield System(urls=urls, env=env, procs=procs)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, one per test module."""
    if not Path(CHROMIUM).exists():
        reason = "Chromium is not installed (make test installs Debian's package as root)"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A laptop-sized page of its own."""
    context = browser.new_context(viewport={"width": 900, "height": 900})
    yield context.new_page()
    context.close()
