"""Every API token expires: 0, negative or very long lifetimes are refused on the command line
(issue 14, 18); the use case's own refusal is tested on the fakes (use_cases/test_tokens.py)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.registry.entrypoints.cli import cli


@pytest.mark.parametrize("days", ["0", "-1", "731", "100000"])
def test_create_token_refuses_a_lifetime_that_is_not_1_to_730_days(days: str) -> None:
    result = CliRunner().invoke(
        cli, ["create-token", "--name", "A", "--role", "admin", "--valid-days", days]
    )
    assert result.exit_code == 2
    assert "--valid-days" in result.output
    assert "1<=x<=730" in result.output
