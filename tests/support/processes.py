"""Running the services as real processes for end-to-end tests."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


# Below Linux's ephemeral range (32768-60999), so that no outgoing connection of a process
# already running can take a port between its choice here and the server binding it (a
# web app then exited with "address in use"); never the same port twice in one run.
_LISTEN_PORTS = range(20000, 32000)
_handed_out: set[int] = set()


def free_port() -> int:
    for _ in range(1000):
        port = random.choice(_LISTEN_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port to listen on between 20000 and 32000")


def run_cli(args: list[str], env: Mapping[str, str]) -> str:
    """Run `python -m ...` to completion; returns stdout, raises with stderr on failure."""
    return run_clis([args], env)[0]


def run_clis(commands: list[list[str]], env: Mapping[str, str]) -> list[str]:
    """Run several `python -m ...` at once (each spends its first second importing), to
    completion; their stdouts in order, or an error with the stderr of those that failed."""
    started = [
        (
            args,
            subprocess.Popen(
                [sys.executable, "-m", *args],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for args in commands
    ]
    outputs, failures = [], []
    for args, process in started:
        try:
            stdout, stderr = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        outputs.append(stdout)
        if process.returncode != 0:
            failures.append(f"{' '.join(args)} failed:\n{stdout}\n{stderr}")
    if failures:
        raise AssertionError("\n".join(failures))
    return outputs


@dataclass
class Processes:
    env: dict[str, str]
    log_dir: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, command: list[str]) -> None:
        with (self.log_dir / f"{name}.log").open("ab") as log:
            self.running[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.running.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)  # reaped: a live child's Popen warns when collected
        self.running.clear()

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.running.items() if p.poll() is not None}
        if dead:
            raise AssertionError(f"processes exited early: {dead}; see {self.log_dir}")


class ProcessesDied(Exception):
    """Not an AssertionError, so that waiting stops at once."""


def wait_until_healthy(url: str, processes: Processes, timeout: float = 60) -> None:
    def healthy() -> bool:
        try:
            processes.check_alive()
        except AssertionError as exc:
            raise ProcessesDied(str(exc)) from None
        try:
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    eventually(healthy, timeout, f"{url} to become healthy")


@contextmanager
def processes(env: dict[str, str], log_dir: Path) -> Iterator[Processes]:
    log_dir.mkdir(parents=True, exist_ok=True)
    group = Processes(env=env, log_dir=log_dir)
    try:
        yield group
    finally:
        group.stop_all()
