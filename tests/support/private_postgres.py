"""A PostgreSQL server of the test's own (initdb + pg_ctl into a temporary folder, on a free
port), so that a test may stop and start it. Never the shared one."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as `postgres`."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(command: list[str]) -> None:
    done = subprocess.run(
        [*_as_server_user(), *command], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


@dataclass
class PrivatePostgres:
    bin_dir: Path
    data_dir: Path
    port: int
    log_file: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        _run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args])

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-l", str(self.log_file), "-o", options, "-w", "start")

    def stop(self) -> None:
        """As an operator would in a hurry: connections are cut, nothing waits for them."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        _run(
            [
                str(self.bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                name,
            ]
        )
        return self.url(name)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Started on a free port; stopped and removed afterwards."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Not under pytest's tmp_path: as root, `postgres` must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="trialreach-pg-"))
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(folder, server_user.pw_uid, server_user.pw_gid)
    data_dir = folder / "data"
    _run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        ]
    )
    server = PrivatePostgres(bin_dir, data_dir, free_port(), folder / "postgres.log")
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(AssertionError):  # already stopped by the test
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
