"""A use case's refusal on the command line: its reason on one line, exit code 1."""

from __future__ import annotations

import click
from click.testing import CliRunner

from shared.cli import Commands
from shared.errors import InvalidInput, NotFound


@click.group(cls=Commands)
def cli() -> None:
    pass


@cli.command("revoke")
def revoke() -> None:
    raise NotFound("no API token 1234")


@cli.command("create")
def create() -> None:
    raise InvalidInput.for_field("ods_code", "must be a letter followed by five digits")


def test_a_refusal_is_one_line_with_its_reason_not_a_traceback() -> None:
    for command, reason in (
        ("revoke", "no API token 1234"),
        ("create", "ods_code: must be a letter followed by five digits"),
    ):
        result = CliRunner().invoke(cli, [command])

        assert result.exit_code == 1
        assert result.output == f"Error: {reason}\n"
        assert result.exception is None or isinstance(result.exception, SystemExit)
