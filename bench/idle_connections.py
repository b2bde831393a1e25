"""Page loads while a browser keeps connections open and idle (issue 14, item 5).

The console runs as in the local run (deploy/gunicorn.conf.py, one process); a "browser"
holds --idle connections open without sending anything, as Chromium does with preconnected
and spare sockets, while pages and their files are loaded, each on a new connection.
Measured twice: with gunicorn's stock `gthread` worker (`-k gthread`, the baseline) and with
the project's worker (the settings' default).

    .venv/bin/python -m bench.idle_connections [--idle 6] [--loads 20]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import time
from pathlib import Path

import requests

from bench.common import gunicorn, print_table, summary_ms
from tests.support.processes import free_port

PAGE_FILES = ("/sign-in", "/static/nhsuk/nhsuk-frontend.min.css", "/static/console/live.js")


def _load_pages(base: str, loads: int, idle: int) -> list[float]:
    times = []
    for _ in range(loads):
        # Fresh idle sockets before each page, as a browser opens spares while it parses one.
        host, port = base.removeprefix("http://").split(":")
        spares = [socket.create_connection((host, int(port))) for _ in range(idle)]
        started = time.perf_counter()
        for path in PAGE_FILES:
            with requests.Session() as fresh:  # a new connection per file
                fresh.get(base + path, timeout=30).raise_for_status()
        times.append(time.perf_counter() - started)
        for sock in spares:
            sock.close()
    return times


def run(idle: int, loads: int) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "CONSOLE_SECRET_KEY": "bench-console-secret-key-0123456789abcdef",
            "CONSOLE_SECURE_COOKIES": "false",
            "CONSOLE_DATABASE_URL": f"sqlite:///{Path(tmp) / 'console.sqlite3'}",
            "LOG_LEVEL": "WARNING",
        }
        for label, extra in (("stock gthread worker", ["-k", "gthread"]), ("ours", [])):
            port = free_port()
            with gunicorn("services.console:create_app()", port, 1, env, extra):
                base = f"http://127.0.0.1:{port}"
                _load_pages(base, 2, 0)  # warm up
                times = _load_pages(base, loads, idle)
            slow = sum(1 for t in times if t > 1.0)
            rows.append((label, f"{summary_ms(times)}; {slow} of {loads} loads over 1 s"))
    print(f"page + 2 files on new connections, {idle} idle connections held open, 1 process")
    print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle", type=int, default=6, help="idle connections (Chromium: 6)")
    parser.add_argument("--loads", type=int, default=20)
    args = parser.parse_args()
    run(args.idle, args.loads)


if __name__ == "__main__":
    main()
