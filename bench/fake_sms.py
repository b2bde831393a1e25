"""Running the fake Twilio server as its own process for the sending benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from tests.support.processes import free_port

SID = "AC" + "0" * 32
TOKEN = "bench-auth-token"
SENDER = "+447700900000"


@contextmanager
def fake_twilio() -> Iterator[str]:
    """The fake on a free port; its status callbacks are put off past the benchmark."""
    port = free_port()
    env = {
        **os.environ,
        "FAKE_TWILIO_PORT": str(port),
        "FAKE_TWILIO_ACCOUNT_SID": SID,
        "FAKE_TWILIO_AUTH_TOKEN": TOKEN,
        "FAKE_TWILIO_STATUS_DELAY": "3600",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "services.fake_twilio"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/_fake/messages", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def control(url: str, path: str, body: dict[str, Any]) -> None:
    requests.post(f"{url}/_fake/{path}", json=body, timeout=10).raise_for_status()


def received(url: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = requests.get(f"{url}/_fake/messages", timeout=60).json()
    return [m for m in entries if m["direction"] == "outbound-api"]
