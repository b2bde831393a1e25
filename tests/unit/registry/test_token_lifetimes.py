"""Every API token expires: 0, negative or very long lifetimes are refused (issue 14, 18)."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from services.registry.entrypoints.cli import cli
from services.registry.service_layer import tokens
from shared.errors import InvalidInput


@pytest.mark.parametrize("days", ["0", "-1", "731", "100000"])
def test_create_token_refuses_a_lifetime_that_is_not_1_to_730_days(days: str) -> None:
    result = CliRunner().invoke(
        cli, ["create-token", "--name", "A", "--role", "admin", "--valid-days", days]
    )
    assert result.exit_code == 2
    assert "--valid-days" in result.output
    assert "1<=x<=730" in result.output


@pytest.mark.parametrize("days", [0, -5, 731])
def test_the_use_case_refuses_a_token_that_never_or_hardly_ever_expires(days: int) -> None:
    never_used: Any = None  # refused before any unit of work is opened
    with pytest.raises(InvalidInput) as refused:
        tokens.issue_token(never_used, "A", "admin", valid_days=days)
    assert refused.value.errors[0].field == "valid_days"
