"""The web apps' gunicorn settings: a browser's idle connections never hold up a page."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import ROOT, free_port
from tests.support.waiting import eventually

IDLE_CONNECTIONS = 8  # more than the threads of one process (4): Chromium opens up to 6


@pytest.fixture
def one_process_app() -> Iterator[int]:
    """The webhook benchmark's hello-world app under deploy/gunicorn.conf.py, one process."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    command += ["-b", f"127.0.0.1:{port}", "-w", "1", "bench.hello:create_app()"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        eventually(lambda: _answers(port), 30, "gunicorn to start", every=0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        _request(port)
        return True
    except OSError:
        return False


def _accept_queue(port: int) -> int:
    """Connections the kernel holds for the listening socket that nobody accepted yet (a
    listening socket's rx_queue in /proc/net/tcp)."""
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "0A":  # 0A: LISTEN
            return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def _request(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /webhooks/twilio/status/1 HTTP/1.1\r\nHost: x\r\n")
        sock.sendall(b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        return sock.recv(64)


def test_a_request_is_answered_at_once_while_connections_stay_open_idle(
    one_process_app: int,
) -> None:
    idle = [
        socket.create_connection(("127.0.0.1", one_process_app)) for _ in range(IDLE_CONNECTIONS)
    ]
    try:
        eventually(lambda: _accept_queue(one_process_app) == 0, 10, "the worker to accept them")
        started = time.perf_counter()
        answer = _request(one_process_app)
        elapsed = time.perf_counter() - started
    finally:
        for sock in idle:
            sock.close()
    assert answer.startswith(b"HTTP/1.1 204")
    assert elapsed < 1.0, f"answered after {elapsed:.2f} s"


def test_an_idle_connection_is_served_when_it_finally_asks(one_process_app: int) -> None:
    with socket.create_connection(("127.0.0.1", one_process_app), timeout=10) as sock:
        time.sleep(1.5)
        sock.sendall(b"POST /webhooks/twilio/status/1 HTTP/1.1\r\nHost: x\r\n")
        sock.sendall(b"Content-Length: 0\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 204")
