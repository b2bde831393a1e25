"""`python -m services.messaging advance-cascades`: the cascade clock moves only where a test
system allows it (decision 30)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from services.messaging.entrypoints.cli import cli
from tests.unit.messaging.test_sender_settings import BASE


def test_a_moved_clock_is_refused_unless_the_setting_allows_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in BASE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MESSAGING_DATABASE_URL", f"sqlite:///{tmp_path / 'messaging.sqlite3'}")
    monkeypatch.setenv("BUS_DATA_DIR", str(tmp_path / "bus"))
    done = CliRunner().invoke(cli, ["advance-cascades", "--as-of", "2099-01-05T10:00+00:00"])
    assert done.exit_code == 1
    assert "cannot be moved here (CASCADE_CLOCK_MOVABLE is off)" in done.output
